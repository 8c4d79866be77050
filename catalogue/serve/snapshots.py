"""Immutable snapshots of the catalogue: the only files the public server reads.

`segur sync` writes the catalogue (WAL mode) and stores a run in one transaction.
The server never reads that file: it reads a snapshot, a copy taken with SQLite's
backup API inside one read transaction, hence one committed state, never half a
run. A snapshot is prepared once (rollback journal, schema up to date, full-text
indexes rebuilt, look-up index filled), made read-only on disk and then
opened by Datasette with `immutable=1`: no file Datasette has opened is ever
written again.

A run a killed sync left `running` is never shown as in progress: a snapshot
is copied while holding the sync lock when no sync holds it, and any run still
`running` then is marked failed in the snapshot, and recorded so in the source
when the server may write it.

`SourceWatcher.changed()` tells, cheaply, whether anything was committed to the
source since the last look (`PRAGMA data_version`); the server then takes a new
snapshot and swaps to it between requests (catalogue/serve/served.py).

Snapshots live beside the catalogue, in `<db>.serve/<process>/NNNN-runR.db`.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from catalogue.lock import lock_if_free
from catalogue.lookup import refresh_name_terms
from catalogue.schema import ensure_schema
from catalogue.store import RUNNING, fail_abandoned_runs, fail_abandoned_runs_at

REQUIRED_TABLES = ("runs", "solutions", "candidates", "changes")
FULL_TEXT_TABLES = ("solutions", "candidates")
BUSY_TIMEOUT_SECONDS = 10


class NotACatalogue(Exception):
    """The source cannot be served (one-line message)."""


def snapshot_root(source: Path) -> Path:
    """The folder that holds the snapshots of `source`."""
    return source.with_name(source.name + ".serve")


def sqlite_uri(path: Path, **options: str) -> str:
    query = urllib.parse.urlencode(options)
    return f"file:{urllib.parse.quote(str(path.resolve()))}" + (f"?{query}" if query else "")


@dataclass(eq=False)
class Snapshot:
    """One prepared, read-only copy of the catalogue."""

    path: Path
    number: int
    run_id: int | None  # the latest finished run it contains
    running: bool = False  # a sync was under way when it was taken
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def id(self) -> str:
        return f"{self.number}-run{self.run_id or 0}"

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per snapshot (it never changes)."""
        with self._memo_lock:
            if name not in self._memo:
                self._memo[name] = compute()
            return self._memo[name]

    def remember(self, name: str, value: Any) -> Any:
        with self._memo_lock:
            return self._memo.setdefault(name, value)

    def recall(self, name: str) -> Any:
        with self._memo_lock:
            return self._memo.get(name)


class SnapshotMaker:
    """Takes numbered snapshots of `source` into `folder`."""

    def __init__(self, source: Path, folder: Path):
        self.source = source
        self.folder = folder
        self._taken = 0
        self.notices: list[str] = []  # what the server should tell its operator

    def take(self) -> Snapshot:
        if not self.source.is_file():
            raise NotACatalogue(f"catalogue not found: {self.source}")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._taken += 1
        partial = self.folder / f"{self._taken:04d}.partial"
        try:
            run_id, running = self._copy_and_prepare(partial)
            os.chmod(partial, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            path = self.folder / f"{self._taken:04d}-run{run_id or 0}.db"
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return Snapshot(path=path, number=self._taken, run_id=run_id, running=running)

    def _copy_and_prepare(self, target: Path) -> tuple[int | None, bool]:
        copy = sqlite3.connect(target)
        try:
            with lock_if_free(self.source) as no_sync_under_way:
                self._backup_into(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                check_is_catalogue(copy, self.source)
                db = sqlite_utils.Database(copy)
                ensure_schema(db)
                if no_sync_under_way and fail_abandoned_runs(db):
                    self._record_abandoned_runs()
            for table in FULL_TEXT_TABLES:
                # Whatever statements a writer used, the index matches the rows.
                db.table(table).rebuild_fts()
            refresh_name_terms(db)
            run_id = copy.execute(
                "SELECT max(id) FROM runs WHERE finished_at IS NOT NULL"
            ).fetchone()[0]
            running = copy.execute("SELECT 1 FROM runs WHERE status = ?", [RUNNING]).fetchone()
            copy.commit()
            return run_id, running is not None
        finally:
            copy.close()

    def _record_abandoned_runs(self) -> None:
        """Record in the source what the snapshot shows (the caller holds the sync lock)."""
        try:
            ids = fail_abandoned_runs_at(self.source)
        except (sqlite3.Error, OSError) as error:
            self.notices.append(
                f"segur serve: a run left running by a killed sync is shown as failed,"
                f" but {self.source} cannot be written: {error}"
            )
            return
        for run_id in ids:
            self.notices.append(
                f"segur serve: run {run_id} was left running by a killed sync: recorded as failed"
            )

    def _backup_into(self, copy: sqlite3.Connection) -> None:
        try:
            source = sqlite3.connect(
                sqlite_uri(self.source, mode="ro"), uri=True, timeout=BUSY_TIMEOUT_SECONDS
            )
        except sqlite3.Error as error:
            raise NotACatalogue(f"cannot open {self.source}: {error}") from None
        try:
            # pages=-1: the whole file in one step, inside one read transaction.
            source.backup(copy, pages=-1)
        except sqlite3.DatabaseError as error:
            raise NotACatalogue(f"{self.source} is not a readable SQLite file: {error}") from None
        finally:
            source.close()


def check_is_catalogue(conn: sqlite3.Connection, source: Path) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise NotACatalogue(
            f"{source} is not a Ségur catalogue (no {', '.join(missing)} table); "
            "run `segur sync` first"
        )


class SourceWatcher:
    """Tells whether a commit reached the source since the last look.

    `PRAGMA data_version` changes, on one connection, whenever another
    connection commits. The file's identity is checked too, in case the
    catalogue was replaced by another file.
    """

    def __init__(self, source: Path):
        self.source = source
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._version: int | None = None

    def forget(self) -> None:
        """Report a change at the next call (the last snapshot attempt failed)."""
        self._version = None

    def changed(self) -> bool:
        """True the first time, then whenever a commit happened since the last call.

        Call it BEFORE taking a snapshot: a commit made while the snapshot is
        being taken is then reported by the next call.
        """
        try:
            info = self.source.stat()
        except FileNotFoundError:
            return False
        identity = (info.st_dev, info.st_ino)
        if self._conn is None or identity != self._identity:
            self.close()
            self._conn = sqlite3.connect(
                sqlite_uri(self.source, mode="ro"),
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
            self._identity = identity
            self._version = None
        try:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            self.close()
            raise NotACatalogue(f"{self.source} is not a readable SQLite file: {error}") from None
        changed = version != self._version
        self._version = version
        return changed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
