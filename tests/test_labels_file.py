"""Synonyms without code: a TOML labels file teaches the scraper a renamed column."""

from __future__ import annotations

import sqlite3
import urllib.request

import pytest

from scraper.parsers import labels, parse_listing
from scraper.parsers.labels import LabelsFileError, field_for_header, read_labels_file
from tests.rewriting_proxy import RewritingProxy
from tests.serve_support import ServeProcess

RENAMED = {
    '">Éditeur</a></th>': '">Société</a></th>',
    'scope="col">Solution</th>': 'scope="col">Produit</th>',
    'scope="col">Version</th>': 'scope="col">Rév.</th>',
}
LABELS_FILE = '[labels]\neditor = ["Société"]\nsolution = ["Produit"]\nversion = ["Rév."]\n'


@pytest.fixture
def restore_labels():
    saved = (labels.LISTING, labels.CANDIDATE, dict(labels._TABLES))
    yield
    labels.LISTING, labels.CANDIDATE = saved[0], saved[1]
    labels._TABLES.clear()
    labels._TABLES.update(saved[2])
    labels._lookup.cache_clear()
    labels._prefix_lookup.cache_clear()


def write(tmp_path, text: str):
    path = tmp_path / "labels.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_labels_file_adds_labels_to_the_built_in_ones(tmp_path, restore_labels):
    extra = read_labels_file(write(tmp_path, LABELS_FILE))
    assert extra == {"editor": ("Société",), "solution": ("Produit",), "version": ("Rév.",)}
    assert field_for_header("Société") is None
    labels.use_extra_labels(extra)
    assert [field_for_header(text) for text in ("Société", "Produit", "Rév.", "Éditeur")] == [
        "editor", "solution", "version", "editor",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[labels]\nsociete = ["Société"]\n', "unknown field 'societe'"),
        ('[labels]\nsolution = ["Éditeur"]\n', "names both editor and solution"),
        ('[labels]\neditor = ["Société"]\nsolution = ["Société"]\n', "names both"),
        ("[labels\n", "not valid TOML"),
        ('editor = ["Société"]\n', "expected one [labels] table"),
        ("[labels]\neditor = [1]\n", "must be a list of labels"),
    ],
)
def test_a_bad_labels_file_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(LabelsFileError, match=message.replace("[", r"\[")):
        read_labels_file(write(tmp_path, text))


@pytest.mark.process
def test_sync_refuses_a_bad_labels_file_with_exit_2(tmp_path, segur):
    bad = write(tmp_path, '[labels]\nsociete = ["Société"]\n')
    result = segur("sync", "--db", str(tmp_path / "x.db"), "--labels", str(bad))
    assert result.returncode == 2
    assert "unknown field 'societe'" in result.stderr
    assert not (tmp_path / "x.db").exists()


def renamed(html: str) -> str:
    for old, new in RENAMED.items():
        html = html.replace(old, new)
    return html


@pytest.mark.slow
def test_a_labels_file_makes_a_renamed_page_sync_complete(tmp_path, replica, segur):
    with RewritingProxy(replica(rendering="table").url, renamed) as site:
        db = tmp_path / "segur.db"
        common = ("--base-url", site.url, "--db", str(db), "--delay", "0", "-q")
        unread = segur("sync", *common)
        assert unread.returncode == 1
        labels_file = write(tmp_path, LABELS_FILE)
        read = segur("sync", *common, "--labels", str(labels_file))
        assert read.returncode == 0, read.stderr
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT status, failure_kind FROM runs ORDER BY id").fetchall()
        referenced = conn.execute("SELECT count(*) FROM solutions").fetchone()[0]
    assert runs[0][0] in ("partial", "failed") and runs[0][1] == "layout"
    assert runs[1] == ("complete", None)
    assert referenced == 266


# segur inspect: what the scraper saw.


@pytest.fixture
def renamed_page(tmp_path, replica):
    url = (
        replica(rendering="table").url + "/segur-du-numerique-en-sante/solutions-referencees-segur"
    )
    with urllib.request.urlopen(url) as answer:
        html = answer.read().decode("utf-8")
    for old, new in RENAMED.items():
        html = html.replace(old, new)
    path = tmp_path / "listing.html"
    path.write_text(html, encoding="utf-8")
    return path, url


