"""One sync: take the lock, crawl the site (keeping every exchange in the run's
WARC archive), store the run in one transaction, rebuild the open-data bundle after a
complete run, prune old archives.

Also what keeps a sync from being lost or orphaned: `recover_interrupted_runs`
records as failed a run left `running` by a killed process, and
`die_with_supervisor` stops a sync whose scheduler is gone.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from catalogue.archives import DEFAULT_KEEP_DAYS, finish_archive, open_archive, prune_archives
from catalogue.lock import SYNC_LOCK_WAIT, LockHeld, sync_lock
from catalogue.schema import open_db
from catalogue.store import (
    COMPLETE,
    RunArchive,
    RunSummary,
    fail_abandoned_runs_at,
    fail_run,
    record_run,
    start_run,
)
from scraper import items
from scraper.archive import ArchiveError

INTERRUPTED = "Synchronisation interrompue avant la fin."


class StorageError(Exception):
    """The catalogue could not be opened or written."""


class Interrupted(Exception):
    """SIGTERM or Ctrl-C arrived before the crawl was under way."""


def run_sync(
    db_path: str,
    base_url: str,
    delay: float = 1.0,
    timeout: float = 30.0,
    retries: int = 3,
    progress=None,
    keep_archives_days: float = DEFAULT_KEEP_DAYS,
) -> RunSummary:
    """Crawl `base_url` and store what was read in the catalogue at `db_path`.

    Raises LockHeld when another sync runs, StorageError when the catalogue
    cannot be written (the run, if started, is then recorded as failed),
    Interrupted when stopped before the crawl began. A crawl stopped by a
    signal is stored as a failed run: entries stay as they were.

    The archive is written beside the catalogue (catalogue/archives.py); when it
    cannot be, the run is stored all the same and `summary.notices` says why.
    After a complete run the open-data bundle beside the catalogue is rebuilt
    (catalogue/opendata); when it cannot be, the previous one stays and
    `summary.notices` says why. Then archives older than `keep_archives_days` of
    runs that changed nothing are deleted (`summary.archives_deleted`).
    """
    try:
        with sync_lock(db_path, wait=SYNC_LOCK_WAIT):
            summary = crawl_and_store(db_path, base_url, delay, timeout, retries, progress)
            publish_after_run(db_path, summary)
            prune_after_run(db_path, keep_archives_days, summary)
            return summary
    except OSError as error:  # only the lock file's: crawl_and_store converts its own
        raise StorageError(str(error)) from error


def crawl_and_store(db_path, base_url, delay, timeout, retries, progress) -> RunSummary:
    from scraper.crawl import crawl  # imports Scrapy: only when a sync runs

    try:
        db = open_db(db_path)
        run_id = start_run(db, base_url)
    except (sqlite3.Error, OSError) as error:
        raise StorageError(str(error)) from error
    recorder = open_archive(db_path, run_id, base_url)
    try:
        with interrupt_on_sigterm():
            result = crawl(base_url, delay, timeout, retries, progress=progress, archive=recorder)
        archive, notice = finished_archive(db_path, run_id, recorder)
        summary = record_run(db, run_id, result, archive=archive)
        if notice:
            summary.notices.append(notice)
        return summary
    except (Interrupted, KeyboardInterrupt):
        fail_run(db, run_id, INTERRUPTED, failure_kind=items.INTERRUPTED)
        raise Interrupted(INTERRUPTED) from None
    except (sqlite3.Error, OSError) as error:
        fail_run_quietly(db, run_id, f"Écriture impossible : {error}", items.STORAGE)
        raise StorageError(str(error)) from error
    except BaseException as error:
        fail_run_quietly(db, run_id, f"Erreur inattendue : {error}")
        raise
    finally:
        recorder.discard()  # a no-op once finished: the file was moved into place


def finished_archive(db_path, run_id: int, recorder) -> tuple[RunArchive | None, str | None]:
    """The run's archive moved into place, or None and why not."""
    try:
        return finish_archive(db_path, recorder), None
    except ArchiveError as error:
        return None, f"run {run_id}: the archive could not be written: {error}"


def publish_after_run(db_path, summary: RunSummary) -> None:
    """Rebuild the open-data bundle after a complete run; a partial or failed run
    leaves the bundle of the last complete one."""
    if summary.status != COMPLETE:
        return
    try:
        from catalogue.opendata.bundle import rebuild_bundle  # reads metadata.yml: only now

        rebuild_bundle(db_path)
    except Exception as error:  # the run is stored: publishing it must never fail the sync
        summary.notices.append(
            f"run {summary.run_id}: the open-data bundle could not be rebuilt"
            f" (the previous one stays): {error}"
        )


def prune_after_run(db_path, keep_days: float, summary: RunSummary) -> None:
    try:
        summary.archives_deleted = prune_archives(db_path, keep_days)
    except ArchiveError as error:
        summary.notices.append(f"old archives could not all be deleted: {error}")


@contextmanager
def interrupt_on_sigterm():
    """Until the crawl installs its own handler, SIGTERM interrupts the sync
    instead of killing it with its run left open."""

    def interrupt(signum, frame):
        raise Interrupted(INTERRUPTED)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def fail_run_quietly(db, run_id: int, reason: str, failure_kind: str | None = None) -> None:
    try:
        fail_run(db, run_id, reason, failure_kind=failure_kind)
    except sqlite3.Error:
        pass  # the disk may be what failed; the next start_run closes the run


def recover_interrupted_runs(db_path: str | Path) -> list[int]:
    """Record as failed the runs a killed sync left `running`; their ids.

    Nothing is done while a sync holds the lock (its run is under way) or when
    there is no catalogue yet. Raises `sqlite3.Error` or `OSError` when the
    catalogue cannot be written.
    """
    if not Path(db_path).is_file():
        return []
    try:
        with sync_lock(db_path):
            return fail_abandoned_runs_at(db_path)
    except LockHeld:
        return []


SUPERVISOR_ENV = "SEGUR_SUPERVISOR_PID"
SUPERVISOR_POLL_SECONDS = 0.5


def die_with_supervisor(supervisor_pid: int) -> None:
    """SIGTERM this process as soon as `supervisor_pid` is no longer its parent.

    The scheduler runs each sync as a child and bounds it in time; if the
    scheduler is killed (OOM killer, `kill -9`, a cgroup stop), the child is
    handed to another parent and would crawl on alone, without its time limit.
    It notices within half a second and stops as on SIGTERM: the run is
    recorded as failed and the catalogue stays as it was.
    """
    if os.getppid() != supervisor_pid:
        os.kill(os.getpid(), signal.SIGTERM)
        return

    def watch() -> None:
        while os.getppid() == supervisor_pid:
            threading.Event().wait(SUPERVISOR_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="segur-supervisor-watch", daemon=True).start()


def supervisor_from_environment() -> int | None:
    value = os.environ.get(SUPERVISOR_ENV, "")
    return int(value) if value.isdigit() else None
