"""`segur sync` end to end: a real crawl (in a subprocess) of the replica on loopback.

A sync that only sets a test up (the catalogue as a first complete sync leaves it) is
crawled in-process (tests/sync_support.py `first_sync`); the sync under test is real.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import asdict

import pytest
import sqlite_utils

from replica.dataset import build_dataset
from replica.server import Fault
from scraper.items import CANDIDATE_FACTS, SOLUTION_FACTS
from tests.conftest import ROOT
from tests.sync_support import first_sync

pytestmark = pytest.mark.slow

LISTING = "solutions-referencees-segur"


def sync(segur, server, db_path, *extra):
    return segur("sync", "--base-url", server.url, "--db", str(db_path), "--delay", "0", *extra)


def stored_solutions(db_path, status="referenced"):
    db = sqlite_utils.Database(db_path)
    rows = db.query("select * from solutions where status = ?", [status])
    return {row["key"]: {f: row[f] for f in SOLUTION_FACTS} for row in rows}


def stored_candidates(db_path):
    db = sqlite_utils.Database(db_path)
    rows = db.query("select * from candidates where removed_run is null")
    return {row["key"]: {f: row[f] for f in CANDIDATE_FACTS} for row in rows}


def truth_solutions(state=1):
    return {
        r.key: {f: asdict(r)[f] for f in SOLUTION_FACTS} for r in build_dataset(state).solutions
    }


def truth_candidates(state=1):
    return {
        r.key: {f: asdict(r)[f] for f in CANDIDATE_FACTS} for r in build_dataset(state).candidates
    }


def last_run(db_path):
    db = sqlite_utils.Database(db_path)
    return next(db.query("select * from runs order by id desc limit 1"))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "catalogue" / "segur.db"


@pytest.mark.parametrize("rendering", ["table", "cards", "lines"])
def test_every_rendering_syncs_completely_and_exactly(replica, segur, db_path, rendering):
    server = replica(rendering=rendering)
    result = sync(segur, server, db_path)
    assert result.returncode == 0, result.stderr
    assert "complete" in result.stdout
    assert stored_solutions(db_path) == truth_solutions()
    assert stored_candidates(db_path) == truth_candidates()
    run = last_run(db_path)
    assert (run["status"], run["rows_read"], run["rows_expected"]) == ("complete", 266, 266)


def test_crawl_is_polite(replica, segur, db_path):
    server = replica(rendering="cards")
    assert sync(segur, server, db_path).returncode == 0
    requests = server.requests
    assert requests[0] == "/robots.txt"
    assert len(requests) == len(set(requests)), "a page was fetched twice"
    assert not [target for target in requests if target.startswith("/en")]


def test_a_stable_site_changes_nothing_but_last_seen(replica, segur, db_path):
    server = replica(rendering="table")
    first_sync(server, db_path)
    before = stored_solutions(db_path)
    second = sync(segur, server, db_path)
    assert second.returncode == 0
    assert "added 0, removed 0, changed 0" in second.stdout
    assert stored_solutions(db_path) == before
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from solutions where last_seen_run = 2").fetchone()[0] == 266


@pytest.mark.parametrize(
    "fault",
    [
        Fault("503", f"{LISTING}?page=1", 2),
        Fault("429", f"{LISTING}?page=2", 1),
        Fault("drop", f"{LISTING}?page=3", 1),
        Fault("500", "actualites?page=1", 1),
    ],
    ids=lambda fault: fault.kind,
)
def test_transient_faults_are_retried(replica, segur, db_path, fault):
    server = replica(rendering="table", faults=[fault])
    result = sync(segur, server, db_path)
    assert result.returncode == 0, result.stderr
    faulted = [target for target in server.requests if fault.match in target]
    assert len(faulted) == (fault.times or 0) + 1
    assert stored_solutions(db_path) == truth_solutions()


def test_retry_after_is_honoured(replica, segur, db_path):
    server = replica(rendering="table", faults=[Fault("503", f"{LISTING}?page=1", 1)])
    started = time.monotonic()
    assert sync(segur, server, db_path).returncode == 0
    assert time.monotonic() - started >= 1.0  # the replica asks for Retry-After: 1


def test_slow_page_times_out_and_is_retried(replica, segur, db_path):
    server = replica(rendering="table", faults=[Fault("slow", "page=1", 1, delay=3)])
    result = sync(segur, server, db_path, "--timeout", "1")
    assert result.returncode == 0, result.stderr


def test_permanent_error_is_partial_and_removes_nothing(replica, segur, db_path):
    server = replica(rendering="table")
    first_sync(server, db_path)
    server.set_state(2)  # state 2 removes two solutions: a partial run must not see it
    server.set_faults([Fault("500", "page=2", None)])
    result = sync(segur, server, db_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "partial" in result.stderr and "page=2" in result.stderr
    assert stored_solutions(db_path, "removed") == {}
    assert last_run(db_path)["status"] == "partial"


@pytest.mark.parametrize("rendering", ["table", "cards"])
def test_maintenance_page_mid_crawl_is_partial(replica, segur, db_path, rendering):
    server = replica(rendering=rendering)
    first_sync(server, db_path)
    server.set_state(2)
    server.set_faults([Fault("maintenance", "page=1", None)])
    result = sync(segur, server, db_path)
    assert result.returncode == 1
    assert "illisible" in result.stderr
    assert stored_solutions(db_path, "removed") == {}


def test_maintenance_everywhere_fails_and_changes_nothing(replica, segur, db_path):
    server = replica(rendering="table")
    first_sync(server, db_path)
    before = sqlite_utils.Database(db_path).execute("select * from solutions").fetchall()
    server.set_faults([Fault("maintenance", "", None)])
    result = sync(segur, server, db_path)
    assert result.returncode == 1
    assert "failed" in result.stderr
    after = sqlite_utils.Database(db_path).execute("select * from solutions").fetchall()
    assert after == before
    assert last_run(db_path)["status"] == "failed"


def test_robots_txt_is_obeyed(replica, segur, db_path):
    article = build_dataset(1).articles[0].slug
    server = replica(rendering="table", robots_disallow=(f"/actualites/{article}",))
    result = sync(segur, server, db_path)
    assert result.returncode == 1
    assert "robots.txt" in result.stderr
    assert not [target for target in server.requests if article in target]


def test_unreachable_site_fails_with_one_line(segur, db_path):
    result = segur(
        "sync",
        "--base-url",
        "http://127.0.0.1:9",
        "--db",
        str(db_path),
        "--delay",
        "0",
        "--retries",
        "0",
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "failed" in result.stderr


def test_bad_option_is_a_usage_error(segur, db_path):
    result = segur("sync", "--delay", "-1", "--db", str(db_path))
    assert result.returncode == 2


def test_unwritable_catalogue_is_reported(segur, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = segur("sync", "--db", str(blocker / "segur.db"), "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1


def test_second_sync_is_refused_while_one_runs(replica, segur, db_path):
    from catalogue.lock import sync_lock

    db_path.parent.mkdir(parents=True)
    with sync_lock(db_path):
        result = segur("sync", "--db", str(db_path), "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 75
    assert "already running" in result.stderr


def test_sigterm_stops_the_sync_and_changes_nothing(replica, db_path):
    server = replica(rendering="table")
    first_sync(server, db_path)
    before = stored_solutions(db_path)
    server.set_state(2)
    server.set_faults([Fault("slow", "page=2", None, delay=30)])
    server.clear_requests()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli",
            "sync",
            "--base-url",
            server.url,
            "--db",
            str(db_path),
            "--delay",
            "0",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not any("page=2" in target for target in server.requests):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "failed" in stderr
    assert stored_solutions(db_path) == before
    assert last_run(db_path)["status"] == "failed"


# A SIGTERM that arrives while Scrapy builds the crawl (inside process.crawl): the
# supervisor's watcher sends only one, and a sync that missed it would crawl on alone.
SIGTERM_WHILE_SCRAPY_BUILDS_THE_CRAWL = """
import os, signal, sys
from catalogue.sync import run_sync
from scraper.spiders.solutions import SolutionsSpider

