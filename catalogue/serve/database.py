"""The Datasette database of the public catalogue: always the pinned snapshot.

Datasette keeps one connection per database name in each SQL thread, and views
look databases up by name several times per request. Swapping Database objects
under one name would let a request started before a swap run its later queries
on the new file. Here the name stays bound to one `SnapshotDatabase` whose file
is chosen per request instead: the snapshot pinned in the context variable
`PINNED` when the request began (see plugins/consistency.py), else the current
one. Connections are kept per thread and per snapshot file, and those to
snapshots no longer in use are closed.

Every query runs under the limits of catalogue/serve/limits.py (a deadline and
a result budget), and queries of requests carrying their own SQL run on the
threads of the custom-SQL lane (catalogue/serve/lane.py), never on Datasette's.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import traceback
from contextvars import ContextVar
from pathlib import Path

from datasette.database import Database
from datasette.inspect import inspect_hash

from catalogue.serve.lane import CUSTOM_SQL, SqlLane
from catalogue.serve.limits import query_budget
from catalogue.serve.served import DATABASE_NAME, ServedCatalogue
from catalogue.serve.snapshots import Snapshot, sqlite_uri

PINNED: ContextVar[Snapshot | None] = ContextVar("segur_pinned_snapshot", default=None)

_thread_state = threading.local()


def _thread_connections() -> dict[str, sqlite3.Connection]:
    connections = getattr(_thread_state, "connections", None)
    if connections is None:
        connections = _thread_state.connections = {}
    return connections


def release_frames(error: BaseException | None) -> None:
    """Free what the frames of a failed query hold, on the thread that ran it.

    The exception travels to the event loop inside a future, its traceback
    keeping the query's cursor alive. Freed there, the cursor resets its
    statement, which waits for the connection's mutex: if the SQL thread is
    already running its next query on that connection, the whole event loop
    waits for that query to finish (a second, for every visitor).
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


class SnapshotDatabase(Database):
    def __init__(self, ds, served: ServedCatalogue):
        self.served = served
        self._open_connections: list[sqlite3.Connection] = []
        self._open_lock = threading.Lock()
        super().__init__(ds, path=None, is_mutable=False)
        self.time_limit_seconds = ds.setting("sql_time_limit_ms") / 1000
        self.custom_sql = SqlLane(self.time_limit_seconds)

    @property
    def snapshot(self) -> Snapshot:
        pinned = PINNED.get()
        if pinned is not None and pinned.path.parent == self.served.folder:
            return pinned
        return self.served.current

    @property
    def path(self) -> str:
        return str(self.snapshot.path)

    @path.setter
    def path(self, value) -> None:
        """Datasette's constructor sets a path; ours always follows the snapshot."""

    def suggest_name(self) -> str:
        return DATABASE_NAME

    def connect(self, write: bool = False) -> sqlite3.Connection:
        if write:
            raise sqlite3.OperationalError("the public catalogue is read-only")
        return self._connect_to(self.snapshot)

    def _connect_to(self, snapshot: Snapshot) -> sqlite3.Connection:
        conn = sqlite3.connect(
            sqlite_uri(snapshot.path, immutable="1"), uri=True, check_same_thread=False
        )
        with self._open_lock:
            self._open_connections.append(conn)
        return conn

    def _connection_for(self, snapshot: Snapshot) -> sqlite3.Connection:
        connections = _thread_connections()
        key = str(snapshot.path)
        conn = connections.get(key)
        if conn is None:
            conn = self._connect_to(snapshot)
            self.ds._prepare_connection(conn, self.name)
            connections[key] = conn
            self._close_unused(connections)
        return conn

    def _close_unused(self, connections: dict[str, sqlite3.Connection]) -> None:
        for path in list(connections):
            if Path(path).parent == self.served.folder and not self.served.is_live(path):
                self._forget(connections.pop(path))

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._open_lock:
            if conn in self._open_connections:
                self._open_connections.remove(conn)
        conn.close()

    async def execute_fn(self, fn):
        snapshot = self.snapshot
        executor = self.custom_sql.executor if CUSTOM_SQL.get() else self.ds.executor

        def bounded():
            conn = self._connection_for(snapshot)
            try:
                with query_budget(conn, self.time_limit_seconds):
                    return fn(conn)
            except BaseException as error:
                release_frames(error)
                raise

        if executor is None:
            return bounded()
        return await asyncio.get_running_loop().run_in_executor(executor, bounded)

    def execute_inline(self, fn):
        """`fn(connection)` on the event loop's own thread, for work of a millisecond
        or so (the look-up): handing it to a SQL thread costs more than running it.
        No deadline (the look-up's queries are bounded by construction), but the
        result budget holds."""
        conn = self._connection_for(self.snapshot)
        with query_budget(conn, None):
            return fn(conn)

    async def attached_databases(self):
        # A snapshot has none, and PRAGMA database_list (refused) would tell its path.
        return []

    async def execute_write_fn(self, fn, block=True):
        raise sqlite3.OperationalError("the public catalogue is read-only")

    # Per-snapshot values Datasette caches once per immutable database.

    @property
    def hash(self) -> str:
        snapshot = self.snapshot
        return snapshot.memo("hash", lambda: inspect_hash(snapshot.path))

    @property
    def size(self) -> int:
        return self.snapshot.path.stat().st_size

    @property
    def cached_table_counts(self):
        return self.snapshot.recall("table_counts")

    async def table_counts(self, limit=10):
        snapshot = self.snapshot
        cached = snapshot.recall("table_counts")
        if cached is not None:
            return cached
        counts = await super().table_counts(limit=limit)
        if None not in counts.values():
            snapshot.remember("table_counts", counts)
        return counts

    def close(self) -> None:
        self.custom_sql.close()
        with self._open_lock:
            connections, self._open_connections = self._open_connections, []
        for conn in connections:
            conn.close()
