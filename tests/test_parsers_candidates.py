"""parse_news_listing and parse_candidate_article on small HTML strings (contract 4.2)."""

from __future__ import annotations

import pytest

from scraper.items import CandidateRecord
from scraper.parsers import ArticleLink, parse_candidate_article, parse_news_listing

SITE = "https://industriels.example"
ARTICLE_URL = SITE + "/actualites/liste-des-editeurs-candidats-au-referencement"
TITLE_MS = "Médico-social : liste des éditeurs MS1 et MS2 candidats au référencement"
TITLE_LGC = "Médecine de ville : liste des éditeurs candidats au référencement"


def article(body: str, title: str = TITLE_MS) -> str:
    return (
        f"<html><head><title>{title} | ANS</title></head><body>"
        "<header><h1>Espace industriels</h1></header>"
        f"<main><h1>{title}</h1>{body}</main></body></html>"
    )


def table(rows: str, header: str = "<th>Éditeur</th><th>Solution</th>") -> str:
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def read(body: str, title: str = TITLE_MS):
    return parse_candidate_article(article(body, title), ARTICLE_URL)


def dispositifs(body: str, title: str = TITLE_MS) -> list[str | None]:
    return [r.dispositif for r in read(body, title).records]


# ---------------------------------------------------------------- article tables


def test_table_with_every_column():
    header = (
        "<th>Raison sociale</th><th>Nom du logiciel</th><th>Version</th><th>DSR</th>"
        "<th>Statut</th><th>Date de dépôt</th>"
    )
    rows = (
        "<tr><td>MÉDISOCIAL+</td><td>Médisocial Dossier</td><td>3.0</td><td>MS1 PA/PH/DOM</td>"
        "<td>En cours d'instruction</td><td>03/10/2022</td></tr>"
    )
    assert read(table(rows, header)).records == [
        CandidateRecord(
            editor="MÉDISOCIAL+",
            solution="Médisocial Dossier",
            version="3.0",
            dispositif="DUI MS1 PA/PH/DOM",
            status="En cours d'instruction",
            applied_on="2022-10-03",
            source_url=ARTICLE_URL,
        )
    ]


def test_article_facts():
    result = read(table("<tr><td>A</td><td>B</td></tr>") + table("<tr><td>C</td><td>D</td></tr>"))
    assert (result.url, result.title, result.tables, result.invalid_rows) == (
        ARTICLE_URL,
        TITLE_MS,
        2,
        0,
    )


@pytest.mark.parametrize(
    "cell, dispositif",
    [
        ("MS1 PA/PH/DOM", "DUI MS1 PA/PH/DOM"),
        ("MS2 PDE", "DUI MS2 PDE"),
        ("DUI MS2 PDS", "DUI MS2 PDS"),
    ],
)
def test_dispositif_from_its_column(cell, dispositif):
    header = "<th>Éditeur</th><th>Solution</th><th>Dispositif</th>"
    assert dispositifs(table(f"<tr><td>A</td><td>B</td><td>{cell}</td></tr>", header)) == [
        dispositif
    ]


def test_couloir_column_holding_dispositifs():
    header = "<th>Éditeur</th><th>Solution</th><th>Couloir</th>"
    assert dispositifs(table("<tr><td>A</td><td>B</td><td>MS2 PDE</td></tr>", header)) == [
        "DUI MS2 PDE"
    ]


def test_dispositif_from_the_heading_above_each_table():
    body = (
        "<h2>MS1 PA/PH/DOM</h2>"
        + table("<tr><td>A</td><td>B</td></tr>")
        + "<h2>MS2 PDE</h2><p>Liste arrêtée au 1er mars.</p>"
        + table("<tr><td>C</td><td>D</td></tr>")
    )
    assert dispositifs(body) == ["DUI MS1 PA/PH/DOM", "DUI MS2 PDE"]


def test_heading_of_a_parent_section_counts_but_not_a_sibling_section():
    body = (
        "<h2>MS2 PDS</h2><h3>Éditeurs candidats</h3>"
        + table("<tr><td>A</td><td>B</td></tr>")
        + "<h2>MS2 PDE</h2><p>Aucun candidat.</p><h2>Autres éditeurs</h2>"
        + table("<tr><td>C</td><td>D</td></tr>")
    )
    assert dispositifs(body) == ["DUI MS2 PDS", None]


@pytest.mark.parametrize(
    "heading",
    [
        "<p><strong>MS2 PDE</strong></p>",
        "<p><b>Dispositif MS2 PDE :</b></p>",
        "<h4>Protection de l'enfance (MS2 PDE)</h4>",
    ],
)
def test_bold_paragraph_or_minor_heading_acts_as_heading(heading):
    assert dispositifs(heading + table("<tr><td>A</td><td>B</td></tr>")) == ["DUI MS2 PDE"]


