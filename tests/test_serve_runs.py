"""The sync pages (/synchronisations, /synchronisations/<n>), the home page's link
to the last sync, and the feed entries that say what changed.

The catalogue holds two complete runs of the replica's data (state 1, then
state 2), then a partial run and a failed one.
"""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import replace
from urllib.parse import quote

import pytest

from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.plugins.functions import french_day
from catalogue.serve.plugins.runs import PAGE_SIZE
from tests.serve_support import (
    SCRIPT_SOLUTION,
    build_catalogue,
    crawl_result,
    get,
    store_failed_run,
    store_run,
)

ATOM = "{http://www.w3.org/2005/Atom}"
PARTIAL_REASON = "La page 3 de la liste des solutions n'a pas pu être lue"
FAILED_REASON = "Le site de l'ANS ne répondait pas."
ESCAPED_SCRIPT = "Planning Soins &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = build_catalogue(tmp_path_factory.mktemp("runs") / "catalogue.db")
    partial = replace(crawl_result(2), status="partial", reason=PARTIAL_REASON)
    store_run(path, partial, now="2025-06-03T02:00:00+00:00")
    store_failed_run(path, FAILED_REASON, now="2025-06-04T02:00:00+00:00")
    return path


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def page(datasette, path: str) -> str:
    response = get(datasette, path)
    assert response.status_code == 200, response.text
    return response.text


def content(html: str) -> str:
    """What the page shows between the navigation and the footer."""
    return re.search(r'<main class="content"[^>]*>(.*?)</main>', html, re.S).group(1)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", content(html))


def page_id(catalogue, table: str, solution: str, version: str | None = None) -> str:
    conn = sqlite3.connect(catalogue)
    try:
        sql = f"SELECT page_id FROM {table} WHERE solution = ? AND (? IS NULL OR version = ?)"
        [found] = conn.execute(sql, [solution, version, version]).fetchall()
        return found[0]
    finally:
        conn.close()


def assert_plain_french(html: str) -> None:
    """No ISO date, key, English status or column name where people read."""
    text = visible_text(html)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "sol:" not in text and "cand:" not in text
    for word in ("complete", "partial", "failed", "running", "run_id", "started_at", "None"):
        assert not re.search(rf"\b{word}\b", text), word


# ---------------------------------------------------------------- the list


def test_list_shows_every_sync_newest_first(datasette):
    html = content(page(datasette, "/synchronisations"))
    links = re.findall(r'<a href="/synchronisations/(\d+)">Synchronisation n° \1 du ', html)
    assert links == ["4", "3", "2", "1"]
    assert "Synchronisation n° 2 du 2 juin 2025 à 04 h 00 (heure de Paris)" in html
    assert "Statut : <strong>complète</strong>" in html
    assert "Statut : <strong>partielle</strong> — La page 3 de la liste" in html
    assert "Statut : <strong>échouée</strong> — Le site de l&#39;ANS ne répondait pas." in html
    assert "Solutions : 5 ajoutées, 2 retirées, 1 modifiée." in html
    assert "Candidatures : 1 nouvelle, 1 retirée, 1 modifiée." in html
    assert "Aucune modification enregistrée." in html


def test_list_explains_what_partial_and_failed_mean(datasette):
    html = content(page(datasette, "/synchronisations"))
    assert "n'a retiré aucune solution" in html and "n'a rien modifié" in html


def test_list_and_sync_pages_are_plain_french(datasette):
    for path in ("/synchronisations", *(f"/synchronisations/{n}" for n in (1, 2, 3, 4))):
        assert_plain_french(page(datasette, path))


def test_long_list_is_paged(tmp_path):
    path = build_catalogue(tmp_path / "catalogue.db")
    for day in range(PAGE_SIZE):
        store_failed_run(path, "Panne.", now=f"2025-07-{day % 28 + 1:02d}T02:00:00+00:00")
    datasette = build_datasette(path, poll_seconds=None)
    try:
        first, second = (
            page(datasette, p) for p in ("/synchronisations", "/synchronisations?page=2")
        )
        beyond = page(datasette, "/synchronisations?page=9")
        odd = page(datasette, "/synchronisations?page=moi")
    finally:
        close_datasette(datasette)
    total = PAGE_SIZE + 2
    numbers = [int(n) for n in re.findall(r'href="/synchronisations/(\d+)"', content(first))]
    assert numbers == list(range(total, total - PAGE_SIZE, -1))
    assert '<a href="/synchronisations?page=2">Synchronisations plus anciennes →</a>' in first
    assert "plus récentes" not in first
    numbers = [int(n) for n in re.findall(r'href="/synchronisations/(\d+)"', content(second))]
    assert numbers == [2, 1]
    assert '<a href="/synchronisations">← Synchronisations plus récentes</a>' in second
    assert "plus anciennes" not in second
    assert "Aucune synchronisation sur cette page" in beyond
    assert content(odd) == content(first)


