"""The public catalogue: Datasette 0.65 serving immutable snapshots, in French.

* `app`: builds and runs the Datasette (`build_datasette`, `serve`);
* `internals`: every part of Datasette relied upon beyond its documented API, each
  with its reason, and the check that the installed Datasette still has them;
* `snapshots`, `served`, `database`, `cache`: never half a sync (each request
  reads one snapshot; responses cached until the next swap);
* `lane`, `limits`: what a public query may cost (its own lane for custom SQL, deadlines);
* `chart`, `status`: the chart page, the last-sync notice (French wording: catalogue/french.py);
* `plugins/`, `templates/`, `static/`, `metadata.yml` (read by `metadata`),
  `settings.json`, `robots.txt`: what Datasette loads.
"""
