"""A site on 127.0.0.1 that is another one restyled: every page of `upstream`, its HTML
passed through `rewrite`, its links pointed at the proxy. For tests only."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RewritingProxy:
    def __init__(self, upstream: str, rewrite: Callable[[str], str]):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                try:
                    with urllib.request.urlopen(upstream + self.path) as answer:
                        status, body = answer.status, answer.read().decode("utf-8")
                        content_type = answer.headers["Content-Type"]
                except urllib.error.HTTPError as error:
                    status, body = error.code, error.read().decode("utf-8", "replace")
                    content_type = error.headers.get("Content-Type", "text/html")
                data = rewrite(body).replace(upstream, proxy.url).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self) -> RewritingProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
