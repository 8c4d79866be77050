"""The diff report: what a sync changed, read from the STORED changes.

A report is a query over the `changes` table (written by `catalogue.store` in
the run's own transaction), never a diff recomputed at display time.

`run_report(db, run_id)` returns the JSON-ready report of one run (the latest
finished run by default; its changes are against the catalogue as the previous
runs left it, i.e. the previous complete run plus what later partial runs read):

    {"run": {...the runs row...},
     "solutions": {"added": [...], "removed": [...], "changed": [...]},
     "candidates": {"added": [...], "removed": [...], "changed": [...]}}

Solution elements carry key, editor, solution, version, couloir, dispositif,
vague, referenced_on. Added ones also carry `reappeared` (true for a removed
entry that is back), `replaces` (key of the version it replaces, removed in the
same run), `new_version_of` (key of an earlier version of the product that was
not removed in that run), `previous_version` (the version string of either) and
`was_candidate` ({"key", "dispositif", "applied_on", "status"} of the
candidature a new product matches); removed ones carry `replaced_by`; changed
ones (and reappeared ones whose fields changed) carry `changes`
{field: [before, after]}. Candidate elements carry key, editor, solution,
version, dispositif, status, applied_on, and the same `reappeared` / `changes`.
Lists are sorted by key.

`entries_reports(db, entries, limit)` gives, for some entries only (the feed of a
name), the report of each run that changed them, newest run first, holding
their latest `limit` changes. `filtered_report(report, keep)` keeps the
elements a test accepts (the alerts, the feed of a name within a dispositif).

`since_report(db, since)` merges the changes of every run started on or after a
date. Its "run" is a summary: {"since": "yyyy-mm-dd", "status": the worst status
among the runs, "first_run": id, "last_run": id, "runs": [runs rows]}. Per entry
the stored changes are composed: absent before and present after is added,
present before and absent after is removed, present at both ends is changed with
each field's first "before" and last "after" (dropped when equal), added then
removed within the period is left out.

Writing it for people is the job of catalogue/diff/document.py and its writers
(markdown.py, html.py, json.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import sqlite_utils

from catalogue.history import ADDED, CHANGED, REAPPEARED, REMOVED, SOLUTION
from scraper.items import CandidateRecord, SolutionRecord, field_names
from scraper.normalize import parse_date

# What a change says of its entry: the fields each stored change repeats.
SOLUTION_ELEMENT = ("key", *field_names(SolutionRecord, summary=True))
CANDIDATE_ELEMENT = ("key", *field_names(CandidateRecord, summary=True))
GROUPS = ("added", "removed", "changed")
STATUS_ORDER = ("complete", "partial", "running", "failed")


class ReportError(Exception):
    """No report can be built (message for people, in French, one line)."""


def latest_run_id(db: sqlite_utils.Database) -> int:
    row = next(
        db.query("SELECT id FROM runs WHERE status != 'running' ORDER BY id DESC LIMIT 1"), None
    )
    if row is None:
        raise ReportError("aucune synchronisation terminée dans ce catalogue")
    return row["id"]


def run_report(db: sqlite_utils.Database, run_id: int | None = None) -> dict[str, Any]:
    """The report of one run (default: the latest finished run)."""
    if run_id is None:
        run_id = latest_run_id(db)
    run = next(db.query("SELECT * FROM runs WHERE id = ?", [run_id]), None)
    if run is None:
        raise ReportError(f"aucune synchronisation n° {run_id} dans ce catalogue")
    changes = [_parsed(row) for row in _change_rows(db, [run_id])]
    return _report(run, changes)


def parse_since(text: str) -> str:
    """A date given on the command line ("2024-06-01", "01/06/2024") to ISO."""
    iso = parse_date(text)
    if iso is None:
        raise ReportError(f"date illisible : « {text} » (attendu : AAAA-MM-JJ)")
    return iso


def since_report(db: sqlite_utils.Database, since: str) -> dict[str, Any]:
    """The changes of every finished run started on or after `since` (ISO date), composed."""
    runs = list(
        db.query(
            "SELECT * FROM runs WHERE started_at >= ? AND status != 'running' ORDER BY id",
            [since],
        )
    )
    if not runs:
        raise ReportError(f"aucune synchronisation depuis le {since}")
    changes = [_parsed(row) for row in _change_rows(db, [run["id"] for run in runs])]
    summary = {
        "since": since,
        "status": max((run["status"] for run in runs), key=_status_rank),
        "first_run": runs[0]["id"],
        "last_run": runs[-1]["id"],
        "runs": runs,
    }
    return _report(summary, compose_changes(changes))


_ENTRIES_CHANGES_SQL = """
SELECT * FROM changes
WHERE (entity, key) IN (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
)
ORDER BY run_id DESC, id DESC
LIMIT ?
"""


def entries_reports(
    db: sqlite_utils.Database, entries: Iterable[tuple[str, str]], limit: int
) -> list[dict[str, Any]]:
    """The report of each run that changed one of `entries` ((entity, key) pairs),
    newest run first, holding only their changes, the latest `limit` in all."""
    rows = db.query(_ENTRIES_CHANGES_SQL, [json.dumps(sorted(entries)), limit])
    by_run: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_run[row["run_id"]].append(_parsed(row))
    runs = db.query(
        "SELECT * FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC",
        [json.dumps(list(by_run))],
    )
    return [_report(run, by_run[run["id"]][::-1]) for run in runs]


Keep = Callable[[str, str, dict[str, Any]], bool]


def filtered_report(report: dict[str, Any], keep: Keep) -> dict[str, Any]:
    """The report with only the elements `keep(entity, group, element)` accepts
    (entity "solutions" or "candidates", group "added", "removed" or "changed")."""
    filtered: dict[str, Any] = {"run": report["run"]}
    for entity in ("solutions", "candidates"):
        filtered[entity] = {
            group: [each for each in report[entity][group] if keep(entity, group, each)]
            for group in GROUPS
        }
    return filtered


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _change_rows(db: sqlite_utils.Database, run_ids: list[int]) -> Iterable[dict[str, Any]]:
    return db.query(
        "SELECT * FROM changes WHERE run_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY run_id, id",
        [json.dumps(run_ids)],
    )


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "fields": json.loads(row["fields"]) if row.get("fields") else {},
        "was_candidate": json.loads(row["was_candidate"]) if row.get("was_candidate") else None,
    }


def compose_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The net change of each entry over consecutive runs (see the module docstring)."""
    sequences: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        sequences[(change["entity"], change["key"])].append(change)
    composed = []
    for sequence in sequences.values():
        net = _net_change(sequence)
        if net is not None:
            composed.append(net)
    return composed


