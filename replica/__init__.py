"""An offline replica of the ANS site, built from the contract (docs/ans-site.md section 4).

The demo and every end-to-end test crawl it on 127.0.0.1. It never imports the parsers: it is
an independent rendering of the contract, so that it can catch parser bugs.

* `dataset` -- the data (states 1 and 2, `scale`), which is also the truth tests compare with;
* `render` -- three themes ("table", "cards", "lines") with different markup;
* `site` -- routing: request target in, page out;
* `server` -- `ReplicaServer` (standard-library HTTP server in a thread), `Fault`, `run`.
"""
