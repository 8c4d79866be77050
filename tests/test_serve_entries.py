"""The public page of each solution version and each candidature, through
Datasette's test client.

The catalogue holds two complete runs of the replica's data (1 and 2 June 2025):
"Officina" 7.2 is withdrawn and replaced by 7.3, "RadiOuest RIS" 4.2.1 withdrawn,
"Médisocial Dossier" gets a 3.1 next to its 3.0, "Atelier PFI" has its referencing
date corrected, "KinéAgenda" was a candidate and became referenced, the
candidature "Consult'Express" leaves the list.
"""

from __future__ import annotations

import re
import sqlite3
from html.parser import HTMLParser

import pytest

from catalogue.serve.app import build_datasette, close_datasette
from tests.serve_support import SCRIPT_SOLUTION, build_catalogue, get

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("entries") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def page_of(catalogue, table: str, solution: str, version: str | None = None) -> str:
    conn = sqlite3.connect(catalogue)
    try:
        sql = f"SELECT page_id FROM [{table}] WHERE solution = ? AND coalesce(version, '') = ?"
        rows = conn.execute(sql, [solution, version or ""]).fetchall()
    finally:
        conn.close()
    assert len(rows) == 1, (solution, version, rows)
    return rows[0][0]


def solution_path(catalogue, solution: str, version: str) -> str:
    return f"/solution/{page_of(catalogue, 'solutions', solution, version)}"


def candidature_path(catalogue, solution: str, version: str | None = None) -> str:
    return f"/candidature/{page_of(catalogue, 'candidates', solution, version)}"


class Page(HTMLParser):
    """The text a person reads in the page's content, its links and headings."""

    def __init__(self, html: str):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.headings: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._in_content = False
        self._skip = 0
        self.feed(html)
        self.text = re.sub(r"\s+", " ", " ".join(self.parts))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main" and "content" in (attrs.get("class") or ""):
            self._in_content = True
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and self._in_content:
            self._href, self._link_text = attrs.get("href"), []
        if re.fullmatch(r"h[1-6]", tag) and self._in_content:
            self.headings.append(tag)

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_content = False
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "a" and self._href is not None:
            self.links.append((" ".join(self._link_text).strip(), self._href))
            self._href = None

    def handle_data(self, data):
        if self._in_content and not self._skip:
            self.parts.append(data)
            if self._href is not None:
                self._link_text.append(data.strip())

    def link(self, text: str) -> str:
        hrefs = [href for label, href in self.links if text in label]
        assert hrefs, (text, self.links)
        return hrefs[0]


def read(datasette, path: str) -> Page:
    response = get(datasette, path)
    assert response.status_code == 200, response.text
    return Page(response.text)


def test_a_referenced_solution_page(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "Médisocial Dossier", "3.1"))
    assert "Médisocial Dossier 3.1 — MÉDISOCIAL+" in page.text
    assert "Référencée Ségur depuis le 5 mai 2025." in page.text
    for label in ("Éditeur", "Couloir", "Dispositif", "Vague", "Date de référencement"):
        assert label in page.text
    assert "Numéro de référencement non publié" in page.text
    assert "2 juin 2025 : apparue sur la liste de l'ANS (nouvelle version, succède à la 3.0)" in (
        page.text
    )


def test_the_page_title_names_solution_version_and_editor(datasette, catalogue):
    html = get(datasette, solution_path(catalogue, "Médisocial Dossier", "3.1")).text
    assert "<title>Médisocial Dossier 3.1 — MÉDISOCIAL+</title>" in html
    assert "<h1>Médisocial Dossier 3.1 — MÉDISOCIAL+</h1>" in html


def test_other_versions_are_linked_with_their_status(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "Médisocial Dossier", "3.1"))
    assert "Version 3.0 : référencée depuis le 17 avril 2023" in page.text
    assert page.link("Version 3.0") == solution_path(catalogue, "Médisocial Dossier", "3.0")
    back = read(datasette, page.link("Version 3.0"))
    assert back.link("Version 3.1") == solution_path(catalogue, "Médisocial Dossier", "3.1")


