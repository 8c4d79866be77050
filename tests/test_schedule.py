"""`segur schedule`: run times across daylight saving, the job's options, catch-up,
the sync subprocess (time limit, report, stop), logs, signals, and real syncs of
the replica fired by the scheduler."""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from click.testing import CliRunner

from catalogue.schema import open_db
from cli import cli
from schedules.job import SyncRunner, SyncSettings, stop_process
from schedules.logs import LOGGER_NAMES, configure_logging, log_file_for
from schedules.runs import (
    last_complete_run_finished,
    latest_run_after,
    latest_run_status,
    needs_catch_up,
)
from schedules.scheduler import CATCH_UP_JOB_ID, JOB_ID, StopRequest, build_scheduler, serve
from schedules.timing import (
    DstHazard,
    ScheduleError,
    daily_trigger,
    describe,
    dst_hazards,
    load_timezone,
    next_run_times,
    parse_at,
)
from tests.sync_support import first_sync

ROOT = Path(__file__).resolve().parent.parent
PARIS = ZoneInfo("Europe/Paris")
UTC_ZONE = ZoneInfo("UTC")
UNREACHABLE = "http://127.0.0.1:9"

# A stand-in for the `segur` CLI with the same contract (`sync` records a run in
# the `runs` table and prints a summary; `diff` prints the markdown report), its
# behaviour chosen by FAKE_SYNC: "added:N", "fail", "transient", "lock", "hang", "stubborn"
# (ignores SIGTERM), "hang-with-child" (also starts a grandchild process).
FAKE_SEGUR = r"""
import os, signal, subprocess, sys, time
from datetime import UTC, datetime

verb, *rest = sys.argv[1:]
options = dict(zip(rest[::2], rest[1::2]))
if verb == "diff":
    if os.environ.get("FAKE_DIFF") == "fail":
        print("segur diff: no such run", file=sys.stderr)
        sys.exit(1)
    print(f"# Rapport du run {options['--run']}\n\n## Nouvelles solutions référencées")
    sys.exit(0)
mode = os.environ.get("FAKE_SYNC", "added:0")
if mode == "lock":
    print("segur sync: another sync is already running (pid 1)", file=sys.stderr)
    sys.exit(75)
if mode in ("hang", "stubborn", "hang-with-child"):
    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if mode == "hang-with-child":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open(os.environ["FAKE_CHILD_PID_FILE"], "w") as pid_file:
            pid_file.write(str(child.pid))
    print("pages : 1/10", flush=True)
    time.sleep(60)
    sys.exit(0)
from catalogue.schema import open_db
db = open_db(options["--db"])
now = datetime.now(UTC).isoformat(timespec="seconds")
failed = mode in ("fail", "transient")
added = 0 if failed else int(mode.split(":")[1])
db["runs"].insert({
    "started_at": now, "finished_at": now, "status": "failed" if failed else "complete",
    "reason": "Site injoignable" if failed else "", "base_url": options["--base-url"],
    "added": added, "removed": 0, "changed": 0,
    "failure_kind": "transient" if mode == "transient" else None,
})
print(f"run: {'failed' if failed else 'complete'}, added {added}, removed 0, changed 0")
if failed:
    print("segur sync: run failed: Site injoignable", file=sys.stderr)
sys.exit(1 if failed else 0)
"""

