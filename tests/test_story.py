"""catalogue/story.py on plain dicts: what an entry's page says, in French."""

from __future__ import annotations

import json

import pytest

from catalogue import story

RUN_1 = "2025-06-01T02:00:00+00:00"
RUN_2 = "2025-06-02T02:00:00+00:00"
LATE_RUN = "2025-06-01T23:30:00+00:00"  # already 2 June in Paris


def solution(**values):
    row = {
        "key": "sol:dedalus|kalisil|4 2|ris|1",
        "editor": "Dedalus",
        "solution": "Kalisil",
        "version": "4.2",
        "couloir": "Radiologie",
        "dispositif": "RIS",
        "vague": 1,
        "referenced_on": "2022-06-15",
        "reference_number": None,
        "distributors": "",
        "pilots": "CH de Colmar",
        "status": "referenced",
        "removed_at": None,
    }
    return {**row, **values}


def candidature(**values):
    row = {
        "key": "cand:editions du lac|lac dossier|dui ms2 pds",
        "editor": "ÉDITIONS DU LAC",
        "solution": "Lac Dossier",
        "version": None,
        "dispositif": "DUI MS2 PDS",
        "status": "En cours d'instruction",
        "applied_on": "2022-09-26",
        "removed_run": None,
        "removed_at": None,
    }
    return {**row, **values}


def change(kind, run_id=2, started_at=RUN_2, **values):
    return {"kind": kind, "run_id": run_id, "run_started_at": started_at, **values}


WITHDRAWN = solution(status="removed", removed_at=RUN_2)


# ---------------------------------------------------------------- titles, facts


def test_titles_name_solution_version_and_editor():
    assert story.solution_title(solution()) == "Kalisil 4.2 — Dedalus"
    assert story.solution_title(solution(version=None)) == "Kalisil — Dedalus"
    assert story.candidature_title(candidature()) == "Lac Dossier — ÉDITIONS DU LAC (candidature)"


def test_facts_are_labelled_in_french_with_french_dates_and_missing_values_said():
    facts = {fact.label: fact for fact in story.solution_facts(solution())}
    assert list(facts) == [
        "Éditeur",
        "Solution",
        "Version",
        "Couloir",
        "Dispositif",
        "Vague",
        "Date de référencement",
        "Numéro de référencement",
        "Distributeurs",
        "Installations pilotes",
    ]
    assert facts["Date de référencement"].value == "15 juin 2022"
    assert facts["Vague"].value == "1"
    assert facts["Numéro de référencement"].value == "non publié"
    assert not facts["Numéro de référencement"].published
    assert facts["Distributeurs"].value == "non publiés"
    assert facts["Installations pilotes"].value == "CH de Colmar"


def test_a_candidature_no_longer_listed_shows_its_last_status():
    labels = [fact.label for fact in story.candidature_facts(candidature(removed_run=2))]
    assert "Dernier statut publié" in labels
    labels = [fact.label for fact in story.candidature_facts(candidature())]
    assert "Statut de la candidature" in labels
    assert "Date de dépôt du dossier" in labels


# ---------------------------------------------------------------- status sentences


def test_a_referenced_version_says_since_when():
    assert story.solution_status(solution()) == "Référencée Ségur depuis le 15 juin 2022."
    assert story.solution_status(solution(referenced_on=None)) == (
        "Référencée Ségur (date de référencement non publiée)."
    )
    assert story.solution_consequence(solution()) == ""


def test_a_withdrawn_version_says_when_in_paris_time_and_by_what_it_was_replaced():
    replacement = solution(key="sol:b", version="4.3")
    assert story.solution_status(WITHDRAWN, [replacement]) == (
        "Retirée de la liste le 2 juin 2025, remplacée par la version 4.3."
    )
    late = solution(status="removed", removed_at=LATE_RUN)
    assert story.solution_status(late) == "Retirée de la liste le 2 juin 2025."
    assert story.solution_consequence(WITHDRAWN) == "Cette version n'est plus référencée Ségur."


def test_several_replacements_are_listed():
    assert story.versions_in_words(["4.3", "4.4", "5.0"]) == "les versions 4.3, 4.4 et 5.0"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {},
            "Candidate au référencement (En cours d'instruction), "
            "dossier déposé le 26 septembre 2022.",
        ),
        (
            {"status": "Candidat"},
            "Candidate au référencement, dossier déposé le 26 septembre 2022.",
        ),
        ({"status": "Candidat", "applied_on": None}, "Candidate au référencement."),
        (
            {"status": "Référencé"},
            "Sur la liste des candidats de l'ANS avec le statut «\u00a0Référencé\u00a0», "
            "dossier déposé le 26 septembre 2022.",
        ),
        (
            {"removed_run": 2, "removed_at": RUN_2},
            "N'est plus sur la liste des candidats depuis le 2 juin 2025 "
            "(dossier déposé le 26 septembre 2022).",
        ),
    ],
)
def test_candidature_status(values, expected):
    assert story.candidature_status(candidature(**values)) == expected


def test_became_sentence_names_the_solutions():
    assert story.became_sentence([]) == ""
    assert story.became_sentence([solution()]) == (
        "Cette candidature a abouti au référencement de Kalisil 4.2."
    )


# ---------------------------------------------------------------- versions


def test_other_versions_are_in_natural_order_without_the_entry_itself():
    siblings = [solution(key=f"k{v}", version=v) for v in ("4.10", "4.2", "4.9")]
    row = siblings[1]
    assert [other["version"] for other in story.other_versions(row, siblings)] == ["4.9", "4.10"]


