"""Storage rules of a sync (catalogue.store) on hand-made sequences of runs."""

from __future__ import annotations

import json

import pytest

import catalogue.store as store
from catalogue.schema import open_db
from catalogue.store import (
    ABANDONED_REASON,
    MASS_REMOVAL_MIN,
    MASS_REMOVAL_SHARE,
    RunStateError,
    fail_run,
    record_run,
    start_run,
)
from scraper.items import CandidateRecord, CrawlResult, PageReport, SolutionRecord

ENTRY_TABLES = ("solutions", "candidates", "solution_versions", "candidate_versions", "changes")
BASE_URL = "http://127.0.0.1:9"


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "catalogue.db")


def sol(solution="Kalisil", version="4.0", editor="Dedalus", dispositif="SGL", **more):
    more.setdefault("couloir", "Biologie médicale")
    more.setdefault("vague", 1)
    more.setdefault("referenced_on", "2023-09-01")
    return SolutionRecord(editor, solution, version, dispositif=dispositif, **more)


def cand(solution="NetSoins", editor="NETSOINS", dispositif="DUI MS1 PA/PH/DOM", **more):
    more.setdefault("status", "Candidat")
    more.setdefault("applied_on", "2022-10-03")
    return CandidateRecord(editor, solution, dispositif=dispositif, **more)


def sync(db, solutions=(), candidates=(), status="complete", reason="", pages=None):
    run_id = start_run(db, BASE_URL)
    result = CrawlResult(
        BASE_URL,
        solutions=list(solutions),
        candidates=list(candidates),
        pages=pages or [PageReport(BASE_URL + "/liste", "listing", rows=len(solutions))],
        rows_expected=len(solutions),
        status=status,
        reason=reason,
    )
    return record_run(db, run_id, result)


def snapshot(db) -> dict[str, list]:
    return {
        table: sorted(json.dumps(row, sort_keys=True) for row in db[table].rows)
        for table in ENTRY_TABLES
    }


def solution_row(db, record: SolutionRecord) -> dict:
    return db["solutions"].get(record.key)


def changes(db, run_id: int, entity: str = "solution") -> list[dict]:
    return list(db["changes"].rows_where("run_id = ? AND entity = ?", [run_id, entity]))


def count(db, table: str) -> int:
    return db[table].count


def test_first_run_stores_entries_versions_changes_and_run_row(db):
    pages = [
        PageReport(BASE_URL + "/liste", "listing", rows=2, announced=2),
        PageReport(BASE_URL + "/liste?page=1", "listing", error="HTTP 500"),
    ]
    summary = sync(db, [sol(), sol("Hexalis", "5.0")], [cand()], pages=pages)
    assert (summary.added, summary.removed, summary.changed, summary.candidates_added) == (
        2,
        0,
        0,
        1,
    )
    row = solution_row(db, sol())
    assert row["status"] == "referenced"
    assert row["first_seen_run"] == row["last_seen_run"] == summary.run_id
    assert row["removed_run"] is None
    assert row["product_key"] == sol().product_key
    assert count(db, "solution_versions") == 2 and count(db, "candidate_versions") == 1
    assert {c["kind"] for c in changes(db, summary.run_id)} == {"added"}
    run = db["runs"].get(summary.run_id)
    assert run["status"] == "complete"
    assert (run["pages_fetched"], run["pages_failed"]) == (1, 1)
    assert (run["rows_expected"], run["rows_read"], run["candidates_read"]) == (2, 2, 1)
    assert (run["added"], run["removed"], run["changed"], run["candidates_added"]) == (2, 0, 0, 1)
    assert run["finished_at"] >= run["started_at"]


def test_rerun_on_unchanged_site_only_moves_last_seen_run(db):
    first = sync(db, [sol(), sol("Hexalis", "5.0")], [cand()])
    before = snapshot(db)
    second = sync(db, [sol("Hexalis", "5.0"), sol()], [cand()])
    assert (second.added, second.removed, second.changed, second.reappeared) == (0, 0, 0, 0)
    after = snapshot(db)
    for table in ("solution_versions", "candidate_versions", "changes"):
        assert after[table] == before[table]
    for table in ("solutions", "candidates"):
        for row in db[table].rows:
            assert row["last_seen_run"] == second.run_id
            assert row["first_seen_run"] == first.run_id
    unmoved = [
        {k: v for k, v in json.loads(row).items() if k != "last_seen_run"}
        for row in before["solutions"]
    ]
    assert unmoved == [
        {k: v for k, v in json.loads(row).items() if k != "last_seen_run"}
        for row in after["solutions"]
    ]


def test_field_change_makes_a_version_and_a_change(db):
    sync(db, [sol()])
    summary = sync(db, [sol(referenced_on="2023-09-02")])
    assert summary.changed == 1
    [change] = changes(db, summary.run_id)
    assert change["kind"] == "changed"
    assert json.loads(change["fields"]) == {"referenced_on": ["2023-09-01", "2023-09-02"]}
    assert (change["editor"], change["version"], change["referenced_on"]) == (
        "Dedalus",
        "4.0",
        "2023-09-02",
    )
    assert solution_row(db, sol())["referenced_on"] == "2023-09-02"
    versions = list(db["solution_versions"].rows_where("key = ?", [sol().key], order_by="id"))
    assert [v["referenced_on"] for v in versions] == ["2023-09-01", "2023-09-02"]


