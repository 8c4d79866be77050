"""Shared fixtures: a replica of the ANS site on loopback, and a way to run
`segur` in a subprocess (Scrapy's reactor cannot restart within one process).

Crawls that need no real process run the spiders in-process instead
(tests/spider_harness.py, tests/sync_support.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium, driven by Playwright (`executable_path`: no browser is ever downloaded).
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def replica():
    """Start replicas of the site on 127.0.0.1; all are stopped after the test."""
    from replica.server import ReplicaServer

    servers = []

    def start(**options):
        server = ReplicaServer(**options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def run_segur(*args: str, timeout: float = 120, env: dict | None = None):
    """Run `segur ARGS` in a subprocess and return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def segur():
    return run_segur


HOLD_LOCK = """
import sys, time
from catalogue.lock import sync_lock
with sync_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


@contextmanager
def lock_held_by_another_process(db_path):
    """Another process holding the sync lock of `db_path`, as a sync does while it crawls."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the browser tests of one module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()