def test_a_withdrawn_and_replaced_solution_page(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "Officina", "7.2"))
    assert "Retirée de la liste le 2 juin 2025, remplacée par la version 7.3." in page.text
    assert "Cette version n'est plus référencée Ségur." in page.text
    assert page.link("Voir la version 7.3") == solution_path(catalogue, "Officina", "7.3")
    assert "2 juin 2025 : retirée de la liste" in page.text
    replacement = read(datasette, solution_path(catalogue, "Officina", "7.3"))
    assert "Version 7.2 : retirée de la liste le 2 juin 2025" in replacement.text
    assert "(nouvelle version, remplace la 7.2)" in replacement.text


def test_a_withdrawn_solution_without_replacement(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "RadiOuest RIS", "4.2.1"))
    assert "Retirée de la liste le 2 juin 2025." in page.text
    assert "remplacée" not in page.text


def test_a_changed_field_is_told_in_words(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "Atelier PFI", "2.1"))
    assert "2 juin 2025 : date de référencement modifiée : 14 février 2023 → 14 mars 2023" in (
        page.text
    )


def test_a_solution_that_was_a_candidate_links_its_candidature(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "KinéAgenda", "3.2"))
    assert "Candidature d'origine" in page.text
    assert "Date de dépôt du dossier 2 décembre 2024" in page.text
    candidature = candidature_path(catalogue, "KinéAgenda", "3.2")
    assert page.link("Voir la fiche de cette candidature") == candidature
    back = read(datasette, candidature)
    assert "Cette candidature a abouti au référencement de KinéAgenda 3.2." in back.text
    assert back.link("KinéAgenda 3.2") == solution_path(catalogue, "KinéAgenda", "3.2")
    assert "statut de la candidature modifié : « En cours d'instruction » → « Référencé »" in (
        back.text
    )


def test_a_candidature_page(datasette, catalogue):
    html = get(datasette, candidature_path(catalogue, "Lac Dossier")).text
    assert "<h1>Lac Dossier — ÉDITIONS DU LAC (candidature)</h1>" in html
    page = Page(html)
    assert "Candidate au référencement, dossier déposé le 20 janvier 2023." in page.text
    assert "Une candidature ne vaut pas référencement" in page.text
    assert "20 janvier 2023 : dossier de candidature déposé" in page.text
    assert "industriels.esante.gouv.fr" in page.link("La liste des éditeurs candidats")


def test_a_candidature_no_longer_listed(datasette, catalogue):
    page = read(datasette, candidature_path(catalogue, "Consult'Express", "1.8"))
    assert "N'est plus sur la liste des candidats depuis le 2 juin 2025" in page.text
    assert "Dernier statut publié Candidat" in page.text


def test_the_ans_list_is_linked_and_said_to_prevail(datasette, catalogue):
    page = read(datasette, solution_path(catalogue, "Officina", "7.3"))
    assert "En cas de doute, la liste de l'ANS fait foi." in page.text
    href = page.link("sur le site de l'ANS")
    assert href.startswith("https://industriels.esante.gouv.fr/")
    assert not any(label.startswith("http") for label, _ in page.links)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/solution/inconnue-00000000", "Aucune solution du catalogue ne correspond"),
        ("/candidature/inconnue-00000000", "Aucune candidature du catalogue ne correspond"),
    ],
)
def test_an_unknown_page_is_a_french_404(datasette, path, message):
    response = get(datasette, path)
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert message in response.text


def test_scraped_values_are_escaped(datasette, catalogue):
    html = get(datasette, solution_path(catalogue, SCRIPT_SOLUTION, "2.4")).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def every_entry_page(catalogue) -> list[str]:
    conn = sqlite3.connect(catalogue)
    try:
        solutions = [row[0] for row in conn.execute("SELECT page_id FROM solutions")]
        candidates = [row[0] for row in conn.execute("SELECT page_id FROM candidates")]
    finally:
        conn.close()
    return [f"/solution/{p}" for p in solutions] + [f"/candidature/{p}" for p in candidates]


def test_no_page_shows_a_key_none_an_iso_date_or_skips_a_heading_level(datasette, catalogue):
    for path in every_entry_page(catalogue):
        page = read(datasette, path)
        for leak in ("sol:", "ref:", "cand:", "None", "null", "referenced", "removed", "{"):
            assert leak not in page.text, (path, leak)
        assert not ISO_DATE.search(page.text), (path, ISO_DATE.search(page.text))
        assert page.headings[0] == "h1" and page.headings.count("h1") == 1, path
        assert set(page.headings[1:]) == {"h2"}, path
