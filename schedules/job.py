"""One scheduled sync: `segur sync` in a subprocess, bounded in time, its outcome logged.

The sync runs in a child process because Scrapy's Twisted reactor cannot be
restarted inside one process. The child takes the sync lock itself
(`catalogue.lock`), so a sync started by hand and a scheduled one never overlap.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from catalogue.lock import EXIT_LOCK_HELD
from catalogue.sync import SUPERVISOR_ENV
from schedules import SEGUR
from schedules.report import ReportError, write_report
from schedules.runs import RunRow, latest_run_after, latest_run_id

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3600.0  # seconds a sync may take before it is stopped
DEFAULT_KILL_AFTER = 20.0  # seconds a stopping sync gets before SIGKILL (systemd allows 90)
OUTPUT_TAIL = 20


@dataclass(frozen=True)
class SyncSettings:
    """What to sync and how. `program` is the `segur` command line (this interpreter's)."""

    base_url: str
    db_path: Path
    delay: float = 1.0
    timeout: float = DEFAULT_TIMEOUT
    kill_after: float = DEFAULT_KILL_AFTER
    notify: Path | None = None  # the alerts file each sync sends (`segur sync --notify`)
    program: tuple[str, ...] = SEGUR

    def command(self) -> list[str]:
        alerts = ["--notify", str(self.notify)] if self.notify else []
        return [
            *self.program, "sync",
            "--base-url", self.base_url, "--db", str(self.db_path), "--delay", f"{self.delay:g}",
            *alerts,
        ]  # fmt: skip


@dataclass(frozen=True)
class SyncOutcome:
    """What one scheduled sync did. `exit_code` is None when no child could be started."""

    exit_code: int | None
    seconds: float
    run: RunRow | None = None
    timed_out: bool = False
    stopped: bool = False
    report: Path | None = None
    output_tail: tuple[str, ...] = field(default=())

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.stopped


class SyncRunner:
    """Runs syncs one at a time and stops the running one on request.

    `run_once` is the scheduler's job (called in a worker thread); `stop` is
    called from the main thread on SIGTERM / Ctrl-C.
    """

    def __init__(self, settings: SyncSettings):
        self.settings = settings
        self._guard = threading.Lock()
        self._child: subprocess.Popen | None = None
        self._interrupted: subprocess.Popen | None = None  # the child `stop` signalled
        self._stopping = False

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def child_pid(self) -> int | None:
        child = self._child
        return child.pid if child else None

    def run_once(self) -> SyncOutcome | None:
        started = time.monotonic()
        with self._guard:
            if self._stopping:
                log.info("shutting down: sync not started")
                return None
            before = self._read(latest_run_id, "the latest run id")
            try:
                child = self._spawn()
            except OSError as error:
                log.error("could not start the sync: %s", error)
                return SyncOutcome(exit_code=None, seconds=0.0)
            self._child = child
        log.info("sync started (pid %d): %s", child.pid, " ".join(self.settings.command()))
        tail: deque[str] = deque(maxlen=OUTPUT_TAIL)
        reader = threading.Thread(
            target=_relay_output, args=(child.stdout, tail), name="sync-output", daemon=True
        )
        reader.start()
        exit_code, timed_out = self._wait(child)
        reader.join(timeout=5)
        with self._guard:
            self._child = None
            stopped = self._interrupted is child
        outcome = SyncOutcome(
            exit_code=exit_code,
            seconds=time.monotonic() - started,
            run=None if before is None else self._read(latest_run_after, "the new run", before),
            timed_out=timed_out,
            stopped=stopped,
            output_tail=tuple(tail),
        )
        _log_outcome(outcome)
        if outcome.run and outcome.run.added and not stopped:
            outcome = self._with_report(outcome, outcome.run)
        return outcome

    def stop(self) -> None:
        """Start no new sync; stop the running one (SIGTERM, bounded wait, SIGKILL)."""
        with self._guard:
            self._stopping = True
            child = self._child
            if child is not None and child.poll() is None:
                self._interrupted = child
            else:
                child = None
        if child is not None:
            log.info("stopping the running sync (pid %d)", child.pid)
            stop_process(child, self.settings.kill_after)

    def _read(self, query, what: str, *args):
        """Read the runs table; an unreadable catalogue is logged, the sync still runs."""
        try:
            return query(self.settings.db_path, *args)
        except sqlite3.Error as error:
            log.error("cannot read %s from %s: %s", what, self.settings.db_path, error)
            return None

    def _spawn(self) -> subprocess.Popen:
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            # The sync stops by itself if this process dies (catalogue.sync.die_with_supervisor).
            SUPERVISOR_ENV: str(os.getpid()),
        }
        return subprocess.Popen(
            self.settings.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            # Its own session: a Ctrl-C in the terminal reaches the scheduler only,
            # which stops the sync once, with SIGTERM; and the whole group can be killed.
            start_new_session=True,
        )

    def _wait(self, child: subprocess.Popen) -> tuple[int, bool]:
        try:
            return child.wait(timeout=self.settings.timeout), False
        except subprocess.TimeoutExpired:
            log.error(
                "sync exceeded its time limit of %g s: stopping it (pid %d)",
                self.settings.timeout,
                child.pid,
            )
            return stop_process(child, self.settings.kill_after), True

    def _with_report(self, outcome: SyncOutcome, run: RunRow) -> SyncOutcome:
        try:
            path = write_report(self.settings.db_path, run.id, program=self.settings.program)
        except (ReportError, OSError) as error:
            log.error("report of run %d not written: %s", run.id, error)
            return outcome
        log.info("report of run %d (%d newly referenced): %s", run.id, run.added, path)
        return replace(outcome, report=path)


