"""The glossary of couloirs and dispositifs (`/glossaire`, catalogue/glossary.py)."""

from __future__ import annotations

import re

import pytest
from lxml import html

from catalogue.glossary import EXPLANATIONS, glossary
from scraper.vocabulary import DISPOSITIFS
from tests.serve_support import catalogue_datasette, get


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    with catalogue_datasette(tmp_path_factory.mktemp("glossary")) as datasette:
        yield datasette


@pytest.fixture(scope="module")
def page(datasette):
    response = get(datasette, "/glossaire")
    assert response.status_code == 200
    return html.fromstring(response.text)


def test_every_dispositif_of_the_vocabulary_is_explained_once():
    assert set(EXPLANATIONS) == {d.name for d in DISPOSITIFS}
    listed = [
        term.dispositif.name
        for section in glossary()
        for top in section.terms
        for term in (top, *top.domains)
    ]
    assert sorted(listed) == sorted(EXPLANATIONS)


def test_the_dui_lists_its_domains():
    (dui,) = [t for s in glossary() for t in s.terms if t.dispositif.name == "DUI"]
    assert [d.dispositif.name for d in dui.domains][:3] == [
        "DUI MS1 PA/PH/DOM",
        "DUI MS2 PDE",
        "DUI MS2 PDS",
    ]


def leading_number(text: str) -> int:
    """ "1 538 solutions…" (spaces of any kind between digit groups) -> 1538."""
    return int(re.sub(r"\D", "", re.match(r"\d[\d\s\u202f]*", text).group()))


def test_each_count_is_the_number_of_rows_its_link_shows(datasette, page):
    links = page.xpath("//p[@class='segur-glossary-count']/a")
    assert len(links) >= 5
    for link in links:
        path = link.get("href").replace("?", ".json?_size=0&", 1)
        shown = get(datasette, path).json()["filtered_table_rows_count"]
        assert shown == leading_number(link.text_content()), link.get("href")


def test_the_dui_link_covers_every_domain(datasette, page):
    (dui,) = page.xpath("//div[@id='dui']/p[@class='segur-glossary-count']/a")
    domains = page.xpath(
        "//div[@id='dui']//div[@class='segur-glossary-term']/p[@class='segur-glossary-count']"
    )
    assert "dispositif__startswith=DUI" in dui.get("href")
    assert any(p.xpath("a") for p in domains)


def test_anchors_let_the_facets_link_to_a_term(page):
    assert page.xpath("//div[@id='dui-ms1-pa-ph-dom']/h4")
    assert page.xpath("//section[@id='hopital']/h2")


def test_home_and_table_pages_link_to_it(datasette):
    assert 'href="/glossaire"' in get(datasette, "/").text
    table = get(datasette, "/catalogue/solutions_referencees").text
    assert 'href="/glossaire"' in table
    assert "dispositif__startswith=DUI" in table
