"""Alert targets on loopback for the alert tests: an SMTP server (aiosmtpd) that
wants a password, and an HTTP server that takes webhooks (Apprise's `json://`)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SECRET = "S3cr3t-pw-9f2c"  # the password of every target: it must never be printed
SMTP_USER = "segur"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts SMTP_USER / SECRET and keeps each
    message; `with SmtpSink() as smtp: smtp.url("dsi@ehpad.example")`."""

    def __init__(self) -> None:
        self.messages: list = []  # aiosmtpd envelopes
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=free_port(),
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def __enter__(self) -> SmtpSink:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def url(self, to: str) -> str:
        port = self._controller.port
        return f"mailto://{SMTP_USER}:{SECRET}@127.0.0.1:{port}/?to={to}&from=segur@example.org"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    @staticmethod
    def _authenticate(server, session, envelope, mechanism, data) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == SECRET.encode()
        return AuthResult(success=ok)

    def texts(self) -> list[str]:
        """Each message as text, headers and decoded body."""
        from email import message_from_bytes, policy

        texts = []
        for envelope in self.messages:
            message = message_from_bytes(envelope.content, policy=policy.default)
            texts.append(f"Subject: {message['subject']}\n\n{message.get_content()}")
        return texts


class WebhookSink:
    """An HTTP server on 127.0.0.1 answering every POST with `status` and keeping
    the JSON bodies; `with WebhookSink() as hook: hook.url("/segur")`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[dict] = []
        self.requests = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                sink.requests += 1
                if sink.status < 300:
                    sink.bodies.append(json.loads(body))
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/segur") -> str:
        return f"json://hook:{SECRET}@127.0.0.1:{self._server.server_port}{path}"