# ---------------------------------------------------------------- one sync


def test_sync_page_lists_new_referencings_first(datasette):
    html = content(page(datasette, "/synchronisations/2"))
    assert "<h1>Synchronisation n° 2 du 2 juin 2025 à 04 h 00 (heure de Paris)</h1>" in html
    assert "Statut : <strong>complète</strong>" in html
    headings = re.findall(r"<h2[^>]*>([^<]+?) ?<", html)
    assert headings == [
        "En bref",
        "Nouvelles solutions référencées",
        "Nouvelles versions",
        "Solutions retirées",
        "Modifications",
        "Candidatures",
    ]
    assert "remplace la version 7.2" in html
    assert (
        '<li><a href="#nouvelles-versions">Nouvelles versions : <strong>2</strong></a></li>' in html
    )


def test_sync_page_links_each_entry_to_its_page(datasette, catalogue):
    html = content(page(datasette, "/synchronisations/2"))
    heliantis = f"/solution/{page_id(catalogue, 'solutions', 'Héliantis DPI')}"
    assert f'<a href="{heliantis}"><strong>Héliantis DPI</strong> 2025.1</a>' in html
    removed = f"/solution/{page_id(catalogue, 'solutions', 'RadiOuest RIS')}"
    assert f'<a href="{removed}"><strong>RadiOuest RIS</strong>' in html
    candidate = f"/candidature/{page_id(catalogue, 'candidates', 'Parcours+ PDS')}"
    assert f'<a href="{candidate}"><strong>Parcours+ PDS</strong></a>' in html
    assert get(datasette, heliantis).status_code == 200


def test_sync_page_escapes_scraped_text(datasette):
    html = page(datasette, "/synchronisations/1")
    assert ESCAPED_SCRIPT in html
    assert "<script>alert" not in html


def test_first_sync_says_everything_is_new(datasette):
    assert "première synchronisation du catalogue" in page(datasette, "/synchronisations/1")
    assert "première synchronisation" not in page(datasette, "/synchronisations/2")


def test_partial_sync_says_it_removed_nothing(datasette):
    html = content(page(datasette, "/synchronisations/3"))
    assert "Statut : <strong>partielle</strong>" in html
    assert (
        "⚠ Synchronisation partielle : La page 3 de la liste des solutions n&#39;a pas pu être "
        "lue. Aucune suppression n&#39;a été enregistrée."
    ) in html
    assert "Aucun changement." in html


def test_failed_sync_says_it_changed_nothing(datasette):
    html = content(page(datasette, "/synchronisations/4"))
    assert "Statut : <strong>échouée</strong>" in html
    assert (
        "⚠ Synchronisation échouée : Le site de l&#39;ANS ne répondait pas. "
        "Aucune modification n&#39;a été enregistrée."
    ) in html
    assert "Aucun changement" not in html
    assert "Solutions lues" not in html


def test_sync_pages_link_to_their_neighbours(datasette):
    html = content(page(datasette, "/synchronisations/2"))
    assert '<a href="/synchronisations/1">← Synchronisation précédente</a>' in html
    assert '<a href="/synchronisations/3">Synchronisation suivante →</a>' in html
    assert '<a href="/synchronisations">Toutes les synchronisations</a>' in html
    assert "précédente" not in content(page(datasette, "/synchronisations/1"))
    assert "suivante" not in content(page(datasette, "/synchronisations/4"))


@pytest.mark.parametrize("number", ["99", "0", "123456789012345678901234567890"])
def test_unknown_sync_is_a_french_404(datasette, number):
    response = get(datasette, f"/synchronisations/{number}")
    assert response.status_code == 404
    assert f"Aucune synchronisation n° {number} dans ce catalogue." in response.text


