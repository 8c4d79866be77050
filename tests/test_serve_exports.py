"""Whole exports: every CSV and JSON link of a public page gives every matching row, and
the files for spreadsheets (/telecharger/…) open in French Excel.

The catalogue holds more solutions than Datasette answers in one request (1,000): the
replica's dataset at scale 1,500 (tests/serve_support.py), with "Net Soins" and a
solution whose cells a spreadsheet would take for formulas.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sqlite3
from html import unescape
from urllib.parse import quote

import pytest

from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.downloads import Download
from catalogue.serve.internals import asgi_app
from catalogue.serve.served import served_catalogue
from tests.serve_support import (
    FORMULA_SOLUTION,
    NET_SOINS,
    build_large_catalogue,
    get,
    large_crawl_result,
    store_run,
)

BOM = b"\xef\xbb\xbf"
SOLUTION_HEADERS = [
    "Solution",
    "Éditeur",
    "Version",
    "Couloir",
    "Dispositif",
    "Vague",
    "Date de référencement",
    "Numéro de référencement",
    "Distributeurs",
    "Installations pilotes",
    "Page de l'ANS",
    "Fiche du catalogue",
]
CANDIDATE_HEADERS = [
    "Solution",
    "Éditeur",
    "Version",
    "Dispositif",
    "Statut de la candidature",
    "Date de dépôt du dossier",
    "Page de l'ANS",
    "Fiche du catalogue",
]
SINCE_ALWAYS = "/catalogue/nouvelles_solutions?depuis=01/01/2000"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_large_catalogue(tmp_path_factory.mktemp("exports") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def scalar(path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def referenced_count(path) -> int:
    return scalar(path, "SELECT count(*) FROM solutions_referencees")


def export_links(html: str) -> dict[str, str]:
    """The links of the page's "export-links" paragraph, by their words."""
    paragraph = re.search(r'<p class="export-links">(.*?)</p>', html, re.S)
    assert paragraph, "no export links on the page"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', paragraph.group(1))
    return {words: unescape(href) for href, words in links}


