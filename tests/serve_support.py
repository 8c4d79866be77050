"""Catalogues and servers for the serving tests (test_serve_*.py, test_browser.py).

Catalogues are written by the real store (`catalogue.store`) from the replica's
dataset (the truth the replica serves), plus a few hand-made records, so the
served rows are exactly what a sync would have stored.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from catalogue.schema import open_db
from catalogue.store import fail_run, record_run, start_run
from replica.dataset import build_dataset
from scraper.items import CandidateRecord, CrawlResult, SolutionRecord

ROOT = Path(__file__).resolve().parent.parent

NET_SOINS = SolutionRecord(
    editor="NET SOINS SAS",
    solution="Net Soins",
    version="3.2",
    couloir="Social et médico-social",
    dispositif="DUI MS1 PA/PH/DOM",
    vague=1,
    referenced_on="2023-02-01",
)
SCRIPT_SOLUTION = "Planning Soins <script>alert('x')</script>"  # in the replica's dataset
EXTRA_CANDIDATE = CandidateRecord(
    editor="ÉDITIONS DU LAC",
    solution="Lac Dossier",
    dispositif="DUI MS2 PDS",
    status="Candidat",
    applied_on="2023-01-20",
)


def crawl_result(state: int, *, extra=(NET_SOINS,), status: str = "complete") -> CrawlResult:
    dataset = build_dataset(state=state)
    solutions = list(dataset.solutions) + list(extra)
    return CrawlResult(
        base_url="http://127.0.0.1:9/",
        solutions=solutions,
        candidates=list(dataset.candidates) + [EXTRA_CANDIDATE],
        status=status,
        rows_expected=len(solutions),
    )


def store_run(path: Path, result: CrawlResult, *, now: str | None = None) -> int:
    db = open_db(path)
    try:
        run_id = start_run(db, result.base_url, now=now)
        record_run(db, run_id, result, now=now)
        return run_id
    finally:
        db.conn.close()


def store_failed_run(path: Path, reason: str, *, now: str | None = None) -> int:
    db = open_db(path)
    try:
        run_id = start_run(db, "http://127.0.0.1:9/", now=now)
        fail_run(db, run_id, reason, now=now)
        return run_id
    finally:
        db.conn.close()


def build_catalogue(path: Path, states=(1, 2)) -> Path:
    """Runs of the replica's states, one complete run each, a day apart."""
    for day, state in enumerate(states, start=1):
        store_run(path, crawl_result(state), now=f"2025-06-{day:02d}T02:00:00+00:00")
    return path


# A catalogue past Datasette's 1,000 rows a request: 1,538 solutions in the first run.
LARGE_SCALE = 1500
# Cells a spreadsheet would take for formulas (CSV injection).
FORMULA_SOLUTION = SolutionRecord(
    editor="@ÉDITIONS FORMULE",
    solution='=HYPERLINK("http://example.invalid";"Dossier")',
    version="-1",
    couloir="Hôpital",
    dispositif="DPI",
    vague=1,
    referenced_on="2024-01-15",
    distributors="+33 Distribution",
)


def large_crawl_result(state: int, *, drop: int = 0) -> CrawlResult:
    """The replica's dataset at `LARGE_SCALE`, with "Net Soins" and `FORMULA_SOLUTION`,
    minus its first `drop` solutions."""
    dataset = build_dataset(state=state, scale=LARGE_SCALE)
    solutions = [*list(dataset.solutions)[drop:], NET_SOINS, FORMULA_SOLUTION]
    return CrawlResult(
        base_url="http://127.0.0.1:9/",
        solutions=solutions,
        candidates=list(dataset.candidates),
        status="complete",
        rows_expected=len(solutions),
    )


def build_large_catalogue(path: Path) -> Path:
    """Two complete runs of the replica's dataset at `LARGE_SCALE`, a day apart."""
    for day, state in enumerate((1, 2), start=1):
        store_run(path, large_crawl_result(state), now=f"2025-06-{day:02d}T02:00:00+00:00")
    return path


def count_referenced(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = "SELECT count(*) FROM solutions WHERE status = 'referenced'"
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def get(datasette, path: str):
    """GET through Datasette's test client, from synchronous tests."""
    return asyncio.run(datasette.client.get(path))


class ServeProcess:
    """`segur serve` (or another command printing its URL) in a subprocess on 127.0.0.1."""

    URL = re.compile(r"(http://127\.0\.0\.1:\d+/)")

    def __init__(self, args: list[str], *, timeout: float = 60):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.output: list[str] = []
        self.url = self._wait_for_url(timeout)

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"server exited {self.process.returncode}: {self.process.stderr.read()}"
                    )
                continue
            self.output.append(line)
            match = self.URL.search(line)
            if match and ("served on" in line or "serving" in line):
                return match.group(1)
        raise AssertionError(f"no URL printed within {timeout}s: {''.join(self.output)}")

    def stop(self, sig=None) -> tuple[int, str, str]:
        import signal

        if self.process.poll() is None:
            self.process.send_signal(sig or signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.process.returncode, "".join(self.output) + out, err


@contextmanager
def catalogue_datasette(folder: Path):
    """The public Datasette over a catalogue built in `folder` (`build_catalogue`),
    closed afterwards; it never looks for a new sync by itself."""
    from catalogue.serve.app import build_datasette, close_datasette

    datasette = build_datasette(build_catalogue(folder / "catalogue.db"), poll_seconds=None)
    try:
        yield datasette
    finally:
        close_datasette(datasette)
