"""The sync lock: one sync per catalogue at a time, and a crash never leaves it stuck."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime

import pytest

from catalogue.lock import EXIT_LOCK_HELD, LockHeld, lock_file_for, sync_lock
from tests.conftest import lock_held_by_another_process


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "segur.db"


@pytest.fixture
def holder(db_path):
    """Another process holding the lock of `db_path`."""
    with lock_held_by_another_process(db_path) as process:
        yield process


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=10)
    return process.pid


def test_lock_file_sits_next_to_the_database(db_path):
    assert lock_file_for(db_path) == db_path.parent / "segur.db.lock"


def test_lock_is_acquired_and_records_the_holder(db_path):
    with sync_lock(db_path) as holder:
        content = json.loads(lock_file_for(db_path).read_text())
        assert holder.pid == os.getpid()
        assert content == {"pid": os.getpid(), "started_at": holder.started_at}
        assert datetime.fromisoformat(holder.started_at).tzinfo is not None


def test_lock_is_released_on_exit_and_on_exception(db_path):
    with sync_lock(db_path):
        pass
    with pytest.raises(RuntimeError), sync_lock(db_path):
        raise RuntimeError("sync crashed")
    with sync_lock(db_path):
        pass
    assert lock_file_for(db_path).exists()  # kept: deleting a flock'ed file is racy
    assert lock_file_for(db_path).read_text() == ""


@pytest.mark.process
def test_second_acquisition_in_another_process_is_refused(db_path, holder):
    with pytest.raises(LockHeld) as refused, sync_lock(db_path):
        pytest.fail("two syncs held the lock at once")
    error = refused.value
    assert error.pid == holder.pid
    assert datetime.fromisoformat(error.started_at).tzinfo is not None
    assert str(error).startswith("another sync is already running")
    assert f"pid {holder.pid}" in str(error)
    assert "\n" not in str(error)


def test_second_acquisition_in_the_same_process_is_refused(db_path):
    with sync_lock(db_path), pytest.raises(LockHeld) as refused, sync_lock(db_path):
        pass
    assert refused.value.pid == os.getpid()


@pytest.mark.process
def test_refusal_leaves_the_holders_lock_and_details_intact(db_path, holder):
    before = lock_file_for(db_path).read_text()
    with pytest.raises(LockHeld), sync_lock(db_path):
        pass
    assert lock_file_for(db_path).read_text() == before
    with pytest.raises(LockHeld), sync_lock(db_path):
        pass


@pytest.mark.process
def test_lock_of_a_killed_process_is_free_at_once(db_path, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with sync_lock(db_path) as mine:
        assert mine.pid == os.getpid()


@pytest.mark.process
def test_stale_lock_file_with_a_dead_pid_does_not_block(db_path):
    stale = {"pid": dead_pid(), "started_at": "2026-01-01T03:30:00+00:00"}
    lock_file = lock_file_for(db_path)
    lock_file.parent.mkdir(parents=True)
    lock_file.write_text(json.dumps(stale))
    with sync_lock(db_path) as mine:
        assert json.loads(lock_file.read_text())["pid"] == mine.pid == os.getpid()


@pytest.mark.process
def test_unreadable_holder_details_still_refuse_with_a_clear_message(db_path, holder):
    lock_file_for(db_path).write_text("not json")
    with pytest.raises(LockHeld) as refused, sync_lock(db_path):
        pass
    assert refused.value.pid is None
    assert "pid unknown" in str(refused.value)


def test_locks_of_two_catalogues_are_independent(tmp_path):
    with sync_lock(tmp_path / "a.db"), sync_lock(tmp_path / "b.db"):
        pass


@pytest.mark.process
def test_segur_sync_refuses_to_start_while_another_holds_the_lock(db_path, segur):
    with sync_lock(db_path) as holder:
        refused = segur("sync", "--db", str(db_path), "--base-url", "http://127.0.0.1:9")
    assert refused.returncode == EXIT_LOCK_HELD
    assert refused.stdout == ""
    [line] = refused.stderr.splitlines()
    assert "another sync is already running" in line
    assert f"pid {holder.pid}, started {holder.started_at}" in line
    assert not db_path.exists()  # refused before touching the catalogue


def test_lock_if_free_holds_the_lock_while_no_sync_does(db_path):
    from catalogue.lock import lock_if_free

    db_path.parent.mkdir(parents=True)
    with lock_if_free(db_path) as free:
        assert free
        with pytest.raises(LockHeld):  # a sync now waits or is refused
            with sync_lock(db_path):
                pass
    with sync_lock(db_path):  # and gets it right after
        pass


@pytest.mark.process
def test_lock_if_free_says_no_while_a_sync_holds_it(db_path, holder):
    from catalogue.lock import lock_if_free

    with lock_if_free(db_path) as free:
        assert not free


def test_a_sync_waits_a_little_for_a_reader_to_let_go(db_path):
    import threading
    import time

    from catalogue.lock import lock_if_free

    released = threading.Event()

    def brief_look():
        with lock_if_free(db_path) as free:
            assert free
            released.wait(5)
            time.sleep(0.2)

    reader = threading.Thread(target=brief_look)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    reader.start()
    time.sleep(0.1)
    released.set()
    with sync_lock(db_path, wait=3.0) as mine:  # would be refused with wait=0
        assert mine.pid == os.getpid()
    reader.join(timeout=5)
