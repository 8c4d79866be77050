"""`segur serve` and `segur demo` as real processes on 127.0.0.1, with syncs running."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
import urllib.request

import pytest

from tests.conftest import run_segur
from tests.serve_support import ServeProcess, build_catalogue, count_referenced
from tests.sync_support import first_sync

VIEW_JSON = "catalogue/solutions_referencees.json?_size=0"


def fetch(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def referenced(base_url: str, query: str = "") -> tuple[int, str]:
    status, headers, body = fetch(base_url + VIEW_JSON + query)
    assert status == 200
    return json.loads(body)["filtered_table_rows_count"], headers["x-segur-snapshot"]


class Reader(threading.Thread):
    """Reads the served count again and again; records every answer or error."""

    def __init__(self, base_url: str):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.answers: list[int] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self):
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                # A fresh query string each time: every answer is computed, not cached.
                self.answers.append(referenced(self.base_url, f"&_n={number}")[0])
            except Exception as error:
                self.errors.append(repr(error))
            time.sleep(0.02)

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=30)


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def assert_clean_stop(server: ServeProcess) -> str:
    code, _, stderr = server.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    return stderr


@pytest.mark.process
def test_serve_help_shows_an_example(segur):
    result = segur("serve", "--help")
    assert result.returncode == 0
    assert "segur serve --db data/segur.db --port 8001" in result.stdout


@pytest.mark.process
def test_serve_a_missing_catalogue_is_a_one_line_error(segur, tmp_path):
    missing = tmp_path / "nope.db"
    result = segur("serve", "--db", str(missing))
    assert result.returncode == 1
    assert result.stderr == f"segur serve: catalogue not found: {missing}\n"
    assert not missing.exists()


@pytest.mark.process
def test_serve_a_file_that_is_not_a_catalogue(segur, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello")
    result = segur("serve", "--db", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"segur serve: {path} is not a readable SQLite file")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_a_long_write_transaction_is_not_seen_until_it_commits(tmp_path):
    path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    before = count_referenced(path)
    server = ServeProcess(["serve", "--db", str(path), "--port", "0", "--poll", "0.2", "-q"])
    reader = Reader(server.url)
    try:
        reader.start()
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE solutions SET status = 'removed' WHERE couloir = 'Hôpital'")
        removed = writer.execute("SELECT changes()").fetchone()[0]
        time.sleep(1.5)  # several polls while the transaction is open
        assert set(reader.answers) == {before}
        writer.execute("COMMIT")
        writer.close()
        assert wait_for(lambda: reader.answers and reader.answers[-1] == before - removed)
    finally:
        reader.finish()
        stderr = assert_clean_stop(server)
    assert reader.errors == []
    assert set(reader.answers) == {before, before - removed}
    # Old, then new: never back.
    switch = reader.answers.index(before - removed)
    assert set(reader.answers[switch:]) == {before - removed}
    assert not (tmp_path / "catalogue.db.serve").exists(), stderr


@pytest.mark.slow
def test_segur_sync_while_segur_serve_is_up(tmp_path, replica):
    site = replica()
    path = tmp_path / "catalogue.db"
    first_sync(site, path)  # the setup, crawled in-process
    before = count_referenced(path)
    server = ServeProcess(["serve", "--db", str(path), "--port", "0", "--poll", "0.2", "-q"])
    reader = Reader(server.url)
    try:
        reader.start()
        site.set_state(2)
        second = run_segur("sync", "--base-url", site.url, "--db", str(path), "--delay", "0")
        assert second.returncode == 0, second.stderr
        after = count_referenced(path)
        assert after == before + 3  # state 2: 5 added, 2 removed
        assert wait_for(lambda: reader.answers and reader.answers[-1] == after)
    finally:
        reader.finish()
        assert_clean_stop(server)
    assert reader.errors == []
    assert set(reader.answers) == {before, after}
    switch = reader.answers.index(after)
    assert set(reader.answers[:switch]) == {before} and set(reader.answers[switch:]) == {after}


@pytest.mark.slow
def test_demo_no_serve_syncs_the_replica(segur, tmp_path):
    path = tmp_path / "demo.db"
    result = segur("demo", "--no-serve", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "offline replica of the ANS site on http://127.0.0.1:" in result.stdout
    assert "run 1: complete" in result.stdout
    assert count_referenced(path) == 266


@pytest.mark.slow
def test_demo_syncs_then_serves_until_ctrl_c(tmp_path):
    path = tmp_path / "demo.db"
    demo = ServeProcess(["demo", "--db", str(path)], timeout=120)
    try:
        assert any("run 1: complete" in line for line in demo.output)
        status, _, body = fetch(demo.url)
        assert status == 200
        assert "Dernière synchronisation complète" in body.decode()
        assert referenced(demo.url)[0] == 266
    finally:
        code, output, stderr = demo.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "demo.db.serve").exists()
