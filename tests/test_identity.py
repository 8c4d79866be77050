"""Identity that survives a restyle: what one rendering prints and another omits (the DUI
domain, referencing numbers, pilots, distributors, the vague) never makes the same entry
look new, removed or changed (docs/ans-site.md, section 4.1)."""

from __future__ import annotations

import dataclasses
import json

import pytest
import sqlite_utils

from catalogue.schema import ensure_schema, migrations, open_db
from catalogue.store import record_run, start_run
from replica.dataset import build_dataset
from scraper.items import CrawlResult, SolutionRecord
from scraper.vocabulary import dispositif_level

BASE_URL = "http://127.0.0.1:9/"


def fine_rows() -> list[SolutionRecord]:
    """The replica's list as a detailed rendering prints it: DUI domains, numbers, pilots."""
    return list(build_dataset(state=1).solutions)


def coarse_rows() -> list[SolutionRecord]:
    """The same list as a terse rendering prints it: "DUI", no number, pilot or distributor,
    and no vague in the rows."""
    return [
        dataclasses.replace(
            record,
            dispositif=dispositif_level(record.dispositif),
            reference_number=None,
            pilots=None,
            distributors=None,
        )
        for record in fine_rows()
    ]


def sync(db, rows: list[SolutionRecord]):
    run_id = start_run(db, BASE_URL)
    result = CrawlResult(BASE_URL, solutions=rows, status="complete", rows_expected=len(rows))
    return record_run(db, run_id, result)


def counts(summary) -> tuple:
    return (summary.status, summary.added, summary.removed, summary.changed, summary.reappeared)


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "segur.db")


def test_the_replica_list_has_what_renderings_disagree_on():
    rows = fine_rows()
    assert sum(1 for r in rows if r.dispositif.startswith("DUI ")) > 50
    assert sum(1 for r in rows if r.reference_number) > 50
    assert any(r.pilots for r in rows) and any(r.distributors for r in rows)


def test_detailed_then_terse_rendering_records_no_change(db):
    assert counts(sync(db, fine_rows()))[:2] == ("complete", len(fine_rows()))
    before = list(db["solutions"].rows)
    assert counts(sync(db, coarse_rows())) == ("complete", 0, 0, 0, 0)
    assert list(db["solutions"].rows) == [
        {**row, "last_seen_run": 2} for row in before
    ]  # the finer facts are kept
    assert db["changes"].count == len(before)  # the first run's additions only


def test_terse_then_detailed_rendering_records_no_change_and_keeps_the_finer_facts(db):
    sync(db, coarse_rows())
    assert counts(sync(db, fine_rows())) == ("complete", 0, 0, 0, 0)
    stored = {(r["editor"], r["solution"], r["version"]): r for r in db["solutions"].rows}
    for record in fine_rows():
        row = stored[(record.editor, record.solution, record.version)]
        assert row["dispositif"] == record.dispositif
        assert row["reference_number"] == record.reference_number
        assert row["pilots"] == record.pilots
    assert db["changes"].count == len(fine_rows())
    assert db["solution_versions"].count == len(fine_rows())


def test_back_and_forth_between_renderings_records_nothing_and_keeps_keys(db):
    sync(db, fine_rows())
    keys = sorted(row["key"] for row in db["solutions"].rows)
    for rows in (coarse_rows(), fine_rows(), coarse_rows()):
        assert counts(sync(db, rows)) == ("complete", 0, 0, 0, 0)
    assert sorted(row["key"] for row in db["solutions"].rows) == keys


def test_a_real_change_still_reads_as_one(db):
    sync(db, fine_rows())
    rows = coarse_rows()
    first = next(i for i, r in enumerate(rows) if r.dispositif == "DUI")
    rows[first] = dataclasses.replace(rows[first], dispositif="DUI MS2 PDS")
    stored_dispositif = fine_rows()[first].dispositif
    assert stored_dispositif != "DUI MS2 PDS"
    summary = sync(db, rows)
    assert counts(summary) == ("complete", 0, 0, 1, 0)
    [change] = db.query("SELECT fields FROM changes WHERE run_id = 2")
    assert json.loads(change["fields"]) == {"dispositif": [stored_dispositif, "DUI MS2 PDS"]}


def test_a_number_read_where_another_was_stored_is_a_change(db):
    sync(db, fine_rows())
    rows = fine_rows()
    numbered = next(i for i, r in enumerate(rows) if r.reference_number)
    rows[numbered] = dataclasses.replace(rows[numbered], reference_number="0123456789")
    summary = sync(db, rows)
    # The site printing another number for the same version: same entry, changed number.
    assert counts(summary) == ("complete", 0, 0, 1, 0)