def test_caption_names_the_dispositif():
    body = table("<tr><td>A</td><td>B</td></tr>").replace(
        "<thead>", "<caption>MS2 PDS</caption><thead>"
    )
    assert dispositifs(body) == ["DUI MS2 PDS"]


def test_dispositif_from_title_naming_a_single_dispositif_couloir():
    assert dispositifs(table("<tr><td>A</td><td>B</td></tr>"), TITLE_LGC) == ["LGC"]


def test_title_naming_several_dispositifs_names_none():
    assert dispositifs(table("<tr><td>A</td><td>B</td></tr>"), TITLE_MS) == [None]


def test_column_wins_over_heading_and_title():
    header = "<th>Éditeur</th><th>Solution</th><th>Dispositif</th>"
    body = "<h2>MS2 PDE</h2>" + table(
        "<tr><td>A</td><td>B</td><td>MS2 PDS</td></tr><tr><td>C</td><td>D</td><td></td></tr>",
        header,
    )
    assert dispositifs(body, TITLE_LGC) == ["DUI MS2 PDS", "DUI MS2 PDE"]


@pytest.mark.parametrize(
    "printed, status",
    [
        ("Candidat", "Candidat"),
        ("candidat(e)", "Candidat"),
        ("Candidate", "Candidat"),
        ("En cours d'instruction", "En cours d'instruction"),
        ("en cours", "En cours d'instruction"),
        ("Référencé", "Référencé"),
        ("Référencée", "Référencé"),
        ("Referencé", "Référencé"),
        ("REFERENCE", "Référencé"),
    ],
)
def test_status_variants(printed, status):
    header = "<th>Éditeur</th><th>Solution</th><th>Statut</th>"
    (record,) = read(table(f"<tr><td>A</td><td>B</td><td>{printed}</td></tr>", header)).records
    assert record.status == status


def test_unknown_status_kept_with_a_problem():
    header = "<th>Éditeur</th><th>Solution</th><th>Statut</th>"
    result = read(table("<tr><td>A</td><td>B</td><td>Non retenu</td></tr>", header))
    assert (result.records[0].status, result.problems) == (
        "Non retenu",
        ["unknown status 'Non retenu'"],
    )


@pytest.mark.parametrize(
    "printed, iso",
    [
        ("16/01/2023", "2023-01-16"),
        ("16 janvier 2023", "2023-01-16"),
        ("1er février 2023", "2023-02-01"),
        ("2023-01-16", "2023-01-16"),
    ],
)
def test_application_date_formats(printed, iso):
    header = "<th>Éditeur</th><th>Solution</th><th>Date de candidature</th>"
    (record,) = read(table(f"<tr><td>A</td><td>B</td><td>{printed}</td></tr>", header)).records
    assert record.applied_on == iso


def test_spacer_rows_skipped_and_half_rows_invalid():
    rows = (
        "<tr><td>ACCUEIL &amp; PARCOURS</td><td>Parcours+ PDS</td></tr>"
        "<tr><td>&nbsp;</td><td></td></tr><tr><td>Orphan editor</td><td>-</td></tr>"
    )
    result = read(table(rows))
    assert ([r.editor for r in result.records], result.invalid_rows) == (["ACCUEIL & PARCOURS"], 1)


def test_table_without_editor_and_solution_headers_is_not_a_candidate_table():
    result = read(table("<tr><td>1er mars</td><td>Dépôt</td></tr>", "<th>Date</th><th>Étape</th>"))
    assert (result.tables, result.records) == (0, [])


def test_header_in_first_row_without_thead():
    body = """<table><tr><td><b>Éditeur</b></td><td><b>Solution</b></td></tr>
    <tr><td>CABINET CONNECTÉ SAS</td><td>Consult'Express</td></tr></table>"""
    assert [(r.editor, r.solution) for r in read(body, TITLE_LGC).records] == [
        ("CABINET CONNECTÉ SAS", "Consult'Express")
    ]


def test_title_falls_back_to_html_title():
    rows = table("<tr><td>A</td><td>B</td></tr>")
    html = f"<html><head><title>{TITLE_LGC}</title></head><body>{rows}</body></html>"
    result = parse_candidate_article(html, ARTICLE_URL)
    assert (result.title, result.records[0].dispositif) == (TITLE_LGC, "LGC")


# ---------------------------------------------------------------- news listing

