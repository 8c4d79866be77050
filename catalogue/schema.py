"""The one owner of the catalogue's database shape.

`ensure_schema(db)` creates and migrates every table, index, full-text index
and view, idempotently, through sqlite-utils `Migrations`. Nothing else in the
project creates or alters a table.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from scraper.items import SOLUTION_FIELDS, SolutionRecord, field_info

migrations = Migrations("segur-catalogue")

# The records' fields as m001 and m002 created them: migrations are history, so a
# field added to a record later comes with its own migration (tests/test_fields.py
# checks that the tables hold every field of the records).
SOLUTION_COLUMNS = {
    "key": str,
    "editor": str,
    "solution": str,
    "version": str,
    "couloir": str,
    "dispositif": str,
    "vague": int,
    "referenced_on": str,
    "reference_number": str,
    "distributors": str,
    "pilots": str,
    "source_url": str,
}

CANDIDATE_COLUMNS = {
    "key": str,
    "editor": str,
    "solution": str,
    "version": str,
    "dispositif": str,
    "status": str,
    "applied_on": str,
    "source_url": str,
}

TRACKING_COLUMNS = {"first_seen_run": int, "last_seen_run": int, "removed_run": int}


@migrations()
def m001_runs_and_entries(db: sqlite_utils.Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | complete | partial | failed
            "reason": str,
            "base_url": str,
            "pages_fetched": int,
            "pages_failed": int,
            "rows_expected": int,
            "rows_read": int,
            "candidates_read": int,
            "added": int,
            "removed": int,
            "changed": int,
        },
        pk="id",
    )
    db.table("solutions").create(
        {**SOLUTION_COLUMNS, "status": str, **TRACKING_COLUMNS},
        pk="key",
        foreign_keys=[
            ("first_seen_run", "runs", "id"),
            ("last_seen_run", "runs", "id"),
            ("removed_run", "runs", "id"),
        ],
    )
    db.table("candidates").create(
        {**CANDIDATE_COLUMNS, **TRACKING_COLUMNS},
        pk="key",
        foreign_keys=[
            ("first_seen_run", "runs", "id"),
            ("last_seen_run", "runs", "id"),
            ("removed_run", "runs", "id"),
        ],
    )
    for table in ("solutions", "candidates"):
        db.table(table).create_index(["status"] if table == "solutions" else ["removed_run"])
        db.table(table).create_index(["dispositif"])
    db.table("solutions").create_index(["couloir", "dispositif"])
    db.table("solutions").create_index(["referenced_on"])


@migrations()
def m002_history(db: sqlite_utils.Database) -> None:
    """One row per version of an entry, and one row per detected change."""
    db.table("solution_versions").create(
        {"id": int, "run_id": int, **SOLUTION_COLUMNS, "status": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("key", "solutions", "key")],
    )
    db.table("candidate_versions").create(
        {"id": int, "run_id": int, **CANDIDATE_COLUMNS, "removed": int},
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("key", "candidates", "key")],
    )
    db.table("changes").create(
        {
            "id": int,
            "run_id": int,
            "entity": str,  # solution | candidate
            "key": str,
            "kind": str,  # added | removed | changed | reappeared
            "fields": str,  # JSON {"field": [before, after]}
            "replaces": str,  # key of the version this added entry replaces
            "was_candidate": str,  # JSON {"key", "dispositif", "applied_on", "status"}
            "editor": str,
            "solution": str,
            "version": str,
            "couloir": str,
            "dispositif": str,
            "vague": int,
            "referenced_on": str,
            "status": str,
            "detected_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("solution_versions").create_index(["key", "run_id"])
    db.table("candidate_versions").create_index(["key", "run_id"])
    db.table("changes").create_index(["run_id", "entity", "kind"])
    db.table("changes").create_index(["key"])


@migrations()
def m003_store_tracking(db: sqlite_utils.Database) -> None:
    """Columns the store and the diff report need (catalogue/store.py, catalogue/diff/build.py).

    * runs: per-kind counts (solutions reappeared; candidates added, removed,
      changed, reappeared) next to the solution counts added/removed/changed.
    * solutions.product_key: editor|solution|dispositif|vague in key form
      (`SolutionRecord.product_key`), shared by every version of one product.
    * changes.new_version_of: on an added solution whose product already had a
      version in the catalogue that this run did not remove (one still referenced
      preferred, then the highest), that version's key (`replaces` stays NULL);
      changes.previous_version: the version string of `replaces` or
      `new_version_of`; changes.applied_on: a candidate's date, denormalised
      like the other columns so the report never reads current rows.
    """
    for column in (
        "reappeared",
        "candidates_added",
        "candidates_removed",
        "candidates_changed",
        "candidates_reappeared",
    ):
        db.table("runs").add_column(column, int)
    db.table("solutions").add_column("product_key", str)
    for row in list(db.table("solutions").rows):
        record = SolutionRecord(**{name: row[name] for name in SOLUTION_FIELDS})
        db.table("solutions").update(row["key"], {"product_key": record.product_key})
    db.table("solutions").create_index(["product_key"])
    db.table("changes").add_column("new_version_of", str)
    db.table("changes").add_column("previous_version", str)
    db.table("changes").add_column("applied_on", str)
    db.table("solution_versions").create_index(["run_id"])
    db.table("candidate_versions").create_index(["run_id"])


# What the public catalogue opens on: the solutions referenced today, every field
# of `SolutionRecord` under its French column name (`FieldInfo.column`), the name
# first. `rowid` lets Datasette run the full-text search of `solutions_fts` on the
# view (metadata `fts_pk`); `fiche` is the entry's page.
PUBLIC_VIEW = "solutions_referencees"


def public_view_fields() -> tuple[str, ...]:
    """The fields of `SolutionRecord` the view shows, in its order: the name first."""
    return ("solution", *(name for name in SOLUTION_FIELDS if name != "solution"))


def public_view_sql() -> str:
    columns = [
        _public_column(name, field_info(SolutionRecord, name).column)
        for name in public_view_fields()
    ]
    lines = ",\n".join(f"    {column}" for column in ["rowid", *columns, "page_id AS fiche"])
    return f"\nSELECT\n{lines}\nFROM solutions\nWHERE status = 'referenced'"


def _public_column(name: str, public: str) -> str:
    return name if name == public else f"{name} AS {public}"


def create_public_view(db: sqlite_utils.Database) -> None:
    """(Re)create the public view when it differs from what the record says: a
    migration adding a field to the solutions table brings it to the view."""
    sql = public_view_sql()
    stored = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [PUBLIC_VIEW]
    ).fetchone()
    if stored is None or stored[0].split(" AS ", 1)[1] != sql:
        db.create_view(PUBLIC_VIEW, sql, replace=True)


# m004 created the view with `key AS cle`; m005 replaced it with `page_id AS fiche`.


@migrations()
def m004_public_catalogue(db: sqlite_utils.Database) -> None:
    """What the public catalogue (catalogue/serve) reads.

    * Full-text search over editor and solution that ignores accents and case
      (FTS5, unicode61 with remove_diacritics 2), kept up to date by triggers.
    * The view `solutions_referencees`: what is referenced today.
    * Indexes for the view's order (newest referencing first), the vague facet and
      the feeds of newly referenced solutions (changes by entity and kind).
    """
    for table in ("solutions", "candidates"):
        db.table(table).enable_fts(
            ["editor", "solution"],
            tokenize="unicode61 remove_diacritics 2",
            create_triggers=True,
            replace=True,
        )
    db.table("solutions").create_index(["status", "referenced_on"])
    db.table("solutions").create_index(["vague"])
    db.table("changes").create_index(["entity", "kind", "run_id"])
    create_public_view(db)


# The look-up index: every form under which a name may be typed, as a prefix
# ("the typed text starts at the beginning of a word"). Filled by
# `catalogue.lookup.refresh_name_terms` after each run and in each snapshot.
NAME_TERMS_COLUMNS = {"term": str, "kind": int, "entity": str, "key": str, "withdrawn": int}


@migrations()
def m005_pages_and_lookup(db: sqlite_utils.Database) -> None:
    """Stable public pages and the name look-up index.

    * solutions.page_id, candidates.page_id: the entry's public page
      (catalogue/pages.py), given once and never changed;
    * name_terms: the look-up index of catalogue/lookup.py (term is a compact
      form, kind 0 a whole name, 1 a name from one of its later words, 2 the
      editor and solution names together; withdrawn 1 for a withdrawn solution or
      a candidature no longer listed), searched by prefix.
    """
    from catalogue.lookup import refresh_name_terms
    from catalogue.pages import page_id

    for table in ("solutions", "candidates"):
        db.table(table).add_column("page_id", str)
        for row in list(db.table(table).rows):
            page = page_id(row["key"], row["solution"], row["version"], row["editor"])
            db.table(table).update(row["key"], {"page_id": page})
        db.table(table).create_index(["page_id"], unique=True)
    db.table("name_terms").create(NAME_TERMS_COLUMNS)
    # Covering: a look-up reads the index alone, never the table.
    db.table("name_terms").create_index(["term", "entity", "kind", "key", "withdrawn"])
    refresh_name_terms(db)
    create_public_view(db)


@migrations()
def m006_rendering_independent_keys(db: sqlite_utils.Database) -> None:
    """Solution keys made of what every rendering gives (scraper/items.py).

    `sol:` keys lose the vague and keep the dispositif at the level every
    rendering knows ("DUI", not "DUI MS1 PA/PH/DOM"); `product_key` likewise.
    `ref:` keys stay. Entries that now share a key (the same version read once
    per DUI domain, or per vague) become one: the first seen keeps its page,
    its dispositif names every domain read, its blanks are filled from the
    others, and every history row and change points to it. Nothing is recorded
    as a change; the public pages (page_id) keep their addresses.
    """
    from catalogue.lookup import refresh_name_terms

    db.execute("PRAGMA defer_foreign_keys = ON")
    rows = list(db.query("SELECT * FROM solutions ORDER BY first_seen_run, rowid"))
    survivors: dict[str, dict] = {}
    renamed: dict[str, str] = {}
    for row in rows:
        record = SolutionRecord(**{name: row[name] for name in SOLUTION_FIELDS})
        new_key = row["key"] if row["key"].startswith("ref:") else record.natural_key
        renamed[row["key"]] = new_key
        kept = survivors.get(new_key)
        if kept is None:
            survivors[new_key] = {**row, "product_key": record.product_key}
        else:
            survivors[new_key] = _merged_entry(kept, row)
    for old_key, new_key in renamed.items():
        if old_key == new_key and survivors[new_key]["key"] == old_key:
            continue
        _point_history_to(db, old_key, new_key)
    for row in rows:
        if survivors[renamed[row["key"]]]["key"] != row["key"]:
            db.execute("DELETE FROM solutions WHERE key = ?", [row["key"]])
    for new_key, row in survivors.items():
        db.execute("UPDATE solutions SET key = ? WHERE key = ?", [new_key, row["key"]])
        values = {name: row[name] for name in row if name not in ("key", "rowid")}
        db.table("solutions").update(new_key, values)
    refresh_name_terms(db)


@migrations()
def m007_run_archives(db: sqlite_utils.Database) -> None:
    """The WARC file of each run's exchanges (scraper/archive.py, catalogue/archives.py).

    * runs.archive_path: `archive/run-<id>.warc.gz`, relative to the catalogue's
      folder; NULL when none could be written, and once retention deleted it;
    * runs.archive_size (bytes) and runs.archive_sha256 (hex) of the file as
      written; they stay after the file is deleted, a record of what was read.
    """
    db.table("runs").add_column("archive_path", str)
    db.table("runs").add_column("archive_size", int)
    db.table("runs").add_column("archive_sha256", str)


@migrations()
def m008_failure_kind(db: sqlite_utils.Database) -> None:
    """runs.failure_kind: why a run that is not complete is not, in one word
    (scraper/items.py FAILURE_KINDS). Earlier runs stay NULL (unknown)."""
    db.table("runs").add_column("failure_kind", str)


def _merged_entry(kept: dict, other: dict) -> dict:
    """Two stored entries that are one: the first seen keeps its identity."""
    from scraper.vocabulary import combine_dispositifs

    merged = dict(kept)
    for name, value in other.items():
        if merged.get(name) in (None, "") and value not in (None, ""):
            merged[name] = value
    merged["dispositif"] = combine_dispositifs(kept["dispositif"], other["dispositif"])
    if "referenced" in (kept["status"], other["status"]):
        merged.update(status="referenced", removed_run=None)
    merged["last_seen_run"] = max(kept["last_seen_run"] or 0, other["last_seen_run"] or 0)
    return merged


def _point_history_to(db: sqlite_utils.Database, old_key: str, new_key: str) -> None:
    db.execute("UPDATE solution_versions SET key = ? WHERE key = ?", [new_key, old_key])
    for column in ("key", "replaces", "new_version_of"):
        db.execute(
            f"UPDATE changes SET [{column}] = ? WHERE entity = 'solution' AND [{column}] = ?",
            [new_key, old_key],
        )


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating its folder and shape if needed) the catalogue at `path`.

    WAL journaling lets readers (Datasette) keep seeing the last committed sync
    while a new one writes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 10000")
    if db.journal_mode != "wal":
        db.enable_wal()
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    create_public_view(db)


# Migrations apply in the order they are defined: m007 and later ones are defined
# here, at the end of the module, after any earlier one.
