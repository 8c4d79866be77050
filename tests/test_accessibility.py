"""The public pages in headless Chromium (Playwright) checked by axe-core
(axe-playwright-python), at desktop and phone sizes: no serious or critical
accessibility violation, no English word left, headings in order, 44 px touch
targets, facets folded on a phone (issue 13, points 5 and 7)."""

from __future__ import annotations

import re

import pytest

from catalogue.opendata.bundle import rebuild_bundle
from tests.conftest import CHROMIUM
from tests.serve_support import ServeProcess, build_catalogue
from tests.test_browser import DESKTOP, PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it)",
    ),
]
PAGES = {
    "accueil": "",
    "verifier": "verifier?nom=kalisil",
    "fiche": "solution/kalisil",  # completed from the look-up below
    "solutions": "catalogue/solutions_referencees",
    "synchronisation": "synchronisations/2",
    "glossaire": "glossaire",
    "flux-logiciel": "flux?nom=officina",
    "donnees": "donnees/",
}
SIZES = {"bureau": DESKTOP, "telephone": PHONE}
ENGLISH = re.compile(
    r"\b(referenced|removed|added|changed|reappeared|complete|partial|failed|null|"
    r"Sort ascending|Sort descending|Hide this column|Facet by this|Type: TEXT|"
    r"contains|starts with|ends with|is null|Table not found|rows?)\b"
)
# Interactive elements a finger must be able to hit (inline links in sentences are exempt).
TARGETS = "nav a, button, input[type=submit], select, summary, .segur-glossary-toc a"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = build_catalogue(tmp_path_factory.mktemp("a11y") / "catalogue.db")
    rebuild_bundle(path)
    process = ServeProcess(["serve", "--db", str(path), "--port", "0", "-q"])
    yield process
    code, _, stderr = process.stop()
    assert code == 0, stderr


@pytest.fixture(scope="module")
def solution_path(browser, server) -> str:
    page = browser.new_page()
    page.goto(server.url + PAGES["verifier"])
    path = page.locator(".segur-matches a").first.get_attribute("href")
    page.close()
    return path.lstrip("/")


def opened(browser, server, solution_path, name: str, size: str):
    page = browser.new_page(viewport=SIZES[size], locale="fr-FR")
    path = solution_path if name == "fiche" else PAGES[name]
    response = page.goto(server.url + path)
    assert response.status == 200
    return page


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(browser, server, solution_path, name, size):
    from axe_playwright_python.sync_playwright import Axe

    page = opened(browser, server, solution_path, name, size)
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    page.close()
    assert not serious


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_no_english_word_is_shown(browser, server, solution_path, name, size):
    page = opened(browser, server, solution_path, name, size)
    for details in page.locator("details").all():
        details.evaluate("element => element.open = true")
    text = page.locator("body").inner_text()
    page.close()
    found = ENGLISH.search(text)
    assert not found, text[max(0, found.start() - 80) : found.end() + 40]


@pytest.mark.parametrize("name", PAGES)
def test_headings_never_skip_a_level(browser, server, solution_path, name):
    page = opened(browser, server, solution_path, name, "bureau")
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4, main h5, main h6",
        "headings => headings.map(h => Number(h.tagName[1]))",
    )
    page.close()
    assert levels and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.parametrize("name", PAGES)
def test_touch_targets_are_44_pixels_high_on_a_phone(browser, server, solution_path, name):
    page = opened(browser, server, solution_path, name, "telephone")
    small = page.eval_on_selector_all(
        TARGETS,
        """elements => elements
            .filter(e => e.offsetParent !== null)
            .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""",
    )
    page.close()
    assert not small


def test_on_a_phone_the_facets_are_folded_and_the_rows_come_first(browser, server):
    page = browser.new_page(viewport=PHONE, locale="fr-FR")
    page.goto(server.url + PAGES["solutions"])
    facets = page.locator("details.segur-facet")
    assert facets.count() >= 2
    assert all(not facet.evaluate("element => element.open") for facet in facets.all())
    page.close()
    wide = browser.new_page(viewport=DESKTOP, locale="fr-FR")
    wide.goto(server.url + PAGES["solutions"])
    assert all(
        facet.evaluate("element => element.open")
        for facet in wide.locator("details.segur-facet").all()
    )
    wide.close()
