"""The public catalogue in a real headless Chromium (Debian package `chromium`).

Chromium is driven through its DevTools protocol over a pipe
(`--remote-debugging-pipe`: JSON messages ended by NUL on file descriptors 3 and
4), so no websocket library is needed. The screenshot is saved in
$SEGUR_TEST_ARTIFACTS when set, else in the test's temporary folder.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.serve_support import ServeProcess, build_catalogue

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it)",
    ),
]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)


class DevTools:
    """A minimal DevTools protocol client over Chromium's debugging pipe."""

    def __init__(self, user_data_dir: Path, timeout: float = 30):
        self.timeout = timeout
        to_chromium_read, self._write_fd = os.pipe()
        self._read_fd, from_chromium_write = os.pipe()

        def give_pipes_to_chromium():  # runs in the child, before exec
            os.dup2(to_chromium_read, 3)
            os.dup2(from_chromium_write, 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=give_pipes_to_chromium,
        )
        os.close(to_chromium_read)
        os.close(from_chromium_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def send(self, method: str, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for_event(self, method: str) -> dict:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            event = self._receive()
            if event.get("method") == method:
                return event
            self.events.append(event)

    def _receive(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._read_fd], [], [], max(remaining, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed its debugging pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open_tab(self) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")

    def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Enter",
                code="Enter",
                windowsVirtualKeyCode=13,
                text="\r" if kind == "keyDown" else "",
            )

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (ConnectionError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._write_fd)
        os.close(self._read_fd)


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("SEGUR_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_lookup_from_the_home_page_in_chromium(tmp_path, artifacts):
    path = build_catalogue(tmp_path / "catalogue.db")
    server = ServeProcess(["serve", "--db", str(path), "--port", "0", "-q"])
    browser = DevTools(tmp_path / "chromium-profile")
    try:
        browser.open_tab()
        browser.navigate(server.url)
        assert browser.evaluate("document.documentElement.lang") == "fr"
        status = browser.evaluate("document.getElementById('derniere-synchronisation').innerText")
        assert "Dernière synchronisation complète" in status

        browser.evaluate("document.getElementById('nom').focus()")
        browser.send("Input.insertText", text="netsoins")
        browser.press_enter()
        browser.wait_for_event("Page.loadEventFired")

        assert browser.evaluate("location.pathname") == "/catalogue/mon_logiciel_est_il_reference"
        assert browser.evaluate("new URLSearchParams(location.search).get('nom')") == "netsoins"
        headers = browser.evaluate(
            "[...document.querySelectorAll('table.rows-and-columns th')].map(th => th.innerText)"
        )
        rows = browser.evaluate(
            "[...document.querySelectorAll('table.rows-and-columns tbody tr')]"
            ".map(tr => [...tr.cells].map(td => td.innerText.trim()))"
        )
        found = [dict(zip(headers, row, strict=True)) for row in rows]
        net_soins = [row for row in found if row["solution"] == "Net Soins"]
        assert net_soins and net_soins[0]["editeur"] == "NET SOINS SAS"
        assert net_soins[0]["statut"] == "référencée"
        assert net_soins[0]["fiche"] == "voir la fiche"
        shot = browser.screenshot(artifacts / "mon-logiciel-netsoins.png")
        print(f"screenshot: {shot}")
        assert shot.stat().st_size > 10_000

        requested = [
            event["params"]["request"]["url"]
            for event in browser.events
            if event.get("method") == "Network.requestWillBeSent"
        ]
        assert requested and all(url.startswith(server.url) for url in requested), requested
        crashes = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        assert crashes == []
    finally:
        browser.close()
        code, _, stderr = server.stop()
    assert code == 0, stderr