def test_version_bump_replaces_the_old_version(db):
    sync(db, [sol(version="4.0")])
    summary = sync(db, [sol(version="4.1")])
    assert (summary.added, summary.removed) == (1, 1)
    [added] = [c for c in changes(db, summary.run_id) if c["kind"] == "added"]
    assert added["replaces"] == sol(version="4.0").key
    assert added["previous_version"] == "4.0"
    assert added["new_version_of"] is None
    old = solution_row(db, sol(version="4.0"))
    assert (old["status"], old["removed_run"]) == ("removed", summary.run_id)


def test_new_version_alongside_the_old_one(db):
    sync(db, [sol(version="4.0")])
    summary = sync(db, [sol(version="4.0"), sol(version="4.1")])
    assert (summary.added, summary.removed) == (1, 0)
    [added] = changes(db, summary.run_id)
    assert added["replaces"] is None
    assert added["new_version_of"] == sol(version="4.0").key
    assert solution_row(db, sol(version="4.0"))["status"] == "referenced"


def test_complete_run_marks_missing_entries_removed_and_keeps_rows(db):
    sync(db, [sol(), sol("Hexalis", "5.0")], [cand(), cand("Autre", "AUTRE")])
    summary = sync(db, [sol()], [cand()])
    assert (summary.removed, summary.candidates_removed) == (1, 1)
    gone = solution_row(db, sol("Hexalis", "5.0"))
    assert (gone["status"], gone["removed_run"]) == ("removed", summary.run_id)
    candidate = db["candidates"].get(cand("Autre", "AUTRE").key)
    assert candidate["removed_run"] == summary.run_id
    assert count(db, "solutions") == 2 and count(db, "candidates") == 2
    [version] = db["solution_versions"].rows_where(
        "key = ? AND run_id = ?", [gone["key"], summary.run_id]
    )
    assert version["status"] == "removed"
    [removal] = changes(db, summary.run_id)
    assert (removal["kind"], removal["status"], removal["solution"]) == (
        "removed",
        "removed",
        "Hexalis",
    )
    assert db["runs"].get(summary.run_id)["removed"] == 1


def test_partial_run_adds_and_updates_but_removes_nothing(db):
    sync(db, [sol(), sol("Hexalis", "5.0")], [cand()])
    summary = sync(
        db,
        [sol(referenced_on="2023-09-05"), sol("Lamweb", "05.02", "Histone")],
        [],
        status="partial",
        reason="La page 2 n'a pas pu être lue.",
    )
    assert (summary.status, summary.added, summary.changed, summary.removed) == (
        "partial",
        1,
        1,
        0,
    )
    assert solution_row(db, sol("Hexalis", "5.0"))["status"] == "referenced"
    assert db["candidates"].get(cand().key)["removed_run"] is None
    run = db["runs"].get(summary.run_id)
    assert (run["status"], run["reason"]) == ("partial", "La page 2 n'a pas pu être lue.")


def test_partial_run_does_not_replace_a_version(db):
    sync(db, [sol(version="4.0")])
    summary = sync(db, [sol(version="4.1")], status="partial")
    [added] = changes(db, summary.run_id)
    assert added["replaces"] is None
    assert added["new_version_of"] == sol(version="4.0").key


def test_failed_run_changes_no_entry(db):
    sync(db, [sol(), sol("Hexalis", "5.0")], [cand()])
    before = snapshot(db)
    summary = sync(db, [sol(version="9")], [], status="failed", reason="Aucune page lisible.")
    assert snapshot(db) == before
    assert (summary.added, summary.removed, summary.changed) == (0, 0, 0)
    run = db["runs"].get(summary.run_id)
    assert (run["status"], run["reason"], run["added"]) == ("failed", "Aucune page lisible.", 0)


def test_reappearance(db):
    sync(db, [sol(), sol("Hexalis", "5.0")])
    sync(db, [sol()])
    summary = sync(db, [sol(), sol("Hexalis", "5.0", referenced_on="2024-01-01")])
    assert (summary.reappeared, summary.added) == (1, 0)
    row = solution_row(db, sol("Hexalis", "5.0"))
    assert (row["status"], row["removed_run"], row["last_seen_run"]) == (
        "referenced",
        None,
        summary.run_id,
    )
    [back] = changes(db, summary.run_id)
    assert back["kind"] == "reappeared"
    assert json.loads(back["fields"]) == {"referenced_on": ["2023-09-01", "2024-01-01"]}
    assert db["runs"].get(summary.run_id)["reappeared"] == 1