def test_version_status_of_each_other_version():
    assert story.version_status(solution()) == "référencée depuis le 15 juin 2022"
    assert story.version_status(WITHDRAWN) == "retirée de la liste le 2 juin 2025"


def test_the_declared_replacement_wins_over_later_versions():
    declared = solution(key="k5", version="5.0")
    later = solution(key="k43", version="4.3")
    changes = [change("added", key="k5", replaces=WITHDRAWN["key"])]
    found = story.replacements(WITHDRAWN, [WITHDRAWN, declared, later], changes)
    assert [row["version"] for row in found] == ["5.0"]


def test_without_a_declared_replacement_later_referenced_versions_replace():
    earlier = solution(key="k41", version="4.1")
    later_withdrawn = solution(key="k44", version="4.4", status="removed")
    later = solution(key="k43", version="4.3")
    siblings = [WITHDRAWN, earlier, later_withdrawn, later]
    assert [row["version"] for row in story.replacements(WITHDRAWN, siblings, [])] == ["4.3"]
    assert story.replacements(solution(), siblings, []) == []


# ---------------------------------------------------------------- timeline


def whats(events):
    return [(event.when, event.what) for event in events]


def test_a_first_sync_is_not_told_as_an_arrival():
    events = story.solution_timeline(
        solution(), [change("added", run_id=1, started_at=RUN_1)], first_run_id=1
    )
    assert whats(events) == [
        ("15 juin 2022", "référencée Ségur (date publiée par l'ANS)"),
        (
            "1er juin 2025",
            "déjà sur la liste de l'ANS lors de la première synchronisation de ce catalogue",
        ),
    ]


def test_a_new_version_says_which_version_it_follows_or_replaces():
    follows = change("added", new_version_of="sol:x", previous_version="4.1")
    replaces = change("added", replaces="sol:x", previous_version="4.1")
    row = solution(referenced_on=None)
    assert whats(story.solution_timeline(row, [follows], first_run_id=1)) == [
        ("2 juin 2025", "apparue sur la liste de l'ANS (nouvelle version, succède à la 4.1)")
    ]
    assert whats(story.solution_timeline(row, [replaces], first_run_id=1)) == [
        ("2 juin 2025", "apparue sur la liste de l'ANS (nouvelle version, remplace la 4.1)")
    ]


def test_changed_fields_are_told_in_words_with_french_dates():
    changed = change(
        "changed",
        started_at="2026-03-12T02:00:00+00:00",
        fields=json.dumps(
            {
                "referenced_on": ["2024-05-28", "2024-05-30"],
                "distributors": [None, "MÉDI-DISTRIBUTION"],
            }
        ),
    )
    events = story.solution_timeline(solution(referenced_on=None), [changed])
    assert whats(events) == [
        ("12 mars 2026", "date de référencement modifiée : 28 mai 2024 → 30 mai 2024"),
        ("12 mars 2026", "distributeurs modifiés : non publiés → «\u00a0MÉDI-DISTRIBUTION\u00a0»"),
    ]


def test_an_unknown_field_is_not_named_by_its_column():
    assert story.field_change("colour_code", "a", "b") == (
        "autre information modifiée : «\u00a0a\u00a0» → «\u00a0b\u00a0»"
    )


def test_withdrawal_and_return_are_dated():
    changes = [
        change("removed", started_at=RUN_2),
        change("reappeared", run_id=3, started_at="2025-07-01T02:00:00+00:00"),
    ]
    events = story.solution_timeline(solution(referenced_on=None), changes, first_run_id=1)
    assert whats(events) == [
        ("2 juin 2025", "retirée de la liste"),
        ("1er juillet 2025", "de nouveau sur la liste"),
    ]


def test_a_solution_that_was_a_candidate_tells_the_deposit_of_its_file():
    origin = {
        "key": "cand:x",
        "dispositif": "DUI",
        "applied_on": "2024-12-02",
        "status": "Candidat",
    }
    added = change("added", was_candidate=json.dumps(origin))
    events = story.solution_timeline(solution(referenced_on="2025-06-02"), [added], first_run_id=1)
    assert whats(events) == [
        ("2 décembre 2024", "dossier de candidature déposé"),
        ("2 juin 2025", "référencée Ségur (date publiée par l'ANS)"),
        ("2 juin 2025", "apparue sur la liste de l'ANS (auparavant candidate au référencement)"),
    ]
    assert [fact.value for fact in story.candidature_origin(added["was_candidate"])] == [
        "DUI",
        "2 décembre 2024",
        "Candidat",
    ]


def test_a_date_that_is_not_one_stays_out_of_the_timeline():
    assert story.solution_timeline(solution(referenced_on="courant 2022"), []) == []


def test_candidature_timeline_tells_status_changes_departure_and_referencing():
    changes = [
        change("added", run_id=1, started_at=RUN_1),
        change("changed", fields={"status": ["Candidat", "Référencé"]}),
        change("removed", run_id=3, started_at="2025-07-01T02:00:00+00:00"),
    ]
    became = [solution(run_started_at=RUN_2)]
    events = story.candidature_timeline(candidature(), changes, first_run_id=1, became=became)
    assert whats(events) == [
        ("26 septembre 2022", "dossier de candidature déposé"),
        (
            "1er juin 2025",
            "déjà sur la liste des candidats de l'ANS lors de la première synchronisation "
            "de ce catalogue",
        ),
        (
            "2 juin 2025",
            "statut de la candidature modifié : «\u00a0Candidat\u00a0» → «\u00a0Référencé\u00a0»",
        ),
        ("2 juin 2025", "Kalisil 4.2 apparaît sur la liste des solutions référencées"),
        ("1er juillet 2025", "n'est plus sur la liste des candidats"),
    ]