def test_home_page_counts_link_to_the_last_complete_sync(datasette):
    home = get(datasette, "/").text
    status = re.search(r'id="derniere-synchronisation">(.*?)</div>', home, re.S).group(1)
    assert re.search(
        r'<a href="/synchronisations/2">5 ajoutées,\s+2 retirées,\s+1 modifiée</a>', status
    )
    assert '<a href="/synchronisations/4">Voir cette synchronisation</a>' in status
    assert '<a href="/synchronisations">Toutes les synchronisations</a>' in status


# ---------------------------------------------------------------- the feed


def feed_entries(datasette, couloir: str = "") -> tuple[list[ET.Element], str]:
    query = f"?couloir={quote(couloir)}" if couloir else ""
    response = get(datasette, f"/catalogue/flux_nouvelles_solutions.atom{query}")
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry"), response.text


def entry_titled(entries, start: str) -> ET.Element:
    return next(e for e in entries if e.findtext(f"{ATOM}title").startswith(start))


@pytest.mark.parametrize(
    ("title", "change"),
    [
        (
            "Officina 7.3 (OFFICINA SOFT) nouvelle version référencée Ségur, LGO",
            "Nouvelle version référencée : la version 7.3 remplace la version 7.2, "
            "retirée de la liste.",
        ),
        (
            "Médisocial Dossier 3.1 (MÉDISOCIAL+) nouvelle version référencée Ségur",
            "Nouvelle version référencée : la version 3.1 fait suite à la version 3.0.",
        ),
        (
            "KinéAgenda 3.2 (KINÉ'ASSIST) référencée Ségur",
            "Nouvelle solution référencée. "
            "Elle était candidate au référencement depuis le 2 décembre 2024.",
        ),
    ],
)
def test_feed_entries_say_the_change(datasette, title, change):
    entries, _ = feed_entries(datasette)
    assert entry_titled(entries, title).findtext(f"{ATOM}content").startswith(change + "\n\n")


def test_feed_entries_link_to_the_solution_page(datasette, catalogue):
    entries, _ = feed_entries(datasette)
    officina = entry_titled(entries, "Officina 7.3")
    expected = f"http://localhost/solution/{page_id(catalogue, 'solutions', 'Officina', '7.3')}"
    assert officina.find(f"{ATOM}link").get("href") == expected
    assert "http://localhost/synchronisations/2" in officina.findtext(f"{ATOM}content")


def test_feed_escapes_scraped_text(datasette):
    entries, text = feed_entries(datasette, "Social et médico-social")
    assert "<script>" not in text
    entry = entry_titled(entries, SCRIPT_SOLUTION)
    assert entry.findtext(f"{ATOM}content").count(SCRIPT_SOLUTION) == 1
    assert "Planning Soins &lt;script&gt;alert('x')&lt;/script&gt;" in text


def test_feed_announces_a_solution_back_on_the_list(tmp_path):
    path = tmp_path / "catalogue.db"
    store_run(path, crawl_result(1), now="2025-06-01T02:00:00+00:00")
    store_run(path, crawl_result(1, extra=()), now="2025-06-02T02:00:00+00:00")
    store_run(path, crawl_result(1), now="2025-06-03T02:00:00+00:00")
    datasette = build_datasette(path, poll_seconds=None)
    try:
        entries, _ = feed_entries(datasette)
    finally:
        close_datasette(datasette)
    entry = entry_titled(entries, "Net Soins 3.2")
    assert entry.findtext(f"{ATOM}title") == (
        "Net Soins 3.2 (NET SOINS SAS) de nouveau référencée Ségur, DUI MS1 PA/PH/DOM"
    )
    content = entry.findtext(f"{ATOM}content")
    assert content.startswith("De nouveau référencée : cette version avait été retirée")
    assert "Détectée lors de la synchronisation n° 3 du 3 juin 2025" in content


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-06-02T02:00:00+00:00", "2 juin 2025"),
        ("2025-06-02T23:30:00+00:00", "3 juin 2025"),  # already the 3rd in Paris
        ("2025-06-01", "1er juin 2025"),
        ("bientôt", None),
        (None, None),
    ],
)
def test_feed_days_are_paris_days_in_french(text, day):
    assert french_day(text) == day
