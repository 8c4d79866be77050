"""What the scheduler reads from the catalogue's `runs` table (read-only).

The scheduler writes nothing here: the sync subprocess does (and, at start,
`catalogue.sync.recover_interrupted_runs`). It only asks which run a sync
produced, how the latest run ended and when the last complete run finished.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

CATCH_UP_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class RunRow:
    id: int
    status: str | None
    added: int | None
    removed: int | None
    changed: int | None
    reason: str | None
    failure_kind: str | None = None


def _connect_read_only(db_path: Path) -> sqlite3.Connection | None:
    if not db_path.exists():
        return None
    connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    connection.row_factory = sqlite3.Row
    return connection


def _query(db_path: Path, sql: str, params: tuple = ()) -> sqlite3.Row | None:
    connection = _connect_read_only(db_path)
    if connection is None:
        return None
    with closing(connection):
        try:
            return connection.execute(sql, params).fetchone()
        except sqlite3.OperationalError as error:
            # A catalogue not synced yet, or being created (migrations under way).
            if "no such table" in str(error) or "no such column" in str(error):
                return None
            raise


def latest_run_id(db_path: Path) -> int:
    """Highest run id so far (0 when there is none)."""
    row = _query(db_path, "SELECT max(id) AS id FROM runs")
    return (row["id"] if row else None) or 0


def latest_run_after(db_path: Path, run_id: int) -> RunRow | None:
    """The newest run recorded after `run_id`: the run a sync just made, if any."""
    row = _query(
        db_path,
        "SELECT id, status, added, removed, changed, reason, failure_kind FROM runs"
        " WHERE id > ? ORDER BY id DESC LIMIT 1",
        (run_id,),
    )
    return RunRow(**dict(row)) if row else None


def last_complete_run_finished(db_path: Path) -> datetime | None:
    row = _query(
        db_path,
        "SELECT finished_at FROM runs WHERE status = 'complete' AND finished_at IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
    )
    return _parse_timestamp(row["finished_at"]) if row else None


def latest_run_status(db_path: Path) -> str | None:
    """Status of the newest run (None when there is none)."""
    row = _query(db_path, "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
    return row["status"] if row else None


def needs_catch_up(
    last_complete: datetime | None, now: datetime, latest_status: str | None = "complete"
) -> bool:
    """True when there is no complete run, when the last one finished over a day
    before `now`, or when the latest run did not complete (failed, partial, or
    interrupted: that night's list was not read)."""
    if last_complete is None or now - last_complete > CATCH_UP_AFTER:
        return True
    return latest_status not in (None, "complete")


def _parse_timestamp(text: str) -> datetime | None:
    """ISO timestamps; naive ones are taken as UTC. Unreadable -> None (forces a catch-up)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
