"""The one answer to "is X referenced?" (catalogue/lookup.py), and `segur check` giving it.

The catalogue is written by the real store: run 1 (14 June 2024) reads everything,
run 2 (15 June 2024) no longer lists Net Soins 2.0 nor RadiOuest 4.2.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from catalogue.lookup import (
    CANDIDATE_VERDICT,
    NOT_FOUND,
    REFERENCED,
    REMOVED,
    VERSION_NOT_REFERENCED,
    LookupRefused,
    Suggester,
    answer_json,
    lookup,
    name_terms,
    split_version,
    within_one_edit,
)
from catalogue.schema import open_db
from catalogue.store import record_run, start_run
from cli import cli
from scraper.items import CandidateRecord, CrawlResult, SolutionRecord

BASE_URL = "http://127.0.0.1:9"
MS1 = "DUI MS1 PA/PH/DOM"
MEDICO_SOCIAL = "Social et médico-social"
BIOLOGIE = "Biologie médicale"


def sol(solution, version, editor, dispositif, couloir, on="2023-01-01", vague=1):
    return SolutionRecord(
        editor,
        solution,
        version,
        couloir=couloir,
        dispositif=dispositif,
        vague=vague,
        referenced_on=on,
    )


KEPT = [
    sol("Net Soins", "3.10", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2024-03-01"),
    sol("Net Soins", "3.9", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2023-06-15"),
    sol("Maison Soins DUI", "2.0", "MAISON & SOINS LOGICIELS", MS1, MEDICO_SOCIAL),
    sol("Kalisil", "4.0", "Dedalus", "SGL", BIOLOGIE, "2023-09-12"),
    sol("Kalisil", "4.1", "Dedalus", "SGL", BIOLOGIE, "2024-02-01"),
    sol("Hexalis", "5.0", "Dedalus", "SGL", BIOLOGIE),
    sol("Kalisil Pro", "1.0", "Dedalus", "SGL", BIOLOGIE),
    sol("Molis", "441-SP6", "CGM", "SGL", BIOLOGIE),
    sol("Tdnexlabs", "V2", "Technidata", "SGL", BIOLOGIE),
    sol("RadiOuest", "4.3", "RADIOLOGIE DE L'OUEST", "RIS", "Radiologie"),
]
WITHDRAWN = [
    sol("Net Soins", "2.0", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2022-01-01"),
    sol("RadiOuest", "4.2", "RADIOLOGIE DE L'OUEST", "RIS", "Radiologie"),
    sol("Vieux Dossier", "1.0", "ANCIEN EDITEUR", MS1, MEDICO_SOCIAL),
]
CANDIDATES = [
    CandidateRecord(
        "NETSOINS", "NetSoins", dispositif=MS1, status="Candidat", applied_on="2022-10-03"
    ),
    CandidateRecord(
        "ÉDITIONS DU LAC",
        "Lac Dossier",
        dispositif="DUI MS2 PDS",
        status="En cours d'instruction",
        applied_on="2022-09-26",
    ),
]


def prepared(path):
    db = open_db(path)
    for day, solutions in (("2024-06-14", KEPT + WITHDRAWN), ("2024-06-15", KEPT)):
        run_id = start_run(db, BASE_URL, now=f"{day}T02:00:00+00:00")
        result = CrawlResult(BASE_URL, solutions, CANDIDATES, status="complete")
        record_run(db, run_id, result, now=f"{day}T02:05:00+00:00")
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return prepared(tmp_path_factory.mktemp("lookup") / "catalogue.db")


@pytest.fixture
def conn(db_path):
    connection = sqlite3.connect(db_path)
    yield connection
    connection.close()


def names(answer):
    return [(m.row["solution"], m.row.get("version")) for m in answer.matches]


# ---------------------------------------------------------------- the index


def test_terms_start_at_each_word():
    terms = name_terms("MAISON & SOINS LOGICIELS", "Maison Soins DUI")
    assert terms["maisonetsoinslogiciels"] == 0
    assert terms["soinslogiciels"] == 1
    assert terms["soinsdui"] == 1
    assert not any(term.startswith("netsoins") for term in terms)


def test_terms_of_editor_and_solution_together_and_number():
    terms = name_terms("Dedalus", "Kalisil", "27f99871b4")
    assert terms["dedaluskalisil"] == 2
    assert terms["kalisildedalus"] == 2
    assert terms["27f99871b4"] == 0


# ---------------------------------------------------------------- matching and ranking


@pytest.mark.parametrize("typed", ["netsoins", "Net Soins", "NETSOINS", "net-soins", "nétsoins"])
def test_netsoins_never_finds_maison_et_soins(conn, typed):
    answer = lookup(conn, typed)
    found = {m.row["solution"] for m in answer.matches}
    assert found == {"Net Soins", "NetSoins"}
    assert answer.verdict == REFERENCED
    assert answer.message.startswith("Oui — Net Soins (Netsoins SAS) est référencée Ségur")


def test_a_word_of_the_name_finds_it(conn):
    found = {m.row["solution"] for m in lookup(conn, "soins").matches}
    assert "Maison Soins DUI" in found
    assert "Net Soins" in found


def test_text_inside_a_word_is_not_a_match(conn):
    assert lookup(conn, "alisil").verdict == NOT_FOUND
    assert lookup(conn, "oins").matches == []


def test_ranking_exact_then_start_then_word(conn):
    answer = lookup(conn, "kalisil")
    ranks = [(m.row["solution"], m.rank) for m in answer.matches]
    assert ranks[0][0] == "Kalisil" and ranks[0][1] == 0
    assert ("Kalisil Pro", 1) in ranks
    assert [r for _, r in ranks] == sorted(r for _, r in ranks)


def test_referenced_before_withdrawn_before_candidates(conn):
    answer = lookup(conn, "netsoins")
    statuses = [m.status for m in answer.matches]
    assert statuses == ["referenced", "referenced", "removed", "candidate"]
    versions = [m.row["version"] for m in answer.matches if m.status == "referenced"]
    assert versions == ["3.9", "3.10"]  # natural version order


def test_editor_and_solution_typed_together(conn):
    answer = lookup(conn, "kalisil dedalus")
    assert {m.row["solution"] for m in answer.matches} == {"Kalisil"}


# ---------------------------------------------------------------- verdicts


def test_referenced_one_version(conn):
    answer = lookup(conn, "kalisil", version="4.0")
    assert answer.verdict == REFERENCED
    assert answer.message == (
        "Oui — Kalisil 4.0 (Dedalus) est référencée Ségur pour le dispositif SGL "
        "(Biologie médicale, vague 1) depuis le 12 septembre 2023."
    )


def test_referenced_versions_listed_without_a_version(conn):
    answer = lookup(conn, "kalisil")
    assert answer.verdict == REFERENCED
    assert "versions référencées : 4.0 (depuis le 12 septembre 2023), 4.1" in answer.message


@pytest.mark.parametrize("spelling", ["V2", "2", "2.0", "v 2"])
def test_version_spellings(conn, spelling):
    assert lookup(conn, "tdnexlabs", version=spelling).verdict == REFERENCED


def test_version_not_referenced(conn):
    answer = lookup(conn, "kalisil", version="3.9")
    assert answer.verdict == VERSION_NOT_REFERENCED
    assert answer.message == (
        "Non — la version 3.9 de Kalisil (Dedalus) n'est pas référencée ; "
        "versions référencées : 4.0, 4.1."
    )


def test_withdrawn_version_says_when_and_its_replacement(conn):
    answer = lookup(conn, "radiouest", version="4.2")
    assert answer.verdict == REMOVED
    assert answer.message == (
        "Non — RadiOuest 4.2 (RADIOLOGIE DE L'OUEST) a été retirée de la liste le "
        "15 juin 2024 (remplacée par 4.3)."
    )


def test_withdrawn_product(conn):
    answer = lookup(conn, "vieux dossier")
    assert answer.verdict == REMOVED
    assert answer.message.startswith("Non — Vieux Dossier 1.0 (ANCIEN EDITEUR) a été retirée")


def test_candidate(conn):
    answer = lookup(conn, "lac dossier")
    assert answer.verdict == CANDIDATE_VERDICT
    assert answer.message == (
        "Non — Lac Dossier (ÉDITIONS DU LAC) est candidate au référencement "
        "(En cours d'instruction, dossier déposé le 26 septembre 2022)."
    )


def test_not_found_suggests_close_names(conn):
    answer = lookup(conn, "kalisl")
    assert answer.verdict == NOT_FOUND
    assert answer.suggestions[0] == "Kalisil"
    assert answer.message == (
        "Non — aucun logiciel ne s'appelle « kalisl ». Vouliez-vous dire : "
        + ", ".join(answer.suggestions)
        + " ?"
    )


@pytest.mark.parametrize("typo", ["kalsiil", "kallisil", "kalisli", "hexaliss", "molsi"])
def test_typos_missing_extra_swapped_letters(conn, typo):
    answer = lookup(conn, typo)
    assert answer.verdict == NOT_FOUND
    assert answer.suggestions, typo


def test_nothing_close(conn):
    answer = lookup(conn, "zzzzqqqq")
    assert answer.verdict == NOT_FOUND and answer.suggestions == []
    assert answer.message.startswith("Non — aucun logiciel ni éditeur ne s'appelle « zzzzqqqq »")


def test_version_typed_in_the_name(conn):
    answer = lookup(conn, "kalisil 4.1")
    assert answer.verdict == REFERENCED
    assert answer.version == "4.1"
    assert answer.message.startswith("Oui — Kalisil 4.1 (Dedalus)")


def test_dispositif_filter(conn):
    assert lookup(conn, "kalisil", dispositif="SGL").verdict == REFERENCED
    answer = lookup(conn, "kalisil", dispositif="DUI")
    assert answer.verdict == NOT_FOUND
    assert answer.other_dispositifs == ["SGL"]
    assert "figure pour : SGL" in answer.message


@pytest.mark.parametrize("bad", ["", "  ", "é", "--", "x" * 201])
def test_unusable_names_are_refused(conn, bad):
    with pytest.raises(LookupRefused):
        lookup(conn, bad)


def test_answer_json_shape(conn):
    data = answer_json(lookup(conn, "radiouest"))
    assert set(data) >= {"verdict", "message", "matches", "suggestions"}
    assert data["verdict"] == REFERENCED
    match = data["matches"][0]
    for name in (
        "editor",
        "solution",
        "version",
        "couloir",
        "dispositif",
        "vague",
        "referenced_on",
        "status",
        "url",
    ):
        assert name in match
    assert match["url"].startswith("/solution/")
    removed = [m for m in data["matches"] if m["status"] == "removed"]
    assert removed[0]["removed_on"] == "2024-06-15"
    assert removed[0]["replaced_by"] == ["4.3"]


# ---------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("kalisl", "kalisil", True),
        ("kalsiil", "kalisil", True),
        ("kalisil", "kalisil", False),
        ("kxlisil", "kalisil", True),
        ("kalisilxx", "kalisil", False),
        ("abcd", "badc", False),
    ],
)
def test_within_one_edit(a, b, close):
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


def test_suggester_prefers_whole_names():
    suggester = Suggester(["Kalisil", "Kalisil Pro", "Hexalis"])
    assert suggester.suggest("kalisl")[0] == "Kalisil"


@pytest.mark.parametrize(
    ("typed", "split"),
    [
        ("netsoins 2.1", ("netsoins", "2.1")),
        ("Kalisil V4", ("Kalisil", "V4")),
        ("kalisil version 4.0", ("kalisil", "4.0")),
        ("netsoins", None),
        ("2.1", None),
    ],
)
def test_split_version(typed, split):
    assert split_version(typed) == split


# ---------------------------------------------------------------- the CLI


def run_check(db_path, *args):
    return CliRunner().invoke(cli, ["check", *args, "--db", str(db_path)])


def test_cli_says_the_same_sentence(db_path, conn):
    result = run_check(db_path, "netsoins")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == lookup(conn, "netsoins").message


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["kalisil", "--version", "4.0"], 0),
        (["kalisil", "--version", "3.9"], 1),
        (["radiouest", "--version", "4.2"], 1),
        (["lac dossier"], 1),
        (["kalisl"], 1),
    ],
)
def test_cli_exit_codes(db_path, args, code):
    assert run_check(db_path, *args).exit_code == code


def test_cli_json_is_the_api_answer(db_path, conn):
    result = run_check(db_path, "kalisil", "--version", "3.9", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == answer_json(lookup(conn, "kalisil", version="3.9"))


def test_cli_refuses_an_empty_name(db_path):
    result = run_check(db_path, " ")
    assert result.exit_code == 2
    assert result.output.startswith("segur check: ")
    assert len(result.output.strip().splitlines()) == 1


def test_cli_without_catalogue(tmp_path):
    result = run_check(tmp_path / "absent.db", "netsoins")
    assert result.exit_code == 2
    assert "catalogue introuvable" in result.output


def test_a_long_answer_keeps_the_best_and_counts_all(conn, monkeypatch):
    import catalogue.lookup

    monkeypatch.setattr(catalogue.lookup, "MAX_MATCHES", 2)
    answer = lookup(conn, "netsoins")
    assert answer.total == 4  # two referenced versions, one withdrawn, one candidature
    assert [m.status for m in answer.matches] == ["referenced", "referenced"]
    assert answer.verdict == REFERENCED


def test_suggestions_respect_word_starts_too():
    suggester = Suggester(["MAISON & SOINS LOGICIELS", "Maison Soins DUI", "Kalisil"])
    assert suggester.suggest("netsoins") == []
    assert suggester.suggest("maisonsoisn") == ["Maison Soins DUI"]
