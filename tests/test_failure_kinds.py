"""Why a sync failed, in one word (`runs.failure_kind`), for each way the site misbehaves."""

from __future__ import annotations

import sqlite3

import pytest

from replica.server import Fault
from scraper.completeness import failure_kind
from scraper.items import PageReport

URL = "http://127.0.0.1:9/page"


def page(failure: str | None, error: str | None = "erreur") -> PageReport:
    return PageReport(url=URL, kind="listing", error=error, failure=failure)


def test_a_complete_crawl_has_no_failure_kind():
    assert failure_kind("complete", [page("transient")]) is None


def test_the_most_pressing_failure_is_named():
    pages = [page("transient"), page("not_found"), page(None, error=None)]
    assert failure_kind("partial", pages) == "not_found"
    assert failure_kind("failed", pages + [page("blocked")]) == "blocked"


def test_rows_missing_without_a_failed_page_is_the_layout():
    assert failure_kind("partial", [page(None, error=None)]) == "layout"


def test_an_interrupted_crawl_says_so():
    assert failure_kind("failed", [page("transient")], interrupted=True) == "interrupted"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"faults": [Fault("503", "", None)]}, "transient"),
        ({"faults": [Fault("429", "", None)]}, "transient"),
        ({"faults": [Fault("500", "", None)]}, "transient"),
        ({"faults": [Fault("drop", "", None)]}, "transient"),
        ({"faults": [Fault("403", "", None)]}, "blocked"),
        ({"robots_disallow": ["/segur-du-numerique-en-sante"]}, "blocked"),
        ({"faults": [Fault("404", "/actualites/", None)]}, "not_found"),
        ({"faults": [Fault("maintenance", "solutions-referencees", None)]}, "layout"),
    ],
    ids=["503", "429", "500", "drop", "403", "robots", "404-article", "maintenance"],
)
def test_each_replica_fault_is_recorded_with_its_kind(tmp_path, replica, segur, options, expected):
    server = replica(**options)
    db = tmp_path / "segur.db"
    result = segur(
        "sync", "--base-url", server.url, "--db", str(db),
        "--delay", "0", "--timeout", "2", "--retries", "0", "-q",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    with sqlite3.connect(db) as conn:
        status, kind = conn.execute("SELECT status, failure_kind FROM runs").fetchone()
    assert status in ("partial", "failed")
    assert kind == expected, result.stderr


def test_home_page_says_since_when_the_list_could_not_be_read_and_why(tmp_path):
    from catalogue.schema import open_db
    from catalogue.serve.app import build_datasette, close_datasette
    from catalogue.store import record_run, start_run
    from scraper.items import CrawlResult
    from tests.serve_support import build_catalogue, get

    path = build_catalogue(tmp_path / "catalogue.db")
    db = open_db(path)
    for day, kind in (("2026-12-03", "transient"), ("2026-12-04", "layout")):
        run_id = start_run(db, URL, now=f"{day}T02:30:00+00:00")
        failed = CrawlResult(URL, status="failed", reason="Page illisible.", failure_kind=kind)
        record_run(db, run_id, failed, now=f"{day}T02:31:00+00:00")
    db.conn.close()
    datasette = build_datasette(path, poll_seconds=None)
    try:
        home = get(datasette, "/").text
    finally:
        close_datasette(datasette)
    assert (
        "La liste de l&#39;ANS n&#39;a pas pu être lue depuis le 3 décembre 2026 :"
        " la mise en page a changé." in home
    )