@pytest.mark.process
def test_inspect_names_the_labels_it_cannot_map_and_the_lines_to_add(renamed_page, segur):
    path, url = renamed_page
    result = segur("inspect", str(path), "--url", url)
    assert result.returncode == 1
    assert "kind: listing" in result.stdout and "announced: 266" in result.stdout
    assert "labels naming no field: 'Société', 'Produit', 'Rév.'" in result.stdout
    assert "verdict: NOT readable — 266 results announced but no row could be read" in result.stdout
    assert '# FIELD = ["Société"]' in result.stdout and "[labels]" in result.stdout


@pytest.mark.process
def test_inspect_with_a_labels_file_reads_the_page(renamed_page, segur, tmp_path):
    path, url = renamed_page
    labels_file = write(tmp_path, LABELS_FILE)
    result = segur("inspect", str(path), "--url", url, "--labels", str(labels_file))
    assert result.returncode == 0, result.stdout
    assert "'Société' -> editor" in result.stdout
    assert "verdict: readable — 50 row(s) read, 266 results announced" in result.stdout
    assert "facet: 'Dossier Patient Informatisé (DPI)' (48) -> DPI" in result.stdout
    assert "next page: " in result.stdout


@pytest.mark.process
def test_inspect_a_live_page_with_one_request(replica, segur):
    site = replica(rendering="cards")
    result = segur("inspect", site.url + "/actualites")
    assert result.returncode == 0, result.stdout
    assert "kind: news" in result.stdout
    assert sum("/actualites" in target for target in site.requests) == 1
    listing = site.url + "/segur-du-numerique-en-sante/solutions-referencees-segur"
    with urllib.request.urlopen(listing) as answer:
        facets = parse_listing(answer.read().decode("utf-8"), listing).facets
    dpi = next(facet.url for facet in facets if facet.dispositif == "DPI")
    result = segur("inspect", dpi)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "editor <- 'Raison sociale': " in result.stdout  # where each field came from
    assert "source_url <- (page): " in result.stdout  # what the page, not a label, gave


@pytest.mark.process
def test_inspect_something_that_is_not_a_page_is_a_one_line_error(segur, tmp_path):
    result = segur("inspect", str(tmp_path / "missing.html"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no such file" in result.stderr


@pytest.mark.slow
def test_inspect_a_page_of_a_sync_archive_without_a_request(tmp_path, replica, segur):
    site = replica(rendering="lines")
    db = tmp_path / "segur.db"
    assert (
        segur("sync", "--base-url", site.url, "--db", str(db), "--delay", "0", "-q").returncode == 0
    )
    archive = tmp_path / "archive" / "run-1.warc.gz"
    site.clear_requests()
    listing = "https://ans.example/segur-du-numerique-en-sante/solutions-referencees-segur"
    result = segur("inspect", str(archive), "--url", listing)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kind: listing" in result.stdout and "announced: 266" in result.stdout
    unchosen = segur("inspect", str(archive))
    assert unchosen.returncode == 1 and "choose a page" in unchosen.stderr
    assert site.requests == []


@pytest.mark.slow
def test_an_operator_rechecks_a_fix_offline_against_the_archived_night(tmp_path, replica, segur):
    """The night the site renamed its columns: the run is not complete and its pages are
    archived; replayed offline, the archive syncs complete with a labels file."""
    with RewritingProxy(replica(rendering="table").url, renamed) as site:
        night = tmp_path / "night" / "segur.db"
        assert (
            segur("sync", "--base-url", site.url, "--db", str(night), "--delay", "0").returncode
            == 1
        )
    archive = night.parent / "archive" / "run-1.warc.gz"
    replay = ServeProcess(["replay", str(archive), "--port", "0"])
    try:
        check = tmp_path / "check.db"
        common = ("--base-url", replay.url.rstrip("/"), "--db", str(check), "--delay", "0", "-q")
        labels_file = write(tmp_path, LABELS_FILE)
        fixed = segur("sync", *common, "--labels", str(labels_file))
    finally:
        replay.stop()
    assert fixed.returncode == 0, fixed.stderr
