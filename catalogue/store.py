"""Apply one crawl to the catalogue: the database side of a sync.

    run_id = start_run(db, base_url)
    summary = record_run(db, run_id, result)   # or fail_run(db, run_id, reason)

`record_run` writes everything of a run in ONE transaction: the entries, their
versions (`solution_versions`, `candidate_versions`), the detected changes
(`changes`) and the `runs` row. Either all of it is committed or none of it.

* failed run: only its `runs` row is written; no entry changes.
* partial run: what was read is added or updated; nothing is marked removed.
* complete run: entries missing from the crawl are marked removed
  (solutions: `status='removed'`, `removed_run`; candidates: `removed_run`).
  Rows are never deleted.
* mass-removal guard: a complete run that would remove more than
  `MASS_REMOVAL_SHARE` of the referenced solutions, and more than
  `MASS_REMOVAL_MIN` of them, is recorded as partial: a page that broke must
  never look like a wave of de-referencings.
* an entry read again unchanged only gets `last_seen_run`: no version row, no
  change row.

Change detection itself is pure and lives in `catalogue.history`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from catalogue.history import (
    ADDED,
    CANDIDATE,
    CHANGED,
    REAPPEARED,
    REFINED,
    REMOVED,
    REMOVED_STATUS,
    SOLUTION,
    Change,
    candidate_pool,
    detect_candidate_changes,
    detect_solution_changes,
    missing_referenced,
    rekey_by_natural_identity,
    unique_by_key,
)
from catalogue.lookup import refresh_name_terms
from catalogue.pages import page_id
from catalogue.schema import CANDIDATE_COLUMNS, SOLUTION_COLUMNS, open_db
from scraper.items import INTERRUPTED, LAYOUT, CrawlResult

RUNNING = "running"
COMPLETE = "complete"
PARTIAL = "partial"
FAILED = "failed"
RESULT_STATUSES = (COMPLETE, PARTIAL, FAILED)

INTERRUPTED_REASON = "Synchronisation interrompue."
ABANDONED_REASON = (
    "Synchronisation interrompue : le processus qui la menait s'est arrêté avant la fin."
)

# A complete run may remove at most this share of the referenced solutions...
MASS_REMOVAL_SHARE = 0.5
# ...unless it removes no more than this many (small catalogues, real removals).
MASS_REMOVAL_MIN = 10


class RunStateError(Exception):
    """The run cannot be recorded: unknown, or no longer running."""


class CatalogueError(Exception):
    """The catalogue cannot be opened for reading (message for people, in French)."""


@dataclass
class RunSummary:
    """What `record_run` stored; counts are solutions unless prefixed `candidates_`."""

    run_id: int
    status: str
    reason: str
    pages_fetched: int = 0
    pages_failed: int = 0
    rows_expected: int | None = None
    rows_read: int = 0
    candidates_read: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    reappeared: int = 0
    candidates_added: int = 0
    candidates_removed: int = 0
    candidates_changed: int = 0
    candidates_reappeared: int = 0
    archive_path: str | None = None  # relative to the catalogue's folder (catalogue/archives.py)
    archive_size: int | None = None
    archive_sha256: str | None = None
    # Not stored: for the operator.
    downgraded: bool = False  # a complete crawl recorded as partial by the mass-removal guard
    failure_kind: str | None = None  # why it is not complete (scraper/items.py FAILURE_KINDS)
    notices: list[str] = field(default_factory=list)  # one-line problems that spared the run
    archives_deleted: list[str] = field(default_factory=list)  # by retention, after the run

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


NOT_STORED = ("run_id", "downgraded", "notices", "archives_deleted")


@dataclass(frozen=True)
class RunArchive:
    """The WARC file of a run's exchanges, as the `runs` row records it."""

    path: str  # relative to the catalogue's folder, "/"-separated
    size: int
    sha256: str


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fail_abandoned_runs(db: sqlite_utils.Database, *, now: str | None = None) -> list[int]:
    """Mark failed every run still `running`, and return their ids.

    Call it only while holding the sync lock: no sync is then under way, so a
    `running` run was left by a process that was killed and can never finish.
    """
    if "runs" not in db.table_names():
        return []
    with db.atomic():
        ids = [row[0] for row in db.execute("SELECT id FROM runs WHERE status = ?", [RUNNING])]
        db.execute(
            "UPDATE runs SET status = ?, reason = ?, finished_at = ?, failure_kind = ?"
            " WHERE status = ?",
            [FAILED, ABANDONED_REASON, now or utc_now(), INTERRUPTED, RUNNING],
        )
    return ids