# Runs the real scheduler (signals included) with the stand-in `segur`.
SCHEDULER_DRIVER = """
import sys
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo
from schedules.job import SyncSettings
from schedules.scheduler import run_nightly

settings = SyncSettings(
    base_url="http://127.0.0.1:9", db_path=Path(sys.argv[1]), delay=0, kill_after=5,
    program=(sys.executable, sys.argv[2]),
)
sys.exit(run_nightly(settings, time(3, 30), ZoneInfo("Europe/Paris")))
"""


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def is_gone(pid: int) -> bool:
    """True when the process no longer runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "segur.db"


@pytest.fixture
def fake_segur(tmp_path):
    script = tmp_path / "fake_segur.py"
    script.write_text(FAKE_SEGUR, encoding="utf-8")
    return (sys.executable, str(script))


@pytest.fixture
def schedule_logger_state():
    """Give back the loggers as they were after a test that configures them."""
    saved = {}
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        saved[name] = (list(logger.handlers), logger.level, logger.propagate)
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if handler not in handlers:
                handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def add_run(db_path: Path, status: str, finished_at: str | None, added: int = 0) -> int:
    row = {"started_at": finished_at, "finished_at": finished_at, "status": status, "added": added}
    return open_db(db_path)["runs"].insert(row).last_pk


# --- time of day, time zone, daylight saving ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("03:30", time_of_day(3, 30)), ("3:05", time_of_day(3, 5)), ("23:59", time_of_day(23, 59))],
)
def test_parse_at_accepts_24_hour_times(text, expected):
    assert parse_at(text) == expected


@pytest.mark.parametrize("text", ["24:00", "25:00", "03:60", "3h30", "0330", "", "03:30:00"])
def test_parse_at_rejects_anything_else(text):
    with pytest.raises(ScheduleError, match="HH:MM"):
        parse_at(text)


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", ""])
def test_unknown_timezone_is_refused(name):
    with pytest.raises(ScheduleError, match="unknown time zone"):
        load_timezone(name)


# (local date, UTC instant, UTC offset) of the first runs after noon two days before each change.
DST_CHANGES = {
    "march-2027": (
        datetime(2027, 3, 26, 12, tzinfo=PARIS),
        [
            ("2027-03-27", "2027-03-27T02:30:00+00:00", "+01:00"),
            ("2027-03-28", "2027-03-28T01:30:00+00:00", "+02:00"),
            ("2027-03-29", "2027-03-29T01:30:00+00:00", "+02:00"),
        ],
    ),
    "october-2026": (
        datetime(2026, 10, 23, 12, tzinfo=PARIS),
        [
            ("2026-10-24", "2026-10-24T01:30:00+00:00", "+02:00"),
            ("2026-10-25", "2026-10-25T02:30:00+00:00", "+01:00"),
            ("2026-10-26", "2026-10-26T02:30:00+00:00", "+01:00"),
        ],
    ),
    "october-2027": (
        datetime(2027, 10, 30, 0, tzinfo=PARIS),
        [
            ("2027-10-30", "2027-10-30T01:30:00+00:00", "+02:00"),
            ("2027-10-31", "2027-10-31T02:30:00+00:00", "+01:00"),
            ("2027-11-01", "2027-11-01T02:30:00+00:00", "+01:00"),
        ],
    ),
}


@pytest.mark.parametrize("change", DST_CHANGES)
def test_one_run_a_day_at_0330_local_across_daylight_saving(change):
    now, expected = DST_CHANGES[change]
    runs = next_run_times(daily_trigger(parse_at("03:30"), PARIS), len(expected), now)
    assert [
        (run.date().isoformat(), run.astimezone(UTC).isoformat(), run.isoformat()[-6:])
        for run in runs
    ] == expected
    assert all((run.hour, run.minute, run.second) == (3, 30, 0) for run in runs)


@pytest.mark.parametrize("change", DST_CHANGES)
def test_exactly_one_run_per_local_day_over_a_week_around_the_change(change):
    now = DST_CHANGES[change][0]
    runs = next_run_times(daily_trigger(parse_at("03:30"), PARIS), 7, now)
    days = [run.date() for run in runs]
    assert days == [days[0] + timedelta(days=n) for n in range(7)]
    gaps = {(b - a) for a, b in zip(runs, runs[1:], strict=False)}
    assert gaps <= {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


def test_a_time_inside_the_changing_hour_runs_twice_in_october():
    """Why the default is 03:30: 02:30 exists twice on 2026-10-25 in Paris."""
    runs = next_run_times(
        daily_trigger(parse_at("02:30"), PARIS), 4, datetime(2026, 10, 24, 12, tzinfo=PARIS)
    )
    assert [run.date().isoformat() for run in runs] == [
        "2026-10-25",
        "2026-10-25",
        "2026-10-26",
        "2026-10-27",
    ]
    assert dst_hazards(time_of_day(2, 30), PARIS, date(2026, 10, 1)) == [
        DstHazard(date(2026, 10, 25), "repeated"),
        DstHazard(date(2027, 3, 28), "skipped"),
    ]
    assert dst_hazards(time_of_day(3, 30), PARIS, date(2026, 10, 1)) == []


def test_run_times_are_described_with_their_time_zone():
    winter = datetime(2026, 11, 24, 3, 30, tzinfo=PARIS)
    summer = datetime(2027, 6, 1, 3, 30, tzinfo=PARIS)
    assert describe(winter) == "2026-11-24 03:30 CET (UTC+01:00, Europe/Paris)"
    assert describe(summer) == "2027-06-01 03:30 CEST (UTC+02:00, Europe/Paris)"


# --- the job and its options ---------------------------------------------------------------


def test_job_options_and_trigger(tmp_path):
    runner = SyncRunner(SyncSettings(base_url=UNREACHABLE, db_path=tmp_path / "segur.db"))
    scheduler = build_scheduler(runner, daily_trigger(parse_at("03:30"), PARIS), PARIS)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(JOB_ID)
        assert job.func.__name__ == "sync_then_maybe_retry"  # runner.run_once, then maybe a retry
        assert job.misfire_grace_time == 3 * 3600
        assert job.coalesce is True
        assert job.max_instances == 1
        assert isinstance(job.trigger, CronTrigger)
        assert str(job.trigger) == "cron[hour='3', minute='30', second='0']"
        assert job.trigger.timezone == PARIS
        expected = next_run_times(job.trigger, 1, datetime.now(PARIS))[0]
        assert job.next_run_time == expected
        assert scheduler.timezone == PARIS
        assert scheduler._lookup_executor("default")._pool._max_workers == 1
    finally:
        scheduler.shutdown(wait=False)


def test_catch_up_runs_a_sync_at_once_and_the_nightly_job_follows_its_trigger(tmp_path):
    runner = SyncRunner(SyncSettings(base_url=UNREACHABLE, db_path=tmp_path / "segur.db"))
    trigger = daily_trigger(parse_at("03:30"), PARIS)
    scheduler = build_scheduler(runner, trigger, PARIS, run_now=True)
    scheduler.start(paused=True)
    try:
        catch_up = scheduler.get_job(CATCH_UP_JOB_ID)
        assert abs(catch_up.next_run_time - datetime.now(PARIS)) < timedelta(seconds=5)
        assert catch_up.max_instances == 1
        nightly = scheduler.get_job(JOB_ID)
        assert nightly.trigger is trigger
        assert nightly.next_run_time == next_run_times(trigger, 1, datetime.now(PARIS))[0]
    finally:
        scheduler.shutdown(wait=False)


# --- catch-up ------------------------------------------------------------------------------

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_catch_up_when_there_is_no_catalogue(db_path):
    assert last_complete_run_finished(db_path) is None
    assert needs_catch_up(None, NOW)
    assert not db_path.exists()  # reading never creates the catalogue


def test_catch_up_when_no_run_is_complete(db_path):
    open_db(db_path)
    assert last_complete_run_finished(db_path) is None
    add_run(db_path, "failed", "2026-11-24T11:00:00+00:00")
    add_run(db_path, "partial", "2026-11-24T11:30:00+00:00")
    assert last_complete_run_finished(db_path) is None
    assert needs_catch_up(last_complete_run_finished(db_path), NOW)


def test_catch_up_when_the_last_complete_run_is_over_a_day_old(db_path):
    add_run(db_path, "complete", "2026-11-23T11:59:00+00:00")
    add_run(db_path, "failed", "2026-11-24T03:30:00+00:00")  # a newer failure does not count
    finished = last_complete_run_finished(db_path)
    assert finished == datetime(2026, 11, 23, 11, 59, tzinfo=UTC)
    assert needs_catch_up(finished, NOW)


def test_no_catch_up_after_a_recent_complete_run(db_path):
    add_run(db_path, "complete", "2026-11-20T03:31:00+00:00")
    add_run(db_path, "complete", "2026-11-24T03:31:00+01:00")
    finished = last_complete_run_finished(db_path)
    assert finished == datetime(2026, 11, 24, 2, 31, tzinfo=UTC)
    assert not needs_catch_up(finished, NOW)


def test_catch_up_when_the_latest_run_did_not_complete(db_path):
    add_run(db_path, "complete", "2026-11-24T03:31:00+00:00")
    finished = last_complete_run_finished(db_path)
    assert not needs_catch_up(finished, NOW, latest_run_status(db_path))
    for status in ("failed", "partial"):
        add_run(db_path, status, "2026-11-24T11:00:00+00:00")
        assert needs_catch_up(finished, NOW, latest_run_status(db_path)), status
    add_run(db_path, "complete", "2026-11-24T11:30:00+00:00")
    assert not needs_catch_up(last_complete_run_finished(db_path), NOW, "complete")


def test_naive_finished_at_is_read_as_utc(db_path):
    add_run(db_path, "complete", "2026-11-24 10:00:00")
    assert last_complete_run_finished(db_path) == datetime(2026, 11, 24, 10, tzinfo=UTC)


# --- one sync in a subprocess --------------------------------------------------------------


def make_runner(db_path, program, **options) -> SyncRunner:
    settings = SyncSettings(
        base_url=UNREACHABLE, db_path=db_path, delay=0, program=program, **options
    )
    return SyncRunner(settings)


@pytest.mark.process
def test_sync_with_newly_referenced_solutions_writes_the_report(
    db_path, fake_segur, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "added:3")
    add_run(db_path, "complete", "2026-11-23T03:31:00+00:00")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.exit_code == 0 and outcome.succeeded
    assert (outcome.run.id, outcome.run.status, outcome.run.added) == (2, "complete", 3)
    assert outcome.report == db_path.parent / "reports" / "2.md"
    assert outcome.report.read_text(encoding="utf-8").startswith("# Rapport du run 2\n")
    assert "sync | run: complete, added 3, removed 0, changed 0" in caplog.text
    assert "exit status 0): run 2 complete, 3 added, 0 removed, 0 changed" in caplog.text
    assert f"report of run 2 (3 newly referenced): {outcome.report}" in caplog.text


@pytest.mark.process
def test_sync_without_new_solutions_writes_no_report(db_path, fake_segur, monkeypatch):
    monkeypatch.setenv("FAKE_SYNC", "added:0")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.succeeded and outcome.run.added == 0
    assert outcome.report is None
    assert not (db_path.parent / "reports").exists()


@pytest.mark.process
def test_failed_sync_is_logged_with_its_status_and_reason(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "fail")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.exit_code == 1 and not outcome.succeeded
    assert outcome.run.status == "failed" and outcome.report is None
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "(exit status 1): run 1 failed" in errors[0]
    assert errors[0].endswith("Site injoignable")


@pytest.mark.process
def test_sync_refused_by_the_lock_is_logged_as_skipped(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "lock")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.exit_code == 75 and outcome.run is None
    assert "sync skipped: another sync holds the lock" in caplog.text


@pytest.mark.process
def test_unreadable_catalogue_is_logged_and_the_sync_still_runs(
    db_path, fake_segur, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="schedules")
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a SQLite database" * 100)
    monkeypatch.setenv("FAKE_SYNC", "lock")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.exit_code == 75 and outcome.run is None
    assert f"cannot read the latest run id from {db_path}" in caplog.text


@pytest.mark.process
def test_report_failure_is_logged_and_the_job_goes_on(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "added:1")
    monkeypatch.setenv("FAKE_DIFF", "fail")
    outcome = make_runner(db_path, fake_segur).run_once()
    assert outcome.succeeded and outcome.report is None
    assert "report of run 1 not written: segur diff failed: segur diff: no such run" in caplog.text
    assert not (db_path.parent / "reports" / "1.md").exists()


@pytest.mark.process
def test_time_limit_stops_the_sync_with_sigterm(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "hang")
    started = time.monotonic()
    outcome = make_runner(db_path, fake_segur, timeout=1, kill_after=5).run_once()
    assert outcome.timed_out and not outcome.succeeded
    assert outcome.exit_code == -signal.SIGTERM
    assert time.monotonic() - started < 5
    assert "sync exceeded its time limit of 1 s" in caplog.text
    assert "sync stopped at its time limit (killed by SIGTERM): no run recorded" in caplog.text


@pytest.mark.process
def test_time_limit_kills_a_sync_that_ignores_sigterm(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "stubborn")
    started = time.monotonic()
    outcome = make_runner(db_path, fake_segur, timeout=1, kill_after=0.5).run_once()
    assert outcome.timed_out and outcome.exit_code == -signal.SIGKILL
    assert time.monotonic() - started < 5
    assert "sync still running 0.5 s after SIGTERM: killing it" in caplog.text


@pytest.mark.process
def test_stop_ends_the_running_sync_and_its_children_and_starts_no_other(
    db_path, fake_segur, monkeypatch, tmp_path
):
    grandchild_file = tmp_path / "grandchild.pid"
    monkeypatch.setenv("FAKE_SYNC", "hang-with-child")
    monkeypatch.setenv("FAKE_CHILD_PID_FILE", str(grandchild_file))
    runner = make_runner(db_path, fake_segur, kill_after=5)
    outcomes = []
    worker = threading.Thread(target=lambda: outcomes.append(runner.run_once()))
    worker.start()
    grandchild = int(wait_for(lambda: grandchild_file.exists() and grandchild_file.read_text()))
    child = runner.child_pid
    runner.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcomes[0].stopped and outcomes[0].exit_code == -signal.SIGTERM
    assert is_gone(child) and wait_for(lambda: is_gone(grandchild))
    assert runner.run_once() is None


@pytest.mark.process
def test_stop_process_returns_the_status_of_a_finished_child():
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(4)"])
    child.wait(timeout=10)
    assert stop_process(child, kill_after=1) == 4


# --- logs ----------------------------------------------------------------------------------


def test_logs_go_to_the_console_and_a_rotating_file_next_to_the_database(
    db_path, schedule_logger_state
):
    console = io.StringIO()
    path = configure_logging(db_path, console=console)
    configure_logging(db_path, console=console)  # again: handlers replaced, not doubled
    logging.getLogger("schedules.job").info("sync finished")
    logging.getLogger("apscheduler.scheduler").info("Scheduler started")
    assert path == log_file_for(db_path) == db_path.parent / "logs" / "segur-schedule.log"
    assert console.getvalue().count("sync finished") == 1
    text = path.read_text(encoding="utf-8")
    assert text.count("INFO schedules.job: sync finished") == 1
    assert "INFO apscheduler.scheduler: Scheduler started" in text
    rotating = [h for h in logging.getLogger("schedules").handlers if hasattr(h, "maxBytes")]
    assert [(h.maxBytes, h.backupCount) for h in rotating] == [(1_000_000, 5)]


# --- the scheduler running -----------------------------------------------------------------


def start_serving(scheduler, runner):
    stop = StopRequest()
    results = []
    thread = threading.Thread(
        target=lambda: results.append(serve(scheduler, runner, stop, handle_signals=False))
    )
    thread.start()
    return stop, thread, results


def cron_in(seconds: float) -> CronTrigger:
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return CronTrigger(
        hour=moment.hour, minute=moment.minute, second=moment.second, timezone=UTC_ZONE
    )


@pytest.mark.process
def test_schedule_fires_once_at_its_time(db_path, fake_segur, monkeypatch):
    monkeypatch.setenv("FAKE_SYNC", "added:2")
    runner = make_runner(db_path, fake_segur)
    scheduler = build_scheduler(runner, cron_in(2), UTC_ZONE)
    executed = []
    scheduler.add_listener(executed.append, EVENT_JOB_EXECUTED)
    started = time.monotonic()
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: executed, timeout=15)
        assert 0.5 < time.monotonic() - started
        job = scheduler.get_job(JOB_ID)
        assert timedelta(hours=23) < job.next_run_time - datetime.now(UTC) <= timedelta(days=1)
        time.sleep(1)
    finally:
        stop.request("test")
        thread.join(timeout=15)
    assert results == [0]
    assert len(executed) == 1
    outcome = executed[0].retval
    assert outcome.succeeded and outcome.run.id == 1
    assert outcome.report == db_path.parent / "reports" / "1.md"
    assert latest_run_after(db_path, 1) is None


@pytest.mark.process
@pytest.mark.parametrize(
    ("late", "runs"),
    [(timedelta(hours=2, minutes=55), True), (timedelta(hours=3, minutes=5), False)],
)
def test_a_late_run_runs_within_the_grace_time_only(
    db_path, fake_segur, monkeypatch, caplog, late, runs
):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "added:0")
    runner = make_runner(db_path, fake_segur)
    scheduler = build_scheduler(runner, DateTrigger(datetime.now(UTC) - late), UTC_ZONE)
    finished = []
    scheduler.add_listener(finished.append, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: finished, timeout=15)
    finally:
        stop.request("test")
        thread.join(timeout=15)
    assert results == [0]
    assert [event.code for event in finished] == [EVENT_JOB_EXECUTED if runs else EVENT_JOB_MISSED]
    assert db_path.exists() is runs
    assert ("was missed: more than 10800 s late" in caplog.text) is not runs


@pytest.mark.process
def test_stop_request_during_a_sync_stops_it_and_the_scheduler(
    db_path, fake_segur, monkeypatch, tmp_path
):
    grandchild_file = tmp_path / "grandchild.pid"
    monkeypatch.setenv("FAKE_SYNC", "hang-with-child")
    monkeypatch.setenv("FAKE_CHILD_PID_FILE", str(grandchild_file))
    runner = make_runner(db_path, fake_segur, kill_after=5)
    scheduler = build_scheduler(runner, daily_trigger(parse_at("03:30"), PARIS), PARIS, True)
    stop, thread, results = start_serving(scheduler, runner)
    grandchild = int(wait_for(lambda: grandchild_file.exists() and grandchild_file.read_text()))
    child = runner.child_pid
    started = time.monotonic()
    stop.request("test")
    thread.join(timeout=15)
    assert not thread.is_alive() and results == [0]
    assert time.monotonic() - started < 5
    assert not scheduler.running
    assert is_gone(child) and wait_for(lambda: is_gone(grandchild))


@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_scheduler_process_and_its_sync(tmp_path, db_path, signum, fake_segur):
    grandchild_file = tmp_path / "grandchild.pid"
    driver = tmp_path / "driver.py"
    driver.write_text(SCHEDULER_DRIVER, encoding="utf-8")
    env = {
        **os.environ,
        "FAKE_SYNC": "hang-with-child",
        "FAKE_CHILD_PID_FILE": str(grandchild_file),
    }
    scheduler = subprocess.Popen(
        [sys.executable, str(driver), str(db_path), fake_segur[1]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log_file = log_file_for(db_path)
        started = wait_for(
            lambda: (
                log_file.exists() and re.search(r"sync started \(pid (\d+)\)", log_file.read_text())
            ),
            timeout=15,
        )
        grandchild = int(wait_for(lambda: grandchild_file.exists() and grandchild_file.read_text()))
        scheduler.send_signal(signum)
        assert scheduler.wait(timeout=15) == 0
    finally:
        scheduler.kill()
        console = scheduler.stderr.read()
        scheduler.stderr.close()
    log = log_file.read_text()
    assert "last complete run: none yet; catching up with a sync now" in log
    assert f"{signal.Signals(signum).name} received: stopping the scheduler" in log
    assert "sync stopped by shutdown (killed by SIGTERM)" in log
    assert log.rstrip().endswith("scheduler stopped cleanly")
    assert "scheduler stopped cleanly" in console
    assert is_gone(int(started.group(1))) and wait_for(lambda: is_gone(grandchild))


# --- the command ---------------------------------------------------------------------------

PRINTED_RUN = re.compile(
    r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) (\S+) \(UTC([+-]\d{2}:\d{2}), (\S+)\)$"
)


def invoke(*args):
    return CliRunner().invoke(cli, ["schedule", *args])


@pytest.mark.parametrize(
    ("options", "at", "zone"),
    [
        ([], "03:30", "Europe/Paris"),
        (["--at", "4:15", "--timezone", "Asia/Tokyo"], "04:15", "Asia/Tokyo"),
    ],
)
def test_print_shows_the_next_five_runs_with_their_time_zone(tmp_path, options, at, zone):
    db = tmp_path / "nowhere" / "segur.db"
    result = invoke("--print", "--db", str(db), *options)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    matches = [PRINTED_RUN.match(line) for line in lines]
    assert all(matches), lines
    days = [date.fromisoformat(m.group(1)) for m in matches]
    assert days == [days[0] + timedelta(days=n) for n in range(5)]
    today = datetime.now(ZoneInfo(zone)).date()
    assert days[0] in (today, today + timedelta(days=1))
    assert {(m.group(2), m.group(5)) for m in matches} == {(at, zone)}
    for match in matches:
        local = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}").replace(
            tzinfo=ZoneInfo(zone)
        )
        assert local.strftime("%Z") == match.group(3)
    assert not db.parent.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--at", "25:00"], "Error: --at must be a 24-hour time HH:MM such as 03:30, not '25:00'"),
        (["--at", "3h30", "--print"], "Error: --at must be a 24-hour time HH:MM"),
        (["--timezone", "Mars/Olympus"], "Error: unknown time zone 'Mars/Olympus'"),
        (["--timezone", "../etc/passwd", "--print"], "Error: unknown time zone '../etc/passwd'"),
    ],
)
def test_bad_option_is_one_line_error_with_exit_2(tmp_path, options, message):
    db = tmp_path / "data" / "segur.db"
    result = invoke("--db", str(db), *options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)
    assert not db.parent.exists()


def test_help_documents_every_option_with_an_example():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in (
        "--at", "--timezone", "--base-url", "--db", "--delay", "--timeout", "--kill-after",
        "--no-catch-up", "--notify", "--print",
    ):  # fmt: skip
        assert option in result.stdout
    assert "segur schedule --db data/segur.db" in result.stdout


# --- real syncs of the replica -------------------------------------------------------------


def solution_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("SELECT * FROM solutions ORDER BY key").fetchall()


def run_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("SELECT id, status FROM runs ORDER BY id").fetchall()


@pytest.mark.slow
def test_short_schedule_performs_a_real_sync_of_the_replica(db_path, replica, segur):
    from replica.dataset import build_dataset

    server = replica(state=1)
    runner = SyncRunner(SyncSettings(base_url=server.url, db_path=db_path, delay=0, timeout=120))
    scheduler = build_scheduler(runner, cron_in(2), UTC_ZONE)
    executed = []
    scheduler.add_listener(executed.append, EVENT_JOB_EXECUTED)
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: executed, timeout=120, interval=0.2)
    finally:
        stop.request("test")
        thread.join(timeout=30)
    assert results == [0] and len(executed) == 1
    outcome = executed[0].retval
    assert outcome.exit_code == 0, outcome.output_tail
    assert (outcome.run.status, outcome.run.added) == ("complete", len(build_dataset(1).solutions))
    assert len(solution_rows(db_path)) == len(build_dataset(1).solutions)
    assert run_rows(db_path) == [(1, "complete")]
    assert outcome.report == db_path.parent / "reports" / "1.md"
    diff = segur("diff", "--db", str(db_path), "--run", "1", "--format", "markdown")
    assert diff.returncode == 0 and diff.stdout.strip()
    assert outcome.report.read_text(encoding="utf-8") == diff.stdout


@pytest.mark.slow
def test_sigterm_during_a_real_sync_stops_cleanly_and_changes_nothing(db_path, replica, tmp_path):
    from replica.server import Fault

    first_sync(replica(state=1), db_path)  # the setup, crawled in-process
    before = solution_rows(db_path)
    with sqlite3.connect(db_path) as connection:  # make the last complete run two days old
        connection.execute("UPDATE runs SET finished_at = '2020-01-01T00:00:00+00:00'")
    slow = replica(state=2, faults=(Fault("slow", times=None, delay=2),))
    console = (tmp_path / "schedule.out").open("w")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "cli", "schedule", "--db", str(db_path),
         "--base-url", slow.url, "--delay", "0", "--kill-after", "15"],
        cwd=ROOT, stdout=console, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        log_file = log_file_for(db_path)
        started = wait_for(
            lambda: (
                log_file.exists() and re.search(r"sync started \(pid (\d+)\)", log_file.read_text())
            ),
            timeout=30,
        )
        wait_for(lambda: len(slow.requests) >= 2, timeout=30)
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=40) == 0
    finally:
        scheduler.kill()
        console.close()
    assert is_gone(int(started.group(1)))
    assert solution_rows(db_path) == before
    assert run_rows(db_path)[0] == (1, "complete")
    assert len(run_rows(db_path)) == 2 and run_rows(db_path)[1][1] == "failed"
    log = log_file.read_text()
    assert "SIGTERM received: stopping the scheduler" in log
    assert "scheduler stopped cleanly" in log
    assert not (db_path.parent / "reports").exists()


# --- a nightly job that cannot be lost ----------------------------------------------------


@pytest.mark.process
def test_a_catch_up_refused_by_the_lock_is_tried_again(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "lock")
    runner = make_runner(db_path, fake_segur)
    far = daily_trigger(parse_at("03:30"), PARIS)
    scheduler = build_scheduler(runner, far, PARIS, run_now=True, retry_seconds=0.5)
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: "catch-up refused by the lock: trying again" in caplog.text)
        monkeypatch.setenv("FAKE_SYNC", "added:0")  # the other sync is over
        run = wait_for(lambda: latest_run_after(db_path, 0), timeout=15)
        assert run.status == "complete"
    finally:
        stop.request("test")
        thread.join(timeout=15)
    assert results == [0]


@pytest.mark.process
def test_a_retried_catch_up_is_dropped_once_no_longer_needed(
    db_path, fake_segur, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "lock")
    runner = make_runner(db_path, fake_segur)
    far = daily_trigger(parse_at("03:30"), PARIS)
    scheduler = build_scheduler(
        runner, far, PARIS, run_now=True, still_behind=lambda: False, retry_seconds=0.3
    )
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: "catch-up no longer needed" in caplog.text)
        assert scheduler.get_job(CATCH_UP_JOB_ID) is None
        assert caplog.text.count("sync started") == 1
    finally:
        stop.request("test")
        thread.join(timeout=15)


# Runs the real scheduler with the real `segur sync` against a site that never answers.
REAL_SCHEDULER_DRIVER = """
import sys
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo
from schedules.job import SyncSettings
from schedules.scheduler import run_nightly

