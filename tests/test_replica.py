"""The offline replica of the ANS site: data, the three renderings, faults and the CLI.

Everything talks to the replica over HTTP on 127.0.0.1 with urllib. Pages are read with small
helpers written here against the replica's own markup, never with the project's parsers (the
replica exists to test them).
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
import pytest

from replica.dataset import (
    MEDECINE_DE_VILLE_SLUG,
    MEDICO_SOCIAL_SLUG,
    SCRIPT_NAME,
    VAGUE_2_SLUG,
    build_dataset,
)
from replica.render import LISTING_PATH, RENDERINGS
from replica.server import Fault, ReplicaServer, fault_reply
from scraper.items import REFERENCE_NUMBER
from scraper.vocabulary import BY_NAME, couloir_of, resolve_couloir, resolve_dispositif

MONTHS = {
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
}
STATE_1 = build_dataset(1)
STATE_2 = build_dataset(2)


# ---------------------------------------------------------------- helpers


def fetch(url: str, timeout: float = 5.0) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def page(url: str) -> lxml.html.HtmlElement:
    status, _, body = fetch(url)
    assert status == 200, url
    return lxml.html.fromstring(body, base_url=url)


def text(element) -> str:
    return " ".join(element.text_content().split())


def announced(doc) -> int | None:
    """The "N résultats" count of a page (any rendering), None when there is none."""
    body = " ".join(doc.text_content().split())
    if "Aucun résultat" in body:
        return 0
    match = re.search(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})*) résultats?\b", body)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def next_link(doc) -> str | None:
    """The next-page href: rel="next", "Page suivante ›" or "»" titled "...page suivante"."""
    found = [
        a.get("href")
        for a in doc.iter("a")
        if a.get("rel") == "next"
        or text(a) == "Page suivante ›"
        or (text(a) == "»" and a.get("title") == "Aller à la page suivante")
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def iso(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", value):
        day, month, year = match.groups()
        return f"{year}-{month}-{day}"
    day, month, year = value.replace("1er", "1").split()
    return f"{year}-{MONTHS[month]:02d}-{int(day):02d}"


def rows_of(doc, rendering: str) -> list[tuple]:
    """(editor, solution, version, vague, referenced_on, reference_number) of each row."""
    if rendering == "table":
        headers = [text(th) for th in doc.xpath("//table/thead//th")]
        records = [
            dict(zip(headers, (text(td) for td in tr.xpath("td")), strict=True))
            for tr in doc.xpath("//table/tbody/tr")
        ]
        fields = (
            "Éditeur",
            "Solution",
            "Version",
            "Vague",
            "Date de référencement",
            "N° de référencement",
        )
    elif rendering == "cards":
        records = [
            dict(
                zip(
                    (text(dt) for dt in dl.xpath("dt")),
                    (text(dd) for dd in dl.xpath("dd")),
                    strict=True,
                )
            )
            for dl in doc.xpath("//article/dl")
        ]
        fields = (
            "Raison sociale",
            "Nom commercial",
            "Version technique",
            "Vague",
            "Référencé le",
            "Numéro de référencement",
        )
    else:
        records = [
            dict(line.strip().split(" : ", 1) for line in li.itertext() if line.strip())
            for li in doc.xpath("//ul[contains(@class, 'liste-solutions')]/li")
        ]
        fields = (
            "Fournisseur",
            "Logiciel",
            "Numéro de version",
            "Vague",
            "Date de décision",
            "Identifiant de référencement",
        )
    rows = []
    for record in records:
        editor, solution, version, vague, when, number = (record.get(f) for f in fields)
        rows.append(
            (editor, solution, version, int(re.sub(r"\D", "", vague)), iso(when), number or None)
        )
    return rows


def truth_rows(records) -> Counter:
    return Counter(
        (r.editor, r.solution, r.version, r.vague, r.referenced_on, r.reference_number)
        for r in records
    )


def crawl_pages(url: str, rendering: str) -> tuple[list[tuple], list, int | None]:
    """Follow the next links from `url`: the rows read, the documents, the first count."""
    rows, docs = [], []
    while url:
        doc = page(url)
        docs.append(doc)
        rows += rows_of(doc, rendering)
        href = next_link(doc)
        url = urljoin(url, href) if href else None
        assert len(docs) < 100, "the pager never ends"
    return rows, docs, announced(docs[0])


def facet_links(doc, field: str = "dsr_solutions") -> list[tuple[str, str, int]]:
    """(href, name, count) of each inactive facet link on `field`."""
    links = []
    for a in doc.iter("a"):
        href = a.get("href") or ""
        query = parse_qs(urlsplit(href).query)
        values = [v for key, vs in query.items() if key.startswith("f[") for v in vs]
        if any(v.startswith(f"{field}:") for v in values):
            label = text(a)
            match = re.fullmatch(r"(.*) \((\d+)\)", label)
            links.append((href, match.group(1), int(match.group(2))))
    return links


@pytest.fixture(scope="module", params=RENDERINGS)
def served(request):
    with ReplicaServer(rendering=request.param) as server:
        yield request.param, server


@pytest.fixture(scope="module")
def table_server():
    with ReplicaServer(rendering="table") as server:
        yield server


# ---------------------------------------------------------------- dataset


def test_state_1_holds_the_real_rows_of_the_site_description():
    rows = {(r.editor, r.solution, r.version, r.dispositif) for r in STATE_1.solutions}
    real = {
        ("ONAOS SAS", "LOINC-Mapper", "1.0", "Transcodeur LOINC"),
        ("MY HEALTH-LA SANTÉ DANS LA POCHE", "Kaducée", "1.32.0", "Transcodeur LOINC"),
        ("Medicus AI France", "Lingua", "2.0.0", "Transcodeur LOINC"),
        ("Kiro", "KIRO LOINC MAPPER", "1.0.0", "Transcodeur LOINC"),
        ("Bio Logbook", "Bio Logbook – Transcodification", "1.0", "Transcodeur LOINC"),
        ("PHAST", "PHAST Mapping Ségur", "3.1", "Transcodeur LOINC"),
        ("Dedalus", "Kalisil", "4.0", "SGL"),
        ("Dedalus", "Hexalis", "5.0", "SGL"),
        ("Histone", "Lamweb", "05.02", "SGL"),
        ("Technidata", "Tdnexlabs", "V2", "SGL"),
        ("Inlog", "Edgelab", "7.0.1", "SGL"),
        ("MIPS", "Glims", "10", "SGL"),
        ("CGM", "Molis", "441-SP6", "SGL"),
        ("ORISHA HEALTH & SAFETY", "DESMOS", "3.3", "LGC"),
    }
    assert real <= rows
    desmos = next(r for r in STATE_1.solutions if r.solution == "DESMOS")
    assert desmos.reference_number == "27f99871b4" and desmos.key == "ref:27f99871b4"


def test_state_1_is_spread_like_the_real_figures():
    per_dispositif = Counter(r.dispositif for r in STATE_1.solutions)
    per_couloir = Counter(r.couloir for r in STATE_1.solutions)
    assert 240 <= len(STATE_1.solutions) <= 280
    assert per_couloir["Hôpital"] == 90 and per_dispositif["LGC"] == 43
    assert per_couloir["Biologie médicale"] == 13 and per_dispositif["LGO"] == 11
    assert per_dispositif["RIS"] == 10 and per_dispositif["DRIMbox"] >= 1
    assert per_dispositif["DUI MS1 PA/PH/DOM"] == 59
    assert per_dispositif["DUI MS2 PDE"] == 14 and per_dispositif["DUI MS2 PDS"] == 12
    for name in ("Opérateurs MSS", "SAS Agenda", "LGC SF", "LGC paramédicaux", "LGC CD"):
        assert per_dispositif[name] >= 1
    assert "DUI" not in per_dispositif  # only the sub-programmes are facets


@pytest.mark.parametrize("dataset", [STATE_1, STATE_2], ids=["state1", "state2"])
def test_truth_records_are_canonical_and_keys_unique(dataset):
    for record in dataset.solutions:
        assert record.dispositif in BY_NAME
        assert record.couloir == couloir_of(record.dispositif)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.referenced_on)
        assert record.vague in (1, 2) and record.source_url is None
        assert not record.missing_fields()
        assert record.reference_number is None or REFERENCE_NUMBER.match(record.reference_number)
        if record.dispositif in ("DRIMbox", "LGC SF", "LGC paramédicaux", "LGC CD"):
            assert record.vague == 2
    assert len({r.key for r in dataset.solutions}) == len(dataset.solutions)
    assert len({c.key for c in dataset.candidates}) == len(dataset.candidates)
    order = [(r.referenced_on, r.key) for r in dataset.solutions]
    assert [day for day, _ in order] == sorted((day for day, _ in order), reverse=True)


def test_state_1_carries_the_edge_cases():
    solutions = STATE_1.solutions
    editors = " ".join(r.editor for r in solutions)
    assert "'" in editors and "–" in editors and "&" in editors and "É" in editors
    assert sum(r.solution == SCRIPT_NAME for r in solutions) == 1
    products = Counter(r.product_key for r in solutions)
    assert [key for key, count in products.items() if count > 1] == ["hospilink sas|hospidpi|dpi"]
    versions = {r.version for r in solutions}
    assert {"05.02", "V2", "441-SP6", "10.3.1"} <= versions
    assert any(r.distributors for r in solutions)
    assert any(r.pilots and r.vague == 2 for r in solutions)
    assert sum(bool(r.reference_number) for r in solutions) >= 10
    assert any(r.referenced_on.endswith("-01") for r in solutions)  # "1er juin 2022"


def test_candidate_articles():
    assert len(STATE_1.articles) == 3 and 35 <= len(STATE_1.candidates) <= 45
    assert all("candidats au référencement" in a.title for a in STATE_1.articles)
    assert {c.status for c in STATE_1.candidates} == {
        "Candidat",
        "En cours d'instruction",
        "Référencé",
    }
    medico_social, medecine_de_ville, vague_2 = STATE_1.articles
    assert [t.heading for t in medico_social.tables] == ["MS1 PA/PH/DOM", "MS2 PDE", "MS2 PDS"]
    for table in medico_social.tables + medecine_de_ville.tables:
        assert "dispositif" not in dict(table.columns).values()
    assert {c.dispositif for c in medecine_de_ville.candidates} == {"LGC"}
    labels = [label for label, _ in vague_2.tables[0].columns]
    assert {"Dispositif", "Statut", "Date de dépôt"} <= set(labels)
    assert len(STATE_1.news) == 25 and all(a in STATE_1.news for a in STATE_1.articles)


def test_referenced_candidates_are_listed_among_the_solutions():
    listed = {(r.editor, r.solution, r.dispositif) for r in STATE_1.solutions}
    referenced = [c for c in STATE_1.candidates if c.status == "Référencé"]
    assert len(referenced) >= 5
    assert all((c.editor, c.solution, c.dispositif) in listed for c in referenced)


def _natural(records):
    return {(r.editor, r.solution, r.version): r for r in records}


def test_state_2_differs_from_state_1_exactly_as_documented():
    before, after = _natural(STATE_1.solutions), _natural(STATE_2.solutions)
    assert set(after) - set(before) == {
        ("KINÉ'ASSIST", "KinéAgenda", "3.2"),
        ("NOUVELLE ÈRE SANTÉ", "Enfance Connect", "1.0"),
        ("HÉLIANTHE SYSTÈMES", "Héliantis DPI", "2025.1"),
        ("OFFICINA SOFT", "Officina", "7.3"),
        ("MÉDISOCIAL+", "Médisocial Dossier", "3.1"),
    }
    assert set(before) - set(after) == {
        ("OFFICINA SOFT", "Officina", "7.2"),
        ("RADIOLOGIE & IMAGERIE DU SUD-OUEST", "RadiOuest RIS", "4.2.1"),
    }
    changed = {k for k in set(before) & set(after) if before[k] != after[k]}
    assert changed == {("L'ATELIER DU SOIN", "Atelier PFI", "2.1")}
    pfi = ("L'ATELIER DU SOIN", "Atelier PFI", "2.1")
    assert (before[pfi].referenced_on, after[pfi].referenced_on) == ("2023-02-14", "2023-03-14")
    assert before[pfi].key == after[pfi].key
    # Product view: 3 new products, one version swapped, one version added beside the old.
    new_products = {r.product_key for r in STATE_2.solutions} - {
        r.product_key for r in STATE_1.solutions
    }
    assert len(new_products) == 3
    officina = [r.version for r in STATE_2.solutions if r.solution == "Officina"]
    medisocial = sorted(r.version for r in STATE_2.solutions if r.solution == "Médisocial Dossier")
    assert officina == ["7.3"] and medisocial == ["3.0", "3.1"]

    cand_before = {c.key: c for c in STATE_1.candidates}
    cand_after = {c.key: c for c in STATE_2.candidates}
    added = [cand_after[k] for k in set(cand_after) - set(cand_before)]
    removed = [cand_before[k] for k in set(cand_before) - set(cand_after)]
    changed = [k for k in set(cand_before) & set(cand_after) if cand_before[k] != cand_after[k]]
    assert [(c.editor, c.solution, c.dispositif) for c in added] == [
        ("ACCUEIL & PARCOURS", "Parcours+ PDS", "DUI MS2 PDS")
    ]
    assert [(c.editor, c.solution, c.dispositif) for c in removed] == [
        ("CABINET CONNECTÉ SAS", "Consult'Express", "LGC")
    ]
    assert len(changed) == 1
    promoted = cand_after[changed[0]]
    assert (promoted.editor, cand_before[changed[0]].status, promoted.status) == (
        "KINÉ'ASSIST",
        "En cours d'instruction",
        "Référencé",
    )
    referenced = after[("KINÉ'ASSIST", "KinéAgenda", "3.2")]
    assert referenced.dispositif == promoted.dispositif == "LGC paramédicaux"


def test_scale_generates_n_rows_plus_the_fixed_ones_deterministically():
    scaled = build_dataset(scale=500)
    assert len(scaled.solutions) == 500 + scaled.fixed_count == 500 + 38
    assert {r.solution for r in STATE_1.solutions if r.dispositif == "SGL"} <= {
        r.solution for r in scaled.solutions
    }
    assert scaled.solutions == build_dataset(scale=500).solutions
    assert len({r.key for r in scaled.solutions}) == len(scaled.solutions)
    assert len(build_dataset(scale=0).solutions) == 38
    scaled_2 = build_dataset(state=2, scale=500)
    assert len(scaled_2.solutions) == len(scaled.solutions) + 3


def test_bad_dataset_arguments_are_refused():
    with pytest.raises(ValueError, match="state"):
        build_dataset(state=3)
    with pytest.raises(ValueError, match="rendering"):
        ReplicaServer(rendering="grid")


# ---------------------------------------------------------------- renderings


@pytest.mark.process
def test_listing_pages_cover_every_solution_exactly_once(served):
    rendering, server = served
    rows, docs, count = crawl_pages(server.url + LISTING_PATH, rendering)
    assert count == len(STATE_1.solutions)
    assert Counter(rows) == truth_rows(STATE_1.solutions)
    size = {"table": 50, "cards": 20, "lines": 25}[rendering]
    assert len(docs) == -(-count // size)
    assert next_link(docs[-1]) is None
    assert all(announced(doc) == count for doc in docs)


@pytest.mark.process
def test_facet_pages_partition_the_rows_and_keep_the_facet(served):
    rendering, server = served
    listing = page(server.url + LISTING_PATH)
    links = facet_links(listing)
    assert len(links) == len({r.dispositif for r in STATE_1.solutions})
    seen = Counter()
    for href, label, count in links:
        dispositif = resolve_dispositif(label)
        assert dispositif is not None, label
        expected = [r for r in STATE_1.solutions if r.dispositif == dispositif.name]
        url = urljoin(listing.base_url, href)
        rows, docs, announced_count = crawl_pages(url, rendering)
        assert count == announced_count == len(expected), label
        assert Counter(rows) == truth_rows(expected), label
        for doc in docs[:-1]:
            facet = parse_qs(urlsplit(next_link(doc)).query)["f[0]"]
            assert facet == parse_qs(urlsplit(href).query)["f[0]"]
        seen += Counter(rows)
    assert seen == truth_rows(STATE_1.solutions)


@pytest.mark.process
def test_table_rendering_prints_every_field_in_long_form(table_server):
    doc = page(table_server.url + LISTING_PATH)
    headers = [text(th) for th in doc.xpath("//table/thead//th")]
    assert headers == [
        "Éditeur",
        "Solution",
        "Version",
        "Couloir",
        "Dispositif",
        "Vague",
        "Date de référencement",
        "N° de référencement",
        "Distributeurs",
        "Premières installations réussies",
    ]
    first = STATE_1.solutions[0]
    cells = [text(td) for td in doc.xpath("//table/tbody/tr[1]/td")]
    assert resolve_dispositif(cells[4]).name == first.dispositif
    assert resolve_couloir(cells[3]) == first.couloir
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", cells[6])
    labels = {text(a) for a in doc.xpath("//nav[contains(@class, 'pager')]//a")}
    assert {"Page suivante Suivant ›", "Dernière page Dernier »"} <= labels


@pytest.mark.process
def test_table_couloir_facets_match_the_couloirs(table_server):
    doc = page(table_server.url + LISTING_PATH)
    links = facet_links(doc, "couloir")
    counts = Counter(r.couloir for r in STATE_1.solutions)
    assert {resolve_couloir(label): count for _, label, count in links} == counts
    href, label, count = links[0]
    assert announced(page(urljoin(doc.base_url, href))) == count


@pytest.mark.process
def test_table_accepts_the_unencoded_facet_form(table_server):
    encoded = page(f"{table_server.url}{LISTING_PATH}?f%5B0%5D=dsr_solutions%3ALGO")
    raw = page(f"{table_server.url}{LISTING_PATH}?f[0]=dsr_solutions:LGO")
    assert announced(encoded) == announced(raw) == 11
    assert rows_of(encoded, "table") == rows_of(raw, "table")


@pytest.mark.process
def test_cards_and_lines_omit_couloir_and_dispositif():
    for rendering, forbidden in (("cards", ("Couloir", "Dispositif")), ("lines", ("Couloir",))):
        with ReplicaServer(rendering=rendering) as server:
            doc = page(server.url + LISTING_PATH)
            labels = {text(dt) for dt in doc.xpath("//dt")}
            lines = " ".join(doc.xpath("//ul[contains(@class, 'liste-solutions')]//text()"))
            for label in forbidden:
                assert label not in labels and f"{label} :" not in lines
            if rendering == "cards":
                assert {text(label) for label in doc.xpath("//form//label")} == {
                    "Raison sociale",
                    "Nom commercial",
                }


@pytest.mark.process
@pytest.mark.parametrize(
    "rendering, shown",
    [("table", "01/06/2023"), ("cards", "1er juin 2023"), ("lines", "2023-06-01")],
)
def test_each_rendering_prints_dates_its_own_way(rendering, shown):
    with ReplicaServer(rendering=rendering) as server:
        doc = page(f"{server.url}{LISTING_PATH}?field_logiciel_nom_value=Kaduc%C3%A9e")
    assert [row[:3] for row in rows_of(doc, rendering)] == [
        ("MY HEALTH-LA SANTÉ DANS LA POCHE", "Kaducée", "1.32.0")
    ]
    assert shown in doc.text_content()


@pytest.mark.process
def test_large_counts_are_grouped_with_spaces():
    total = 1234 + STATE_1.fixed_count
    thousands, rest = divmod(total, 1000)
    expected = {
        "table": f"{thousands}\u00a0{rest:03d} résultats",
        "cards": f"{thousands}\u202f{rest:03d} résultats",
        "lines": f"sur {thousands} {rest:03d} résultats",
    }
    for rendering, phrase in expected.items():
        with ReplicaServer(rendering=rendering, scale=1234) as server:
            status, _, body = fetch(server.url + LISTING_PATH)
            assert status == 200 and phrase in lxml.html.fromstring(body).text_content()


@pytest.mark.process
def test_page_size_option_and_page_past_the_end():
    with ReplicaServer(rendering="lines", page_size=100) as server:
        doc = page(server.url + LISTING_PATH)
        assert len(rows_of(doc, "lines")) == 100
        past = page(server.url + LISTING_PATH + "?page=99")
        assert rows_of(past, "lines") == [] and next_link(past) is None
        assert announced(past) == len(STATE_1.solutions)


@pytest.mark.process
def test_news_listing_and_candidate_articles(served):
    rendering, server = served
    url, titles = server.url + "/actualites", []
    docs = []
    while url:
        doc = page(url)
        docs.append(doc)
        titles += [text(a) for a in doc.xpath("//a[starts-with(@href, '/actualites/')]")]
        href = next_link(doc)
        url = urljoin(url, href) if href else None
    assert announced(docs[0]) == 25 and len(docs) == 3
    assert sorted(titles) == sorted(a.title for a in STATE_1.news)
    article = page(f"{server.url}/actualites/{MEDICO_SOCIAL_SLUG}")
    headings = [text(h) for h in article.xpath("//table/preceding::h3[1]")]
    assert headings == ["MS1 PA/PH/DOM", "MS2 PDE", "MS2 PDS"]
    tables = article.xpath("//table")
    assert len(tables[0].xpath(".//tbody/tr")) == 14
    lgc = page(f"{server.url}/actualites/{MEDECINE_DE_VILLE_SLUG}")
    assert [text(th) for th in lgc.xpath("//table//tr[1]/th")] == [
        "Éditeur",
        "Solution",
        "Version",
        "Statut",
        "Date de candidature",
    ]
    vague_2 = page(f"{server.url}/actualites/{VAGUE_2_SLUG}")
    cells = [text(td) for td in vague_2.xpath("//table/tbody/tr[1]/td")]
    assert cells[3] == "LGC SF" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[5])


@pytest.mark.process
def test_robots_txt_and_extra_disallow():
    with ReplicaServer(robots_disallow=("/actualites/",)) as server:
        status, headers, body = fetch(server.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.splitlines()
    assert "User-agent: *" in lines
    for path in ("/admin/", "/user/", "/search/", "/actualites/"):
        assert f"Disallow: {path}" in lines


@pytest.mark.process
def test_english_copies_and_off_site_links_exist(table_server):
    doc = page(table_server.url + LISTING_PATH)
    hrefs = [a.get("href") for a in doc.iter("a") if a.get("href")]
    assert "/en" + LISTING_PATH in hrefs
    assert any(h.startswith("https://esante.gouv.fr/") for h in hrefs)
    assert "https://www.legifrance.gouv.fr/" in hrefs
    assert "/user/login" in hrefs
    english = page(table_server.url + "/en" + LISTING_PATH)
    assert english.get("lang") == "en"
    assert page(f"{table_server.url}/en/actualites/{VAGUE_2_SLUG}").xpath("//table")
    assert page(table_server.url + "/en").get("lang") == "en"


@pytest.mark.process
def test_unknown_pages_are_404(table_server):
    for path, phrase in (
        ("/nothing", "Page introuvable"),
        ("/actualites/no-such-article", "Page introuvable"),
        ("/en/nothing", "Page not found"),
    ):
        status, _, body = fetch(table_server.url + path)
        assert status == 404 and phrase in body


@pytest.mark.process
def test_script_in_a_name_is_escaped(served):
    rendering, server = served
    status, _, body = fetch(f"{server.url}{LISTING_PATH}?field_logiciel_nom_value=planning")
    assert "Planning Soins &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert SCRIPT_NAME in lxml.html.fromstring(body).text_content()


@pytest.mark.process
def test_set_state_switches_the_data():
    with ReplicaServer(rendering="cards") as server:
        assert announced(page(server.url + LISTING_PATH)) == len(STATE_1.solutions)
        server.set_state(2)
        assert announced(page(server.url + LISTING_PATH)) == len(STATE_2.solutions)
        filtered = page(f"{server.url}{LISTING_PATH}?field_logiciel_nom_value=Kin%C3%A9Agenda")
        assert [row[:3] for row in rows_of(filtered, "cards")] == [
            ("KINÉ'ASSIST", "KinéAgenda", "3.2")
        ]
        server.set_state(1)
        assert announced(page(server.url + LISTING_PATH)) == len(STATE_1.solutions)


# ---------------------------------------------------------------- faults


@pytest.mark.process
def test_503_carries_retry_after_and_respects_times():
    fault = Fault("503", match="page=1", times=2)
    with ReplicaServer(faults=[fault]) as server:
        url = server.url + LISTING_PATH + "?page=1"
        answers = [fetch(url) for _ in range(3)]
        assert [status for status, _, _ in answers] == [503, 503, 200]
        assert answers[0][1]["Retry-After"] == "1"
        assert fetch(server.url + LISTING_PATH)[0] == 200  # does not match
        assert server.requests == [LISTING_PATH + "?page=1"] * 3 + [LISTING_PATH]


@pytest.mark.process
def test_429_and_permanent_500_and_robots_spared():
    faults = [Fault("429", match="actualites"), Fault("500", times=None)]
    with ReplicaServer(faults=faults) as server:
        status, headers, _ = fetch(server.url + "/actualites")
        assert status == 429 and headers["Retry-After"] == "1"
        assert [fetch(server.url + LISTING_PATH)[0] for _ in range(3)] == [500, 500, 500]
        assert fetch(server.url + "/robots.txt")[0] == 200
    with ReplicaServer(faults=[Fault("503", match="robots")]) as server:
        assert fetch(server.url + "/robots.txt")[0] == 503


@pytest.mark.process
def test_drop_closes_the_connection_mid_response():
    with ReplicaServer(faults=[Fault("drop")]) as server:
        with pytest.raises((http.client.IncompleteRead, ConnectionError, urllib.error.URLError)):
            fetch(server.url + LISTING_PATH)
        assert fetch(server.url + LISTING_PATH)[0] == 200
        assert server.requests == [LISTING_PATH, LISTING_PATH]


@pytest.mark.process
def test_maintenance_page_has_no_result_line():
    with ReplicaServer(faults=[Fault("maintenance", times=None)]) as server:
        status, _, body = fetch(server.url + LISTING_PATH)
    doc = lxml.html.fromstring(body)
    assert status == 200 and "maintenance" in body
    assert announced(doc) is None and "résultat" not in body


@pytest.mark.process
def test_slow_answers_exceed_a_short_timeout_and_stop_quickly():
    server = ReplicaServer(faults=[Fault("slow", delay=3.0)]).start()
    try:
        with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
            fetch(server.url + LISTING_PATH, timeout=0.3)
    finally:
        started = time.monotonic()
        server.stop()
    assert time.monotonic() - started < 2


def test_a_server_answers_without_a_socket_with_its_faults_and_its_log():
    """What in-process crawls read (tests/spider_harness.py): the same pages, faults spent
    and requests logged as if they had come over the network."""
    page_1 = LISTING_PATH + "?page=1"
    server = ReplicaServer(faults=[Fault("503", page_1), Fault("drop", "actualites", None)])
    assert [server.respond(page_1).status for _ in range(2)] == [503, 200]
    assert server.reply(page_1).headers == ()
    assert fault_reply(Fault("503")).headers == (("Retry-After", "1"),)
    dropped = server.reply("/actualites")
    assert dropped.connection_fault.kind == "drop" and dropped.page.status == 200
    with pytest.raises(ValueError, match="socket"):
        server.respond("/actualites")
    assert server.requests == [page_1] * 3 + ["/actualites"] * 2


def test_fault_parse():
    assert Fault.parse("503") == Fault("503", "", 1)
    assert Fault.parse("503:page=1:2") == Fault("503", "page=1", 2)
    assert Fault.parse("500::always") == Fault("500", "", None)
    assert Fault.parse("drop:dsr_solutions:DPI") == Fault("drop", "dsr_solutions:DPI", 1)
    assert Fault.parse("slow:actualites:always").times is None
    for bad in ("boom", "503:page=1:0", ""):
        with pytest.raises(ValueError, match="bad fault"):
            Fault.parse(bad)


def test_fault_match_works_on_decoded_targets():
    fault = Fault("503", match="dsr_solutions:DPI")
    assert fault.matches(LISTING_PATH + "?f%5B0%5D=dsr_solutions%3ADPI")
    assert not fault.matches(LISTING_PATH + "?f%5B0%5D=dsr_solutions%3ALGC")
    assert not Fault("503").matches("/robots.txt")


# ---------------------------------------------------------------- command line


@pytest.mark.process
def test_module_help():
    result = subprocess.run(
        [sys.executable, "-m", "replica", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and "--fault" in result.stdout and "Example" in result.stdout


@pytest.mark.process
def test_module_serves_and_rejects_bad_faults():
    bad = subprocess.run(
        [sys.executable, "-m", "replica", "--fault", "boom"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "unknown fault kind" in bad.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "replica", "--port", "0", "--quiet", "--rendering", "lines"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert fetch(url + "/robots.txt")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_segur_replica_verb_is_registered_and_documented():
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["replica", "--help"])
    assert result.exit_code == 0 and "Example" in result.output and "--fault" in result.output
    bad = CliRunner().invoke(cli, ["replica", "--fault", "503:x:0"])
    assert bad.exit_code == 2 and "bad fault" in bad.output