NEWS_URL = SITE + "/actualites"
NEWS = """<html><body><main><h1>Actualités</h1><p>14 résultats</p>
<div class="card"><h2><a href="/actualites/medico-social-candidats-au-referencement">
   Ségur MS1 et MS2 : liste des éditeurs Candidats au Référencement</a></h2></div>
<div class="card"><h2>Médecine de ville : liste des éditeurs candidats au référencement</h2>
   <a href="/actualites/medecine-de-ville-candidats">Lire la suite</a></div>
<div class="card"><h2><a href="/actualites/webinaire-segur">Webinaire Ségur vague 2</a></h2></div>
<div class="card"><a href="/en/actualites/candidates">Editors candidats au référencement</a></div>
<div class="card"><a href="/segur/candidats-au-referencement">Candidats au référencement</a></div>
<a href="/actualites/medico-social-candidats-au-referencement">Voir</a>
<nav><a href="?page=1" rel="next">Suivant</a></nav></main></body></html>"""


def test_news_listing_keeps_only_candidate_articles_once_each():
    assert parse_news_listing(NEWS, NEWS_URL).articles == [
        ArticleLink(
            SITE + "/actualites/medico-social-candidats-au-referencement",
            "Ségur MS1 et MS2 : liste des éditeurs Candidats au Référencement",
        ),
        ArticleLink(
            SITE + "/actualites/medecine-de-ville-candidats",
            "Médecine de ville : liste des éditeurs candidats au référencement",
        ),
    ]


def test_news_listing_page_facts():
    page = parse_news_listing(NEWS, NEWS_URL + "?page=0")
    assert (page.announced, page.next_url, page.page_number) == (14, NEWS_URL + "?page=1", 0)


def test_news_listing_last_page():
    html = '<body><p>14 résultats</p><a href="?page=0">‹ Précédent</a></body>'
    page = parse_news_listing(html, NEWS_URL + "?page=1")
    assert (page.articles, page.next_url, page.page_number) == ([], None, 1)


def test_news_listing_accepts_accentless_title():
    html = '<body><a href="/actualites/x">LISTE DES EDITEURS CANDIDATS AU REFERENCEMENT</a></body>'
    assert [a.url for a in parse_news_listing(html, NEWS_URL).articles] == [SITE + "/actualites/x"]


def test_figure_caption_names_the_dispositif():
    body = "<figure>" + table("<tr><td>A</td><td>B</td></tr>") + "<figcaption>MS2 PDS</figcaption>"
    assert dispositifs(body + "</figure>") == ["DUI MS2 PDS"]


def test_wysiwyg_table_with_header_in_tbody_and_merged_editor_cell():
    body = """<h3>Protection de l'enfance</h3><table><tbody>
    <tr><td><p><strong>Nom de l'éditeur</strong></p></td><td><p><strong>Solution</strong></p></td>
    <td><p><strong>Date de dépôt du dossier</strong></p></td></tr>
    <tr><td rowspan="2">ASE SOLUTIONS</td><td>Protection</td><td>3 janv. 2023</td></tr>
    <tr><td>Protection+</td><td>4 janv. 2023</td></tr></tbody></table>"""
    assert [(r.editor, r.solution, r.dispositif, r.applied_on) for r in read(body).records] == [
        ("ASE SOLUTIONS", "Protection", "DUI MS2 PDE", "2023-01-03"),
        ("ASE SOLUTIONS", "Protection+", "DUI MS2 PDE", "2023-01-04"),
    ]


def test_typographic_apostrophes_are_stored_straight():
    rows = "<tr><td>L’ÉCHELLE DES ENFANTS</td><td>Échelle’PDE</td></tr>"
    (record,) = read(table(rows)).records
    assert (record.editor, record.solution) == ("L'ÉCHELLE DES ENFANTS", "Échelle'PDE")


def test_news_listing_counts_every_article_link_candidate_or_not():
    html = """<main><ul>
      <li><a href="/actualites/webinaire-dmp">Webinaire DMP</a></li>
      <li><a href="/actualites/liste-des-editeurs-candidats-au-referencement">Liste des éditeurs
      candidats au référencement</a></li>
      <li><a href="/actualites/webinaire-dmp">Lire la suite</a></li>
    </ul></main>"""
    page = parse_news_listing(html, "https://example.org/actualites?page=2")
    assert page.news_items == 2
    assert len(page.articles) == 1


def test_accordion_heading_with_a_button_names_the_dispositif():
    html = """<main><h1>Listes des éditeurs MS1 et MS2 candidats au référencement</h1>
    <section><h3><button aria-expanded="false">Liste des candidats MS2 PDE</button></h3>
    <div><table><thead><tr><th>Raison sociale</th><th>Nom du logiciel</th></tr></thead>
    <tbody><tr><td>ACME</td><td>Enfance+</td></tr></tbody></table></div></section></main>"""
    article = parse_candidate_article(html, "https://example.org/actualites/x")
    assert [r.dispositif for r in article.records] == ["DUI MS2 PDE"]
