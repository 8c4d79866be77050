"""What the home page and every footer say about the last sync."""

from __future__ import annotations

from typing import Any

from catalogue.french import french_datetime, french_number, run_status

RUN_COLUMNS = (
    "id, started_at, finished_at, status, reason, rows_read, rows_expected, "
    "candidates_read, added, removed, changed"
)
LAST_COMPLETE_RUN = (
    f"SELECT {RUN_COLUMNS} FROM runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1"
)
LATEST_RUN = f"SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT 1"


def describe_run(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A run as the templates show it (French labels, formatted figures)."""
    if row is None:
        return None
    return {
        **row,
        "status_label": run_status(row["status"]),
        "finished_label": french_datetime(row["finished_at"] or row["started_at"]),
        "rows_read_label": french_number(row["rows_read"]),
        "added_label": french_number(row["added"] or 0),
        "removed_label": french_number(row["removed"] or 0),
        "changed_label": french_number(row["changed"] or 0),
    }


async def sync_status(db) -> dict[str, Any]:
    """`last_complete`: the last complete run; `latest`: the most recent run when it
    is another one (a partial or failed run after it, or one still running)."""
    last_complete = await _first(db, LAST_COMPLETE_RUN)
    latest = await _first(db, LATEST_RUN)
    if latest is not None and last_complete is not None and latest["id"] == last_complete["id"]:
        latest = None
    return {"last_complete": describe_run(last_complete), "latest": describe_run(latest)}


async def _first(db, sql: str) -> dict[str, Any] | None:
    rows = (await db.execute(sql)).rows
    return dict(rows[0]) if rows else None
