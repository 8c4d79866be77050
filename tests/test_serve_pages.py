"""Every public page, table, canned query and feed, through Datasette's test client.

The catalogue holds two complete runs of the replica's data (state 1, then state 2)
written by the real store, plus "Net Soins" and an extra candidate.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from markupsafe import escape

from catalogue.serve.app import build_datasette, close_datasette, load_metadata
from tests.serve_support import (
    SCRIPT_SOLUTION,
    build_catalogue,
    get,
    store_failed_run,
)

ATOM = "{http://www.w3.org/2005/Atom}"
TABLES = (
    "solutions_referencees",
    "solutions",
    "candidates",
    "changes",
    "runs",
    "solution_versions",
    "candidate_versions",
)
# Each canned query with parameters that return rows, and a row it must return.
QUERIES = {
    "nouvelles_solutions": ("depuis=01/05/2025", "Enfance Connect"),
    "historique_solution": ("nom=atelier pfi", "Atelier PFI"),
    "candidats_devenus_references": ("", "KinéAgenda"),
    "solutions_par_couloir_et_dispositif": ("vague=1", "Transcodeur LOINC"),
    "flux_nouvelles_solutions": ("couloir=Hôpital", "Héliantis DPI"),
}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("serve") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def rows(datasette, path: str) -> list[dict]:
    separator = "&" if "?" in path else "?"
    response = get(datasette, f"{path}{separator}_shape=array")
    assert response.status_code == 200, response.text
    return response.json()


def test_metadata_describes_every_table_and_column_in_french(datasette):
    metadata = load_metadata()
    tables = metadata["databases"]["catalogue"]["tables"]
    db = datasette.get_database("catalogue")
    for table in TABLES:
        columns = get(datasette, f"/catalogue/{table}.json?_size=1").json()["columns"]
        assert tables[table]["title"] and tables[table]["description"]
        assert set(columns) <= set(tables[table]["columns"]), table
        assert all(tables[table]["columns"][column] for column in columns)
    assert db.name == "catalogue"
    assert "chaque nuit" in metadata["description_html"]
    assert "industriels.esante.gouv.fr/segur-du-numerique-en-sante" in metadata["description_html"]
    assert metadata["source_url"].startswith("https://industriels.esante.gouv.fr/")


@pytest.mark.parametrize("path", ["/", "/catalogue", "/evolution", "/catalogue?sql=select+1"])
def test_pages_render_in_french(datasette, path):
    response = get(datasette, path)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Dernière synchronisation complète" in response.text


@pytest.mark.parametrize("table", TABLES)
def test_every_table_renders_as_html_and_json(datasette, table):
    html = get(datasette, f"/catalogue/{table}")
    assert html.status_code == 200
    assert escape(load_metadata()["databases"]["catalogue"]["tables"][table]["title"]) in html.text
    data = get(datasette, f"/catalogue/{table}.json")
    assert data.status_code == 200
    assert data.json()["rows"]


def test_referenced_view_shows_only_what_is_referenced_today_newest_first(datasette):
    listed = rows(datasette, "/catalogue/solutions_referencees.json?_size=max")
    names = {row["solution"] for row in listed}
    assert "RadiOuest RIS" not in names  # removed by state 2
    assert {"Officina", "Net Soins", "KinéAgenda"} <= names
    assert [row["version"] for row in listed if row["solution"] == "Officina"] == ["7.3"]
    dates = [row["date_referencement"] for row in listed if row["date_referencement"]]
    assert dates == sorted(dates, reverse=True)
    count = get(datasette, "/catalogue/solutions_referencees.json").json()
    assert count["filtered_table_rows_count"] == len(listed)


def test_default_facets(datasette):
    view = get(datasette, "/catalogue/solutions_referencees.json").json()
    assert set(view["facet_results"]) == {"couloir", "dispositif", "vague"}
    table = get(datasette, "/catalogue/solutions.json").json()
    assert set(table["facet_results"]) == {"couloir", "dispositif", "vague", "status"}
    statuses = {r["value"]: r["count"] for r in table["facet_results"]["status"]["results"]}
    assert statuses["removed"] == 2
    assert statuses["referenced"] == view["filtered_table_rows_count"]


@pytest.mark.parametrize("term", ["heliantis", "HÉLIANTIS", "helianthe systemes"])
def test_full_text_search_ignores_accents_and_case(datasette, term):
    for table, column in (("solutions_referencees", "solution"), ("solutions", "solution")):
        found = rows(datasette, f"/catalogue/{table}.json?_search={quote(term)}")
        assert [row[column] for row in found] == ["Héliantis DPI"], table


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_canned_query_as_html_and_json(datasette, name):
    params, expected = QUERIES[name]
    query = load_metadata()["databases"]["catalogue"]["queries"][name]
    html = get(datasette, f"/catalogue/{name}?{params}")
    assert html.status_code == 200
    assert escape(query["title"]) in html.text
    assert expected in html.text
    found = rows(datasette, f"/catalogue/{name}.json?{params}")
    assert any(expected in json.dumps(row, ensure_ascii=False) for row in found)


def test_history_of_a_solution(datasette):
    history = rows(datasette, "/catalogue/historique_solution.json?nom=atelier pfi")
    assert [row["evenement"] for row in history] == ["apparue sur la liste", "modifiée"]
    assert history[1]["modifications"] == "date de référencement : 2023-02-14 → 2023-03-14"
    officina = rows(datasette, "/catalogue/historique_solution.json?nom=officina")
    assert [(row["version"], row["evenement"]) for row in officina] == [
        ("7.2", "apparue sur la liste"),
        ("7.2", "retirée de la liste"),
        ("7.3", "apparue sur la liste"),
    ]
    assert officina[2]["version_precedente"] == "7.2"


def test_candidates_that_became_referenced(datasette):
    found = rows(datasette, "/catalogue/candidats_devenus_references.json")
    # Newest first: KinéAgenda became referenced in the second run; two solutions of the
    # first run matched candidatures read in that same run.
    assert found[0]["solution"] == "KinéAgenda"
    assert found[0]["dispositif_candidature"] == "LGC paramédicaux"
    assert found[0]["statut_candidature"] == "Référencé"
    assert found[0]["detecte_le"] == "2025-06-02"
    assert {row["detecte_le"] for row in found[1:]} == {"2025-06-01"}
    assert rows(datasette, "/catalogue/candidats_devenus_references.json?depuis=2030-01-01") == []


def test_new_solutions_since_a_date_accepts_french_dates(datasette):
    iso = rows(datasette, "/catalogue/nouvelles_solutions.json?depuis=2025-05-20")
    french = rows(datasette, "/catalogue/nouvelles_solutions.json?depuis=20 mai 2025")
    assert iso == french
    assert {row["solution"] for row in iso} >= {"Enfance Connect", "Héliantis DPI", "KinéAgenda"}
    assert all(row["date_referencement"] >= "2025-05-20" for row in iso)
    hospital = rows(
        datasette, "/catalogue/nouvelles_solutions.json?depuis=2025-05-20&couloir=hopital"
    )
    assert {row["couloir"] for row in hospital} == {"Hôpital"}


def test_counts_by_couloir_and_dispositif(datasette):
    counts = rows(datasette, "/catalogue/solutions_par_couloir_et_dispositif.json")
    total = get(datasette, "/catalogue/solutions_referencees.json").json()
    assert sum(row["solutions"] for row in counts) == total["filtered_table_rows_count"]
    loinc = [row for row in counts if row["dispositif"] == "Transcodeur LOINC"]
    assert loinc == [
        {
            "couloir": "Biologie médicale",
            "dispositif": "Transcodeur LOINC",
            "solutions": 6,
            "editeurs": 6,
            "premiere_date": loinc[0]["premiere_date"],
            "derniere_date": loinc[0]["derniere_date"],
        }
    ]


def feed(datasette, query: str = "") -> ET.Element:
    response = get(datasette, f"/catalogue/flux_nouvelles_solutions.atom{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_feed_of_newly_referenced_solutions(datasette, catalogue):
    entries = feed(datasette).findall(f"{ATOM}entry")
    assert len(entries) == 100  # the latest 100 detected
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert "Héliantis DPI 2025.1 (HÉLIANTHE SYSTÈMES) référencée Ségur, DPI" in titles
    entry = next(e for e in entries if e.findtext(f"{ATOM}title").startswith("Héliantis"))
    content = entry.findtext(f"{ATOM}content")
    assert content.startswith("Nouvelle solution référencée.\n")
    for expected in (
        "Solution : Héliantis DPI",
        "Éditeur : HÉLIANTHE SYSTÈMES",
        "Version : 2025.1",
        "Dispositif : DPI",
        "Date de référencement : 10 juin 2025",
        "Détectée lors de la synchronisation n° 2 du 2 juin 2025 : "
        "http://localhost/synchronisations/2",
    ):
        assert expected in content
    import sqlite3

    conn = sqlite3.connect(catalogue)
    sql = "SELECT page_id FROM solutions WHERE solution = 'Héliantis DPI'"
    page_id = conn.execute(sql).fetchone()[0]
    conn.close()
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://localhost/solution/{page_id}"
    assert get(datasette, link.removeprefix("http://localhost")).status_code == 200
    assert entry.findtext(f"{ATOM}updated").startswith("2025-06-02T02:00:00")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Catalogue Ségur"


def test_feed_per_couloir(datasette):
    entries = feed(datasette, "?couloir=Biologie%20m%C3%A9dicale").findall(f"{ATOM}entry")
    assert entries and all(
        "Couloir : Biologie médicale" in e.findtext(f"{ATOM}content") for e in entries
    )
    same = feed(datasette, "?couloir=biologie%20medicale").findall(f"{ATOM}entry")
    assert len(same) == len(entries)


def test_feed_of_a_couloir_without_news_is_a_valid_feed(datasette):
    entries = feed(datasette, "?couloir=Inconnu").findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Aucune solution nouvellement référencée pour le couloir Inconnu"
    ]


def test_home_page_links_the_feeds_page_and_queries(datasette):
    home = get(datasette, "/").text
    assert "<a href=\"/flux\">choisir un flux d'actualité et s'abonner</a>" in home
    assert (
        "/catalogue/flux_nouvelles_solutions.atom?couloir=hopital" in get(datasette, "/flux").text
    )
    for name in QUERIES:
        if not name.startswith("flux_"):
            assert f"/catalogue/{name}" in home
    assert 'rel="alternate" type="application/atom+xml"' in home


def test_home_page_shows_the_last_complete_sync(datasette):
    home = get(datasette, "/").text
    status = re.search(r'id="derniere-synchronisation">(.*?)</div>', home, re.S).group(1)
    assert "Dernière synchronisation complète : <strong>2 juin 2025 à 04 h 00" in status
    assert "(statut : <strong>complète</strong>, synchronisation n° 2)" in status
    assert "Synchronisation la plus récente" not in status


def test_home_page_reports_a_later_failed_sync(tmp_path):
    path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    store_failed_run(path, "Page illisible : aucune ligne de résultats.", now="2025-06-03T02:00:00")
    datasette = build_datasette(path, poll_seconds=None)
    try:
        home = get(datasette, "/").text
    finally:
        close_datasette(datasette)
    assert "Dernière synchronisation complète : <strong>1er juin 2025 à 04 h 00" in home
    assert (
        "Synchronisation la plus récente : 3 juin 2025 à 04 h 00 (heure de Paris), statut" in home
    )
    assert "<strong>échouée</strong> — Page illisible : aucune ligne de résultats." in home


def test_home_page_without_any_complete_sync(tmp_path):
    path = tmp_path / "catalogue.db"
    store_failed_run(path, "Site en maintenance.")
    datasette = build_datasette(path, poll_seconds=None)
    try:
        home = get(datasette, "/").text
    finally:
        close_datasette(datasette)
    assert "Aucune synchronisation complète pour l'instant" in home
    assert "<strong>échouée</strong> — Site en maintenance." in home


def test_chart_page_is_self_contained(datasette):
    page = get(datasette, "/evolution").text
    assert "<svg" in page and "Hôpital" in page
    external = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//', page)
    assert external == []
    assert "url(http" not in page and "@import" not in page
    data = get(datasette, "/evolution.json").json()
    hospital = next(c for c in data["couloirs"] if c["couloir"] == "Hôpital")
    counts = [count for _, count in hospital["cumul"]]
    assert counts == sorted(counts) and counts[-1] == hospital["total"]
    referenced_and_removed = get(datasette, "/catalogue/solutions.json?couloir=H%C3%B4pital").json()
    assert hospital["total"] == referenced_and_removed["filtered_table_rows_count"]


def test_robots_txt(datasette):
    response = get(datasette, "/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /*?" in lines
    assert "Allow: /catalogue/solutions_referencees?_next=" in lines


# Escaping: a scraped name is text everywhere.


def test_script_name_is_text_in_html_pages(datasette):
    for path in (
        "/catalogue/solutions_referencees?_search=planning",
        "/catalogue/solutions?_search=planning",
        "/verifier?nom=planning+soins",
        "/catalogue/historique_solution?nom=planning+soins",
    ):
        page = get(datasette, path).text
        assert "Planning Soins &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page, path
        assert "<script>alert" not in page, path


def test_script_name_is_text_in_json(datasette):
    response = get(datasette, "/verifier.json?nom=planning+soins")
    assert response.headers["content-type"].startswith("application/json")
    found = response.json()["matches"]
    assert [row["solution"] for row in found] == [SCRIPT_SOLUTION]


def test_script_name_is_escaped_in_atom(tmp_path):
    from scraper.items import SolutionRecord
    from tests.serve_support import crawl_result, store_run

    path = tmp_path / "catalogue.db"
    store_run(path, crawl_result(1, extra=()))
    script = SolutionRecord(
        editor="ÉDITEUR <b>GRAS</b>",
        solution="Outil <script>alert(1)</script>",
        version="1.0",
        couloir="Officine",
        dispositif="LGO",
        vague=2,
        referenced_on="2025-06-20",
    )
    store_run(path, crawl_result(1, extra=(script,)))
    datasette = build_datasette(path, poll_seconds=None)
    try:
        response = get(datasette, "/catalogue/flux_nouvelles_solutions.atom?couloir=Officine")
    finally:
        close_datasette(datasette)
    assert "<script>" not in response.text and "<b>" not in response.text
    assert "Outil &lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").startswith("Outil <script>alert(1)</script> 1.0")
    assert "Éditeur : ÉDITEUR <b>GRAS</b>" in entry.findtext(f"{ATOM}content")
    assert entry.find(f"{ATOM}content").get("type") == "text"


# Safe in public.


def test_settings_limit_what_a_visitor_can_cost(datasette):
    settings = get(datasette, "/-/settings.json").json()
    assert settings["sql_time_limit_ms"] <= 1000
    assert settings["max_returned_rows"] <= 1000
    assert settings["facet_time_limit_ms"] <= 200
    assert settings["allow_download"] is False
    assert settings["suggest_facets"] is False
    assert get(datasette, "/catalogue.db").status_code in (403, 404)


def test_the_catalogue_is_read_only(datasette):
    db = datasette.get_database("catalogue")
    assert db.is_mutable is False
    response = get(datasette, "/catalogue?sql=" + quote("delete from solutions"))
    assert "Statement must be a SELECT" in response.text
    plugins = {plugin["name"] for plugin in get(datasette, "/-/plugins.json").json()}
    assert plugins == {
        "datasette-atom",
        "catalogue.serve.plugins.guard",
        "catalogue.serve.plugins.consistency",
        "catalogue.serve.plugins.functions",
        "catalogue.serve.plugins.pages",
        "catalogue.serve.plugins.verifier",
        "catalogue.serve.plugins.entries",
        "catalogue.serve.plugins.runs",
        "catalogue.serve.plugins.glossary",
        "catalogue.serve.plugins.feeds",
        "catalogue.serve.plugins.downloads",
        "catalogue.serve.plugins.opendata",
    }


def test_pages_revealing_server_paths_are_not_served(datasette):
    assert get(datasette, "/-/databases.json").status_code == 404
    assert get(datasette, "/-/threads.json").status_code == 404


def test_missing_pages_are_in_french(datasette):
    response = get(datasette, "/catalogue/nope")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


@pytest.mark.parametrize(
    "path, status, french",
    [
        ("/catalogue/nope", 404, "Cette table n&#39;existe pas"),
        ("/nope", 404, "Cette page n&#39;existe pas"),
        ("/catalogue/solutions/zzz", 404, "Cette ligne n&#39;existe pas"),
        ("/catalogue/solutions?_size=-3", 400, "Le nombre de lignes par page"),
    ],
)
def test_datasette_errors_are_worded_in_french_on_pages(datasette, path, status, french):
    response = get(datasette, path)
    assert response.status_code == status
    assert french in response.text
    assert not re.search(r"not found|must be", response.text, re.IGNORECASE)


def test_the_json_api_keeps_datasette_error_messages(datasette):
    response = get(datasette, "/catalogue/solutions.json?_size=-3")
    assert response.status_code == 400
    assert response.json()["error"] == "_size must be a positive integer"
