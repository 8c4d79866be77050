"""The public catalogue: Datasette 0.65 serving immutable snapshots, in French.

* `app`: builds and runs the Datasette (`build_datasette`, `serve`);
* `internals`: every part of Datasette relied upon beyond its documented API, each
  with its reason, and the check that the installed Datasette still has them;
* `snapshots`, `served`, `database`, `cache`: never half a sync (each request
  reads one snapshot; responses cached until the next swap);
* `names`: the accent-, case- and punctuation-insensitive name look-up;
* `chart`, `status`: the chart page, the last-sync notice (French wording: catalogue/french.py);
* `demo`: `segur demo` (bundled replica -> sync -> serve);
* `plugins/`, `templates/`, `static/`, `metadata.yml` (read by `metadata`),
  `settings.json`, `robots.txt`: what Datasette loads.
"""
