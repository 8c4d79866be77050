"""The open-data bundle: the catalogue published as a Frictionless Data Package.

    export_catalogue(db, Path("data/donnees"))   # segur export; atomically replaced
    rebuild_bundle("data/segur.db")              # after each complete sync

A bundle is a folder of six files: `solutions.csv`, `candidates.csv`, `changes.csv`,
`runs.csv` (UTF-8, comma, header row, ISO dates, one row per entry, change or sync,
ordered by key), `datapackage.json` (a Table Schema per file: French titles and
descriptions, types, keys, constraints; licence Etalab 2.0, sources, dates, and what a
data.gouv.fr resource needs) and a French `README.md`; plus `catalogue-segur.zip`, the
six files in one archive. `segur serve` publishes the bundle beside the catalogue at
`/donnees/`.

* `tables`: which rows and columns each file holds, and each column's schema field;
* `facts`: what the package says of the data (runs, coverage, counts), read from the
  catalogue;
* `package`: the `datapackage.json` descriptor;
* `readme`: the French README;
* `bundle`: writing a bundle (never half of one), and reading one back for the server.
"""
