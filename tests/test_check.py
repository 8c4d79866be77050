"""`segur check` (catalogue.check) on a catalogue prepared with the store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from catalogue.check import check, render_text, result_json, suggestions
from catalogue.cli import cli
from catalogue.schema import open_db
from catalogue.store import record_run, start_run
from scraper.items import CandidateRecord, CrawlResult, SolutionRecord

BASE_URL = "http://127.0.0.1:9"
MS1 = "DUI MS1 PA/PH/DOM"
MEDICO_SOCIAL = "Social et médico-social"


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


NETSOINS = [
    sol("Net Soins", "3.10", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2024-03-01"),
    sol("Net Soins", "3.9", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2023-06-15"),
]
OTHERS = [
    sol(
        "Kaducée",
        "1.32.0",
        "MY HEALTH-LA SANTÉ DANS LA POCHE",
        "Transcodeur LOINC",
        "Biologie médicale",
    ),
    sol("Kalisil", "4.0", "Dedalus", "SGL", "Biologie médicale"),
    sol("Hexalis", "5.0", "Dedalus", "SGL", "Biologie médicale"),
    sol("Molis", "441-SP6", "CGM", "SGL", "Biologie médicale"),
    sol("Molis", "441-SP5", "CGM", "SGL", "Biologie médicale"),
    sol("Tdnexlabs", "V2", "Technidata", "SGL", "Biologie médicale"),
]
OLD_NETSOINS = sol("Net Soins", "2.0", "Netsoins SAS", MS1, MEDICO_SOCIAL, "2022-01-01")
CANDIDATES = [
    CandidateRecord(
        "NETSOINS", "NetSoins", dispositif=MS1, status="Candidat", applied_on="2022-10-03"
    ),
    CandidateRecord(
        "ACME", "Acmé Dossier", dispositif="DUI MS2 PDE", status="Candidat", applied_on="2022-11-01"
    ),
]


def prepared(path):
    """Run 1 (14 June 2024) reads everything; run 2 (15 June) no longer lists Net Soins 2.0."""
    db = open_db(path)
    everything = NETSOINS + OTHERS + [OLD_NETSOINS]
    for day, solutions in (("2024-06-14", everything), ("2024-06-15", NETSOINS + OTHERS)):
        run_id = start_run(db, BASE_URL, now=f"{day}T02:00:00+00:00")
        result = CrawlResult(BASE_URL, solutions, CANDIDATES, status="complete")
        record_run(db, run_id, result, now=f"{day}T02:05:00+00:00")
    return db


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "catalogue.db"
    prepared(path)
    return path


@pytest.fixture
def db(db_path):
    return open_db(db_path)


EXPECTED_NETSOINS = """\
Recherche : « NET-SOINS », version 3.10

Net Soins — Netsoins SAS
  Dispositif : DUI MS1 PA/PH/DOM (Social et médico-social), vague 1
  ✘ version 2.0 : plus référencée depuis la synchronisation du 15 juin 2024
  ✔ version 3.9 : référencée le 15 juin 2023
  ✔ version 3.10 : référencée le 1er mars 2024
  Versions référencées : 3.9, 3.10

