"""The diff report (catalogue/diff/build.py) and `segur diff`, on catalogues the store built."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from catalogue.diff.build import compose_changes, run_report, since_report
from catalogue.diff.markdown import md, render_markdown
from catalogue.french import french_date
from catalogue.schema import open_db
from catalogue.store import record_run, start_run
from cli import cli
from scraper.items import CandidateRecord, CrawlResult, SolutionRecord
from tests.report_support import report_keys

BASE_URL = "http://127.0.0.1:9"
BIO = "Biologie médicale"


def sol(solution, version, editor, dispositif="SGL", couloir=BIO, vague=1, on="2023-09-01"):
    return SolutionRecord(
        editor,
        solution,
        version,
        couloir=couloir,
        dispositif=dispositif,
        vague=vague,
        referenced_on=on,
    )


def cand(editor, solution, dispositif, status="Candidat", applied_on="2022-10-03"):
    return CandidateRecord(
        editor, solution, dispositif=dispositif, status=status, applied_on=applied_on
    )


def run(db, day, solutions, candidates=(), status="complete", reason=""):
    run_id = start_run(db, BASE_URL, now=f"{day}T02:00:00+00:00")
    result = CrawlResult(BASE_URL, list(solutions), list(candidates), status=status, reason=reason)
    return record_run(db, run_id, result, now=f"{day}T02:05:00+00:00")


FIRST = [
    sol("Kalisil", "4.0", "Dedalus"),
    sol("Lamweb", "05.02", "Histone"),
    sol("Hexalis", "5.0", "Dedalus"),
    sol("Glims", "10", "MIPS"),
]
FIRST_CANDIDATES = [
    cand("NETSOINS", "NetSoins", "DUI MS1 PA/PH/DOM"),
    cand("ACME & Fils", "Acmé", "DUI MS2 PDE", applied_on="2022-11-01"),
    cand("Old", "Ancien", "LGC", applied_on="2021-01-01"),
]
SECOND = [
    sol("Kalisil", "4.1", "Dedalus", on="2024-06-01"),
    sol("Lamweb", "05.02", "Histone", on="2023-09-02"),
    sol("Glims", "10", "MIPS"),
    sol("Glims", "10.1", "MIPS", on="2024-06-03"),
    sol(
        "Net Soins",
        "3.1",
        "Netsoins SAS",
        "DUI MS1 PA/PH/DOM",
        "Social et médico-social",
        1,
        "2024-06-01",
    ),
    sol("Logiciel\n<b>X</b>", "2", "L'Éditeur – Santé", "DPI", "Hôpital", 2, "2024-06-02"),
]
SECOND_CANDIDATES = [
    cand("ACME & Fils", "Acmé", "DUI MS2 PDE", "En cours d'instruction", "2022-11-01"),
    cand("Gamma", "Trois", "DUI MS2 PDS", applied_on="2024-05-01"),
]

EXPECTED_MARKDOWN = """\
# Référencement Ségur : synchronisation n° 2 du 15 juin 2024 à 04 h 00 (heure de Paris) (complète)

## Nouvelles solutions référencées (2)

### Hôpital

#### DPI

- **Logiciel \\<b\\>X\\</b\\>** 2 — L'Éditeur – Santé, vague 2, référencée le 2 juin 2024

### Social et médico-social

#### DUI MS1 PA/PH/DOM

- **Net Soins** 3.1 — Netsoins SAS, vague 1, référencée le 1er juin 2024, \
anciennement candidat depuis le 3 octobre 2022

## Nouvelles versions (2)

- **Glims** 10.1 — MIPS (SGL, vague 1), référencée le 3 juin 2024 : \
nouvelle version (version précédente : 10)
- **Kalisil** 4.1 — Dedalus (SGL, vague 1), référencée le 1er juin 2024 : \
remplace la version 4.0

## Solutions retirées (1)

- **Hexalis** 5.0 — Dedalus (SGL, vague 1)

## Modifications (1)

- **Lamweb** 05.02 — Histone (SGL, vague 1)
  - date de référencement : 1er septembre 2023 → 2 septembre 2023

## Candidatures

### Nouveaux candidats (1)

- **Trois** — Gamma (DUI MS2 PDS), candidat depuis le 1er mai 2024, statut : Candidat

