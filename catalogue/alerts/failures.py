"""When to tell the operator that the syncs keep failing (alerts with `on_failure`).

The runs since the last complete one (failed or partial: the list was not read
in full) are the failing streak. It is announced when it spans
`FAILURE_NIGHTS` nights (Paris days) or more, by the first run of each night
after that: one message a night while it lasts, none for a second try the same
night (the scheduler's retry), none for a single failed night.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from catalogue.french import paris_day

FAILURE_NIGHTS = 2
_RUN_COLUMNS = "id, status, started_at, finished_at, reason, failure_kind"


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def last_complete_run(conn: sqlite3.Connection) -> dict[str, Any] | None:
    rows = _rows(
        conn,
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1",
    )
    return rows[0] if rows else None


def failing_runs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The finished runs after the last complete one, oldest first."""
    return _rows(
        conn,
        f"SELECT {_RUN_COLUMNS} FROM runs WHERE status IN ('failed', 'partial') AND id > "
        "coalesce((SELECT max(id) FROM runs WHERE status = 'complete'), 0) ORDER BY id",
    )


def failing_nights(runs: list[dict[str, Any]]) -> int:
    """How many nights a failing streak spans, if its latest run is the first of
    its night (0 otherwise: that night was already counted)."""
    nights = [paris_day(run["started_at"]) for run in runs]
    if len(nights) > 1 and nights[-1] == nights[-2]:
        return 0
    return len(set(nights))
