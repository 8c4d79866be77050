"""What the package says of its data, read from the catalogue (in the export's read
transaction, like the files): the syncs it comes from, the period it covers, a few
counts, the articles the candidatures were read from, and the stored values the
vocabulary does not know."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlite_utils

from catalogue.french import paris_day
from catalogue.history import REFERENCED_STATUS, REMOVED_STATUS
from catalogue.opendata.tables import RUNS, TABLES, unknown_values
from catalogue.store import COMPLETE, PARTIAL

# The syncs that wrote data: a failed one writes only its own row.
DATA_STATUSES = (COMPLETE, PARTIAL)


@dataclass(frozen=True)
class Run:
    id: int
    finished_at: str  # UTC, ISO 8601
    status: str


@dataclass(frozen=True)
class Facts:
    first_run: Run  # the earliest sync that wrote data
    last_run: Run  # the latest sync that wrote data (complete or partial): the data's date
    last_complete: Run | None
    runs: Mapping[str, int]  # finished syncs, by status
    referenced: int  # solutions referenced today
    withdrawn: int  # solutions withdrawn from the list since they were first seen
    candidatures: int  # candidatures the ANS still publishes
    earliest_referencing: str | None  # ISO dates of referencing
    latest_referencing: str | None
    articles: tuple[str, ...]  # the ANS articles the published candidatures were read from
    unknown: Mapping[str, Mapping[str, tuple[str, ...]]]  # file -> column -> values

    @property
    def created(self) -> str:
        return self.first_run.finished_at

    @property
    def last_modified(self) -> str:
        return self.last_run.finished_at

    @property
    def data_day(self) -> str:
        """The Paris day of the data (ISO)."""
        return paris_day(self.last_run.finished_at) or self.last_run.finished_at[:10]

    @property
    def coverage(self) -> tuple[str, str]:
        """The period the data covers (ISO days): from the earliest referencing (or the
        first sync) to the day of the data (or a later referencing date)."""
        start = self.earliest_referencing or paris_day(self.first_run.finished_at) or ""
        return start, max(self.data_day, self.latest_referencing or "")


def read_facts(db: sqlite_utils.Database) -> Facts | None:
    """The facts of the catalogue, or None when no sync has written data yet."""
    data_runs = _runs(db, f"status IN ({_listed(DATA_STATUSES)})")
    if not data_runs:
        return None
    complete = [run for run in data_runs if run.status == COMPLETE]
    earliest, latest = db.execute(
        "SELECT min(referenced_on), max(referenced_on) FROM solutions"
    ).fetchone()
    return Facts(
        first_run=data_runs[0],
        last_run=data_runs[-1],
        last_complete=complete[-1] if complete else None,
        runs=dict(
            db.execute(f"SELECT status, count(*) FROM runs WHERE {RUNS.where} GROUP BY status")
        ),
        referenced=_count(db, "solutions", f"status = '{REFERENCED_STATUS}'"),
        withdrawn=_count(db, "solutions", f"status = '{REMOVED_STATUS}'"),
        candidatures=_count(db, "candidates", "removed_run IS NULL"),
        earliest_referencing=earliest,
        latest_referencing=latest,
        articles=tuple(
            url
            for (url,) in db.execute(
                "SELECT DISTINCT source_url FROM candidates"
                " WHERE removed_run IS NULL AND source_url IS NOT NULL ORDER BY 1"
            )
        ),
        unknown={table.name: unknown_values(db, table) for table in TABLES},
    )


def _runs(db: sqlite_utils.Database, where: str) -> list[Run]:
    rows = db.execute(f"SELECT id, finished_at, status FROM runs WHERE {where} ORDER BY id")
    return [Run(*row) for row in rows]


def _count(db: sqlite_utils.Database, table: str, where: str) -> int:
    return db.execute(f"SELECT count(*) FROM [{table}] WHERE {where}").fetchone()[0]


def _listed(values) -> str:
    return ", ".join(f"'{value}'" for value in values)
