"""The diff: what each sync changed, built from the stored changes, then written for people.

* build.py: the report of one run or of a period, a query over the `changes` table;
* document.py: the report as people read it (sections, items, field changes, in French);
* markdown.py, html.py, json.py: one writer per format (`segur diff`, the public sync pages,
  `segur diff --format json`).
"""
