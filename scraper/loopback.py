"""An HTTP server run in a thread on loopback, started and stopped by its owner: the
offline replica of the site and the replay of an archive are both one."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for an answer in progress ("slow" faults)
    owner: LoopbackServer


class LoopbackHandler(BaseHTTPRequestHandler):
    """A request handler whose server is owned by a `LoopbackServer` (`self.server.owner`)."""

    server: LoopbackHTTPServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's naming)
        if self.server.owner.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class LoopbackServer:
    """Owns one HTTP server on `host:port` (port 0: any free one), answering with
    the subclass's `handler`, requests logged to stderr when `verbose`.

    Subclasses may act as it starts or stops (`on_start`, `on_stop`, called
    before the server runs or shuts down).
    """

    name = "loopback"
    handler: type[LoopbackHandler]
    httpd_class: type[LoopbackHTTPServer] = LoopbackHTTPServer

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False):
        self.host = host
        self.port = port
        self.verbose = verbose
        self._httpd: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def make_httpd(self) -> LoopbackHTTPServer:
        httpd = self.httpd_class((self.host, self.port), self.handler)
        httpd.owner = self
        return httpd

    def on_start(self) -> None:
        """Called just before the server starts answering."""

    def on_stop(self) -> None:
        """Called just before the server shuts down."""

    def start(self):
        if self._httpd is not None:
            raise RuntimeError(f"the {self.name} server is already started")
        self._httpd = self.make_httpd()
        self.port = self._httpd.server_address[1]
        self.on_start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.on_stop()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"the {self.name} server is not started")
        return f"http://{self.host}:{self.port}"
