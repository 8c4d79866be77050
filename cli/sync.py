"""`segur sync`: crawl the site once and store the run."""

from __future__ import annotations

import sys

import click

from cli.options import base_url_option, db_option, delay_option, labels_option, notify_option

EXIT_NOT_COMPLETE = 1
EXIT_STORAGE_ERROR = 3
KEEP_ARCHIVES_DAYS = 90  # catalogue.archives.DEFAULT_KEEP_DAYS, without importing it here


@click.command()
@base_url_option
@db_option()
@delay_option
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for one page before retrying it.",
)
@click.option(
    "--retries",
    default=3,
    show_default=True,
    type=click.IntRange(min=0, max=10),
    help="Retries of a page that fails (429, 503, 5xx, timeout, dropped connection).",
)
@click.option(
    "--keep-archives",
    "keep_archives_days",
    default=KEEP_ARCHIVES_DAYS,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Delete the archives older than DAYS of runs that changed nothing "
    "(archives of runs that changed something are kept).",
)
@labels_option
@notify_option
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the summary.")
def sync(
    base_url, db_path, delay, timeout, retries, keep_archives_days, extra_labels, alerts, quiet
):
    """Crawl the ANS Ségur lists and store them in the catalogue.

    Reads the referenced solutions and the candidate-editor articles, checks
    the rows read against the counts the site announces, and stores the run in
    one transaction. Only a complete run marks missing entries as removed.

    Every request and answer of the run is kept in archive/run-ID.warc.gz next
    to the catalogue (`segur replay` serves it again); a failure to write it is
    reported on stderr and changes nothing else.

    With --notify FILE, the alerts of that TOML file are sent once the run is
    stored: the changes of a complete run each alert is about, and syncs failing
    two nights in a row. A target that fails is retried once, reported on
    stderr, and never changes the exit code.

    Exit codes: 0 complete run; 1 partial, failed or interrupted run (reason on
    stderr); 2 bad option; 3 the catalogue could not be written; 75 another
    sync holds the lock.

    \b
    Example:
        segur sync --db data/segur.db
        segur sync --base-url http://127.0.0.1:8000 --delay 0
        segur sync --db data/segur.db --keep-archives 30
        segur sync --db data/segur.db --notify alerts.toml
    """
    from catalogue.lock import EXIT_LOCK_HELD, LockHeld
    from catalogue.sync import (
        Interrupted,
        StorageError,
        die_with_supervisor,
        run_sync,
        supervisor_from_environment,
    )
    from scraper.crawl import print_progress

    if extra_labels:
        from scraper.parsers.labels import use_extra_labels

        use_extra_labels(extra_labels)
    supervisor = supervisor_from_environment()
    if supervisor is not None:
        die_with_supervisor(supervisor)
    try:
        summary = run_sync(
            db_path,
            base_url,
            delay=delay,
            timeout=timeout,
            retries=retries,
            progress=None if quiet else print_progress,
            keep_archives_days=keep_archives_days,
        )
    except LockHeld as error:
        fail(f"segur sync: {error}", EXIT_LOCK_HELD)
    except Interrupted as error:
        announce(alerts, db_path, None)
        fail(f"segur sync: run failed: {error}", EXIT_NOT_COMPLETE)
    except StorageError as error:
        announce(alerts, db_path, None)
        fail(
            f"segur sync: the catalogue {db_path} could not be written: {error}", EXIT_STORAGE_ERROR
        )
    if not quiet and sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(format_summary(summary))
    for line in format_archives(summary, keep_archives_days):
        click.echo(line)
    for notice in summary.notices:
        click.echo(f"segur sync: {one_line(notice)}", err=True)
    announce(alerts, db_path, summary.run_id)
    if summary.status != "complete":
        fail(
            f"segur sync: run {summary.run_id} {summary.status}: {summary.reason}",
            EXIT_NOT_COMPLETE,
        )


def announce(alerts, db_path: str, run_id: int | None) -> None:
    """Send the alerts a run calls for (None: no run recorded, only the failing
    streak); what could not be sent is one line on stderr, never an exit code."""
    if alerts is None:
        return
    from catalogue.alerts.dispatch import AlertsUnreadable, send_alerts

    try:
        deliveries = send_alerts(alerts, db_path, run_id)
    except AlertsUnreadable as error:
        click.echo(f"segur sync: alerts not sent: {one_line(str(error))}", err=True)
        return
    for delivery in deliveries:
        if delivery.sent:
            click.echo(f"alert sent to {delivery.target}: {delivery.title}")
        else:
            click.echo(
                f"segur sync: alert to {delivery.target} not delivered "
                f"({delivery.attempts} attempts): {delivery.title}",
                err=True,
            )


def format_summary(summary) -> str:
    expected = "?" if summary.rows_expected is None else summary.rows_expected
    return (
        f"run {summary.run_id}: {summary.status} — pages {summary.pages_fetched} read, "
        f"{summary.pages_failed} failed; solutions {summary.rows_read}/{expected}; "
        f"candidates {summary.candidates_read}; added {summary.added}, "
        f"removed {summary.removed}, changed {summary.changed}"
    )


def format_archives(summary, keep_days: int) -> list[str]:
    lines = []
    if summary.archive_path:
        lines.append(
            f"archive: {summary.archive_path} ({summary.archive_size} bytes, "
            f"sha256 {summary.archive_sha256})"
        )
    if summary.archives_deleted:
        lines.append(
            f"archives deleted (older than {keep_days} days, no change): "
            + ", ".join(summary.archives_deleted)
        )
    return lines


def one_line(message: str) -> str:
    return " ".join(message.split())


def fail(message: str, code: int) -> None:
    click.echo(one_line(message), err=True)
    sys.exit(code)