build = SolutionsSpider.__init__

def build_after_a_sigterm(spider, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    build(spider, *args, **kwargs)

SolutionsSpider.__init__ = build_after_a_sigterm
summary = run_sync(sys.argv[1], sys.argv[2], delay=0, timeout=5, retries=0)
print(summary.status, summary.failure_kind)
"""


def test_sigterm_while_scrapy_builds_the_crawl_stops_it(replica, db_path):
    server = replica(rendering="table")
    process = subprocess.run(
        [sys.executable, "-c", SIGTERM_WHILE_SCRAPY_BUILDS_THE_CRAWL, str(db_path), server.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.stdout.split() == ["failed", "interrupted"], process.stderr
    assert server.requests == []


@pytest.mark.parametrize(
    "base_url",
    [
        "not-a-url",
        "file:///etc",
        "ftp://example.org",
        "http://",
        "https://user:secret@example.org",
        "http://example.org/?q=1",
        "http://example.org:99999",
    ],
)
@pytest.mark.parametrize("verb", ["sync", "schedule"])
def test_base_url_must_be_http_of_a_host(tmp_path, verb, base_url):
    from click.testing import CliRunner

    from cli import cli

    db = tmp_path / "data" / "segur.db"
    result = CliRunner().invoke(cli, [verb, "--db", str(db), "--base-url", base_url])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--base-url'" in result.output
    assert "secret" not in result.output
    assert not (tmp_path / "data").exists()


def test_check_base_url_accepts_site_roots_with_a_prefix():
    from scraper.settings import check_base_url

    assert check_base_url(" https://esante.gouv.fr/ens ") == "https://esante.gouv.fr/ens"
    assert check_base_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
