"""Datasette plugin: one snapshot per request, cached responses, the watcher thread.

`asgi_wrapper` wraps the whole Datasette application:

* each request is pinned to the snapshot current when it starts (context
  variable `PINNED`, read by `SnapshotDatabase`), and the snapshot's file is
  kept until the request ends: a page never mixes two runs;
* successful GET responses, look-ups, streamed downloads and the open-data
  bundle (a folder, not the snapshot) excepted, are cached in memory under
  (snapshot id, scheme, host, path, query) until the next swap; identical
  requests arriving while the first is computed wait for it instead of
  computing it again;
* a request made while answering another (`datasette.client`, as the whole JSON
  exports do) reads the snapshot of the request that made it, and is not cached;
* every response says which snapshot it comes from (`x-segur-snapshot`) and
  whether it came from the cache (`x-segur-cache`).

`startup` starts the thread that polls the source for a new sync.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from datasette import hookimpl

from catalogue.serve.cache import CachedResponse
from catalogue.serve.database import PINNED
from catalogue.serve.plugins.downloads import DOWNLOADS_PATH
from catalogue.serve.plugins.opendata import OPENDATA_PATH
from catalogue.serve.served import served_catalogue

# Answered in about a millisecond, and nearly every one asks another name: caching
# them would only push the pages worth caching out of the cache.
UNCACHED_PATHS = frozenset({"/verifier", "/verifier.json"})


@hookimpl
def startup(datasette):
    served = served_catalogue(datasette)
    if served is not None:
        served.start_watching()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        return SnapshotServing(app, datasette)

    return wrap


class SnapshotServing:
    def __init__(self, app, datasette):
        self.app = app
        self.datasette = datasette
        self._computing: dict[tuple, asyncio.Future] = {}

    async def __call__(self, scope, receive, send):
        served = served_catalogue(self.datasette)
        if scope["type"] != "http" or served is None:
            await self.app(scope, receive, send)
            return
        pinned = PINNED.get()
        if pinned is not None and pinned.path.parent == served.folder:
            # Made while answering a request, which keeps the snapshot until it ends.
            await self.app(scope, receive, _tagged(send, pinned.id, b"bypass"))
            return
        snapshot = served.pin()
        token = PINNED.set(snapshot)
        try:
            if cacheable(scope) and served.cache is not None:
                await self._serve_cached(scope, receive, send, served, snapshot)
            else:
                await self.app(scope, receive, _tagged(send, snapshot.id, b"bypass"))
        finally:
            PINNED.reset(token)
            served.release(snapshot)

    async def _serve_cached(self, scope, receive, send, served, snapshot):
        key = _cache_key(scope, snapshot.id)
        cached = served.cache.get(key)
        if cached is None and key in self._computing:
            # The same page is being computed for someone else: wait for it.
            await asyncio.shield(self._computing[key])
            cached = served.cache.get(key)
        if cached is not None:
            await _replay(send, cached, snapshot.id)
            return
        done = asyncio.get_running_loop().create_future()
        self._computing.setdefault(key, done)
        recorder = _Recorder(_tagged(send, snapshot.id, b"miss"), served.cache.max_entry_bytes)
        try:
            await self.app(scope, receive, recorder.send)
            response = recorder.response()
            if response is not None and served.current is snapshot:
                served.cache.put(key, response)
        finally:
            if self._computing.get(key) is done:
                del self._computing[key]
            done.set_result(None)


def cacheable(scope) -> bool:
    """Whether a response may be kept. Never a streamed download (`/telecharger/…`,
    Datasette's CSV with `_stream`): identical requests would wait for the first
    download to end, however slow its reader, and a large one would only push pages
    out of the cache. Never the open-data bundle (`/donnees…`): it is a folder a sync
    rebuilds after its snapshot is published, not the snapshot."""
    if scope["method"] != "GET" or scope["path"] in UNCACHED_PATHS:
        return False
    if scope["path"].startswith((f"{DOWNLOADS_PATH}/", OPENDATA_PATH)):
        return False
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    return not any(key == "_stream" and value for key, value in query)


def _cache_key(scope, snapshot_id: str) -> tuple:
    headers = dict(scope.get("headers") or [])
    return (
        snapshot_id,
        scope.get("scheme", "http"),
        headers.get(b"host", b""),
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b""),
    )


def _tagged(send, snapshot_id: str, cache_state: bytes):
    async def tagged_send(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers.append((b"x-segur-snapshot", snapshot_id.encode()))
            headers.append((b"x-segur-cache", cache_state))
            message = {**message, "headers": headers}
        await send(message)

    return tagged_send


class _Recorder:
    """Passes a response through and keeps a copy when it may be cached."""

    def __init__(self, send, max_bytes: int):
        self._send = send
        self._max_bytes = max_bytes
        self._status: int | None = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []
        self._size = 0
        self._cacheable = True
        self._complete = False

    async def send(self, message):
        if message["type"] == "http.response.start":
            self._status = message["status"]
            self._headers = list(message.get("headers", []))
            if self._status != 200 or any(k.lower() == b"set-cookie" for k, _ in self._headers):
                self._cacheable = False
        elif message["type"] == "http.response.body" and self._cacheable:
            body = message.get("body", b"")
            self._size += len(body)
            if self._size > self._max_bytes:
                self._cacheable = False
                self._chunks = []
            else:
                self._chunks.append(body)
            if not message.get("more_body", False):
                self._complete = True
        await self._send(message)

    def response(self) -> CachedResponse | None:
        if self._status is None or not (self._cacheable and self._complete):
            return None
        return CachedResponse(self._status, tuple(self._headers), b"".join(self._chunks))


async def _replay(send, cached: CachedResponse, snapshot_id: str) -> None:
    await _tagged(send, snapshot_id, b"hit")(
        {"type": "http.response.start", "status": cached.status, "headers": list(cached.headers)}
    )
    await send({"type": "http.response.body", "body": cached.body})