### Candidats devenus référencés (1)

- **Net Soins** — Netsoins SAS (DUI MS1 PA/PH/DOM), candidat depuis le 3 octobre 2022 : \
référencée en version 3.1

### Candidatures modifiées (1)

- **Acmé** — ACME & Fils (DUI MS2 PDE), candidat depuis le 1er novembre 2022
  - statut : Candidat → En cours d'instruction

### Candidatures retirées (1)

- **Ancien** — Old (LGC), candidat depuis le 1er janvier 2021, statut : Candidat
"""


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "catalogue.db"


@pytest.fixture
def two_runs(db_path):
    db = open_db(db_path)
    run(db, "2024-06-14", FIRST, FIRST_CANDIDATES)
    run(db, "2024-06-15", SECOND, SECOND_CANDIDATES)
    return db


def key(record) -> str:
    return record.key


def test_markdown_of_a_run(two_runs):
    assert render_markdown(run_report(two_runs)) == EXPECTED_MARKDOWN


def test_json_report_shape(two_runs):
    report = run_report(two_runs)
    assert set(report) == {"run", "solutions", "candidates"}
    assert report["run"]["id"] == 2 and report["run"]["status"] == "complete"
    assert set(report["solutions"]) == set(report["candidates"]) == {"added", "removed", "changed"}
    kalisil = next(e for e in report["solutions"]["added"] if e["solution"] == "Kalisil")
    assert kalisil == {
        "key": key(SECOND[0]),
        "editor": "Dedalus",
        "solution": "Kalisil",
        "version": "4.1",
        "couloir": BIO,
        "dispositif": "SGL",
        "vague": 1,
        "referenced_on": "2024-06-01",
        "reappeared": False,
        "replaces": key(FIRST[0]),
        "new_version_of": None,
        "previous_version": "4.0",
        "was_candidate": None,
    }
    netsoins = next(e for e in report["solutions"]["added"] if e["solution"] == "Net Soins")
    assert netsoins["was_candidate"] == {
        "key": key(FIRST_CANDIDATES[0]),
        "dispositif": "DUI MS1 PA/PH/DOM",
        "applied_on": "2022-10-03",
        "status": "Candidat",
    }
    glims = next(e for e in report["solutions"]["added"] if e["solution"] == "Glims")
    assert (glims["replaces"], glims["new_version_of"]) == (None, key(FIRST[3]))
    removed = {e["key"]: e for e in report["solutions"]["removed"]}
    assert removed[key(FIRST[0])]["replaced_by"] == key(SECOND[0])
    assert removed[key(FIRST[2])]["replaced_by"] is None
    [changed] = report["solutions"]["changed"]
    assert changed["changes"] == {"referenced_on": ["2023-09-01", "2023-09-02"]}
    [acme] = report["candidates"]["changed"]
    assert set(acme) == {
        "key",
        "editor",
        "solution",
        "version",
        "dispositif",
        "status",
        "applied_on",
        "changes",
    }
    assert acme["changes"] == {"status": ["Candidat", "En cours d'instruction"]}
    json.dumps(report)  # JSON-ready


def test_report_keys_gives_the_sets_to_compare(two_runs):
    assert report_keys(run_report(two_runs)) == {
        "solutions": {
            "added": {key(r) for r in SECOND[0:1] + SECOND[3:]},
            "removed": {key(FIRST[0]), key(FIRST[2])},
            "changed": {key(SECOND[1])},
        },
        "candidates": {
            "added": {key(SECOND_CANDIDATES[1])},
            "removed": {key(FIRST_CANDIDATES[0]), key(FIRST_CANDIDATES[2])},
            "changed": {key(SECOND_CANDIDATES[0])},
        },
    }


def test_unchanged_run_says_no_change(two_runs):
    run(two_runs, "2024-06-16", SECOND, SECOND_CANDIDATES)
    assert render_markdown(run_report(two_runs)) == (
        "# Référencement Ségur : synchronisation n° 3 du 16 juin 2024 à 04 h 00 "
        "(heure de Paris) (complète)\n"
        "\n"
        "Aucun changement.\n"
    )


def test_partial_run_is_flagged(two_runs):
    run(two_runs, "2024-06-16", SECOND[:2], SECOND_CANDIDATES, "partial", "La page 2 est illisible")
    assert render_markdown(run_report(two_runs)) == (
        "# Référencement Ségur : synchronisation n° 3 du 16 juin 2024 à 04 h 00 "
        "(heure de Paris) (partielle)\n"
        "\n"
        "⚠ Synchronisation partielle : La page 2 est illisible. "
        "Aucune suppression n'a été enregistrée.\n"
        "\n"
        "Aucun changement.\n"
    )


def test_failed_run_is_flagged_without_claiming_no_change(two_runs):
    run(two_runs, "2024-06-16", [], [], "failed", "Site en maintenance.")
    text = render_markdown(run_report(two_runs))
    assert "(échouée)" in text.splitlines()[0]
    assert (
        "⚠ Synchronisation échouée : Site en maintenance. Aucune modification n'a été enregistrée."
        in text
    )
    assert "Aucun changement." not in text


def test_mass_removal_guard_shows_as_partial_warning(db_path):
    db = open_db(db_path)
    records = [sol(f"Produit {index}", "1.0", "Éditeur") for index in range(20)]
    run(db, "2024-06-14", records)
    run(db, "2024-06-15", records[:2])
    lines = render_markdown(run_report(db)).splitlines()
    assert lines[2].startswith("⚠ Synchronisation partielle : Synchronisation ramenée à partielle")
    assert lines[2].endswith("Aucune suppression n'a été enregistrée.")
    assert "retirées" not in "\n".join(lines)


def test_reappeared_entries_are_added_with_the_flag(two_runs):
    run(two_runs, "2024-06-16", SECOND + [FIRST[2]], SECOND_CANDIDATES)
    report = run_report(two_runs)
    [back] = report["solutions"]["added"]
    assert (back["key"], back["reappeared"]) == (key(FIRST[2]), True)
    assert "## De nouveau référencées (1)\n\n- **Hexalis** 5.0" in render_markdown(report)


def test_default_report_is_the_latest_finished_run(two_runs):
    start_run(two_runs, BASE_URL)  # a sync in progress
    assert run_report(two_runs)["run"]["id"] == 2
    assert run_report(two_runs, 1)["run"]["id"] == 1


def test_since_merges_runs(db_path):
    db = open_db(db_path)
    a, b, c = sol("A", "1", "Ed"), sol("B", "1", "Ed"), sol("C", "1", "Ed")
    run(db, "2024-06-01", [a, b])
    run(db, "2024-06-02", [a, b, c])  # c added
    run(db, "2024-06-03", [sol("A", "1", "Ed", on="2024-01-01"), b, sol("C", "1", "Ed", on="x")])
    run(db, "2024-06-04", [sol("A", "1", "Ed", on="2024-02-01"), sol("C", "1", "Ed", on="y")])
    report = since_report(db, "2024-06-02")
    assert report["run"]["since"] == "2024-06-02"
    assert (report["run"]["first_run"], report["run"]["last_run"]) == (2, 4)
    assert [r["id"] for r in report["run"]["runs"]] == [2, 3, 4]
    [added] = report["solutions"]["added"]
    assert (added["key"], added["referenced_on"]) == (c.key, "y")
    [changed] = report["solutions"]["changed"]
    assert changed["changes"] == {"referenced_on": ["2023-09-01", "2024-02-01"]}
    assert [e["key"] for e in report["solutions"]["removed"]] == [b.key]
    text = render_markdown(report)
    assert text.startswith(
        "# Référencement Ségur : changements depuis le 2 juin 2024 "
        "(3 synchronisations, n° 2 à n° 4)\n"
    )


def test_compose_changes_cancels_and_composes():
    def change(kind, k="k", fields=None, **more):
        return {"entity": "solution", "key": k, "kind": kind, "fields": fields or {}, **more}

    assert compose_changes([change("added"), change("removed")]) == []
    assert compose_changes([change("removed"), change("reappeared")]) == []
    back_and_forth = [
        change("changed", fields={"vague": [1, 2]}),
        change("changed", fields={"vague": [2, 1]}),
    ]
    assert compose_changes(back_and_forth) == []
    [net] = compose_changes(
        [change("removed"), change("reappeared", fields={"pilots": [None, "CH X"]})]
    )
    assert (net["kind"], net["fields"]) == ("changed", {"pilots": [None, "CH X"]})
    [net] = compose_changes(
        [change("added", replaces="old"), change("changed", fields={"a": [1, 2]})]
    )
    assert (net["kind"], net["replaces"], net["fields"]) == ("added", "old", {})


def test_markdown_escaping_keeps_one_line_and_literal_text():
    assert md("Bio Logbook – Transcodification") == "Bio Logbook – Transcodification"
    assert md("HEALTH & SAFETY l'éditeur (PA/PH/DOM)") == "HEALTH & SAFETY l'éditeur (PA/PH/DOM)"
    assert md("a\nb\r\n# c") == "a b # c"
    assert md("<script>**x**_[y](z)`") == "\\<script\\>\\*\\*x\\*\\*\\_\\[y\\](z)\\`"


def test_french_dates():
    assert french_date("2024-06-01") == "1er juin 2024"
    assert french_date("2023-12-25") == "25 décembre 2023"
    assert french_date("bientôt") == "bientôt"


# ---------------------------------------------------------------- CLI


def invoke(*args):
    return CliRunner().invoke(cli, ["diff", *map(str, args)])


def test_cli_markdown_and_json(two_runs, db_path):
    result = invoke("--db", db_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED_MARKDOWN
    result = invoke("--db", db_path, "--run", 1, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["run"]["id"] == 1
    assert len(report["solutions"]["added"]) == len(FIRST)


def test_cli_since(two_runs, db_path):
    result = invoke("--db", db_path, "--since", "15/06/2024", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)["run"]["runs"]] == [2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--run", 9), "aucune synchronisation n° 9"),
        (("--since", "demain"), "date illisible"),
        (("--since", "2031-01-01"), "aucune synchronisation depuis le 2031-01-01"),
        (("--run", 1, "--since", "2024-06-01"), "s'excluent"),
    ],
)
def test_cli_errors(two_runs, db_path, args, message):
    result = invoke("--db", db_path, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_cli_missing_catalogue_is_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "segur.db"
    result = invoke("--db", missing)
    assert result.exit_code == 2
    assert "catalogue introuvable" in result.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_cli_catalogue_without_finished_run(db_path):
    open_db(db_path)
    result = invoke("--db", db_path)
    assert result.exit_code == 2
    assert "aucune synchronisation terminée" in result.stderr


def test_cli_not_a_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("pas une base\n" * 100)
    result = invoke("--db", bogus)
    assert result.exit_code == 2
    assert "n'est pas un catalogue lisible" in result.stderr


# ---------------------------------------------------------------- replica truth


def truth_diff(old: list, new: list) -> dict[str, set[str]]:
    """Added/removed/changed keys between two lists of records, computed from the records."""
    before = {record.key: record for record in old}
    after = {record.key: record for record in new}
    return {
        "added": set(after) - set(before),
        "removed": set(before) - set(after),
        "changed": {k for k in set(before) & set(after) if before[k] != after[k]},
    }


def test_replica_states_recorded_from_the_truth(db_path):
    """The replica's two states, stored as if crawled perfectly: the report gives exactly
    the truth's changes (the lead's end-to-end test does the same through the crawler)."""
    from replica.dataset import build_dataset

    db = open_db(db_path)
    states = [build_dataset(1), build_dataset(2)]
    for day, state in zip(("2025-06-01", "2025-06-02"), states, strict=True):
        run(db, day, state.solutions, state.candidates)
    report = run_report(db)
    assert report_keys(report) == {
        "solutions": truth_diff(states[0].solutions, states[1].solutions),
        "candidates": truth_diff(states[0].candidates, states[1].candidates),
    }
    added = {(e["solution"], e["version"]): e for e in report["solutions"]["added"]}
    assert added[("Officina", "7.3")]["previous_version"] == "7.2"
    assert added[("Officina", "7.3")]["replaces"] is not None
    assert added[("Médisocial Dossier", "3.1")]["new_version_of"] is not None
    assert added[("KinéAgenda", "3.2")]["was_candidate"]["dispositif"] == "LGC paramédicaux"
    assert [e["solution"] for e in report["solutions"]["removed"] if not e["replaced_by"]] == [
        "RadiOuest RIS"
    ]