def _net_change(sequence: list[dict[str, Any]]) -> dict[str, Any] | None:
    first, last = sequence[0], sequence[-1]
    present_before = first["kind"] in (REMOVED, CHANGED)
    present_after = last["kind"] != REMOVED
    fields = _composed_fields(sequence)
    if present_before and present_after:
        return {**last, "kind": CHANGED, "fields": fields} if fields else None
    if present_before:
        return {**last, "fields": {}}
    if not present_after:
        return None
    arrival = next(c for c in reversed(sequence) if c["kind"] in (ADDED, REAPPEARED))
    kind = REAPPEARED if first["kind"] == REAPPEARED else ADDED
    links = {name: arrival.get(name) for name in _LINKS}
    return {**last, **links, "kind": kind, "fields": fields if kind == REAPPEARED else {}}


_LINKS = ("replaces", "new_version_of", "previous_version", "was_candidate")


def _composed_fields(sequence: list[dict[str, Any]]) -> dict[str, list]:
    composed: dict[str, list] = {}
    for change in sequence:
        for name, (before, after) in change["fields"].items():
            composed[name] = [composed[name][0] if name in composed else before, after]
    return {name: pair for name, pair in composed.items() if pair[0] != pair[1]}


def _report(run: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "run": run,
        "solutions": {group: [] for group in GROUPS},
        "candidates": {group: [] for group in GROUPS},
    }
    for change in changes:
        entity = "solutions" if change["entity"] == SOLUTION else "candidates"
        group = ADDED if change["kind"] == REAPPEARED else change["kind"]
        report[entity][group].append(_element(change))
    replaced_by = {
        element["replaces"]: element["key"]
        for element in report["solutions"]["added"]
        if element["replaces"]
    }
    for element in report["solutions"]["removed"]:
        element["replaced_by"] = replaced_by.get(element["key"])
    for entity in ("solutions", "candidates"):
        for group in GROUPS:
            report[entity][group].sort(key=lambda element: element["key"])
    return report


def _element(change: dict[str, Any]) -> dict[str, Any]:
    names = SOLUTION_ELEMENT if change["entity"] == SOLUTION else CANDIDATE_ELEMENT
    element = {name: change.get(name) for name in names}
    kind = change["kind"]
    if kind in (ADDED, REAPPEARED):
        element["reappeared"] = kind == REAPPEARED
        if change["entity"] == SOLUTION:
            element.update({name: change.get(name) for name in _LINKS})
        if change["fields"]:
            element["changes"] = change["fields"]
    elif kind == CHANGED:
        element["changes"] = change["fields"]
    return element