def stop_process(child: subprocess.Popen, kill_after: float) -> int:
    """SIGTERM, wait at most `kill_after` seconds, then SIGKILL the child's whole group."""
    try:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                return child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                log.warning("sync still running %g s after SIGTERM: killing it", kill_after)
                _kill_group(child.pid)
        return child.wait(timeout=10)
    finally:
        # Anything the sync started and left behind goes too.
        _kill_group(child.pid)


def _kill_group(group_id: int) -> None:
    try:
        os.killpg(group_id, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _relay_output(output: IO[str], tail: deque[str]) -> None:
    """Log each line the sync prints (progress and summary) and keep the last ones."""
    for line in output:
        line = line.rstrip()
        if line:
            tail.append(line)
            log.info("sync | %s", line)
    output.close()


def _log_outcome(outcome: SyncOutcome) -> None:
    run = outcome.run
    run_text = (
        f"run {run.id} {run.status}, {run.added or 0} added, {run.removed or 0} removed,"
        f" {run.changed or 0} changed"
        if run
        else "no run recorded"
    )
    if outcome.stopped:
        log.warning(
            "sync stopped by shutdown (%s): %s", _describe_exit(outcome.exit_code), run_text
        )
    elif outcome.timed_out:
        log.error(
            "sync stopped at its time limit (%s): %s", _describe_exit(outcome.exit_code), run_text
        )
    elif outcome.exit_code == 0:
        log.info("sync finished in %.1f s (exit status 0): %s", outcome.seconds, run_text)
    elif outcome.exit_code == EXIT_LOCK_HELD:
        log.warning("sync skipped: another sync holds the lock (exit status %d)", EXIT_LOCK_HELD)
    else:
        reason = (run.reason if run and run.reason else None) or (
            outcome.output_tail[-1] if outcome.output_tail else "no output"
        )
        log.error(
            "sync failed in %.1f s (%s): %s; %s",
            outcome.seconds,
            _describe_exit(outcome.exit_code),
            run_text,
            reason,
        )


def _describe_exit(exit_code: int | None) -> str:
    if exit_code is None:
        return "not started"
    if exit_code < 0:
        return f"killed by {signal.Signals(-exit_code).name}"
    return f"exit status {exit_code}"