settings = SyncSettings(base_url=sys.argv[2], db_path=Path(sys.argv[1]), delay=0, kill_after=5)
sys.exit(run_nightly(settings, time(3, 30), ZoneInfo("Europe/Paris")))
"""


@pytest.fixture
def silent_site():
    """A site that accepts connections and never answers: a sync hangs on it."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def start_real_scheduler(tmp_path, db_path, site) -> tuple[subprocess.Popen, int]:
    """The scheduler in a subprocess, its catch-up sync under way: (scheduler, sync pid)."""
    driver = tmp_path / "real_driver.py"
    driver.write_text(REAL_SCHEDULER_DRIVER, encoding="utf-8")
    log_file = log_file_for(db_path)
    already = log_file.read_text().count("sync started") if log_file.exists() else 0
    scheduler = subprocess.Popen(
        [sys.executable, str(driver), str(db_path), site],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def started_sync():
        if not log_file.exists():
            return None
        pids = re.findall(r"sync started \(pid (\d+)\)", log_file.read_text())
        return int(pids[-1]) if len(pids) > already else None

    sync_pid = wait_for(started_sync, timeout=60)
    wait_for(lambda: db_path.exists() and latest_status(db_path) == "running", timeout=60)
    return scheduler, sync_pid


def latest_status(db_path) -> str | None:
    try:
        return latest_run_status(db_path)
    except sqlite3.Error:
        return None


@pytest.mark.slow
def test_a_sync_dies_with_its_killed_scheduler_and_is_caught_up(
    tmp_path, db_path, silent_site, schedule_logger_state
):
    scheduler, sync_pid = start_real_scheduler(tmp_path, db_path, silent_site)
    scheduler.kill()  # SIGKILL: no chance to stop its sync
    scheduler.wait(timeout=10)
    wait_for(lambda: is_gone(sync_pid), timeout=15)  # the sync does not go on alone
    assert latest_status(db_path) == "failed"
    # The next start sees a catalogue behind and catches up at once.
    scheduler, sync_pid = start_real_scheduler(tmp_path, db_path, silent_site)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=20) == 0
    assert is_gone(sync_pid)
    log = log_file_for(db_path).read_text()
    assert log.count("catching up with a sync now") == 2