def test_candidate_becoming_referenced_is_recorded_with_was_candidate(db):
    sync(db, [sol()], [cand()])
    referenced = sol(
        "Net Soins", "3.1", "Netsoins SAS", "DUI MS1 PA/PH/DOM", couloir="Social et médico-social"
    )
    summary = sync(db, [sol(), referenced], [])
    [added] = [c for c in changes(db, summary.run_id) if c["kind"] == "added"]
    assert json.loads(added["was_candidate"]) == {
        "key": cand().key,
        "dispositif": "DUI MS1 PA/PH/DOM",
        "applied_on": "2022-10-03",
        "status": "Candidat",
    }
    [removed] = changes(db, summary.run_id, "candidate")
    assert (removed["kind"], removed["applied_on"]) == ("removed", "2022-10-03")


def test_duplicates_in_one_crawl_are_stored_once(db):
    summary = sync(
        db,
        [sol(referenced_on=None), sol(distributors="Distrib"), sol()],
        [cand(), cand(applied_on=None)],
    )
    assert (summary.rows_read, summary.added, summary.candidates_read) == (1, 1, 1)
    assert count(db, "solutions") == 1 and count(db, "solution_versions") == 1
    row = solution_row(db, sol())
    assert (row["referenced_on"], row["distributors"]) == ("2023-09-01", "Distrib")


def referenced_catalogue(db, size: int) -> list[SolutionRecord]:
    records = [sol(f"Produit {index}", "1.0") for index in range(size)]
    sync(db, records)
    return records


def test_mass_removal_guard_downgrades_to_partial(db):
    records = referenced_catalogue(db, 30)
    before = snapshot(db)
    summary = sync(db, records[:10])
    assert summary.status == "partial" and summary.downgraded
    assert "20 des 30 solutions" in summary.reason
    assert summary.removed == 0
    assert {(row["status"], row["removed_run"]) for row in db["solutions"].rows} == {
        ("referenced", None)
    }
    assert snapshot(db)["changes"] == before["changes"]
    assert db["runs"].get(summary.run_id)["status"] == "partial"


def test_mass_removal_threshold_constants(db):
    assert (MASS_REMOVAL_SHARE, MASS_REMOVAL_MIN) == (0.5, 10)
    records = referenced_catalogue(db, 30)
    # exactly half (15 of 30) is not more than half: real removals
    summary = sync(db, records[15:])
    assert (summary.status, summary.removed) == ("complete", 15)


def test_mass_removal_guard_spares_small_catalogues(db):
    records = referenced_catalogue(db, 12)
    summary = sync(db, records[:2])  # 10 missing: more than half, but not more than 10
    assert (summary.status, summary.removed) == ("complete", 10)


def test_mass_removal_guard_fires_just_above_both_limits(db, monkeypatch):
    records = referenced_catalogue(db, 22)
    summary = sync(db, records[:10])  # 12 missing of 22: more than half and more than 10
    assert summary.status == "partial"
    monkeypatch.setattr(store, "MASS_REMOVAL_MIN", 12)
    summary = sync(db, records[:10])
    assert (summary.status, summary.removed) == ("complete", 12)


def test_record_run_is_one_transaction(db, monkeypatch):
    sync(db, [sol(), sol("Hexalis", "5.0")], [cand()])
    before = snapshot(db)
    run_id = start_run(db, BASE_URL)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    written = []
    original = store._write_solution_changes

    def spy(*args, **kwargs):
        original(*args, **kwargs)
        written.append(True)

    monkeypatch.setattr(store, "_write_solution_changes", spy)
    monkeypatch.setattr(store, "_write_candidate_changes", broken)
    result = CrawlResult(
        BASE_URL, [sol(version="4.1"), sol("Lamweb", "05.02")], [], status="complete"
    )
    with pytest.raises(RuntimeError):
        record_run(db, run_id, result)
    assert written, "the solutions were written before the failure"
    assert snapshot(db) == before
    assert db["runs"].get(run_id)["status"] == "running"
    assert fail_run(db, run_id, "Écriture impossible : disk full")
    run = db["runs"].get(run_id)
    assert (run["status"], run["reason"], run["added"]) == (
        "failed",
        "Écriture impossible : disk full",
        None,
    )
    assert run["finished_at"]
    assert snapshot(db) == before


def test_start_run_marks_interrupted_runs_failed(db):
    stale = start_run(db, BASE_URL)
    fresh = start_run(db, BASE_URL)
    run = db["runs"].get(stale)
    assert (run["status"], run["reason"]) == ("failed", ABANDONED_REASON)
    assert run["finished_at"]
    assert db["runs"].get(fresh)["status"] == "running"
    with pytest.raises(RunStateError):
        record_run(db, stale, CrawlResult(BASE_URL, [sol()], status="complete"))
    assert count(db, "solutions") == 0


def test_a_run_is_recorded_once(db):
    summary = sync(db, [sol()])
    with pytest.raises(RunStateError):
        record_run(db, summary.run_id, CrawlResult(BASE_URL, [], status="complete"))
    assert not fail_run(db, summary.run_id, "trop tard")
    assert db["runs"].get(summary.run_id)["status"] == "complete"
    assert solution_row(db, sol())["status"] == "referenced"


def test_unknown_status_is_refused(db):
    run_id = start_run(db, BASE_URL)
    with pytest.raises(ValueError):
        record_run(db, run_id, CrawlResult(BASE_URL, [sol()], status="done"))
    assert db["runs"].get(run_id)["status"] == "running"
