"""What a person reads on the table and query pages: French labels, no technical column,
French words for codes, French dates, links instead of keys (issue 13, points 1, 2 and 4).
The JSON API keeps the database's names, codes and ISO dates."""

from __future__ import annotations

import re

import pytest
from lxml import html

from catalogue.serve.app import load_metadata
from catalogue.serve.columns import HIDDEN, LABELS
from catalogue.serve.served import DATABASE_NAME
from tests.serve_support import catalogue_datasette, get

TABLES = ("solutions_referencees", "solutions", "candidates", "changes", "runs")
QUERIES = tuple(load_metadata()["databases"][DATABASE_NAME]["queries"])
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
ENGLISH = re.compile(
    r"\b(referenced|removed|added|changed|reappeared|complete|partial|failed|null|"
    r"contains|starts with|ends with|Sort ascending|Facet by this|Type: TEXT)\b"
)


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    with catalogue_datasette(tmp_path_factory.mktemp("french")) as datasette:
        yield datasette


def page(datasette, path: str):
    response = get(datasette, path)
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def visible_text(tree) -> str:
    for hidden in tree.xpath("//script|//style|//head|//*[@hidden]"):
        hidden.drop_tree()
    return " ".join(tree.text_content().split())


def headers(tree) -> list[str]:
    return [" ".join(th.text_content().split()) for th in tree.xpath("//table//th")]


@pytest.mark.parametrize("table", TABLES)
def test_table_pages_show_french_labels_and_no_technical_column(datasette, table):
    shown = [h.rstrip(" ▲▼") for h in headers(page(datasette, f"/catalogue/{table}?_size=20"))]
    columns = get(datasette, f"/catalogue/{table}.json?_size=1").json()["columns"]
    assert shown == [LABELS[column] for column in columns if column not in HIDDEN]
    assert {"key", "rowid", "page_id", "run_id", "fields"} & set(columns) <= HIDDEN


@pytest.mark.parametrize("table", TABLES)
def test_table_pages_read_in_french(datasette, table):
    text = visible_text(page(datasette, f"/catalogue/{table}?_size=50"))
    assert not ENGLISH.search(text), ENGLISH.search(text).group()
    assert not ISO_DATE.search(text), ISO_DATE.search(text).group()
    assert "(vue)" not in text


def test_the_json_api_keeps_codes_keys_and_iso_dates(datasette):
    rows = get(datasette, "/catalogue/solutions.json?_shape=array&_size=5").json()
    assert {"key", "status", "referenced_on", "page_id"} <= set(rows[0])
    assert rows[0]["status"] in ("referenced", "removed")
    assert ISO_DATE.fullmatch(rows[0]["referenced_on"])


def test_a_solution_name_links_to_its_page_and_the_source_is_a_short_link(datasette):
    tree = page(datasette, "/catalogue/solutions_referencees?_size=5")
    links = tree.xpath("//td[contains(@class,'col-solution')]/a/@href")
    assert links and all(link.startswith("/solution/") for link in links)
    assert get(datasette, links[0]).status_code == 200
    sources = tree.xpath("//td[contains(@class,'col-source')]//a")
    assert all(a.text_content() == "page ANS" for a in sources)


def test_statuses_and_change_kinds_read_in_french(datasette):
    solutions = visible_text(page(datasette, "/catalogue/solutions?_size=400"))
    assert "référencée" in solutions and "retirée" in solutions
    changes = visible_text(page(datasette, "/catalogue/changes?_size=400"))
    assert "ajoutée" in changes and "modifiée" in changes
    runs = visible_text(page(datasette, "/catalogue/runs"))
    assert "complète" in runs


def test_no_english_column_menu_and_french_filter_operators(datasette):
    response = get(datasette, "/catalogue/solutions_referencees")
    assert "table.js" not in response.text
    operators = html.fromstring(response.text).xpath("//select[@name='_filter_op']/option")
    shown = [option.text_content() for option in operators]
    assert "contient" in shown and "commence par" in shown and "contains" not in shown


def test_facets_are_named_in_french_and_link_the_glossary(datasette):
    tree = page(datasette, "/catalogue/solutions_referencees")
    names = [
        " ".join(s.text_content().split())
        for s in tree.xpath("//details[contains(@class,'segur-facet')]/summary/strong")
    ]
    assert "Dispositif" in names and "Couloir" in names
    assert tree.xpath("//a[@class='segur-glossary-term-link'][starts-with(@href,'/glossaire#')]")
    runs = visible_text(page(datasette, "/catalogue/runs?_facet=status"))
    assert "complète" in runs


@pytest.mark.parametrize("query", QUERIES)
def test_no_sql_is_shown_on_a_question_page(datasette, query):
    tree = page(datasette, f"/catalogue/{query}")
    assert not tree.xpath("//pre[@id='sql-query'] | //textarea[@name='sql']")
    assert not re.search(r"\bselect\b.*\bfrom\b", visible_text(tree), re.IGNORECASE | re.DOTALL)


def test_couloir_and_dispositif_are_chosen_from_lists(datasette):
    tree = page(datasette, "/catalogue/nouvelles_solutions")
    couloirs = tree.xpath("//select[@name='couloir']/option/text()")
    dispositifs = tree.xpath("//select[@name='dispositif']/option/text()")
    assert "Hôpital" in couloirs and "Social et médico-social" in couloirs
    assert "DUI" in dispositifs and "DUI MS1 PA/PH/DOM" in dispositifs


def test_the_dui_covers_its_domains_in_a_question(datasette):
    rows = get(
        datasette,
        "/catalogue/nouvelles_solutions.json?_shape=array&depuis=01/01/2000&dispositif=DUI",
    ).json()
    assert rows and all(row["dispositif"].startswith("DUI") for row in rows)
    assert {row["dispositif"] for row in rows} > {"DUI MS1 PA/PH/DOM"} or len(rows) > 1


def test_a_date_the_question_cannot_read_gets_a_french_message(datasette):
    text = visible_text(page(datasette, "/catalogue/nouvelles_solutions?depuis=janvier+2025"))
    assert "Date non reconnue : « janvier 2025 »" in text
    readable = visible_text(page(datasette, "/catalogue/nouvelles_solutions?depuis=1er+mai+2025"))
    assert "Date non reconnue" not in readable


def test_every_column_of_every_public_table_has_a_french_label(datasette):
    tables = get(datasette, "/catalogue.json").json()["tables"]
    unlabelled = {
        f"{table['name']}.{column}"
        for table in tables
        if not table["hidden"]
        for column in table["columns"]
        if column not in LABELS
    }
    assert not unlabelled


def test_the_sql_page_names_tables_and_columns_in_french_with_their_sql_names(datasette):
    text = visible_text(page(datasette, "/catalogue"))
    assert "Toutes les solutions, y compris retirées solutions" in text
    assert "Date de référencement (referenced_on)" in text