def fail_abandoned_runs_at(path: str | Path) -> list[int]:
    """`fail_abandoned_runs` on the catalogue file at `path` (the caller holds the
    sync lock). Raises `sqlite3.Error` or `OSError` when it cannot be written."""
    with closing(sqlite3.connect(path, timeout=10)) as conn:
        return fail_abandoned_runs(sqlite_utils.Database(conn))


def start_run(db: sqlite_utils.Database, base_url: str, *, now: str | None = None) -> int:
    """Insert a `running` run and return its id. A run still `running` (its
    process was killed) is first marked failed: it can no longer finish."""
    now = now or utc_now()
    with db.atomic():
        fail_abandoned_runs(db, now=now)
        runs = db.table("runs").insert({"started_at": now, "status": RUNNING, "base_url": base_url})
        return cast(int, runs.last_pk)  # runs.id is an INTEGER PRIMARY KEY


def fail_run(
    db: sqlite_utils.Database,
    run_id: int,
    reason: str,
    *,
    failure_kind: str | None = None,
    now: str | None = None,
) -> bool:
    """Mark a running run failed (only its `runs` row). Returns False, and
    changes nothing, when the run is not running (already recorded)."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE runs SET status = ?, reason = ?, finished_at = ?, failure_kind = ?"
            " WHERE id = ? AND status = ?",
            [FAILED, reason, now or utc_now(), failure_kind, run_id, RUNNING],
        )
        return cursor.rowcount == 1


def record_run(
    db: sqlite_utils.Database,
    run_id: int,
    result: CrawlResult,
    *,
    now: str | None = None,
    archive: RunArchive | None = None,
) -> RunSummary:
    """Store one crawl as run `run_id`, in one transaction; see the module docstring.
    `archive` is the WARC file of its exchanges, when one was written."""
    if result.status not in RESULT_STATUSES:
        raise ValueError(f"unknown crawl status {result.status!r}")
    now = now or utc_now()
    solutions = unique_by_key(result.solutions)
    candidates = unique_by_key(result.candidates)
    summary = RunSummary(
        run_id=run_id,
        status=result.status,
        reason=result.reason or "",
        pages_fetched=sum(1 for page in result.pages if not page.error),
        pages_failed=sum(1 for page in result.pages if page.error),
        rows_expected=result.rows_expected,
        rows_read=len(solutions),
        candidates_read=len(candidates),
        failure_kind=result.failure_kind,
    )
    if archive is not None:
        summary.archive_path = archive.path
        summary.archive_size = archive.size
        summary.archive_sha256 = archive.sha256
    with db.atomic():
        # Writing first takes the write lock before anything is read.
        _claim_run(db, run_id, now)
        if result.status != FAILED:
            _apply_crawl(db, summary, solutions, candidates, now)
        _finish_run_row(db, summary, now)
    return summary


def _claim_run(db: sqlite_utils.Database, run_id: int, now: str) -> None:
    cursor = db.execute(
        "UPDATE runs SET finished_at = ? WHERE id = ? AND status = ?", [now, run_id, RUNNING]
    )
    if cursor.rowcount != 1:
        raise RunStateError(f"run {run_id} is not a running run; it cannot be recorded")


def _apply_crawl(db, summary: RunSummary, solutions, candidates, now: str) -> None:
    current_solutions = _current_rows(db, "solutions")
    current_candidates = _current_rows(db, "candidates")
    solutions = rekey_by_natural_identity(current_solutions, solutions)
    if summary.status == COMPLETE:
        _guard_mass_removal(summary, current_solutions, set(solutions))
    complete = summary.status == COMPLETE
    solution_changes = detect_solution_changes(
        current_solutions,
        solutions,
        complete=complete,
        candidates=candidate_pool(current_candidates, candidates),
    )
    candidate_changes = detect_candidate_changes(current_candidates, candidates, complete=complete)
    _write_solution_changes(db, summary.run_id, solution_changes, now)
    _write_candidate_changes(db, summary.run_id, candidate_changes, now)
    _touch_seen(db, "solutions", list(solutions), summary.run_id)
    _touch_seen(db, "candidates", list(candidates), summary.run_id)
    if any(change.kind != REFINED for change in solution_changes + candidate_changes):
        refresh_name_terms(db)
    _count(summary, solution_changes, candidate_changes)


def _current_rows(db: sqlite_utils.Database, table: str) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in db.table(table).rows}


def _guard_mass_removal(summary: RunSummary, current: dict, read_keys: set[str]) -> None:
    referenced = sum(1 for row in current.values() if row["status"] != REMOVED_STATUS)
    missing = missing_referenced(current, read_keys)
    if missing > MASS_REMOVAL_MIN and missing > MASS_REMOVAL_SHARE * referenced:
        summary.status = PARTIAL
        summary.downgraded = True
        summary.failure_kind = LAYOUT
        summary.reason = (
            f"Synchronisation ramenée à partielle : {missing} des {referenced} solutions "
            "référencées manquaient à la lecture (plus de la moitié), ce qui ressemble à une "
            "page illisible plutôt qu'à des retraits."
        )


def _write_solution_changes(db, run_id: int, changes: list[Change], now: str) -> None:
    added = [change for change in changes if change.kind == ADDED]
    db.table("solutions").insert_all(
        (
            {
                **_columns(change.row, SOLUTION_COLUMNS),
                "product_key": change.row["product_key"],
                "status": change.row["status"],
                "page_id": _page_id(change.row),
                "first_seen_run": run_id,
                "last_seen_run": run_id,
                "removed_run": None,
            }
            for change in added
        ),
        pk="key",
    )
    for change in changes:
        if change.kind == ADDED:
            continue
        values = {**_columns(change.row, SOLUTION_COLUMNS), "status": change.row["status"]}
        values.pop("key")
        if change.kind == REMOVED:
            values["removed_run"] = run_id
        else:
            values.update(
                product_key=change.row["product_key"], last_seen_run=run_id, removed_run=None
            )
        db.table("solutions").update(change.key, values)
    recorded = [change for change in changes if change.kind != REFINED]
    db.table("solution_versions").insert_all(
        {"run_id": run_id, **_columns(change.row, SOLUTION_COLUMNS), "status": change.row["status"]}
        for change in recorded
    )
    _insert_change_rows(db, run_id, recorded, now)


def _write_candidate_changes(db, run_id: int, changes: list[Change], now: str) -> None:
    db.table("candidates").insert_all(
        (
            {
                **_columns(change.row, CANDIDATE_COLUMNS),
                "page_id": _page_id(change.row),
                "first_seen_run": run_id,
                "last_seen_run": run_id,
                "removed_run": None,
            }
            for change in changes
            if change.kind == ADDED
        ),
        pk="key",
    )
    for change in changes:
        if change.kind == ADDED:
            continue
        values = _columns(change.row, CANDIDATE_COLUMNS)
        values.pop("key")
        if change.kind == REMOVED:
            values["removed_run"] = run_id
        else:
            values.update(last_seen_run=run_id, removed_run=None)
        db.table("candidates").update(change.key, values)
    recorded = [change for change in changes if change.kind != REFINED]
    db.table("candidate_versions").insert_all(
        {
            "run_id": run_id,
            **_columns(change.row, CANDIDATE_COLUMNS),
            "removed": int(change.kind == REMOVED),
        }
        for change in recorded
    )
    _insert_change_rows(db, run_id, recorded, now)


def _page_id(row: dict[str, Any]) -> str:
    return page_id(row["key"], row.get("solution"), row.get("version"), row.get("editor"))


def _columns(row: dict[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    return {name: row.get(name) for name in columns}


def _insert_change_rows(db, run_id: int, changes: list[Change], now: str) -> None:
    db.table("changes").insert_all(_change_row(run_id, change, now) for change in changes)


def _change_row(run_id: int, change: Change, now: str) -> dict[str, Any]:
    row = change.row
    return {
        "run_id": run_id,
        "entity": change.entity,
        "key": change.key,
        "kind": change.kind,
        "fields": _json(change.fields),
        "replaces": change.replaces,
        "new_version_of": change.new_version_of,
        "previous_version": change.previous_version,
        "was_candidate": _json(change.was_candidate),
        "editor": row.get("editor"),
        "solution": row.get("solution"),
        "version": row.get("version"),
        "couloir": row.get("couloir") if change.entity == SOLUTION else None,
        "dispositif": row.get("dispositif"),
        "vague": row.get("vague") if change.entity == SOLUTION else None,
        "referenced_on": row.get("referenced_on") if change.entity == SOLUTION else None,
        "applied_on": row.get("applied_on") if change.entity == CANDIDATE else None,
        "status": row.get("status"),
        "detected_at": now,
    }


def _json(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def _touch_seen(db: sqlite_utils.Database, table: str, keys: list[str], run_id: int) -> None:
    db.execute(
        f"UPDATE [{table}] SET last_seen_run = ? WHERE key IN (SELECT value FROM json_each(?))",
        [run_id, json.dumps(keys)],
    )


def _count(summary: RunSummary, solutions: list[Change], candidates: list[Change]) -> None:
    def count(changes: list[Change], kind: str) -> int:
        return sum(1 for change in changes if change.kind == kind)

    summary.added = count(solutions, ADDED)
    summary.removed = count(solutions, REMOVED)
    summary.changed = count(solutions, CHANGED)
    summary.reappeared = count(solutions, REAPPEARED)
    summary.candidates_added = count(candidates, ADDED)
    summary.candidates_removed = count(candidates, REMOVED)
    summary.candidates_changed = count(candidates, CHANGED)
    summary.candidates_reappeared = count(candidates, REAPPEARED)


def _finish_run_row(db: sqlite_utils.Database, summary: RunSummary, now: str) -> None:
    values = summary.as_dict()
    for name in NOT_STORED:
        values.pop(name)
    db.table("runs").update(summary.run_id, {**values, "finished_at": now})


CHANGE_COUNTS = (
    "added",
    "removed",
    "changed",
    "reappeared",
    "candidates_added",
    "candidates_removed",
    "candidates_changed",
    "candidates_reappeared",
)


def finished_runs_without_change(db: sqlite_utils.Database, run_ids) -> set[int]:
    """Those of `run_ids` that are finished and changed no entry (unknown ids are left out)."""
    changed = " + ".join(f"coalesce([{name}], 0)" for name in CHANGE_COUNTS)
    rows = db.execute(
        f"SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))"
        f" AND status != ? AND {changed} = 0",
        [json.dumps(sorted(run_ids)), RUNNING],
    )
    return {row[0] for row in rows}


def forget_archives(db: sqlite_utils.Database, run_ids) -> None:
    """The archive files of `run_ids` are deleted: their `archive_path` becomes NULL.
    Size and SHA-256 stay, a record of what was read."""
    with db.atomic():
        db.execute(
            "UPDATE runs SET archive_path = NULL WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(run_ids))],
        )


def open_existing_catalogue(path: str | Path) -> sqlite_utils.Database:
    """Open a catalogue that must already exist (reports and look-ups never
    create one). Raises `CatalogueError` with a one-line French message."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(f"catalogue introuvable : {path} (lancez d'abord « segur sync »)")
    try:
        return open_db(path)
    except sqlite3.DatabaseError as error:
        raise CatalogueError(f"{path} n'est pas un catalogue lisible ({error})") from None