def csv_records(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def ok(datasette, path: str):
    response = get(datasette, path)
    assert response.status_code == 200, response.text[:500]
    return response


# ------------------------------------------------------------ every row behind every link


def test_the_catalogue_holds_more_rows_than_one_datasette_answer(catalogue):
    assert referenced_count(catalogue) > 1500
    assert scalar(catalogue, "SELECT count(*) FROM changes") > 1000


def test_the_csv_link_of_the_referenced_solutions_gives_every_row(datasette, catalogue):
    links = export_links(ok(datasette, "/catalogue/solutions_referencees").text)
    records = csv_records(ok(datasette, links["CSV"]).text)
    assert records[0][:3] == ["rowid", "solution", "editeur"]
    assert len(records) == referenced_count(catalogue) + 1
    assert len({record[0] for record in records[1:]}) == referenced_count(catalogue)


def test_the_json_link_of_the_referenced_solutions_gives_every_row(datasette, catalogue):
    links = export_links(ok(datasette, "/catalogue/solutions_referencees").text)
    rows = ok(datasette, links["JSON"]).json()
    assert len(rows) == referenced_count(catalogue)
    assert len({row["rowid"] for row in rows}) == len(rows)
    assert {"solution": "Net Soins", "date_referencement": "2023-02-01"}.items() <= next(
        row for row in rows if row["solution"] == "Net Soins"
    ).items()


def test_the_json_export_follows_the_page_filters_and_sort(datasette, catalogue):
    hospital = quote("Hôpital")
    page = ok(datasette, f"/catalogue/solutions?couloir={hospital}&_sort=editor").text
    links = export_links(page)
    expected = scalar(catalogue, "SELECT count(*) FROM solutions WHERE couloir = 'Hôpital'")
    rows = ok(datasette, links["JSON"]).json()
    assert len(rows) == expected > 0
    assert {row["couloir"] for row in rows} == {"Hôpital"}
    assert [row["editor"] for row in rows] == sorted(row["editor"] for row in rows)
    records = csv_records(ok(datasette, links["CSV"]).text)
    assert len(records) == expected + 1


def test_the_json_lines_export_gives_one_object_a_line(datasette, catalogue):
    response = ok(datasette, "/telecharger/catalogue/changes.json?_nl=on")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines()
    assert len(lines) == scalar(catalogue, "SELECT count(*) FROM changes")
    assert all(json.loads(line)["kind"] for line in lines)


def test_datasette_alone_stops_a_canned_query_at_1000_rows(datasette):
    """Why canned queries have their own exports: `_stream=on` pages tables only."""
    response = ok(datasette, f"{SINCE_ALWAYS.replace('?', '.csv?')}&_stream=on")
    assert len(csv_records(response.text)) == 1000 + 1


def test_the_export_links_of_a_canned_query_give_every_row(datasette, catalogue):
    page = ok(datasette, SINCE_ALWAYS).text
    assert "La page montre les 1\u202f000 premiers résultats" in page
    links = export_links(page)
    expected = referenced_count(catalogue)
    records = csv_records(ok(datasette, links["CSV"]).text)
    assert records[0][0] == "solution"
    assert len(records) == expected + 1
    rows = ok(datasette, links["JSON"]).json()
    assert len(rows) == expected
    assert len({row["fiche"] for row in rows}) == expected


def test_a_canned_query_export_keeps_its_parameters(datasette):
    rows = ok(datasette, "/telecharger/catalogue/historique_solution.json?nom=net+soins").json()
    assert rows and {row["solution"] for row in rows} == {"Net Soins"}


def test_a_table_csv_export_is_datasettes_stream(datasette):
    response = get(datasette, "/telecharger/catalogue/changes.csv?kind=removed")
    assert response.status_code == 302
    assert response.headers["location"] == (
        "/catalogue/changes.csv?kind=removed&_size=max&_stream=on"
    )


def test_custom_sql_says_its_exports_stop_at_1000_rows(datasette):
    sql = quote("select * from solutions")
    page = ok(datasette, f"/catalogue?sql={sql}").text
    assert "les 1\u202f000 premières lignes seulement" in page


def test_an_export_that_cannot_be_answered_says_why_in_french(datasette):
    response = get(datasette, "/telecharger/catalogue/solutions.json?_sort=nothing")
    assert response.status_code == 400
    assert "Tri impossible" in response.json()["error"]
    response = get(datasette, "/telecharger/catalogue/nothing.json")
    assert response.status_code == 404
    assert "Aucune table ni requête" in response.json()["error"]
    assert get(datasette, "/telecharger/nothing.csv").status_code == 404


# ------------------------------------------------------------ the files for spreadsheets


def spreadsheet(datasette, name: str) -> tuple[bytes, list[list[str]]]:
    response = ok(datasette, f"/telecharger/{name}.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return response.content, csv_records(response.content.decode("utf-8-sig"), ";")


def test_the_referenced_solutions_file_opens_in_french_excel(datasette, catalogue):
    body, records = spreadsheet(datasette, "solutions-referencees")
    assert body.startswith(BOM + "Solution;Éditeur;".encode())
    assert body.split(b"\n", 1)[0].endswith(b"\r")
    assert body.endswith(b"\r\n")
    assert records[0] == SOLUTION_HEADERS
    assert len(records) == referenced_count(catalogue) + 1
    assert {len(record) for record in records} == {len(SOLUTION_HEADERS)}
    net_soins = next(record for record in records if record[0] == "Net Soins")
    assert net_soins[:7] == [
        NET_SOINS.solution,
        NET_SOINS.editor,
        "3.2",
        NET_SOINS.couloir,
        NET_SOINS.dispositif,
        "1",
        "2023-02-01",
    ]
    assert net_soins[-1].startswith("http://localhost/solution/net-soins-3-2-")
    dates = [record[6] for record in records[1:] if record[6]]
    assert dates == sorted(dates, reverse=True)


def test_the_file_is_named_after_the_day_of_the_data(datasette):
    response = ok(datasette, "/telecharger/solutions-referencees.csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="solutions-referencees-2025-06-02.csv"'
    )


def test_formulas_are_neutralised_in_the_spreadsheet_file_only(datasette):
    _, records = spreadsheet(datasette, "solutions-referencees")
    row = next(record for record in records if "HYPERLINK" in record[0])
    assert row[0] == "'" + FORMULA_SOLUTION.solution
    assert row[1] == "'" + FORMULA_SOLUTION.editor
    assert row[2] == "'-1"
    assert row[8] == "'+33 Distribution"
    assert all(not cell.startswith(("=", "+", "-", "@")) for record in records for cell in record)
    # The JSON export keeps the database's values.
    rows = ok(datasette, "/telecharger/catalogue/solutions_referencees.json?_search=formule").json()
    assert [row["solution"] for row in rows] == [FORMULA_SOLUTION.solution]


def test_the_candidatures_file_holds_those_still_published(datasette, catalogue):
    _, records = spreadsheet(datasette, "candidatures")
    assert records[0] == CANDIDATE_HEADERS
    published = scalar(catalogue, "SELECT count(*) FROM candidates WHERE removed_run IS NULL")
    withdrawn = scalar(catalogue, "SELECT solution FROM candidates WHERE removed_run IS NOT NULL")
    assert len(records) == published + 1
    assert withdrawn not in {record[0] for record in records}
    assert all(record[-1].startswith("http://localhost/candidature/") for record in records[1:])


def test_the_changes_file_holds_every_change_newest_first(datasette, catalogue):
    _, records = spreadsheet(datasette, "changements")
    assert records[0][:5] == [
        "Numéro du changement",
        "Synchronisation",
        "Date de la synchronisation",
        "Entrée (solution ou candidate)",
        "Changement (added, removed, changed ou reappeared)",
    ]
    assert len(records) == scalar(catalogue, "SELECT count(*) FROM changes") + 1
    ids = [int(record[0]) for record in records[1:]]
    assert ids == sorted(ids, reverse=True)
    assert {record[4] for record in records[1:]} == {"added", "removed", "changed"}
    assert records[1][2] == "2025-06-02"


def test_the_home_page_offers_the_downloads(datasette, catalogue):
    html = ok(datasette, "/").text
    link = re.search(r'<a class="segur-download-link" href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert link.groups() == (
        "/telecharger/solutions-referencees.csv",
        "Télécharger toutes les solutions référencées",
    )
    count = f"{referenced_count(catalogue):,}".replace(",", "\u202f")
    assert f"{count} solutions référencées aujourd'hui" in unescape(html)
    assert 'href="/telecharger/candidatures.csv"' in html
    assert 'href="/telecharger/changements.csv"' in html
    assert "séparateur point-virgule" in html


def test_the_table_pages_offer_their_file(datasette):
    html = ok(datasette, "/catalogue/solutions_referencees").text
    assert 'href="/telecharger/solutions-referencees.csv"' in html
    assert "Télécharger toutes les solutions référencées" in html
    assert 'href="/telecharger/candidatures.csv"' in ok(datasette, "/catalogue/candidates").text
    assert "/telecharger/solutions-referencees.csv" not in ok(datasette, "/catalogue/runs").text


# ------------------------------------------------------------ serving: robots, cache, snapshots


def test_robots_stay_away_from_downloads(datasette):
    assert "Disallow: /telecharger/" in get(datasette, "/robots.txt").text.splitlines()


def test_downloads_are_never_kept_in_the_response_cache(datasette):
    cache = served_catalogue(datasette).cache
    assert get(datasette, "/catalogue/runs").headers["x-segur-cache"] in ("miss", "hit")
    before = len(cache)
    for path in (
        "/telecharger/solutions-referencees.csv",
        "/telecharger/catalogue/solutions_referencees.json",
        "/catalogue/solutions_referencees.csv?_stream=on&_size=max",
    ):
        assert get(datasette, path).headers["x-segur-cache"] == "bypass"
        assert get(datasette, path).headers["x-segur-cache"] == "bypass"
    assert len(cache) == before  # nor the pages the JSON export read


async def raw_get(datasette, path: str, on_first_body=None) -> list[dict]:
    """The ASGI messages of one GET; `on_first_body()` runs when the first body arrives."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 1),
    }
    messages: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)
        bodies = [m for m in messages if m["type"] == "http.response.body"]
        if on_first_body is not None and len(bodies) == 1:
            on_first_body()

    await asgi_app(datasette)(scope, receive, send)
    return messages


def body_of(messages: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


@pytest.fixture
def swapping(tmp_path):
    """A large catalogue served, and a swap to a sync that removed 300 solutions."""
    path = build_large_catalogue(tmp_path / "catalogue.db")
    datasette = build_datasette(path, poll_seconds=None)
    served = served_catalogue(datasette)

    def swap():
        store_run(path, large_crawl_result(2, drop=300), now="2025-06-03T02:00:00+00:00")
        assert served.refresh()

    yield path, datasette, swap
    close_datasette(datasette)


@pytest.mark.parametrize(
    "path, rows_of",
    [
        ("/telecharger/solutions-referencees.csv", lambda body: len(body.splitlines()) - 1),
        ("/telecharger/catalogue/solutions_referencees.json", lambda body: len(json.loads(body))),
    ],
)
def test_a_download_reads_the_snapshot_it_started_on(swapping, path, rows_of):
    catalogue, datasette, swap = swapping
    before = referenced_count(catalogue)
    messages = asyncio.run(raw_get(datasette, path, on_first_body=swap))
    after = referenced_count(catalogue)
    assert after == before - 300
    assert messages[0]["status"] == 200
    assert rows_of(body_of(messages)) == before
    assert rows_of(ok(datasette, path).content) == after


def test_a_download_that_fails_midway_is_left_unfinished(datasette, monkeypatch, capsys):
    page_sql = Download.page_sql

    def failing_after_the_first_page(self, *, after):
        return "SELECT no_such_column" if after else page_sql(self, after=after)

    monkeypatch.setattr(Download, "page_sql", failing_after_the_first_page)
    messages = asyncio.run(raw_get(datasette, "/telecharger/changements.csv"))
    assert messages[0]["status"] == 200
    assert body_of(messages).startswith(BOM)
    assert all(m.get("more_body") for m in messages if m["type"] == "http.response.body")
    assert "download /telecharger/changements.csv interrupted" in capsys.readouterr().err
