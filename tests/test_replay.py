"""`segur replay`: an archive served as the site it recorded, and re-read by a sync."""

from __future__ import annotations

import gzip
import http.client
import signal
from pathlib import Path

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import Response

from scraper.archive import WarcRecorder
from scraper.replay import BadArchive, ReplayServer, load_recording, request_target
from tests.serve_support import ServeProcess

SITE = "https://industriels.example"


def answer(url: str, status: int = 200, headers: dict | None = None, body: bytes = b""):
    return Request(url), Response(url, status=status, headers=headers or {}, body=body)


def write_archive(path: Path, exchanges) -> Path:
    """An archive as a sync writes it; `exchanges` are (request, response) or (request, reason)."""
    recorder = WarcRecorder(path, {"segur-run": "1"})
    for request, outcome in exchanges:
        if isinstance(outcome, str):
            recorder.record_failure(request, outcome)
        else:
            recorder.record_response(request, outcome)
    return recorder.finish().path


LINKS = (
    f'<a href="{SITE}/liste?page=1">suivante</a> <img src="//industriels.example/logo.png">'
    ' <a href="https://ailleurs.example/">ailleurs</a>'
).encode()


@pytest.fixture
def archive(tmp_path):
    return write_archive(
        tmp_path / "run-1.warc.gz",
        [
            answer(f"{SITE}/liste", 503, {"Retry-After": "7", "Content-Type": "text/html"}),
            answer(
                f"{SITE}/liste",
                200,
                {"Content-Type": "text/html; charset=UTF-8", "Content-Encoding": "gzip"},
                gzip.compress(LINKS),
            ),
            answer(f"{SITE}/ancienne", 301, {"Location": f"{SITE}/liste?f%5B0%5D=dsr%3ADUI"}),
            answer(
                f"{SITE}/liste?f%5B0%5D=dsr%3ADUI",
                200,
                {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                gzip.compress(b"<p>sans lien</p>"),
            ),
            answer(
                f"{SITE}/logo.png", 200, {"Content-Type": "image/png"}, b"\x89PNG" + SITE.encode()
            ),
            (Request(f"{SITE}/actualites"), "ResponseNeverReceived: connection lost"),
        ],
    )


def get(server: ReplayServer, target: str, method: str = "GET"):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, target, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        conn.close()


def test_the_recording_is_indexed_by_path_and_query(archive):
    recording = load_recording(archive)
    assert recording.netlocs == {"industriels.example"}
    assert [a.status for a in recording.answers["/liste"]] == [503, 200]
    assert recording.answers["/actualites"] == [None]
    assert (recording.count(answered=True), recording.count(answered=False)) == (5, 1)
    assert request_target(f"{SITE}/a?b=1#c") == "/a?b=1" == request_target("/a?b=1")
    assert request_target(SITE) == "/"


@pytest.mark.process
def test_answers_are_replayed_in_their_order_then_the_last_again(archive):
    with ReplayServer(load_recording(archive)) as server:
        first = get(server, "/liste")
        second = get(server, "/liste")
        third = get(server, "/liste")
    assert (first[0], first[1]["Retry-After"]) == (503, "7")
    assert second[0] == third[0] == 200
    assert second[2] == third[2]


@pytest.mark.process
def test_links_to_the_recorded_site_point_to_the_replay(archive):
    with ReplayServer(load_recording(archive)) as server:
        own = f"{server.host}:{server.port}"
        get(server, "/liste")  # the 503
        status, headers, body = get(server, "/liste")
        moved = get(server, "/ancienne")
        untouched = get(server, "/liste?f%5B0%5D=dsr%3ADUI")
        image = get(server, "/logo.png")
    assert status == 200 and "Content-Encoding" not in headers
    assert body == LINKS.replace(SITE.encode(), f"http://{own}".encode()).replace(
        b"//industriels.example", f"//{own}".encode()
    )
    assert b"https://ailleurs.example/" in body
    assert (moved[0], moved[1]["Location"]) == (301, f"http://{own}/liste?f%5B0%5D=dsr%3ADUI")
    # Nothing to rewrite: served byte for byte, still compressed.
    assert untouched[1]["Content-Encoding"] == "gzip"
    assert gzip.decompress(untouched[2]) == b"<p>sans lien</p>"
    assert image[2] == b"\x89PNG" + SITE.encode()  # not text: never rewritten


def test_only_links_to_the_recorded_site_are_rewritten_once():
    from scraper.replay import Rewriter

    rewriter = Rewriter({"industriels.example", "127.0.0.1:80"}, "127.0.0.1:8000")
    page = (
        b"https://industriels.example/a //industriels.example/b http://127.0.0.1:80/c "
        b"https://industriels.example.org/ http://127.0.0.1:8000/d mailto:x@industriels.example"
    )
    assert rewriter.replace(page) == (
        b"http://127.0.0.1:8000/a //127.0.0.1:8000/b http://127.0.0.1:8000/c "
        b"https://industriels.example.org/ http://127.0.0.1:8000/d mailto:x@industriels.example"
    )


@pytest.mark.process
def test_a_request_recorded_without_answer_gets_none(archive):
    with ReplayServer(load_recording(archive)) as server:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            get(server, "/actualites")
        assert get(server, "/liste")[0] == 503  # the server goes on


@pytest.mark.process
def test_an_unrecorded_url_is_a_404_and_head_has_no_body(archive):
    with ReplayServer(load_recording(archive)) as server:
        assert get(server, "/jamais-lue")[0] == 404
        assert get(server, "/liste?page=9")[0] == 404
        status, headers, body = get(server, "/logo.png", method="HEAD")
    assert (status, body, headers["Content-Length"]) == (200, b"", str(4 + len(SITE)))


@pytest.mark.parametrize(
    "content",
    [
        b"not a warc at all\n",
        b"",
        b"\x1f\x8b\x08 broken gzip",
    ],
    ids=["text", "empty", "broken-gzip"],
)
def test_a_bad_archive_is_refused(tmp_path, content):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(BadArchive, match="bad.warc.gz"):
        load_recording(path)


def test_an_archive_cut_short_is_refused(archive):
    archive.write_bytes(archive.read_bytes()[:-40])
    with pytest.raises(BadArchive, match="not a readable WARC archive"):
        load_recording(archive)


@pytest.mark.process
def test_replay_cli_bad_and_missing_files(segur, tmp_path):
    bad = tmp_path / "notes.warc.gz"
    bad.write_text("hello")
    result = segur("replay", str(bad), "--port", "0")
    assert result.returncode == 1
    assert result.stderr.startswith(f"segur replay: {bad} is not a readable WARC archive")
    assert result.stderr.count("\n") == 1
    missing = segur("replay", str(tmp_path / "nope.warc.gz"))
    assert missing.returncode == 2


@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_replay_prints_its_url_and_stops_cleanly(archive, signum):
    server = ServeProcess(["replay", str(archive), "--port", "0", "-q"])
    try:
        assert "5 answers, 1 requests without answer" in server.output[0]
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/logo.png")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        code, _, stderr = server.stop(signum)
    assert code == 0, stderr
    assert stderr == ""


# ---------------------------------------------------------------- re-read by a sync

ENTRY_COLUMNS = {
    "solutions": "key, editor, solution, version, couloir, dispositif, vague, referenced_on, "
    "reference_number, distributors, pilots, source_url, status, product_key, page_id",
    "candidates": "key, editor, solution, version, dispositif, status, applied_on, source_url, "
    "page_id",
}


def entries(db_path: Path, table: str) -> list[tuple]:
    """A table's rows without run ids, with each source URL reduced to its path and query
    (a replay is read from another host)."""
    db = sqlite_utils.Database(db_path)
    rows = db.execute(f"SELECT {ENTRY_COLUMNS[table]} FROM {table} ORDER BY key").fetchall()
    url = ENTRY_COLUMNS[table].split(", ").index("source_url")
    return [(*row[:url], request_target(row[url] or ""), *row[url + 1 :]) for row in rows]


def sync(segur, base_url: str, db_path: Path, *extra):
    return segur("sync", "--base-url", base_url, "--db", str(db_path), "--delay", "0", *extra)


def last_run(db_path: Path) -> dict:
    return next(sqlite_utils.Database(db_path).query("select * from runs order by id desc limit 1"))


def replayed(archive: Path) -> ServeProcess:
    return ServeProcess(["replay", str(archive), "--port", "0", "-q"])


@pytest.mark.slow
def test_a_replayed_run_reads_the_same_catalogue(replica, segur, tmp_path):
    site = replica(rendering="cards")
    original = tmp_path / "original" / "segur.db"
    assert sync(segur, site.url, original).returncode == 0
    archive = original.parent / last_run(original)["archive_path"]
    server = replayed(archive)
    try:
        base_url = server.url.rstrip("/")
        fresh = tmp_path / "fresh" / "segur.db"
        into_new = sync(segur, base_url, fresh)
        into_same = sync(segur, base_url, original)
    finally:
        code, _, stderr = server.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert into_new.returncode == 0, into_new.stderr
    for table in ("solutions", "candidates"):
        assert entries(fresh, table) == entries(original, table), table
    assert len(entries(fresh, "solutions")) == 266
    assert into_same.returncode == 0, into_same.stderr
    run = last_run(original)
    assert run["status"] == "complete"
    counts = ("added", "removed", "changed", "reappeared")
    assert [run[name] for name in counts] == [0] * 4
    assert [run[f"candidates_{name}"] for name in counts] == [0] * 4
    changes = sqlite_utils.Database(original).execute(
        "select count(*) from changes where run_id = ?", [run["id"]]
    )
    assert changes.fetchone()[0] == 0


@pytest.mark.slow
def test_a_replayed_run_meets_the_same_failures(replica, segur, tmp_path):
    from replica.server import Fault

    site = replica(
        rendering="table",
        faults=[
            Fault("503", "solutions-referencees-segur?page=2", None),
            Fault("drop", "actualites?page=1", None),
        ],
    )
    original = tmp_path / "original" / "segur.db"
    assert sync(segur, site.url, original, "--retries", "1").returncode == 1
    recorded = last_run(original)
    server = replayed(original.parent / recorded["archive_path"])
    try:
        again = sync(
            segur, server.url.rstrip("/"), tmp_path / "again" / "segur.db", "--retries", "1"
        )
    finally:
        server.stop()
    assert again.returncode == 1
    rerun = last_run(tmp_path / "again" / "segur.db")
    fields = ("status", "pages_fetched", "pages_failed", "rows_read", "candidates_read")
    assert [rerun[name] for name in fields] == [recorded[name] for name in fields]
    assert rerun["status"] == "partial" and rerun["pages_failed"] == 2
    assert rerun["reason"] == recorded["reason"].replace(site.url, server.url.rstrip("/"))