def test_one_version_in_two_dui_domains_is_one_entry_naming_both(db):
    ms1 = SolutionRecord("ACME", "Usager", "3", dispositif="DUI MS1 PA/PH/DOM", vague=1)
    pde = dataclasses.replace(ms1, dispositif="DUI MS2 PDE")
    sync(db, [ms1, pde])
    [row] = db["solutions"].rows
    assert row["dispositif"] == "DUI MS1 PA/PH/DOM + MS2 PDE"
    assert counts(sync(db, [dataclasses.replace(ms1, dispositif="DUI")])) == (
        "complete",
        0,
        0,
        0,
        0,
    )


# Migration of an existing catalogue.

OLD_ROWS = [
    # key, editor, solution, version, dispositif, vague, status, first, last
    ("sol:acme|usager|3|dui ms1 pa ph dom|1", "ACME", "Usager", "3", "DUI MS1 PA/PH/DOM", 1),
    ("sol:acme|usager|3|dui ms2 pde|1", "ACME", "Usager", "3", "DUI MS2 PDE", 1),
    ("sol:dedalus|kalisil|4 0|sgl|1", "Dedalus", "Kalisil", "4.0", "SGL", 1),
    ("sol:dedalus|kalisil|4 1|sgl|1", "Dedalus", "Kalisil", "4.1", "SGL", 1),
    ("ref:27f99871b4", "ORISHA", "DESMOS", "3.3", "LGC", 1),
]


def old_catalogue(path):
    """A catalogue as the previous version left it: keys with vague and DUI domain."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="m006_rendering_independent_keys")
    db["runs"].insert({"id": 1, "started_at": "2026-11-01T02:30:00+00:00", "status": "complete"})
    for n, (key, editor, solution, version, dispositif, vague) in enumerate(OLD_ROWS):
        product = "|".join([editor.lower(), solution.lower(), dispositif.lower(), str(vague)])
        row = {
            "key": key, "editor": editor, "solution": solution, "version": version,
            "dispositif": dispositif, "vague": vague, "status": "referenced",
            "product_key": product, "page_id": f"page-{n}",
            "first_seen_run": 1, "last_seen_run": 1,
        }  # fmt: skip
        db["solutions"].insert(row)
        db["solution_versions"].insert({"run_id": 1, "key": key, "version": version})
        db["changes"].insert({"run_id": 1, "entity": "solution", "key": key, "kind": "added"})
    db.execute(
        "UPDATE changes SET new_version_of = ? WHERE key = ?",
        ["sol:dedalus|kalisil|4 0|sgl|1", "sol:dedalus|kalisil|4 1|sgl|1"],
    )
    return db


def test_an_existing_catalogue_is_migrated_without_losing_history_or_recording_changes(
    tmp_path,
):
    db = old_catalogue(tmp_path / "old.db")
    changes_before = db["changes"].count
    ensure_schema(db)
    rows = {row["key"]: row for row in db["solutions"].rows}
    assert sorted(rows) == [
        "ref:27f99871b4",
        "sol:acme|usager|3|dui",
        "sol:dedalus|kalisil|4 0|sgl",
        "sol:dedalus|kalisil|4 1|sgl",
    ]
    merged = rows["sol:acme|usager|3|dui"]
    assert merged["dispositif"] == "DUI MS1 PA/PH/DOM + MS2 PDE"
    assert merged["page_id"] == "page-0"  # the first seen keeps its public address
    assert rows["sol:dedalus|kalisil|4 0|sgl"]["product_key"] == "dedalus|kalisil|sgl"
    assert db["changes"].count == changes_before
    history_keys = {row["key"] for row in db["solution_versions"].rows}
    assert history_keys == set(rows)
    [link] = db.query("SELECT key, new_version_of FROM changes WHERE new_version_of IS NOT NULL")
    assert link == {
        "key": "sol:dedalus|kalisil|4 1|sgl",
        "new_version_of": "sol:dedalus|kalisil|4 0|sgl",
    }
    assert {row["key"] for row in db["name_terms"].rows if row["entity"] == "solution"} <= set(rows)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_migrated_catalogue_then_synced_records_no_change(tmp_path):
    db = old_catalogue(tmp_path / "old.db")
    ensure_schema(db)
    rows = [
        SolutionRecord(editor, solution, version, dispositif=dispositif, vague=vague)
        for key, editor, solution, version, dispositif, vague in OLD_ROWS
        if not key.startswith("ref:")
    ]
    rows.append(
        SolutionRecord(
            "ORISHA", "DESMOS", "3.3", dispositif="LGC", vague=1, reference_number="27f99871b4"
        )
    )
    assert counts(sync(db, rows)) == ("complete", 0, 0, 0, 0)
