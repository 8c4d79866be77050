"""`/donnees/`: the open-data bundle beside the catalogue, described in French, its files
served with their content types, the zip of the whole, and nothing else of the server."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest

from catalogue.opendata.bundle import (
    ARCHIVE,
    BUNDLE_FILES,
    PACKAGE_FILES,
    bundle_folder,
    rebuild_bundle,
)
from catalogue.serve.app import build_datasette, close_datasette
from tests.serve_support import build_catalogue, crawl_result, get, store_run

PAGE = "/donnees/"
CONTENT_TYPES = {
    "solutions.csv": "text/csv; charset=utf-8",
    "datapackage.json": "application/json; charset=utf-8",
    "README.md": "text/markdown; charset=utf-8",
    ARCHIVE: "application/zip",
}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = build_catalogue(tmp_path_factory.mktemp("donnees") / "catalogue.db")
    rebuild_bundle(path)
    return path


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def text_of(html: str) -> str:
    main = html.split('id="contenu"', 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_page_describes_the_package_in_french(datasette):
    response = get(datasette, PAGE)
    assert response.status_code == 200
    text = text_of(response.text)
    for said in (
        "Données ouvertes du catalogue Ségur",
        "Télécharger tout le paquet",
        "Licence Ouverte / Open Licence version 2.0",
        "quotidienne",
        "du 3 mars 2022 au",
        "solutions.csv : 272 lignes",
        "candidates.csv : 42 lignes",
        "runs.csv : 2 lignes",
        "la liste de l'ANS fait foi",
    ):
        assert said in text, said
    for name in BUNDLE_FILES:
        assert f'href="/donnees/{name}"' in response.text, name


def test_donnees_without_a_slash_leads_to_the_page(datasette):
    response = get(datasette, "/donnees")
    assert (response.status_code, response.headers["location"]) == (302, PAGE)


@pytest.mark.parametrize("name", BUNDLE_FILES)
def test_every_file_is_served_as_written(datasette, catalogue, name):
    response = get(datasette, f"/donnees/{name}")
    assert response.status_code == 200
    assert response.content == (bundle_folder(catalogue) / name).read_bytes()
    suffix = name.rsplit(".", 1)[1]
    expected = next(kind for file, kind in CONTENT_TYPES.items() if file.endswith(suffix))
    assert response.headers["content-type"] == expected
    assert int(response.headers["content-length"]) == len(response.content)


def test_the_zip_holds_the_whole_package(datasette, catalogue):
    response = get(datasette, f"/donnees/{ARCHIVE}")
    assert response.headers["content-disposition"] == f'attachment; filename="{ARCHIVE}"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == list(PACKAGE_FILES)
        for name in PACKAGE_FILES:
            assert archive.read(name) == (bundle_folder(catalogue) / name).read_bytes()


@pytest.mark.parametrize(
    "path", ["/donnees/../catalogue.db", "/donnees/catalogue.db", "/donnees/notes.txt"]
)
def test_nothing_but_the_bundle_is_served(datasette, catalogue, path):
    (bundle_folder(catalogue) / "notes.txt").write_text("pas publié", encoding="utf-8")
    response = get(datasette, path)
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"SQLite format")
    assert b"pas publi" not in response.content


def test_the_home_page_leads_to_the_open_data(datasette):
    response = get(datasette, "/")
    assert 'href="/donnees/"' in response.text
    assert "données ouvertes du catalogue" in response.text


def test_robots_may_read_the_open_data(datasette):
    lines = get(datasette, "/robots.txt").text.splitlines()
    assert lines.index("Allow: /donnees/") < lines.index("Disallow: /*.csv")


def test_a_rebuilt_bundle_is_shown_at_once(tmp_path):
    """The bundle is a folder, not the snapshot: no cached page hides a new one."""
    path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    rebuild_bundle(path)
    datasette = build_datasette(path, poll_seconds=None)
    try:
        assert "runs.csv : 1 ligne " in text_of(get(datasette, PAGE).text)
        store_run(path, crawl_result(2), now="2025-06-02T02:00:00+00:00")
        rebuild_bundle(path)
        assert "runs.csv : 2 lignes" in text_of(get(datasette, PAGE).text)
    finally:
        close_datasette(datasette)


def test_before_the_first_bundle_the_page_says_so(tmp_path):
    path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    datasette = build_datasette(path, poll_seconds=None)
    try:
        response = get(datasette, PAGE)
        assert response.status_code == 200
        assert "n'a pas encore été produit" in text_of(response.text)
        assert get(datasette, "/donnees/solutions.csv").status_code == 404
    finally:
        close_datasette(datasette)
