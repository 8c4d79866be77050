"""The sync lock: at most one sync writes a catalogue at a time, whoever starts it.

    with sync_lock(db_path):
        ...  # crawl and store one run

The lock is an `fcntl.flock` on `<db>.lock`. The kernel ties it to the open file
description, so it disappears with the process that holds it, however that
process ends (exit, exception, SIGKILL, out-of-memory kill). A pid file, by
contrast, outlives a crashed process and must be judged stale by guessing
(is the pid alive? has it been reused by another program?); flock needs no
guess, and a lock left by a crash never blocks the next sync.

The holder writes its pid and start time into the file only so that a refused
sync can say who holds the lock; the content never decides anything. The file
is never deleted: unlinking a flock'ed file lets two processes lock two
different inodes under the same name.

flock is reliable on local file systems; keep the catalogue off NFS.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# Exit code for "another sync holds the lock" (EX_TEMPFAIL from sysexits.h):
# try again later, nothing is wrong with the input.
EXIT_LOCK_HELD = 75
# Seconds a sync waits for the lock: readers take it for a few milliseconds to
# tell a run left `running` by a dead process from one under way
# (`lock_if_free`), and a sync starting at that moment must not be refused.
SYNC_LOCK_WAIT = 3.0
_RETRY_SECONDS = 0.05


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as written in the lock file (either may be unknown)."""

    pid: int | None
    started_at: str | None


class LockHeld(Exception):
    """Another process holds the sync lock of this catalogue."""

    def __init__(self, lock_file: Path, holder: Holder):
        self.lock_file = lock_file
        self.pid = holder.pid
        self.started_at = holder.started_at
        super().__init__(str(self))

    def __str__(self) -> str:
        who = f"pid {self.pid}" if self.pid is not None else "pid unknown"
        since = f", started {self.started_at}" if self.started_at else ""
        return f"another sync is already running ({who}{since}; lock {self.lock_file})"


def lock_file_for(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def sync_lock(db_path: str | Path, wait: float = 0.0) -> Iterator[Holder]:
    """Hold the sync lock of the catalogue at `db_path`; raise `LockHeld` when
    another process still holds it after `wait` seconds."""
    lock_file = lock_file_for(db_path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    # os.open gives a non-inheritable descriptor: a child process never keeps it alive.
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd, wait):
            raise LockHeld(lock_file, _read_holder(fd))
        holder = Holder(pid=os.getpid(), started_at=datetime.now(UTC).isoformat(timespec="seconds"))
        _write_holder(fd, holder)
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def lock_if_free(db_path: str | Path) -> Iterator[bool]:
    """Hold the sync lock for a short look at the catalogue, if no sync holds it.

    Yields True while holding it: no sync is under way, so a run still marked
    `running` was left by a process that is gone. Yields False when a sync
    holds it, or when the lock file cannot be opened (a reader without write
    access to the folder): nothing can then be concluded. Never waits.
    """
    lock_file = lock_file_for(db_path)
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield False
        return
    try:
        held = _try_lock(fd, 0.0)
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_lock(fd: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_RETRY_SECONDS)


def _write_holder(fd: int, holder: Holder) -> None:
    data = json.dumps({"pid": holder.pid, "started_at": holder.started_at}).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data + b"\n", 0)


def _read_holder(fd: int) -> Holder:
    """Best effort: the holder may not have written its details yet."""
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return Holder(None, None)
    if not isinstance(data, dict):
        return Holder(None, None)
    pid = data.get("pid")
    started_at = data.get("started_at")
    return Holder(
        pid=pid if isinstance(pid, int) else None,
        started_at=started_at if isinstance(started_at, str) else None,
    )
