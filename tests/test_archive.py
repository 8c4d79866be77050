"""Every page a sync reads is kept: the WARC recorder and middleware, the runs'
archive columns, retention, and real syncs of the replica (in a subprocess)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from warcio.archiveiterator import ArchiveIterator

from catalogue.archives import archive_file, prune_archives
from catalogue.schema import open_db
from catalogue.store import RunArchive, fail_run, record_run, start_run
from replica.server import Fault
from scraper.archive import ArchiveError, ArchiveMiddleware, WarcRecorder, partial_path
from tests.serve_support import ServeProcess, build_catalogue, crawl_result

DAY = 86_400
LISTING = "solutions-referencees-segur"


def read_warc(path: Path) -> list[SimpleNamespace]:
    """Every record of a WARC file: type, URL, ids, HTTP status line, headers and body."""
    records = []
    with open(path, "rb") as file:
        for record in ArchiveIterator(file, check_digests="raise"):
            http = record.http_headers
            records.append(
                SimpleNamespace(
                    type=record.rec_type,
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    id=record.rec_headers.get_header("WARC-Record-ID"),
                    concurrent_to=record.rec_headers.get_header("WARC-Concurrent-To"),
                    status=http.get_statuscode()
                    if http and record.rec_type == "response"
                    else None,
                    request_line=f"{http.protocol} {http.statusline}"
                    if http and record.rec_type == "request"
                    else None,
                    headers=dict(http.headers) if http else {},
                    body=record.raw_stream.read(),
                )
            )
    return records


def of_type(records, kind: str) -> list[SimpleNamespace]:
    return [record for record in records if record.type == kind]


def target(url: str) -> str:
    from scraper.replay import request_target

    return request_target(url)


# ---------------------------------------------------------------- the recorder


def test_the_recorder_keeps_answers_and_failures_in_order(tmp_path):
    path = tmp_path / "archive" / "run-1.warc.gz"
    recorder = WarcRecorder(path, {"segur-run": "1"})
    page = Request("http://site.test/liste?page=1", headers={"User-Agent": "segur Ségur"})
    recorder.record_response(
        page,
        Response(
            page.url,
            status=503,
            headers={"Retry-After": "1", "Content-Type": "text/html"},
            body=b"<p>Service indisponible</p>",
            protocol="HTTP/1.1",
        ),
    )
    recorder.record_response(
        page,
        HtmlResponse(page.url, headers={"Content-Type": "text/html"}, body="<p>é</p>".encode()),
    )
    recorder.record_failure(Request("http://site.test/actualites"), "TimeoutError: took too long")
    archived = recorder.finish()

    assert archived.path == path and not partial_path(path).exists()
    content = path.read_bytes()
    assert (archived.size, archived.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    records = read_warc(path)
    assert [record.type for record in records] == [
        "warcinfo",
        *("response", "request") * 2,
        "request",
        "metadata",
    ]
    assert b"segur-run: 1" in records[0].body
    first, first_request = records[1], records[2]
    assert (first.status, first.headers["Retry-After"]) == ("503", "1")
    assert first_request.concurrent_to == first.id
    assert first_request.request_line == "GET /liste?page=1 HTTP/1.1"
    assert first_request.headers["Host"] == "site.test"
    assert records[3].body == "<p>é</p>".encode()
    failed_request, why = records[5], records[6]
    assert (failed_request.url, why.concurrent_to) == (
        "http://site.test/actualites",
        failed_request.id,
    )
    assert b"segur-fetch-error: TimeoutError: took too long" in why.body
    assert (recorder.responses, recorder.failures) == (2, 1)


def test_a_recorder_that_cannot_write_reports_it_and_leaves_nothing(tmp_path):
    (tmp_path / "archive").write_text("a file where the folder should be")
    recorder = WarcRecorder(tmp_path / "archive" / "run-1.warc.gz", {})
    recorder.record_response(Request("http://site.test/"), HtmlResponse("http://site.test/"))
    with pytest.raises(ArchiveError, match="run-1.warc.gz"):
        recorder.finish()
    assert (tmp_path / "archive").read_text() == "a file where the folder should be"


def test_a_write_error_midway_stops_the_recording_but_not_the_crawl(tmp_path):
    recorder = WarcRecorder(tmp_path / "run-1.warc.gz", {})
    recorder._file.close()  # the disk goes away under the recorder
    request = Request("http://site.test/")
    recorder.record_response(request, HtmlResponse(request.url))  # must not raise
    recorder.record_failure(request, "dropped")
    with pytest.raises(ArchiveError):
        recorder.finish()
    assert not (tmp_path / "run-1.warc.gz").exists()
    assert not partial_path(tmp_path / "run-1.warc.gz").exists()


# ---------------------------------------------------------------- the middleware


def middleware_with(recorder) -> ArchiveMiddleware:
    crawler = SimpleNamespace(spider=SimpleNamespace(collector=SimpleNamespace(archive=recorder)))
    return ArchiveMiddleware(crawler)


def test_the_middleware_records_what_was_sent_only(tmp_path):
    from scrapy.exceptions import IgnoreRequest
    from twisted.internet.error import TimeoutError

    recorder = WarcRecorder(tmp_path / "run-1.warc.gz", {})
    middleware = middleware_with(recorder)
    answered, timed_out, refused = (
        Request("http://site.test/a"),
        Request("http://site.test/b"),
        Request("http://site.test/interdit"),
    )
    for request in (answered, timed_out):
        assert middleware.process_request(request) is None
    response = HtmlResponse(answered.url, body=b"<p>a</p>")
    assert middleware.process_response(answered, response) is response
    assert middleware.process_exception(timed_out, TimeoutError()) is None
    # Refused by robots.txt in an earlier middleware: never sent, never archived.
    assert middleware.process_exception(refused, IgnoreRequest("robots.txt")) is None
    records = read_warc(recorder.finish().path)
    assert [(r.type, r.url) for r in records if r.type != "warcinfo"] == [
        ("response", "http://site.test/a"),
        ("request", "http://site.test/a"),
        ("request", "http://site.test/b"),
        ("metadata", "http://site.test/b"),
    ]
    assert b"TimeoutError" in records[-1].body


def test_without_a_recorder_the_middleware_passes_everything_through():
    middleware = middleware_with(None)
    request = Request("http://site.test/a")
    response = HtmlResponse(request.url)
    assert middleware.process_request(request) is None
    assert middleware.process_response(request, response) is response


def test_the_middleware_is_next_to_the_network():
    from scraper.settings import scrapy_settings

    middlewares = scrapy_settings()["DOWNLOADER_MIDDLEWARES"]
    archive = middlewares["scraper.archive.ArchiveMiddleware"]
    # After retries (550), decompression (590), redirects (600) and the cache (900).
    assert archive > max(900, *(v for k, v in middlewares.items() if v and "archive" not in k))


# ---------------------------------------------------------------- the catalogue side


def test_runs_have_archive_columns():
    db = sqlite_utils.Database(memory=True)
    from catalogue.schema import ensure_schema

    ensure_schema(db)
    columns = db["runs"].columns_dict
    assert (columns["archive_path"], columns["archive_size"], columns["archive_sha256"]) == (
        str,
        int,
        str,
    )
    applied = [row["name"] for row in db["_sqlite_migrations"].rows]
    assert "m007_run_archives" in applied


def test_the_cli_default_retention_is_the_library_one():
    from catalogue.archives import DEFAULT_KEEP_DAYS
    from cli.sync import KEEP_ARCHIVES_DAYS

    assert KEEP_ARCHIVES_DAYS == DEFAULT_KEEP_DAYS


def stored_run(db_path: Path, result, *, archive: bool = True) -> int:
    """Store `result` as a run with an archive file (dummy content) like a sync would."""
    db = open_db(db_path)
    try:
        run_id = start_run(db, result.base_url)
        path = archive_file(db_path, run_id)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(f"run {run_id}".encode())
        content = path.read_bytes()
        record = RunArchive(
            f"archive/{path.name}", len(content), hashlib.sha256(content).hexdigest()
        )
        record_run(db, run_id, result, archive=record if archive else None)
        return run_id
    finally:
        db.conn.close()


def age(path: Path, days: float) -> None:
    when = time.time() - days * DAY
    os.utime(path, (when, when))


def table(db_path: Path, name: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT * FROM [{name}] ORDER BY rowid").fetchall()


def runs_archives(db_path: Path) -> dict[int, tuple]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT id, archive_path, archive_size, archive_sha256 FROM runs")
        return {row[0]: row[1:] for row in rows}


def test_retention_deletes_old_archives_of_runs_that_changed_nothing(tmp_path):
    db_path = tmp_path / "segur.db"
    changed = stored_run(db_path, crawl_result(1))  # adds every entry
    unchanged_old = stored_run(db_path, crawl_result(1))  # reads the same again
    unchanged_recent = stored_run(db_path, crawl_result(1))
    db = open_db(db_path)
    failed = start_run(db, "http://127.0.0.1:9/")
    fail_run(db, failed, "interrompue")
    db.conn.close()
    killed_partial = partial_path(archive_file(db_path, failed))
    killed_partial.write_bytes(b"half an archive")
    unknown = archive_file(db_path, 99)  # a run this catalogue does not know
    unknown.write_bytes(b"?")
    notes = tmp_path / "archive" / "notes.txt"
    notes.write_text("not an archive")
    for path in (
        archive_file(db_path, changed),
        archive_file(db_path, unchanged_old),
        killed_partial,
        unknown,
        notes,
    ):
        age(path, 40)
    age(archive_file(db_path, unchanged_recent), 10)
    before = runs_archives(db_path)
    entries = {name: table(db_path, name) for name in ("solutions", "candidates", "changes")}

    deleted = prune_archives(db_path, 30)

    assert sorted(deleted) == sorted(
        [f"archive/run-{unchanged_old}.warc.gz", f"archive/.run-{failed}.warc.gz.partial"]
    )
    assert not archive_file(db_path, unchanged_old).exists() and not killed_partial.exists()
    for kept in (changed, unchanged_recent):
        assert archive_file(db_path, kept).exists()
    assert unknown.exists() and notes.exists()
    after = runs_archives(db_path)
    assert after[unchanged_old] == (None, *before[unchanged_old][1:])  # size and sha256 stay
    assert {k: v for k, v in after.items() if k != unchanged_old} == {
        k: v for k, v in before.items() if k != unchanged_old
    }
    assert {name: table(db_path, name) for name in entries} == entries
    assert prune_archives(db_path, 30) == []


def test_retention_with_nothing_to_do(tmp_path):
    assert prune_archives(tmp_path / "segur.db", 0) == []  # no archive folder, no catalogue
    assert not (tmp_path / "segur.db").exists()


# ---------------------------------------------------------------- real syncs


def sync(segur, server, db_path, *extra):
    return segur("sync", "--base-url", server.url, "--db", str(db_path), "--delay", "0", *extra)


def last_run(db_path) -> dict:
    return next(sqlite_utils.Database(db_path).query("select * from runs order by id desc limit 1"))


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "catalogue" / "segur.db"


@pytest.mark.slow
def test_a_sync_archives_every_page_it_read(replica, segur, db_path):
    server = replica(rendering="table")
    result = sync(segur, server, db_path)
    assert result.returncode == 0, result.stderr
    run = last_run(db_path)
    path = db_path.parent / "archive" / "run-1.warc.gz"
    assert run["archive_path"] == "archive/run-1.warc.gz"
    content = path.read_bytes()
    assert run["archive_size"] == len(content)
    assert run["archive_sha256"] == hashlib.sha256(content).hexdigest()
    assert f"archive: archive/run-1.warc.gz ({len(content)} bytes" in result.stdout
    assert not list(path.parent.glob(".*partial"))

    records = read_warc(path)
    responses = of_type(records, "response")
    robots = [r for r in responses if target(r.url) == "/robots.txt"]
    pages = [r for r in responses if target(r.url) != "/robots.txt"]
    # One answer per page read, plus robots.txt (read once per sync, not a page).
    assert len(robots) == 1
    assert len(pages) == run["pages_fetched"] > 10
    assert all(r.status == "200" and r.body for r in responses)
    # Exactly what the site received, in its order, each request with its answer.
    assert [target(r.url) for r in responses] == server.requests
    requests = {r.concurrent_to: r for r in of_type(records, "request")}
    assert all(requests[r.id].url == r.url for r in responses)
    assert "segur-catalogue" in requests[responses[0].id].headers["User-Agent"]


@pytest.mark.slow
def test_failed_pages_are_archived_too(replica, segur, db_path):
    unavailable, dropped = f"{LISTING}?page=2", "actualites?page=1"
    server = replica(
        rendering="table",
        faults=[Fault("503", unavailable, None), Fault("drop", dropped, None)],
    )
    result = sync(segur, server, db_path, "--retries", "1")
    assert result.returncode == 1
    run = last_run(db_path)
    assert (run["status"], run["pages_failed"]) == ("partial", 2)
    records = read_warc(db_path.parent / run["archive_path"])
    answered = [target(r.url) for r in of_type(records, "response")]
    unanswered = [target(r.url) for r in of_type(records, "metadata")]
    assert sorted(answered + unanswered) == sorted(server.requests)
    refusals = [r for r in of_type(records, "response") if unavailable in r.url]
    assert [(r.status, r.headers["Retry-After"]) for r in refusals] == [("503", "1")] * 2
    assert [u for u in unanswered if dropped in u] == [f"/{dropped}"] * 2
    assert all(b"segur-fetch-error:" in r.body for r in of_type(records, "metadata"))


@pytest.mark.slow
def test_an_archive_that_cannot_be_written_spares_the_run(replica, segur, db_path):
    server = replica(rendering="table")
    db_path.parent.mkdir(parents=True)
    (db_path.parent / "archive").write_text("in the way")
    result = sync(segur, server, db_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "run 1: the archive could not be written" in result.stderr
    run = last_run(db_path)
    assert run["status"] == "complete" and run["added"] == 266
    assert (run["archive_path"], run["archive_size"], run["archive_sha256"]) == (None,) * 3
    assert (db_path.parent / "archive").read_text() == "in the way"


@pytest.mark.slow
def test_sync_keeps_archives_of_changes_and_prunes_the_others(replica, segur, db_path):
    server = replica(rendering="table")
    assert sync(segur, server, db_path).returncode == 0  # run 1 adds everything
    assert sync(segur, server, db_path).returncode == 0  # run 2 changes nothing
    folder = db_path.parent / "archive"
    for run_id in (1, 2):
        age(folder / f"run-{run_id}.warc.gz", 10)
    result = sync(segur, server, db_path, "--keep-archives", "5")
    assert result.returncode == 0, result.stderr
    assert "archives deleted (older than 5 days, no change): archive/run-2.warc.gz" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["run-1.warc.gz", "run-3.warc.gz"]
    archives = runs_archives(db_path)
    assert archives[2][0] is None and archives[2][1] > 0
    assert archives[1][0] == "archive/run-1.warc.gz"


# ---------------------------------------------------------------- never public


def get_following_redirects(host: str, port: int, path: str, hops: int = 3):
    import http.client

    for _ in range(hops):
        conn = http.client.HTTPConnection(host, port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status not in (301, 302, 307, 308):
            return response.status, body
        path = response.headers["Location"].split(f"{host}:{port}", 1)[-1]
    raise AssertionError(f"redirect loop from {path}")


@pytest.mark.process
def test_serve_never_exposes_the_archives(tmp_path):
    db_path = build_catalogue(tmp_path / "segur.db", states=(1,))
    secret = b"WARC/1.1 secret archive content"
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "run-1.warc.gz").write_bytes(secret)
    server = ServeProcess(["serve", "--db", str(db_path), "--port", "0", "-q"])
    try:
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        # The one folder served as files, so the climbs out of it below mean something.
        assert get_following_redirects(host, int(port), "/segur-static/segur.css")[0] == 200
        for path in (
            "/archive/run-1.warc.gz",
            "/archive/",
            "/catalogue/archive/run-1.warc.gz",
            "/segur-static/../archive/run-1.warc.gz",
            "/segur-static/%2e%2e/archive/run-1.warc.gz",
            "/segur-static/..%2farchive%2frun-1.warc.gz",
            "/-/static/../../archive/run-1.warc.gz",
        ):
            status, body = get_following_redirects(host, int(port), path)
            assert status in (400, 404), (path, status)
            assert secret not in body
    finally:
        code, _, stderr = server.stop()
    assert code == 0, stderr
