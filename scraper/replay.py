"""Serve a run's WARC archive (scraper/archive.py) as the site it recorded, on loopback.

    recording = load_recording(Path("data/archive/run-7.warc.gz"))
    with ReplayServer(recording) as server:
        ...  # `segur sync --base-url server.url` re-reads run 7 offline

Each answer is served at the path and query string it was recorded for,
whatever the host it came from, with its status, headers and body. A URL
recorded several times (a page retried, robots.txt read by two syncs) gives its
answers in the order they were recorded, the last one again after that: a
replayed sync meets the same 503s and Retry-After the recorded one met. A
request recorded with no answer (timeout, dropped connection) closes the
connection unanswered; a URL the archive does not hold is a 404.

What is not served exactly as recorded, so that the re-read stays on this
server: `Location` headers and text bodies (HTML, XML, JSON, plain text)
that name the recorded site (`https://host`, `http://host` or `//host`) name
this server instead; a body rewritten so is served decoded (gzip or deflate),
without its `Content-Encoding`. Hop-by-hop headers and `Content-Length` are
recomputed for the answer sent.
"""

from __future__ import annotations

import gzip
import re
import signal
import sys
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from scraper.archive import FETCH_ERROR_FIELD
from scraper.loopback import LoopbackHandler, LoopbackHTTPServer, LoopbackServer

# Headers about one connection or one transfer, never replayed as recorded.
NOT_REPLAYED = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "content-length",
    }
)
TEXT_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/json")
GZIP_MAGIC = b"\x1f\x8b"
NOT_RECORDED_BODY = b"Not in the archive: this URL was not read by the recorded run.\n"


class BadArchive(Exception):
    """The file is not a readable WARC archive of a run (one-line message)."""


@dataclass(frozen=True)
class RecordedAnswer:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


NO_ANSWER = None  # what a request recorded with no answer replays as


@dataclass
class Recording:
    """What an archive holds, by request target (path and query string)."""

    path: Path
    answers: dict[str, list[RecordedAnswer | None]] = field(default_factory=dict)
    netlocs: set[str] = field(default_factory=set)  # hosts (and ports) the run read

    def add(self, url: str, answer: RecordedAnswer | None) -> None:
        self.answers.setdefault(request_target(url), []).append(answer)
        self.netlocs.add(urlsplit(url).netloc)

    def count(self, answered: bool) -> int:
        return sum(
            (answer is not NO_ANSWER) == answered
            for answers in self.answers.values()
            for answer in answers
        )


def request_target(url_or_target: str) -> str:
    """`/path?query` of a URL or of a request target (origin or absolute form)."""
    if url_or_target.startswith("/"):  # urlsplit would read "//a/b" as host "a"
        path, _, query = url_or_target.partition("#")[0].partition("?")
    else:
        parts = urlsplit(url_or_target)
        path, query = parts.path, parts.query
    return (path or "/") + (f"?{query}" if query else "")


def load_recording(path: str | Path) -> Recording:
    """Read every answer and every failed request of the archive at `path`.

    Raises `BadArchive` when it is not a readable WARC file or holds no exchange."""
    recording = Recording(Path(path))
    try:
        check_gzip_members(path)
        with open(path, "rb") as file:
            for record in ArchiveIterator(file, check_digests="raise"):
                read_record(record, recording)
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as error:
        raise BadArchive(f"{path} is not a readable WARC archive: {one_line(error)}") from None
    if not recording.answers:
        raise BadArchive(f"{path} holds no recorded request")
    return recording


def check_gzip_members(path: str | Path) -> None:
    """A gzipped archive cut short raises EOFError (warcio would stop quietly)."""
    with open(path, "rb") as file:
        if file.read(2) != GZIP_MAGIC:
            return
    with gzip.open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass


def read_record(record, recording: Recording) -> None:
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response" and record.http_headers:
        body = record.raw_stream.read()  # as received: still content-encoded
        if len(body) != record.length - record.http_headers.total_len:
            raise EOFError(f"the answer recorded for {url} is cut short")
        status, _, reason = record.http_headers.statusline.partition(" ")
        recording.add(
            url,
            RecordedAnswer(
                status=int(status),
                reason=reason.strip(),
                headers=tuple(record.http_headers.headers),
                body=body,
            ),
        )
    elif record.rec_type == "metadata" and fetch_error(record.content_stream().read()):
        recording.add(url, NO_ANSWER)


