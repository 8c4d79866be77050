"""One sync of a site and what the catalogue held right after it, whichever way it ran.

`sync` runs the real `segur sync` in a subprocess against a started server: exit code,
printed summary, retries, robots.txt and all. `sync_in_process` crawls the same server object
(started or not: its pages and its faults that are pages) with the real spiders in this
process (tests/spider_harness.py) and stores the run with the catalogue's own functions; it has
no exit code. Both read the catalogue the same way, so a test asserts the same things on
either. `sync_rendering` stores the crawl of an alternative rendering made once per test
process (`crawl_of_rendering`): several modules start from the same sites.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from replica.server import ReplicaServer
from scraper.items import CANDIDATE_FACTS, SOLUTION_FACTS
from tests.alt_site import RENDERINGS, AltSite, dataset
from tests.conftest import run_segur
from tests.spider_harness import InProcessCrawl, crawl_site, store_crawl, sync_site

# What a page says of an entry: compared with the truth field by field.
SOLUTION_FIELDS = SOLUTION_FACTS
CANDIDATE_FIELDS = CANDIDATE_FACTS


@dataclass
class Sync:
    """One sync and what the catalogue held right after it."""

    returncode: int | None  # the exit code of `segur sync`; None when run in-process
    output: str
    run_status: str
    run_reason: str
    referenced: dict[str, dict]  # solutions with status 'referenced', by key
    removed: set[str]  # solution keys with status 'removed'
    candidates: dict[str, dict]  # candidates not removed, by key
    removed_candidates: set[str]
    requests: list[str]


def sync(server: ReplicaServer, db: Path, *options: str) -> Sync:
    """`segur sync` of the started `server` into `db`, in a subprocess."""
    server.clear_requests()
    process = run_segur(
        "sync", "--base-url", server.url, "--db", str(db), "--delay", "0", "-q", *options
    )
    output = (process.stdout + process.stderr).strip()
    return read_sync(db, process.returncode, output, server.requests)


def sync_in_process(server: ReplicaServer, db: Path) -> Sync:
    """The spiders' crawl of `server`, run in this process, stored into `db`."""
    server.clear_requests()
    summary, _ = sync_site(db, server)
    return read_sync(db, None, f"{summary.status}: {summary.reason}", server.requests)


def first_sync(server: ReplicaServer, db: Path) -> None:
    """A complete sync of the started `server` into `db`, crawled in-process under the
    server's URL: the setup of a test whose subject is the next, real `segur sync`."""
    summary, _ = sync_site(db, server, base_url=server.url)
    assert summary.status == "complete", summary.reason


@cache
def crawl_of_rendering(name: str, state: int) -> InProcessCrawl:
    """The in-process crawl of `RENDERINGS[name]` in `state`, under a base URL of its own (as
    distinct sites have), made once per test process. Storing it only reads it."""
    return crawl_site(AltSite(RENDERINGS[name], dataset(state)), f"http://{name}.invalid")


def sync_rendering(name: str, state: int, db: Path) -> Sync:
    """`crawl_of_rendering(name, state)` stored into `db`, as `sync_in_process` stores a crawl."""
    crawl = crawl_of_rendering(name, state)
    summary = store_crawl(db, crawl.result)
    return read_sync(db, None, f"{summary.status}: {summary.reason}", crawl.requests)


@contextmanager
def synced_by(server: ReplicaServer, end_to_end: bool):
    """The sync function for `server`: a real `segur sync` of it listening on loopback, or
    the in-process crawl of it, not listening."""
    if not end_to_end:
        yield sync_in_process
        return
    with server:
        yield sync


def sync_params(names, end_to_end_names) -> list:
    """Cases `(name, end_to_end)`: every name in-process, and each of `end_to_end_names` once
    more through a real `segur sync` (marked slow)."""
    in_process = [pytest.param((name, False), id=name) for name in names]
    end_to_end = [
        pytest.param((name, True), id=f"{name}-segur-sync", marks=pytest.mark.slow)
        for name in end_to_end_names
    ]
    return in_process + end_to_end


def read_sync(db: Path, returncode: int | None, output: str, requests: list[str]) -> Sync:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        run = connection.execute("SELECT status, reason FROM runs ORDER BY id DESC").fetchone()
        solutions = [dict(row) for row in connection.execute("SELECT * FROM solutions")]
        candidates = [dict(row) for row in connection.execute("SELECT * FROM candidates")]
    return Sync(
        returncode=returncode,
        output=output,
        run_status=run["status"],
        run_reason=run["reason"] or "",
        referenced={r["key"]: r for r in solutions if r["status"] == "referenced"},
        removed={r["key"] for r in solutions if r["status"] == "removed"},
        candidates={r["key"]: r for r in candidates if r["removed_run"] is None},
        removed_candidates={r["key"] for r in candidates if r["removed_run"] is not None},
        requests=requests,
    )


def by_key(records, fields) -> dict[str, dict]:
    return {record.key: {name: getattr(record, name) for name in fields} for record in records}


def differences(stored: dict[str, dict], truth: dict[str, dict], fields, limit=12) -> list[str]:
    """Readable differences between stored rows and the truth, empty when they are equal."""
    lines = [f"missing {key} {truth[key]}" for key in sorted(truth.keys() - stored.keys())]
    lines += [
        f"unexpected {key} {_pick(stored[key], fields)}"
        for key in sorted(stored.keys() - truth.keys())
    ]
    for key in sorted(truth.keys() & stored.keys()):
        for name in fields:
            if stored[key][name] != truth[key][name]:
                lines.append(
                    f"{key}: {name} stored {stored[key][name]!r}, truth {truth[key][name]!r}"
                )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    return lines


def _pick(row: dict, fields) -> dict:
    return {name: row[name] for name in fields}


def is_complete(result: Sync) -> bool:
    """The run is complete (and a real `segur sync` said so by exiting 0)."""
    exit_says_complete = result.returncode is None or result.returncode == 0
    return result.run_status == "complete" and exit_says_complete


def assert_complete(result: Sync) -> None:
    assert is_complete(result), (
        f"exit {result.returncode}, run {result.run_status}: {result.run_reason}\n{result.output}"
    )


def assert_not_complete(result: Sync) -> None:
    assert result.run_status != "complete", result.output
    if result.returncode is not None:
        assert result.returncode != 0, result.output


def copy_catalogue(source: Path, target: Path) -> Path:
    """A consistent copy of a WAL catalogue (sqlite's backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
