"""The nightly scheduler behind `segur schedule` (APScheduler 3.11).

One job, `segur-sync`, on a daily cron trigger. Its options are explicit:

* `max_instances=1`: a sync still running when the next one is due makes that
  one skip (logged), it is not queued behind it;
* `coalesce=True`: several runs missed in a row (machine asleep) run once;
* `misfire_grace_time`: a run may start up to 3 hours late (after a suspend,
  say); later than that it waits for the next night rather than crawl the ANS
  site in office hours.

At start, a run a killed sync left `running` is recorded as failed, and a
catch-up sync runs at once when the catalogue is behind (no complete run in the
last day, or the latest run did not complete). A catch-up refused because
another sync holds the lock is tried again `CATCH_UP_RETRY_SECONDS` later, as
long as it is still needed. A sync that failed for a transient reason
(timeouts, 5xx, 429 after its retries) is tried once more
`TRANSIENT_RETRY_SECONDS` later, the same night.

The scheduler runs in a background thread; the main thread only waits for
SIGTERM or Ctrl-C, then stops the running sync and shuts the scheduler down.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as time_of_day
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger

from catalogue.lock import EXIT_LOCK_HELD
from catalogue.sync import recover_interrupted_runs
from schedules.job import SyncOutcome, SyncRunner, SyncSettings
from schedules.logs import configure_logging
from schedules.runs import last_complete_run_finished, latest_run_status, needs_catch_up
from schedules.timing import daily_trigger, describe, dst_hazards
from scraper.items import TRANSIENT

log = logging.getLogger(__name__)

JOB_ID = "segur-sync"
CATCH_UP_JOB_ID = "segur-catch-up"
CATCH_UP_RETRY_SECONDS = 600.0
TRANSIENT_RETRY_JOB_ID = "segur-transient-retry"
TRANSIENT_RETRY_SECONDS = 3600.0
MISFIRE_GRACE_TIME = 3 * 3600
JOB_OPTIONS = {"misfire_grace_time": MISFIRE_GRACE_TIME, "coalesce": True, "max_instances": 1}
STOP_POLL_SECONDS = 0.2


def build_scheduler(
    runner: SyncRunner,
    trigger: BaseTrigger,
    timezone: ZoneInfo,
    run_now: bool = False,
    still_behind: Callable[[], bool] = lambda: True,
    retry_seconds: float = CATCH_UP_RETRY_SECONDS,
    transient_retry_seconds: float = TRANSIENT_RETRY_SECONDS,
) -> BackgroundScheduler:
    """A scheduler (not started) with the nightly sync job; `run_now` adds a
    catch-up sync at once, retried while the lock refuses it and `still_behind()`.
    A sync that fails for a transient reason is tried once more later."""
    scheduler = BackgroundScheduler(
        timezone=timezone, executors={"default": ThreadPoolExecutor(max_workers=1)}
    )
    retry = TransientRetry(scheduler, runner, transient_retry_seconds)
    scheduler.add_job(
        retry.after(runner.run_once), trigger, id=JOB_ID, name="segur sync", **JOB_OPTIONS
    )
    if run_now:
        catch_up = CatchUp(
            scheduler, retry.after(runner.run_once), runner, still_behind, retry_seconds
        )
        catch_up.schedule(datetime.now(timezone))
    scheduler.add_listener(
        partial(_log_job_event, trigger),
        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES,
    )
    return scheduler


def run_later(scheduler: BackgroundScheduler, job, when: datetime, job_id: str, name: str) -> None:
    """`job` once at `when`, replacing any job of that id not run yet."""
    scheduler.add_job(
        job, DateTrigger(when), id=job_id, name=name, replace_existing=True, **JOB_OPTIONS
    )


def seconds_from_now(scheduler: BackgroundScheduler, seconds: float) -> datetime:
    return datetime.now(scheduler.timezone) + timedelta(seconds=seconds)


class CatchUp:
    """The sync run at start because the catalogue is behind.

    When another sync holds the lock (a sync started by hand, say), the
    catch-up is not dropped: it is tried again `retry_seconds` later, unless
    that other sync has caught up meanwhile (`still_behind()` is False).
    """

    def __init__(
        self,
        scheduler: BackgroundScheduler,
        sync: Callable[[], SyncOutcome | None],
        runner: SyncRunner,
        still_behind: Callable[[], bool],
        retry_seconds: float,
    ):
        self.scheduler = scheduler
        self.sync = sync
        self.runner = runner
        self.still_behind = still_behind
        self.retry_seconds = retry_seconds

    def schedule(self, when: datetime, retry: bool = False) -> None:
        job = self.retry if retry else self.run
        run_later(self.scheduler, job, when, CATCH_UP_JOB_ID, "segur sync (catch-up)")

    def run(self):
        outcome = self.sync()
        if outcome is not None and outcome.exit_code == EXIT_LOCK_HELD:
            if self.runner.stopping:
                return outcome
            when = seconds_from_now(self.scheduler, self.retry_seconds)
            log.info("catch-up refused by the lock: trying again %s", describe(when))
            self.schedule(when, retry=True)
        return outcome

    def retry(self):
        if not self.still_behind():
            log.info("catch-up no longer needed: another sync brought the catalogue up to date")
            return None
        return self.run()


class TransientRetry:
    """One more try, `delay` seconds later, of a sync that failed for a transient
    reason (the site was down or slow a moment): the night is not lost for a blip.
    The retry itself is not retried."""

    def __init__(self, scheduler: BackgroundScheduler, runner: SyncRunner, delay: float):
        self.scheduler = scheduler
        self.runner = runner
        self.delay = delay

    def after(self, sync: Callable[[], SyncOutcome | None]) -> Callable[[], SyncOutcome | None]:
        def sync_then_maybe_retry():
            outcome = sync()
            if self._transient(outcome) and not self.runner.stopping:
                when = seconds_from_now(self.scheduler, self.delay)
                log.info("transient failure: trying the sync once more %s", describe(when))
                run_later(
                    self.scheduler,
                    self.runner.run_once,
                    when,
                    TRANSIENT_RETRY_JOB_ID,
                    "segur sync (retry)",
                )
            return outcome

        return sync_then_maybe_retry

    @staticmethod
    def _transient(outcome: SyncOutcome | None) -> bool:
        return bool(outcome and outcome.run and outcome.run.failure_kind == TRANSIENT)


def _log_job_event(trigger: BaseTrigger, event: JobEvent) -> None:
    # Never call back into the scheduler here: listeners run in the worker thread,
    # and scheduler.shutdown(wait=True) holds its locks while waiting for it.
    due = _due_time(event)
    if event.code == EVENT_JOB_MISSED:
        log.warning("the sync due %s was missed: more than %d s late", due, MISFIRE_GRACE_TIME)
    elif event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("the sync due %s was skipped: the previous one is still running", due)
    elif event.code == EVENT_JOB_ERROR:
        log.error("the sync due %s crashed: %r", due, event.exception)
    _log_next_run(trigger)


def _due_time(event: JobEvent) -> str:
    # Execution events carry one scheduled time, submission events a list of them.
    moment = getattr(event, "scheduled_run_time", None)
    moments = getattr(event, "scheduled_run_times", None) or [moment]
    return f"at {describe(moments[-1])}" if moments[-1] else "now"


def _log_next_run(trigger: BaseTrigger) -> None:
    upcoming = trigger.get_next_fire_time(None, datetime.now(ZoneInfo("UTC")))
    if upcoming is not None:
        log.info("next sync: %s", describe(upcoming))


class StopRequest:
    """Set from a signal handler or another thread; the main thread polls it.

    A signal handler only assigns an attribute: taking a lock there (as
    `threading.Event.set` does) could deadlock with the interrupted main thread.
    """

    def __init__(self) -> None:
        self.reason: str | None = None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def on_signal(self, signum: int, frame: object) -> None:
        self.request(signal.Signals(signum).name)

    def wait(self) -> str:
        while self.reason is None:
            time.sleep(STOP_POLL_SECONDS)
        return self.reason


def serve(
    scheduler: BackgroundScheduler,
    runner: SyncRunner,
    stop: StopRequest,
    handle_signals: bool = True,
) -> int:
    """Run `scheduler` until `stop` is requested (SIGTERM, SIGINT); 0 after a clean stop."""
    previous = _install_handlers(stop) if handle_signals else {}
    try:
        scheduler.start()
        reason = stop.wait()
        log.info("%s received: stopping the scheduler", reason)
    finally:
        runner.stop()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log.info("scheduler stopped cleanly")
    return 0


def _install_handlers(stop: StopRequest) -> dict:
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, stop.on_signal)
    return previous


def run_nightly(
    settings: SyncSettings, at: time_of_day, timezone: ZoneInfo, catch_up: bool = True
) -> int:
    """`segur schedule`: sync every day at `at` in `timezone` until stopped."""
    log_file = configure_logging(settings.db_path)
    trigger = daily_trigger(at, timezone)
    log.info(
        "scheduler starting: a sync every day at %s %s of %s into %s (log %s)",
        f"{at:%H:%M}",
        timezone.key,
        settings.base_url,
        settings.db_path,
        log_file,
    )
    _warn_about_dst(at, timezone)
    _recover_interrupted_runs(settings)
    run_now = catch_up and _catch_up_is_due(settings)
    runner = SyncRunner(settings)
    scheduler = build_scheduler(
        runner,
        trigger,
        timezone,
        run_now=run_now,
        still_behind=lambda: _catch_up_is_due(settings, quiet=True),
    )
    if not run_now:
        _log_next_run(trigger)
    return serve(scheduler, runner, StopRequest())


def _recover_interrupted_runs(settings: SyncSettings) -> None:
    try:
        recovered = recover_interrupted_runs(settings.db_path)
    except (sqlite3.Error, OSError) as error:
        log.error("cannot check %s for interrupted runs: %s", settings.db_path, error)
        return
    for run_id in recovered:
        log.warning("run %d was left running by a sync that was killed: recorded as failed", run_id)


def _catch_up_is_due(settings: SyncSettings, quiet: bool = False) -> bool:
    try:
        finished = last_complete_run_finished(settings.db_path)
        latest = latest_run_status(settings.db_path)
    except sqlite3.Error as error:
        log.error("cannot read the runs of %s (%s): syncing now", settings.db_path, error)
        return True
    due = needs_catch_up(finished, datetime.now(ZoneInfo("UTC")), latest)
    if quiet:
        return due
    if not due and finished is not None:  # not due: a complete run finished recently
        log.info("last complete run finished %s: no catch-up needed", finished.isoformat())
        return False
    when = f"finished {finished.isoformat()}" if finished else "none yet"
    if finished is not None and latest != "complete":
        log.info(
            "the latest run is %s (last complete run %s); catching up with a sync now", latest, when
        )
    else:
        log.info("last complete run: %s; catching up with a sync now", when)
    return True


def _warn_about_dst(at: time_of_day, timezone: ZoneInfo) -> None:
    today = datetime.now(timezone).date()
    for hazard in dst_hazards(at, timezone, today):
        log.warning(
            "%s %s is %s by daylight saving on %s: pick a time outside that hour"
            " to sync exactly once a day",
            f"{at:%H:%M}",
            timezone.key,
            hazard.kind,
            hazard.day.isoformat(),
        )
