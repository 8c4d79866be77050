"""An HTTP server run in a thread on loopback, started and stopped by its owner: the
offline replica of the site and the replay of an archive are both one."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LoopbackServer:
    """Owns one `ThreadingHTTPServer` on `host:port` (port 0: any free one).

    Subclasses build the server (`make_httpd`) and may act as it starts or
    stops (`on_start`, `on_stop`, called before the server runs or shuts down).
    """

    name = "loopback"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def make_httpd(self) -> ThreadingHTTPServer:
        raise NotImplementedError

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