def fetch_error(fields: bytes) -> str | None:
    for line in fields.decode("utf-8", errors="replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == FETCH_ERROR_FIELD:
            return value.strip()
    return None


def one_line(error: object, limit: int = 160) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- what is sent


class Rewriter:
    """Makes answers that name the recorded site (`netlocs`) name this server instead."""

    def __init__(self, netlocs: set[str], own_netloc: str):
        self.own_netloc = own_netloc.encode()
        named = sorted((netloc for netloc in netlocs if netloc), key=len, reverse=True)
        hosts = b"|".join(re.escape(netloc.encode()) for netloc in named)
        # One pass, so that a replacement is never rewritten again; a longer host
        # name that merely starts like the recorded one is left alone.
        self.pattern = re.compile(rb"(https?:)?//(?:" + hosts + rb")(?![\w.-])") if named else None

    def replace(self, data: bytes) -> bytes:
        return self.pattern.sub(self._own, data) if self.pattern else data

    def _own(self, match: re.Match) -> bytes:
        scheme = b"http:" if match.group(1) else b""  # scheme-relative links stay so
        return scheme + b"//" + self.own_netloc

    def location(self, value: str) -> str:
        return self.replace(value.encode("latin-1", errors="replace")).decode("latin-1")

    def answer(self, answer: RecordedAnswer) -> tuple[list[tuple[str, str]], bytes]:
        """The headers (except Content-Length) and body to send for `answer`."""
        headers = [
            (name, self.location(value) if name.lower() == "location" else value)
            for name, value in answer.headers
            if name.lower() not in NOT_REPLAYED
        ]
        if not is_text(answer.header("Content-Type")):
            return headers, answer.body
        decoded = decode(answer.body, answer.header("Content-Encoding"))
        if decoded is None:
            return headers, answer.body
        rewritten = self.replace(decoded)
        if rewritten == decoded:
            return headers, answer.body
        return [(n, v) for n, v in headers if n.lower() != "content-encoding"], rewritten


def is_text(content_type: str | None) -> bool:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind.startswith(TEXT_TYPES)


def decode(body: bytes, content_encoding: str | None) -> bytes | None:
    """`body` without its content encoding; None when it is one we cannot undo."""
    encoding = (content_encoding or "identity").strip().lower()
    try:
        if encoding == "identity":
            return body
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(body, zlib.MAX_WBITS | 32)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, seen in the wild
    except zlib.error:
        return None
    return None


# ---------------------------------------------------------------- the server


class _HTTPServer(LoopbackHTTPServer):
    owner: ReplayServer

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client went away (a crawl stopped, a reset keep-alive): not an error
        super().handle_error(request, client_address)


class _Handler(LoopbackHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer(send_body=False)

    def answer(self, send_body: bool) -> None:
        replay = self.server.owner
        target = request_target(self.path)
        if not replay.holds(target):
            self.send_not_recorded(send_body)
            return
        answer = replay.next_answer(target)
        try:
            if answer is NO_ANSWER:
                self.log_message('"%s" closed unanswered, as recorded', self.requestline)
                self.close_connection = True
            else:
                self.send_recorded(answer, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_recorded(self, answer: RecordedAnswer, send_body: bool) -> None:
        headers, body = self.server.owner.rewriter(self.headers.get("Host")).answer(answer)
        # send_response_only: the recorded Date and Server, not this server's.
        self.log_request(answer.status)
        self.send_response_only(answer.status, answer.reason or None)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def send_not_recorded(self, send_body: bool) -> None:
        self.send_response(404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(NOT_RECORDED_BODY)))
        self.end_headers()
        if send_body:
            self.wfile.write(NOT_RECORDED_BODY)


class ReplayServer(LoopbackServer):
    """A recording served from a daemon thread (see the module docstring)."""

    name = "replay"
    handler = _Handler
    httpd_class = _HTTPServer

    def __init__(
        self,
        recording: Recording,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ):
        super().__init__(host, port, verbose)
        self.recording = recording
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

    def rewriter(self, host_header: str | None) -> Rewriter:
        """Links to the recorded site become links to this server, under the
        name the client used for it (its Host header)."""
        return Rewriter(self.recording.netlocs, host_header or f"{self.host}:{self.port}")

    def holds(self, target: str) -> bool:
        return target in self.recording.answers

    def next_answer(self, target: str) -> RecordedAnswer | None:
        """The recorded answers of `target` in their order, the last one again after that."""
        answers = self.recording.answers[target]
        with self._lock:
            served = self._served.get(target, 0)
            self._served[target] = served + 1
        return answers[min(served, len(answers) - 1)]


def serve_until_stopped(
    recording: Recording,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    verbose: bool = True,
    on_ready: Callable[[str], None] = print,
) -> None:
    """Serve `recording` until SIGTERM or Ctrl-C; `on_ready(url)` once it listens.
    Raises OSError when the address cannot be bound."""
    server = ReplayServer(recording, host=host, port=port, verbose=verbose).start()
    stopped = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda signum, frame: stopped.set())
        for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        on_ready(f"{server.url}/")
        while not stopped.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