Résultat : version 3.10 référencée.
"""


def test_text_answer(db):
    assert render_text(check(db, "NET-SOINS", version="3.10")) == EXPECTED_NETSOINS


@pytest.mark.parametrize("name", ["netsoins", "Net Soins", "NETSOINS", "net-soins", "NetSo"])
def test_names_match_whatever_case_spacing_punctuation(db, name):
    result = check(db, name)
    assert [p.shown["solution"] for p in result.products] == ["Net Soins"]
    assert result.referenced


@pytest.mark.parametrize(
    ("name", "solution"),
    [
        ("kaducee", "Kaducée"),
        ("KADUCÉE", "Kaducée"),
        ("santé dans la poche", "Kaducée"),
        ("my health la sante", "Kaducée"),
        ("Dedalus Kalisil", "Kalisil"),
    ],
)
def test_accents_and_editor_names(db, name, solution):
    assert solution in [p.shown["solution"] for p in check(db, name).products]


def test_editor_lists_each_of_its_products(db):
    assert [p.shown["solution"] for p in check(db, "dedalus").products] == ["Hexalis", "Kalisil"]


@pytest.mark.parametrize(
    ("name", "version", "referenced"),
    [
        ("netsoins", "3.10", True),
        ("netsoins", "3.9", True),
        ("netsoins", "3.1", False),
        ("netsoins", "2.0", False),  # no longer referenced
        ("netsoins", "4.0", False),
        ("molis", "441-sp6", True),
        ("molis", "441 SP6", True),
        ("molis", "441-SP7", False),
        ("tdnexlabs", "2", True),
        ("tdnexlabs", "v2", True),
    ],
)
def test_given_version(db, name, version, referenced):
    result = check(db, name, version=version)
    assert result.version_referenced is referenced
    assert result.referenced is referenced


def test_versions_in_natural_order(db):
    [molis] = check(db, "molis").products
    assert molis.referenced_versions == ["441-SP5", "441-SP6"]
    [netsoins] = check(db, "netsoins").products
    assert netsoins.referenced_versions == ["3.9", "3.10"]


def test_typo_gives_suggestions(db):
    result = check(db, "netsions")
    assert not result.products and not result.referenced
    assert result.suggestions[:2] == ["Net Soins", "Netsoins SAS"]
    text = render_text(result)
    assert "Aucune solution ni candidature ne correspond à « netsions »." in text
    assert "Vouliez-vous dire : Net Soins, Netsoins SAS" in text
    assert check(db, "kalisl").suggestions == ["Kalisil"]
    assert check(db, "xyzzy quux").suggestions == []


def test_suggestions_find_one_word_of_a_long_name():
    names = ["MY HEALTH-LA SANTÉ DANS LA POCHE", "Bio Logbook – Transcodification"]
    assert suggestions("logbok", names) == ["Bio Logbook – Transcodification"]


def test_candidate_only(db):
    result = check(db, "acme")
    assert not result.referenced
    [candidate] = result.candidates
    assert candidate["only_candidate"]
    text = render_text(result)
    assert (
        "  Acmé Dossier — ACME (DUI MS2 PDE) : seulement candidat au référencement depuis le "
        "1er novembre 2022, statut : Candidat." in text
    )
    assert text.endswith("Résultat : non référencé.\n")


def test_candidate_already_referenced_is_not_called_only_candidate(db):
    result = check(db, "netsoins")
    [candidate] = result.candidates
    assert not candidate["only_candidate"]
    assert "seulement candidat" not in render_text(result)


def test_dispositif_filter(db):
    assert check(db, "netsoins", dispositif="DUI").referenced  # generic covers MS1
    assert check(db, "netsoins", dispositif="MS1").referenced
    other = check(db, "netsoins", dispositif="LGC")
    assert not other.referenced and not other.products
    assert other.other_dispositifs == [MS1]
    assert "figure pour : DUI MS1 PA/PH/DOM" in render_text(other)


def test_json_shape(db):
    data = result_json(check(db, "net soins", version="3.9"))
    assert data["query"] == {"name": "net soins", "version": "3.9", "dispositif": None}
    assert (data["referenced"], data["version_referenced"]) == (True, True)
    [product] = data["products"]
    assert product["referenced_versions"] == ["3.9", "3.10"]
    assert [(e["version"], e["status"], e["removed_on"]) for e in product["entries"]] == [
        ("2.0", "removed", "2024-06-15"),
        ("3.9", "referenced", None),
        ("3.10", "referenced", None),
    ]
    assert (product["dispositif"], product["couloir"], product["vague"]) == (
        MS1,
        MEDICO_SOCIAL,
        1,
    )
    [candidate] = data["candidates"]
    assert candidate["applied_on"] == "2022-10-03" and candidate["only_candidate"] is False
    assert data["suggestions"] == [] and data["other_dispositifs"] == []


# ---------------------------------------------------------------- CLI


def invoke(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args)])


def test_cli_exit_codes(db_path):
    assert invoke("netsoins", "--db", db_path).exit_code == 0
    assert invoke("NET-SOINS", "--version", "3.10", "--db", db_path).stdout == EXPECTED_NETSOINS
    assert invoke("netsoins", "--version", "4.0", "--db", db_path).exit_code == 1
    assert invoke("acme", "--db", db_path).exit_code == 1
    assert invoke("netsions", "--db", db_path).exit_code == 1
    assert invoke("netsoins", "--dispositif", "LGC", "--db", db_path).exit_code == 1


def test_cli_json(db_path):
    result = invoke("molis", "--format", "json", "--db", db_path)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["referenced"] is True
    assert data["products"][0]["referenced_versions"] == ["441-SP5", "441-SP6"]
    result = invoke("molis", "--version", "1", "--format", "json", "--db", db_path)
    assert result.exit_code == 1 and json.loads(result.stdout)["version_referenced"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("!?!",), "nom à chercher vide"),
        (("netsoins", "--version", " "), "version vide"),
        (("netsoins", "--dispositif", "!!"), "dispositif illisible"),
    ],
)
def test_cli_usage_errors(db_path, args, message):
    result = invoke(*args, "--db", db_path)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_missing_catalogue(tmp_path):
    result = invoke("netsoins", "--db", tmp_path / "absent.db")
    assert result.exit_code == 2
    assert "catalogue introuvable" in result.stderr
    assert not (tmp_path / "absent.db").exists()


def test_cli_missing_name_is_a_usage_error(db_path):
    assert invoke("--db", db_path).exit_code == 2