@pytest.mark.slow
def test_a_night_killed_midway_is_recovered_and_caught_up_despite_a_recent_complete_run(
    tmp_path, db_path, silent_site, schedule_logger_state
):
    add_run(db_path, "complete", datetime.now(UTC).isoformat(timespec="seconds"))
    sync = subprocess.Popen(
        [sys.executable, "-m", "cli", "sync", "--db", str(db_path)]
        + ["--base-url", silent_site, "--delay", "0", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: latest_status(db_path) == "running", timeout=30)
    sync.kill()  # killed with its scheduler (OOM killer, cgroup stop): the run stays open
    sync.wait(timeout=10)
    killed_run = open_db(db_path).execute("SELECT max(id) FROM runs").fetchone()[0]
    assert latest_status(db_path) == "running"
    scheduler, sync_pid = start_real_scheduler(tmp_path, db_path, silent_site)
    scheduler.send_signal(signal.SIGTERM)
    assert scheduler.wait(timeout=20) == 0
    assert is_gone(sync_pid)
    log = log_file_for(db_path).read_text()
    assert f"run {killed_run} was left running by a sync that was killed" in log
    assert "the latest run is failed" in log and "catching up with a sync now" in log
    status, reason = (
        open_db(db_path).execute("SELECT status, reason FROM runs WHERE id = ?", [killed_run])
    ).fetchone()
    assert status == "failed" and "arrêté avant la fin" in reason


@pytest.mark.process
def test_a_transient_failure_is_tried_once_more_later(db_path, fake_segur, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="schedules")
    monkeypatch.setenv("FAKE_SYNC", "transient")
    runner = make_runner(db_path, fake_segur)
    far = daily_trigger(parse_at("03:30"), PARIS)
    scheduler = build_scheduler(runner, far, PARIS, run_now=True, transient_retry_seconds=0.3)
    stop, thread, results = start_serving(scheduler, runner)
    try:
        wait_for(lambda: latest_run_after(db_path, 1), timeout=15)  # the retry ran
        time.sleep(1.0)  # and was not retried in turn
        assert latest_run_after(db_path, 2) is None
        assert caplog.text.count("transient failure: trying the sync once more") == 1
    finally:
        stop.request("test")
        thread.join(timeout=15)
    assert results == [0]
