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
a result budget), on SQL threads of its own (`num_sql_threads` of them); queries
of requests carrying their own SQL run on the threads of the custom-SQL lane
(catalogue/serve/lane.py) instead.

Each member of Datasette's `Database` overridden here is listed, with the reason,
in catalogue/serve/internals.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path

from datasette.database import Database, QueryInterrupted

from catalogue.serve.internals import prepare_connection
from catalogue.serve.lane import CUSTOM_SQL, SqlLane
from catalogue.serve.limits import query_budget
from catalogue.serve.served import ServedCatalogue
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


def file_sha256(path: Path) -> str:
    """The hash Datasette shows for an immutable database: SHA-256 of its file."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def sql_thread_pool(count: int) -> ThreadPoolExecutor | None:
    """The pool the catalogue's queries run on (None: on the calling thread, as Datasette
    does when `num_sql_threads` is 0)."""
    if count == 0:
        return None
    return ThreadPoolExecutor(max_workers=count, thread_name_prefix="segur-sql")


class SnapshotDatabase(Database):
    def __init__(self, datasette, served: ServedCatalogue):
        self.datasette = datasette
        self.served = served
        self._open_connections: list[sqlite3.Connection] = []
        self._open_lock = threading.Lock()
        super().__init__(datasette, path=None, is_mutable=False)
        self.time_limit_seconds = datasette.setting("sql_time_limit_ms") / 1000
        self.sql_threads = sql_thread_pool(datasette.setting("num_sql_threads"))
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
            prepare_connection(self.datasette, conn, self.name)
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
        executor = self.custom_sql.executor if CUSTOM_SQL.get() else self.sql_threads

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
        return snapshot.memo("hash", lambda: file_sha256(snapshot.path))

    @property
    def size(self) -> int:
        return self.snapshot.path.stat().st_size

    async def table_counts(self, limit=10):
        """Rows of each table (None: not counted within `limit` ms), as Datasette counts."""
        snapshot = self.snapshot
        cached = snapshot.recall("table_counts")
        if cached is not None:
            return cached
        counts = {table: await self._count(table, limit) for table in await self.table_names()}
        if None not in counts.values():
            snapshot.remember("table_counts", counts)
        return counts

    async def _count(self, table: str, limit: int) -> int | None:
        try:
            results = await self.execute(f"select count(*) from [{table}]", custom_time_limit=limit)
        except (QueryInterrupted, sqlite3.DatabaseError):
            return None
        return results.rows[0][0]

    def close(self) -> None:
        self.custom_sql.close()
        if self.sql_threads is not None:
            self.sql_threads.shutdown(wait=False, cancel_futures=True)
        with self._open_lock:
            connections, self._open_connections = self._open_connections, []
        for conn in connections:
            conn.close()
