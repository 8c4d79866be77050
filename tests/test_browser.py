"""The public catalogue in a real headless Chromium, driven by Playwright.

Playwright drives Debian's `chromium` (`executable_path`; no browser is ever
downloaded). Screenshots are saved in $SEGUR_TEST_ARTIFACTS when set, else in
the test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM
from tests.serve_support import ServeProcess, build_catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it)",
    ),
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("SEGUR_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def server(tmp_path):
    path = build_catalogue(tmp_path / "catalogue.db")
    process = ServeProcess(["serve", "--db", str(path), "--port", "0", "-q"])
    yield process
    code, _, stderr = process.stop()
    assert code == 0, stderr


def watched_page(browser, server, viewport):
    """A page that records the requests it makes and the script errors it meets."""
    page = browser.new_page(viewport=viewport, locale="fr-FR")
    page.requested = []
    page.errors = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.mark.slow
@pytest.mark.parametrize(
    ("typed", "version", "answer"),
    [
        ("netsoins", "", "Oui — Net Soins 3.2 (NET SOINS SAS) est référencée Ségur"),
        ("kalisl", "", "Non — aucun logiciel ne s'appelle « kalisl ». Vouliez-vous dire : Kalisil"),
        ("officina", "7.2", "Non — Officina 7.2"),
        ("lac dossier", "", "Non — Lac Dossier (ÉDITIONS DU LAC) est candidate"),
        ("medisocial", "3.1", "Oui — Médisocial Dossier 3.1"),
    ],
)
def test_a_name_typed_on_the_home_page_gets_its_answer(
    browser, server, artifacts, typed, version, answer
):
    page = watched_page(browser, server, PHONE)
    page.goto(server.url)
    assert page.evaluate("document.documentElement.lang") == "fr"
    field = page.get_by_label("Nom du logiciel ou de l'éditeur")
    box = field.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"], "the form is below the fold"
    field.fill(typed)
    if version:
        page.get_by_label("Version (facultatif)").fill(version)
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url("**/verifier?**")
    reply = page.locator("#reponse")
    assert reply.inner_text().replace("\u00a0", " ").startswith(answer)
    assert reply.bounding_box()["y"] < PHONE["height"], "the answer is below the fold"
    page.screenshot(path=str(artifacts / f"verifier-{typed.replace(' ', '-')}-phone.png"))
    assert page.errors == []
    assert all(url.startswith(server.url) for url in page.requested), page.requested


@pytest.mark.slow
def test_a_match_opens_the_solution_page(browser, server, artifacts):
    page = watched_page(browser, server, DESKTOP)
    page.goto(server.url + "verifier?nom=kalisil")
    page.locator(".segur-matches a").first.click()
    page.wait_for_url("**/solution/**")
    assert page.locator("h1").inner_text().startswith("Kalisil 4.0")
    page.screenshot(path=str(artifacts / "solution-kalisil-desktop.png"), full_page=True)
    assert page.errors == []


@pytest.mark.slow
def test_the_menu_leads_a_phone_to_the_feeds_page_and_its_copy_button(browser, server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url)
    page.locator(".segur-nav").get_by_role("link", name="Flux d'actualité").click()
    page.wait_for_url("**/flux")
    steps = page.get_by_role("heading", name="S'abonner en trois étapes")
    assert steps.bounding_box()["y"] < PHONE["height"], "the steps are below the fold"
    page.screenshot(path=str(artifacts / "flux-phone.png"))
    domain = page.locator("li.segur-feed-domain", has_text="DUI MS1 PA/PH/DOM")
    domain.get_by_role("button", name="Copier l'adresse").click()
    page.wait_for_function("document.querySelector('.segur-feed-copied:not(:empty)')")
    said = domain.get_by_role("status").inner_text().replace("\u00a0", " ")
    assert said == "Adresse copiée : collez-la dans votre lecteur de flux."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied
        == f"{server.url}catalogue/flux_nouvelles_solutions.atom?dispositif=dui-ms1-pa-ph-dom"
    )
    response = page.request.get(copied)
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    page.screenshot(path=str(artifacts / "flux-copied-phone.png"))
    assert errors == []
    context.close()


def test_the_home_page_downloads_every_referenced_solution_for_excel(browser, server, artifacts):
    page = watched_page(browser, server, PHONE)
    page.goto(server.url)
    link = page.get_by_role("link", name="Télécharger toutes les solutions référencées")
    link.scroll_into_view_if_needed()
    assert link.bounding_box()["height"] >= 44, "the link is too small to touch"
    page.screenshot(path=str(artifacts / "home-downloads-phone.png"))
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == "solutions-referencees-2025-06-02.csv"
    content = Path(download.path()).read_bytes()
    assert content.startswith("\ufeffSolution;Éditeur;Version;".encode())
    referenced = page.locator(".segur-download-what strong").first.inner_text()
    assert content.count(b"\r\n") == int(referenced.split()[0]) + 1
    assert page.errors == []
