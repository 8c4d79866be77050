"""What a finished sync sends, and sending it.

    deliveries = send_alerts(config, db_path, run_id)   # after the sync released its lock

* for each alert with filters, one message when the run is complete and recorded
  changes it is about (catalogue/alerts/matching.py); for the first sync of an
  empty catalogue, one "catalogue initialisé" message instead; nothing for a run
  that was not complete (its removals are never announced) or that changed
  nothing (a replay into the catalogue it came from);
* for each `on_failure` alert, one message when the syncs have failed two
  nights in a row (catalogue/alerts/failures.py).

A target that fails is retried once, and reported in its `Delivery`; nothing
here raises for a target or for a catalogue that cannot be read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import sqlite_utils

from catalogue.alerts.config import AlertsConfig
from catalogue.alerts.deliver import RETRY_SECONDS, Delivery, deliver
from catalogue.alerts.failures import (
    FAILURE_NIGHTS,
    failing_nights,
    failing_runs,
    last_complete_run,
)
from catalogue.alerts.matching import alert_report, kept_count
from catalogue.alerts.messages import (
    Message,
    change_message,
    failure_message,
    initialised_message,
)
from catalogue.diff.build import run_report
from catalogue.diff.document import report_document
from catalogue.pages import entry_path, page_ids


class AlertsUnreadable(Exception):
    """The catalogue could not be read to compose the alerts (one line)."""


def send_alerts(
    config: AlertsConfig,
    db_path: str | Path,
    run_id: int | None,
    *,
    retry_seconds: float = RETRY_SECONDS,
) -> list[Delivery]:
    """Send what run `run_id` (None: no run was recorded) and the failing streak
    call for. Raises `AlertsUnreadable` when the catalogue cannot be read."""
    try:
        messages = list(compose(config, db_path, run_id))
    except sqlite3.Error as error:
        raise AlertsUnreadable(str(error)) from error
    return [
        deliver(alert_url, message.title, message.body, retry_seconds=retry_seconds)
        for alert_url, message in messages
    ]


def compose(
    config: AlertsConfig, db_path: str | Path, run_id: int | None
) -> Iterator[tuple[str, Message]]:
    """(target URL, message) for every message to send."""
    uri = f"{Path(db_path).resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=10)) as conn:
        if run_id is not None:
            yield from change_messages(config, conn, run_id)
        yield from failure_messages(config, conn)


def change_messages(
    config: AlertsConfig, conn: sqlite3.Connection, run_id: int
) -> Iterator[tuple[str, Message]]:
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    report = run_report(db, run_id)
    run = report["run"]
    if run["status"] != "complete" or not config.change_alerts:
        return
    first = _first_sync(conn, run_id)
    for alert in config.change_alerts:
        kept = alert_report(report, alert)
        count = kept_count(kept)
        if not count:
            continue
        if first:
            yield alert.url, initialised_message(alert, count, run, config.site_url)
            continue
        document = report_document(kept)
        link = _linker(conn, document, config.site_url)
        yield alert.url, change_message(alert, document, run, link, config.site_url)


def _first_sync(conn: sqlite3.Connection, run_id: int) -> bool:
    """Whether no run before `run_id` recorded a solution: the catalogue was empty."""
    earlier = conn.execute(
        "SELECT 1 FROM changes WHERE entity = 'solution' AND run_id < ? LIMIT 1", [run_id]
    ).fetchone()
    return earlier is None


def _linker(conn: sqlite3.Connection, document, site_url: str | None):
    pages: dict[tuple[str, str], str] = {}
    if site_url:
        pages = page_ids(conn, ((item.entity, item.key) for item in document.items()))

    def link(entity: str, key: str) -> str | None:
        page = pages.get((entity, key))
        return f"{site_url}{entry_path(entity, page)}" if page else None

    return link


def failure_messages(
    config: AlertsConfig, conn: sqlite3.Connection
) -> Iterator[tuple[str, Message]]:
    if not config.failure_alerts:
        return
    failed = failing_runs(conn)
    nights = failing_nights(failed)
    if nights < FAILURE_NIGHTS:
        return
    message = failure_message(failed, nights, last_complete_run(conn))
    for alert in config.failure_alerts:
        yield alert.url, message
