"""`segur sync`: crawl the site once and store the run."""

from __future__ import annotations

import sys

import click

from catalogue.cli import register
from catalogue.cli.options import base_url_option, db_option, delay_option, labels_option

EXIT_NOT_COMPLETE = 1
EXIT_STORAGE_ERROR = 3


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
@labels_option
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the summary.")
def sync(base_url, db_path, delay, timeout, retries, extra_labels, quiet):
    """Crawl the ANS Ségur lists and store them in the catalogue.

    Reads the referenced solutions and the candidate-editor articles, checks
    the rows read against the counts the site announces, and stores the run in
    one transaction. Only a complete run marks missing entries as removed.

    Exit codes: 0 complete run; 1 partial, failed or interrupted run (reason on
    stderr); 2 bad option; 3 the catalogue could not be written; 75 another
    sync holds the lock.

    \b
    Example:
        segur sync --db data/segur.db
        segur sync --base-url http://127.0.0.1:8000 --delay 0
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
        )
    except LockHeld as error:
        fail(f"segur sync: {error}", EXIT_LOCK_HELD)
    except Interrupted as error:
        fail(f"segur sync: run failed: {error}", EXIT_NOT_COMPLETE)
    except StorageError as error:
        fail(
            f"segur sync: the catalogue {db_path} could not be written: {error}", EXIT_STORAGE_ERROR
        )
    if not quiet and sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(format_summary(summary))
    if summary.status != "complete":
        fail(
            f"segur sync: run {summary.run_id} {summary.status}: {summary.reason}",
            EXIT_NOT_COMPLETE,
        )


def format_summary(summary) -> str:
    expected = "?" if summary.rows_expected is None else summary.rows_expected
    return (
        f"run {summary.run_id}: {summary.status} — pages {summary.pages_fetched} read, "
        f"{summary.pages_failed} failed; solutions {summary.rows_read}/{expected}; "
        f"candidates {summary.candidates_read}; added {summary.added}, "
        f"removed {summary.removed}, changed {summary.changed}"
    )


def fail(message: str, code: int) -> None:
    click.echo(" ".join(message.split()), err=True)
    sys.exit(code)


register(sync)
