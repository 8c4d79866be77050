"""What the home page and every footer say about the last sync."""

from __future__ import annotations

from typing import Any

from catalogue.french import (
    failure_cause,
    french_date,
    french_datetime,
    french_number,
    paris_day,
    run_status,
)

RUN_COLUMNS = (
    "id, started_at, finished_at, status, reason, rows_read, rows_expected, "
    "candidates_read, added, removed, changed, failure_kind"
)
# The first run of the streak of runs that did not complete, after the last complete one.
FIRST_FAILING_RUN = (
    "SELECT started_at FROM runs WHERE status IN ('partial', 'failed')"
    " AND id > coalesce((SELECT max(id) FROM runs WHERE status = 'complete'), 0)"
    " ORDER BY id LIMIT 1"
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
    return {
        "last_complete": describe_run(last_complete),
        "latest": describe_run(latest),
        "failing": await _failing(db, latest),
    }


async def _failing(db, latest: dict[str, Any] | None) -> str | None:
    """ "La liste de l'ANS n'a pas pu être lue depuis le 3 décembre 2026 : la mise
    en page a changé." when the latest finished run did not complete."""
    if latest is None or latest["status"] not in ("partial", "failed"):
        return None
    first = await _first(db, FIRST_FAILING_RUN)
    since = french_date(paris_day(first["started_at"])) if first else None
    read = "lue en entier" if latest["status"] == "partial" else "lue"
    sentence = f"La liste de l'ANS n'a pas pu être {read}"
    if since:
        sentence += f" depuis le {since}"
    cause = failure_cause(latest.get("failure_kind"))
    return f"{sentence} : {cause}." if cause else f"{sentence}."


async def _first(db, sql: str) -> dict[str, Any] | None:
    rows = (await db.execute(sql)).rows
    return dict(rows[0]) if rows else None
