"""A run left `running` by a killed sync is recorded as failed by whatever opens the
catalogue next, and never shown to the public as in progress; a sync whose
scheduler dies stops by itself."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest

from catalogue.schema import open_db
from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.served import served_catalogue
from catalogue.store import ABANDONED_REASON, start_run
from catalogue.sync import SUPERVISOR_ENV, recover_interrupted_runs
from tests.conftest import lock_held_by_another_process
from tests.serve_support import build_catalogue, get


@pytest.fixture
def catalogue(tmp_path):
    return build_catalogue(tmp_path / "catalogue.db")


@pytest.fixture
def sync_under_way(catalogue):
    """Another process holding the sync lock, as a sync does while it crawls."""
    with lock_held_by_another_process(catalogue) as process:
        yield process


def leave_a_run_running(path) -> int:
    db = open_db(path)
    run_id = start_run(db, "http://127.0.0.1:9/")
    db.conn.close()
    return run_id


def run_row(path, run_id: int) -> tuple:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT status, reason FROM runs WHERE id = ?", [run_id]).fetchone()


def test_recovery_fails_abandoned_runs_only(catalogue):
    run_id = leave_a_run_running(catalogue)
    assert recover_interrupted_runs(catalogue) == [run_id]
    assert run_row(catalogue, run_id) == ("failed", ABANDONED_REASON)
    assert recover_interrupted_runs(catalogue) == []


@pytest.mark.process
def test_recovery_leaves_a_sync_under_way_alone(catalogue, sync_under_way):
    run_id = leave_a_run_running(catalogue)
    assert recover_interrupted_runs(catalogue) == []
    assert run_row(catalogue, run_id)[0] == "running"


def test_recovery_without_a_catalogue_creates_nothing(tmp_path):
    assert recover_interrupted_runs(tmp_path / "none.db") == []
    assert list(tmp_path.iterdir()) == []


def test_serve_records_an_abandoned_run_and_never_shows_it_in_progress(catalogue):
    run_id = leave_a_run_running(catalogue)
    datasette = build_datasette(catalogue, poll_seconds=None)
    try:
        home = get(datasette, "/").text
        assert "en cours" not in home
        assert run_row(catalogue, run_id) == ("failed", ABANDONED_REASON)
        page = get(datasette, f"/synchronisations/{run_id}").text
        assert "s&#39;est arrêté avant la fin" in page or "s'est arrêté avant la fin" in page
    finally:
        close_datasette(datasette)


@pytest.mark.process
def test_serve_shows_a_sync_under_way_then_notices_when_it_dies(catalogue, sync_under_way):
    run_id = leave_a_run_running(catalogue)
    datasette = build_datasette(catalogue, poll_seconds=None)
    served = served_catalogue(datasette)
    try:
        assert "en cours" in get(datasette, "/").text  # a real sync: it is under way
        assert run_row(catalogue, run_id)[0] == "running"
        assert served.refresh() is False  # nothing committed, sync still alive
        sync_under_way.kill()  # the sync dies without recording its run
        sync_under_way.wait(timeout=10)
        assert served.refresh() is True
        assert "en cours" not in get(datasette, "/").text
        assert run_row(catalogue, run_id) == ("failed", ABANDONED_REASON)
    finally:
        close_datasette(datasette)


@pytest.mark.process
def test_a_sync_stops_when_its_supervisor_is_gone(tmp_path):
    """`segur sync` started by a process that then dies notices it and stops."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers: the crawl would hang
    db = tmp_path / "segur.db"
    supervisor_script = (
        "import os, subprocess, sys, time\n"
        "env = {**os.environ, sys.argv[1]: str(os.getpid())}\n"
        "child = subprocess.Popen([sys.executable, '-m', 'cli', 'sync',"
        " '--db', sys.argv[2], '--base-url', sys.argv[3], '--delay', '0', '-q'], env=env)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-c",
            supervisor_script,
            SUPERVISOR_ENV,
            str(db),
            f"http://127.0.0.1:{silent.getsockname()[1]}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child = int(supervisor.stdout.readline())
        wait_until(lambda: db.exists() and _latest_status(db) == "running", timeout=60)
        supervisor.kill()  # SIGKILL: the child is not told
        supervisor.wait(timeout=10)
        wait_until(lambda: _gone(child), timeout=30)
        assert _latest_status(db) == "failed"
    finally:
        supervisor.kill()
        supervisor.stdout.close()
        silent.close()


def _latest_status(db) -> str | None:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
