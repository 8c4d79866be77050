"""The report's structured description (catalogue.diff.document) and its HTML rendering.

The Markdown rendering is checked line by line in test_diff.py; here, that both
renderings come from one description, and what the HTML needs: links, counts,
anchors, escaping.
"""

from __future__ import annotations

import re

import pytest

from catalogue.diff.build import run_report
from catalogue.diff.document import Document, FieldChange, Item, Section, report_document
from catalogue.diff.html import render_html
from catalogue.diff.markdown import markdown_of, render_markdown
from catalogue.history import CANDIDATE, SOLUTION
from catalogue.schema import open_db
from tests.test_diff import (
    FIRST,
    FIRST_CANDIDATES,
    SECOND,
    SECOND_CANDIDATES,
    run,
)


@pytest.fixture
def two_runs(tmp_path):
    db = open_db(tmp_path / "catalogue.db")
    run(db, "2024-06-14", FIRST, FIRST_CANDIDATES)
    run(db, "2024-06-15", SECOND, SECOND_CANDIDATES)
    return db


@pytest.fixture
def document(two_runs) -> Document:
    return report_document(run_report(two_runs))


def no_link(entity: str, key: str) -> None:
    return None


def outline(sections) -> list[tuple[int, str, int]]:
    found = []
    for section in sections:
        found.append((section.level, section.title, section.count))
        found += outline(section.subsections)
    return found


def test_document_outline_puts_new_referencings_first(document):
    assert document.title == (
        "Référencement Ségur : synchronisation n° 2 du 15 juin 2024 à 04 h 00 "
        "(heure de Paris) (complète)"
    )
    assert outline(document.sections) == [
        (2, "Nouvelles solutions référencées", 2),
        (3, "Hôpital", 1),
        (4, "DPI", 1),
        (3, "Social et médico-social", 1),
        (4, "DUI MS1 PA/PH/DOM", 1),
        (2, "Nouvelles versions", 2),
        (2, "Solutions retirées", 1),
        (2, "Modifications", 1),
        (2, "Candidatures", 4),
        (3, "Nouveaux candidats", 1),
        (3, "Candidats devenus référencés", 1),
        (3, "Candidatures modifiées", 1),
        (3, "Candidatures retirées", 1),
    ]
    assert document.warnings == () and document.note == ""


def test_items_keep_their_parts_and_what_they_are_about(document):
    items = {item.name: item for item in document.items()}
    kalisil = items["Kalisil"]
    assert (kalisil.entity, kalisil.key) == (SOLUTION, SECOND[0].key)
    assert (kalisil.version, kalisil.editor, kalisil.context) == (
        "4.1",
        "Dedalus",
        ("SGL", "vague 1"),
    )
    assert kalisil.details == ("référencée le 1er juin 2024",)
    assert kalisil.sentence == "remplace la version 4.0"
    assert items["Lamweb"].changes == (
        FieldChange("date de référencement", "1er septembre 2023", "2 septembre 2023"),
    )
    assert items["Logiciel <b>X</b>"].name == "Logiciel <b>X</b>"  # plain text, one line
    trois = items["Trois"]
    assert (trois.entity, trois.key, trois.version) == (CANDIDATE, SECOND_CANDIDATES[1].key, "")


def test_markdown_comes_from_the_document(two_runs, document):
    assert markdown_of(document) == render_markdown(run_report(two_runs))


def test_html_links_each_entry_to_its_page(document):
    pages = {
        (SOLUTION, SECOND[0].key): "/solution/kalisil-4-1",
        (CANDIDATE, SECOND_CANDIDATES[1].key): "/candidature/trois",
    }
    html = render_html(document, lambda entity, key: pages.get((entity, key)))
    assert (
        '<li><a href="/solution/kalisil-4-1"><strong>Kalisil</strong> 4.1</a> — Dedalus '
        "(SGL, vague 1), référencée le 1er juin 2024 : remplace la version 4.0</li>"
    ) in html
    assert '<a href="/candidature/trois"><strong>Trois</strong></a> — Gamma (DUI MS2 PDS)' in html
    assert "<li><strong>Hexalis</strong> 5.0 — Dedalus (SGL, vague 1)</li>" in html  # no page


def test_html_headings_count_and_anchor_the_main_sections(document):
    html = render_html(document, no_link)
    assert (
        '<h2 id="nouvelles-solutions-referencees">Nouvelles solutions référencées '
        '<span class="segur-count">(2)</span></h2>'
    ) in html
    assert '<h3>Hôpital <span class="segur-count">(1)</span></h3>' in html
    assert '<h4>DPI <span class="segur-count">(1)</span></h4>' in html
    assert '<h3 id="candidats-devenus-references">Candidats devenus référencés' in html
    levels = [int(level) for level in re.findall(r"<h(\d)", html)]
    assert levels[0] == 2 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_html_shows_field_changes_as_a_sub_list(document):
    html = render_html(document, no_link)
    assert (
        '<ul class="segur-report-changes"><li>date de référencement : '
        "1er septembre 2023 → 2 septembre 2023</li></ul>"
    ) in html


def test_html_escapes_scraped_text(document):
    html = render_html(document, no_link)
    assert "<b>X</b>" not in html
    assert "<strong>Logiciel &lt;b&gt;X&lt;/b&gt;</strong> 2 — L&#39;Éditeur – Santé" in html


def test_html_escapes_links_and_every_part():
    hostile = "<script>alert('x')</script>"
    item = Item(
        SOLUTION,
        "k",
        hostile,
        hostile,
        hostile,
        context=(hostile,),
        details=(hostile,),
        sentence=hostile,
        changes=(FieldChange("statut", hostile, hostile),),
    )
    document = Document("t", (hostile,), (Section(hostile, 2, (item,)),), hostile)
    html = render_html(document, lambda entity, key: '/solution/"><script>')
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 12  # 8 item parts, title, warning, note, link


def test_partial_run_warns_that_nothing_was_removed(two_runs):
    run(two_runs, "2024-06-16", SECOND[:2], SECOND_CANDIDATES, "partial", "La page 2 est illisible")
    html = render_html(report_document(run_report(two_runs)), no_link)
    assert (
        '<p class="segur-report-warning" role="note">⚠ Synchronisation partielle : '
        "La page 2 est illisible. Aucune suppression n&#39;a été enregistrée.</p>"
    ) in html
    assert '<p class="segur-report-note">Aucun changement.</p>' in html


def test_failed_run_warns_that_nothing_changed_and_claims_nothing_else(two_runs):
    run(two_runs, "2024-06-16", [], [], "failed", "Site en maintenance")
    document = report_document(run_report(two_runs))
    assert document.warnings == (
        "⚠ Synchronisation échouée : Site en maintenance. Aucune modification n'a été enregistrée.",
    )
    assert document.sections == () and document.note == ""
