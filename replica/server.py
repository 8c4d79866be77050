"""The replica's HTTP server: standard library only, loopback by default.

    from replica.server import ReplicaServer, Fault

    with ReplicaServer(state=1, rendering="cards", faults=[Fault("503", "page=1")]) as server:
        ...  # crawl server.url; server.requests lists every request target received

`server.respond(target)` gives the page the server would answer, faults included, without a
socket (started or not): the in-process crawls of the tests read the replica that way.

Faults (`Fault(kind, match="", times=1)`) make the site misbehave as docs/ans-site.md section 4.3
describes. A fault applies to requests whose target contains `match` (raw or percent-decoded;
"" matches every page) -- never to /robots.txt unless `match` contains "robots" -- and to
`times` of them (None: every one). When several faults match, the first one with budget left
applies. Every request is logged in `requests`, faulted or not.

* "503" and "429": that status with `Retry-After: 1`;
* "500": a plain server error page;
* "403" and "404": access refused, page not found;
* "drop": the headers and half of the body are sent, then the connection is closed;
* "maintenance": a 200 page saying the site is under maintenance, with no result line;
* "slow": the normal answer, after `delay` seconds (3 by default, above a 2 s timeout).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from replica.dataset import STATES, Dataset, build_dataset
from replica.render import error_page, maintenance_page, theme_for
from replica.site import Page, Site
from scraper.loopback import LoopbackHandler, LoopbackHTTPServer, LoopbackServer

FAULT_KINDS = ("503", "429", "500", "403", "404", "drop", "maintenance", "slow")
SLOW_DELAY = 3.0


@dataclass(frozen=True)
class Fault:
    kind: str
    match: str = ""
    times: int | None = 1
    delay: float = SLOW_DELAY  # seconds, for "slow" only

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; choose one of {', '.join(FAULT_KINDS)}"
            )
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ValueError(f"fault times must be a positive integer or None, not {self.times!r}")

    @classmethod
    def parse(cls, text: str) -> Fault:
        """The command-line form KIND[:MATCH[:TIMES]]: "503", "503:page=1", "503:page=1:2",
        "500::always". TIMES is a positive integer or "always" (every matching request).

        MATCH may itself contain colons ("drop:dsr_solutions:DPI"): the last part is read as
        TIMES only when there are three parts or more and it is a number or "always".
        """
        kind, _, rest = text.partition(":")
        match, times = rest, 1
        head, sep, last = rest.rpartition(":")
        if sep and (last.isdigit() or last == "always"):
            match = head
            times = None if last == "always" else int(last)
        try:
            return cls(kind=kind, match=match, times=times)
        except ValueError as error:
            raise ValueError(f"bad fault {text!r}: {error}") from None

    def matches(self, target: str) -> bool:
        if target.split("?", 1)[0] == "/robots.txt" and "robots" not in self.match:
            return False
        return not self.match or self.match in target or self.match in unquote(target)


# Faults of the connection itself: only a socket can show them.
CONNECTION_FAULTS = ("drop", "slow")
RETRY_AFTER = (("Retry-After", "1"),)
FAULT_PAGES = {
    "503": (
        503,
        "Service indisponible",
        "Le site est temporairement indisponible. Merci de réessayer dans un instant.",
    ),
    "429": (429, "Trop de requêtes", "Vous avez envoyé trop de requêtes."),
    "500": (
        500,
        "Erreur inattendue",
        "Le site Web a rencontré une erreur inattendue. Veuillez réessayer plus tard.",
    ),
    "403": (403, "Accès refusé", "Vous n'avez pas accès à cette page."),
    "404": (404, "Page introuvable", "La page demandée n'existe pas."),
}


@dataclass(frozen=True)
class Reply:
    """What the replica answers to one request: a page and its extra headers, and the
    fault of the connection ("slow", "drop") the socket must then show, if any."""

    page: Page
    headers: tuple[tuple[str, str], ...] = ()
    connection_fault: Fault | None = None


def fault_reply(fault: Fault) -> Reply:
    """The answer of a fault that is a page ("503", "429", "500", "403", "404", "maintenance")."""
    if fault.kind == "maintenance":
        return Reply(Page(200, maintenance_page()))
    status, title, text = FAULT_PAGES[fault.kind]
    headers = RETRY_AFTER if fault.kind in ("503", "429") else ()
    return Reply(Page(status, error_page(status, title, text)), headers)


@lru_cache(maxsize=8)
def _dataset(state: int, scale: int | None) -> Dataset:
    """Datasets are shared by servers (they are never modified once built)."""
    return build_dataset(state=state, scale=scale)


class _HTTPServer(LoopbackHTTPServer):
    owner: ReplicaServer


class _Handler(LoopbackHandler):
    server: _HTTPServer
    server_version = "Apache"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer(send_body=False)

    def answer(self, send_body: bool) -> None:
        replica = self.server.owner
        reply = replica.reply(self.path)
        fault = reply.connection_fault
        try:
            if fault is not None and fault.kind == "drop":
                self.drop(reply.page)
                return
            if fault is not None and fault.kind == "slow" and replica._stopping.wait(fault.delay):
                self.close_connection = True  # the server stops: the slow answer gives up
                return
            self.send_page(reply.page, send_body, reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_page(self, page: Page, send_body: bool, extra: Iterable[tuple[str, str]] = ()) -> None:
        body = page.body.encode("utf-8")
        self.send_response(page.status)
        self.send_headers(page, len(body), extra)
        if send_body:
            self.wfile.write(body)

    def send_headers(self, page: Page, length: int, extra: Iterable[tuple[str, str]] = ()) -> None:
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Language", page.language)
        self.send_header("Cache-Control", "max-age=0, public")
        self.send_header("X-Generator", "Drupal 10 (https://www.drupal.org)")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def drop(self, page: Page) -> None:
        """Announce the whole page, send half of it, then close the socket."""
        body = page.body.encode("utf-8")
        self.send_response(page.status)
        self.send_headers(page, len(body))
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class ReplicaServer(LoopbackServer):
    """The offline replica of the ANS site, served from a daemon thread."""

    name = "replica"
    handler = _Handler
    httpd_class = _HTTPServer

    def __init__(
        self,
        state: int = 1,
        rendering: str = "table",
        scale: int | None = None,
        faults=(),
        page_size: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        robots_disallow=(),
        verbose: bool = False,
    ) -> None:
        theme_for(rendering)  # fails early on an unknown rendering
        if state not in STATES:
            raise ValueError(f"state must be 1 or 2, not {state!r}")
        super().__init__(host, port, verbose)
        self.rendering = rendering
        self.scale = scale
        self.page_size = page_size
        self.robots_disallow = tuple(robots_disallow)
        self._lock = threading.Lock()
        self._requests: list[str] = []
        self._stopping = threading.Event()
        self.state = state
        self._site = self.make_site(state)
        self.set_faults(faults)

    def make_site(self, state: int) -> Site:
        """The site served in `state`. Subclasses override it to serve other
        renderings of the same data with the same faults and request log
        (tests/alt_site): the result needs `.respond(target) -> Page` and `.dataset`."""
        return Site(
            _dataset(state, self.scale), self.rendering, self.page_size, self.robots_disallow
        )

    # ------------------------------------------------------------ lifecycle

    def on_start(self) -> None:
        self._stopping.clear()

    def on_stop(self) -> None:
        self._stopping.set()  # a "slow" answer in progress gives up

    # ------------------------------------------------------------ runtime changes

    @property
    def dataset(self) -> Dataset:
        return self._site.dataset

    @property
    def requests(self) -> list[str]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def set_state(self, state: int) -> None:
        if state not in STATES:
            raise ValueError(f"state must be 1 or 2, not {state!r}")
        site = self.make_site(state)
        with self._lock:
            self.state, self._site = state, site

    def set_faults(self, faults) -> None:
        """Replace the faults (their budgets start afresh)."""
        faults = tuple(faults)
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"expected a Fault, not {fault!r}")
        with self._lock:
            self.faults = faults
            self._remaining = [fault.times for fault in faults]

    def reply(self, target: str) -> Reply:
        """The answer to `target`, before any socket: the request is logged and the first
        matching fault with budget left is spent, as for a request the server receives."""
        fault = self._take_fault(target)
        if fault is None or fault.kind in CONNECTION_FAULTS:
            return Reply(self._site.respond(target), connection_fault=fault)
        return fault_reply(fault)

    def respond(self, target: str) -> Page:
        """The page answered to `target`, with the faults, without serving it: the server
        (started or not) then reads like a `Site` (tests/spider_harness.py crawls it
        in-process). A fault of the connection needs the started server."""
        reply = self.reply(target)
        if reply.connection_fault is not None:
            raise ValueError(
                f"a {reply.connection_fault.kind!r} fault needs a socket: crawl the started server"
            )
        return reply.page

    def _take_fault(self, target: str) -> Fault | None:
        """Log the request, then spend one use of the first matching fault with budget left."""
        with self._lock:
            self._requests.append(target)
            for index, fault in enumerate(self.faults):
                remaining = self._remaining[index]
                if (remaining is None or remaining > 0) and fault.matches(target):
                    if remaining is not None:
                        self._remaining[index] = remaining - 1
                    return fault
        return None


def run(
    *,
    state: int = 1,
    rendering: str = "table",
    scale: int | None = None,
    faults=(),
    page_size: int | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    robots_disallow=(),
    verbose: bool = True,
) -> None:
    """Serve the replica until interrupted (Ctrl-C); the first line printed is its URL."""
    server = ReplicaServer(
        state=state,
        rendering=rendering,
        scale=scale,
        faults=faults,
        page_size=page_size,
        host=host,
        port=port,
        robots_disallow=robots_disallow,
        verbose=verbose,
    ).start()
    print(
        f"Replica of the ANS site on {server.url} ({rendering} rendering, state {state}, "
        f"{len(server.dataset.solutions)} solutions); Ctrl-C to stop.",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
