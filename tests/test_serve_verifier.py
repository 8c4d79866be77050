"""`/verifier` and `/verifier.json`: the public answer to "Mon logiciel est-il référencé ?".

The catalogue holds two complete runs of the replica's data (state 1, then state 2)
written by the real store, plus "Net Soins" (NET SOINS SAS) and an extra candidate.
The answers must be the ones `segur check` gives for the same catalogue.
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner

from catalogue.serve.app import build_datasette, close_datasette
from cli import cli
from tests.serve_support import build_catalogue, get


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("verifier") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def ask(datasette, name: str, version: str = "", **extra) -> dict:
    query = f"nom={quote(name)}" + (f"&version={quote(version)}" if version else "")
    query += "".join(f"&{key}={quote(value)}" for key, value in extra.items())
    response = get(datasette, f"/verifier.json?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def answer_text(html: str) -> str:
    match = re.search(r'<p id="reponse"[^>]*>(.*?)</p>', html, re.S)
    assert match, html
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("\u00a0", " ").strip()


# ---------------------------------------------------------------- verdicts


@pytest.mark.parametrize("name", ["netsoins", "Net Soins", "NETSOINS", "net-soins", "nét soïns"])
def test_netsoins_is_net_soins_never_maison_et_soins(datasette, name):
    answer = ask(datasette, name)
    assert answer["verdict"] == "referenced"
    assert answer["message"].startswith("Oui — Net Soins 3.2 (NET SOINS SAS) est référencée Ségur")
    assert "depuis le 1er février 2023" in answer["message"]
    solutions = {m["solution"] for m in answer["matches"]}
    assert "Net Soins" in solutions
    assert not any("Maison" in solution for solution in solutions)


def test_a_later_word_finds_maison_et_soins(datasette):
    solutions = [m["solution"] for m in ask(datasette, "soins")["matches"]]
    assert any(solution.startswith("Maison Soins") for solution in solutions)


def test_every_match_carries_what_scripts_need(datasette):
    match = ask(datasette, "kalisil")["matches"][0]
    assert set(match) >= {
        "editor",
        "solution",
        "version",
        "couloir",
        "dispositif",
        "vague",
        "referenced_on",
        "status",
        "url",
    }
    assert (match["solution"], match["editor"], match["status"]) == (
        "Kalisil",
        "Dedalus",
        "referenced",
    )
    url = urlsplit(match["url"])
    assert url.scheme == "http" and url.path.startswith("/solution/kalisil-4-0-dedalus-")
    page = get(datasette, url.path)
    assert page.status_code == 200


def test_typo_suggests_the_name(datasette):
    answer = ask(datasette, "kalisl")
    assert answer["verdict"] == "not_found"
    assert answer["matches"] == []
    assert answer["suggestions"][0] == "Kalisil"
    assert answer["message"].startswith("Non — aucun logiciel ne s'appelle « kalisl ».")
    assert "Vouliez-vous dire : Kalisil" in answer["message"]


def test_referenced_version(datasette):
    answer = ask(datasette, "medisocial", "v3.1")
    assert answer["verdict"] == "referenced"
    assert answer["message"].startswith("Oui — Médisocial Dossier 3.1 (MÉDISOCIAL+)")


def test_version_not_referenced(datasette):
    answer = ask(datasette, "medisocial", "2.9")
    assert answer["verdict"] == "version_not_referenced"
    assert answer["message"] == (
        "Non — la version 2.9 de Médisocial Dossier (MÉDISOCIAL+) n'est pas référencée ; "
        "versions référencées : 3.0, 3.1."
    )


def test_withdrawn_and_replaced(datasette):
    answer = ask(datasette, "officina", "7.2")
    assert answer["verdict"] == "removed"
    assert answer["message"].startswith("Non — Officina 7.2 (")
    assert "a été retirée de la liste le 2 juin 2025 (remplacée par 7.3)." in answer["message"]
    withdrawn = [m for m in answer["matches"] if m["status"] == "removed"]
    assert withdrawn[0]["removed_on"] == "2025-06-02"


def test_withdrawn_product(datasette):
    answer = ask(datasette, "radiouest")
    assert answer["verdict"] == "removed"
    assert answer["message"].startswith("Non — RadiOuest RIS")


def test_candidate(datasette):
    answer = ask(datasette, "lac dossier")
    assert answer["verdict"] == "candidate"
    assert answer["message"] == (
        "Non — Lac Dossier (ÉDITIONS DU LAC) est candidate au référencement "
        "(Candidat, dossier déposé le 20 janvier 2023)."
    )
    assert answer["matches"][0]["url"].split("/")[3] == "candidature"


def test_ranking_exact_then_start_then_word_referenced_first(datasette):
    answer = ask(datasette, "soins")
    ranks = [m["match"] for m in answer["matches"]]
    order = {"exact": 0, "prefix": 1, "word": 2}
    assert [order[rank] for rank in ranks] == sorted(order[rank] for rank in ranks)
    statuses = {"referenced": 0, "removed": 1, "candidate": 2, "former_candidate": 3}
    for rank in set(ranks):
        same = [statuses[m["status"]] for m in answer["matches"] if m["match"] == rank]
        assert same == sorted(same)


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 400), ("nom=", 400), ("nom=%20", 400), ("nom=" + "x" * 300, 400), ("nom=-", 400)],
)
def test_bad_questions_get_a_french_400(datasette, query, status):
    response = get(datasette, f"/verifier.json?{query}")
    assert response.status_code == status
    assert response.json()["error"]
    if query.strip("nom=%20"):
        page = get(datasette, f"/verifier?{query}")
        assert page.status_code == 400
        assert '<html lang="fr">' in page.text


# ---------------------------------------------------------------- the same answer as the CLI


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("netsoins", ""),
        ("kalisl", ""),
        ("officina", "7.2"),
        ("medisocial", "2.9"),
        ("lac dossier", ""),
        ("radiouest", ""),
        ("soins", ""),
    ],
)
def test_cli_and_web_give_the_same_answer(datasette, catalogue, name, version):
    web = ask(datasette, name, version)
    args = ["check", name, "--db", str(catalogue), "--format", "json"]
    if version:
        args += ["--version", version]
    result = CliRunner().invoke(cli, args)
    cli_answer = json.loads(result.output)
    assert result.exit_code == (0 if web["verdict"] == "referenced" else 1)
    assert cli_answer["verdict"] == web["verdict"]
    assert cli_answer["message"] == web["message"]
    assert cli_answer["suggestions"] == web["suggestions"]
    assert [m["url"] for m in cli_answer["matches"]] == [
        urlsplit(m["url"]).path for m in web["matches"]
    ]


# ---------------------------------------------------------------- the HTML page


@pytest.mark.parametrize(
    ("query", "start"),
    [
        ("nom=netsoins", "Oui — Net Soins 3.2"),
        ("nom=kalisl", "Non — aucun logiciel ne s'appelle « kalisl »"),
        ("nom=officina&version=7.2", "Non — Officina 7.2"),
        ("nom=lac+dossier", "Non — Lac Dossier"),
    ],
)
def test_page_says_the_answer_first(datasette, query, start):
    page = get(datasette, f"/verifier?{query}")
    assert page.status_code == 200
    assert answer_text(page.text).startswith(start)
    if "segur-matches" in page.text:
        assert page.text.index('id="reponse"') < page.text.index("segur-matches")


def test_page_lists_matches_with_labels_never_keys(datasette):
    page = get(datasette, "/verifier?nom=officina").text
    assert "Référencée" in page and "Retirée" in page
    assert "/solution/officina-7-3-" in page
    for technical in ("sol:", "ref:", "product_key", "referenced_on", "None", "2025-06-02"):
        assert technical not in page, technical


def test_page_suggestions_are_links(datasette):
    page = get(datasette, "/verifier?nom=kalisl").text
    assert '<a href="/verifier?nom=Kalisil">Kalisil</a>' in page


def test_empty_page_explains_the_rule(datasette):
    page = get(datasette, "/verifier")
    assert page.status_code == 200
    assert 'id="reponse"' not in page.text
    assert "le début d&#39;un" in page.text or "le début d'un" in page.text


def test_home_puts_the_form_first_and_every_header_links_it(datasette):
    home = get(datasette, "/").text
    form = home.index('<form class="segur-lookup" action="/verifier"')
    assert form < home.index('id="derniere-synchronisation"')
    for path in ("/", "/catalogue/solutions_referencees", "/evolution", "/verifier"):
        assert (
            '<a href="/verifier">Mon logiciel est-il référencé ?</a>' in get(datasette, path).text
        )


def test_look_ups_never_fill_the_response_cache(datasette):
    response = get(datasette, "/verifier.json?nom=hexalis")
    assert response.headers["x-segur-cache"] == "bypass"
    assert get(datasette, "/verifier?nom=hexalis").headers["x-segur-cache"] == "bypass"
