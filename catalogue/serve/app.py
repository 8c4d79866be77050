"""Build and run the public Datasette of the catalogue.

    datasette = build_datasette("data/segur.db")      # for tests: datasette.client.get(...)
    serve("data/segur.db", host="127.0.0.1", port=8001)

The metadata (metadata.yml), settings (settings.json), templates, static files
and plugins are files of this package. The database is always served under the
name `catalogue` (URLs do not depend on the file name), from immutable snapshots
(catalogue/serve/served.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sqlite3
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from datasette.app import Datasette

from catalogue.serve.cache import ResponseCache
from catalogue.serve.database import SnapshotDatabase
from catalogue.serve.internals import (
    CatalogueDatasette,
    asgi_app,
    check_internals,
    quiet_default_error_page,
    refusal,
)
from catalogue.serve.metadata import load_metadata
from catalogue.serve.plugins import register_plugins
from catalogue.serve.served import (
    DATABASE_NAME,
    DEFAULT_POLL_SECONDS,
    ServedCatalogue,
    attach,
    served_catalogue,
)

HERE = Path(__file__).resolve().parent
SETTINGS = HERE / "settings.json"
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_ROUTE = "segur-static"
# Seconds requests in flight get to finish once SIGTERM or Ctrl-C arrived.
GRACEFUL_STOP_SECONDS = 5
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class ServeError(Exception):
    """The server cannot start (one-line message)."""


def load_settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def build_datasette(
    db_path: str | Path,
    *,
    poll_seconds: float | None = DEFAULT_POLL_SECONDS,
    response_cache: bool = True,
) -> Datasette:
    """A Datasette serving snapshots of the catalogue at `db_path`.

    Raises `NotACatalogue` (one-line message) when the file cannot be served.
    `poll_seconds=None` never looks for a new sync by itself (tests call
    `served_catalogue(datasette).refresh()`).
    """
    register_plugins()
    # Datasette turns these on at import: every hostile query refused by a SQL
    # function of the catalogue would then print a traceback in the log.
    sqlite3.enable_callback_tracebacks(False)
    quiet_default_error_page()
    served = ServedCatalogue(
        db_path, poll_seconds=poll_seconds, cache=ResponseCache() if response_cache else None
    )
    served.open()
    try:
        datasette = CatalogueDatasette(
            metadata=load_metadata(),
            settings=load_settings(),
            template_dir=str(TEMPLATES),
            static_mounts=[(STATIC_ROUTE, str(STATIC))],
        )
        # With no file Datasette adds an in-memory database; the catalogue is the only one.
        datasette.remove_database("_memory")
        datasette.add_database(SnapshotDatabase(datasette, served), name=DATABASE_NAME)
        attach(datasette, served)
    except Exception:
        served.close()
        raise
    return datasette


def close_datasette(datasette: Datasette) -> None:
    """Stop watching the source and delete this server's snapshots."""
    served = served_catalogue(datasette)
    if served is not None:
        served.close()
    database = datasette.databases.get(DATABASE_NAME)
    if isinstance(database, SnapshotDatabase):
        database.close()


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it Nagle's algorithm meets delayed ACKs (40 ms stalls on chunked answers).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    # Listening now: connections made once the URL is printed wait for the server.
    sock.listen(2048)
    return sock


@contextmanager
def graceful_stop_on_signals(server: uvicorn.Server):
    """SIGTERM and SIGINT stop `server` gracefully, and do nothing more.

    uvicorn handles both while it serves, then restores the handlers it found
    and raises the signal again. With the default handlers that second SIGTERM
    would kill the process before the snapshots are deleted (status 143); the
    handlers installed here only ask the server to stop (which also covers a
    signal arriving before uvicorn listens), and the caller cleans up.
    """

    def stop(signum, frame) -> None:
        server.should_exit = True

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def serve(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    response_cache: bool = True,
    access_log: bool = True,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until SIGTERM or Ctrl-C, then finish the requests in flight, delete the
    snapshots and return. `on_ready` receives the URL. Raises `ServeError` when the
    installed Datasette breaks what the catalogue relies on (catalogue/serve/internals.py)."""
    broken = check_internals()
    if broken:
        raise ServeError(refusal(broken))
    sock = bind_socket(host, port)
    try:
        datasette = build_datasette(
            db_path, poll_seconds=poll_seconds, response_cache=response_cache
        )
    except BaseException:
        sock.close()
        raise
    try:
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{sock.getsockname()[1]}/"
        config = uvicorn.Config(
            asgi_app(datasette),
            log_level="info" if access_log else "warning",
            access_log=access_log,
            lifespan="on",
            timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS,
        )
        server = uvicorn.Server(config)

        async def run() -> None:
            await datasette.invoke_startup()
            if on_ready is not None:
                on_ready(url)
            await server.serve(sockets=[sock])

        with graceful_stop_on_signals(server):
            asyncio.run(run())
    finally:
        close_datasette(datasette)
        sock.close()
