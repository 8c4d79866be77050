"""Pure change detection (catalogue.history): no database."""

from __future__ import annotations

import dataclasses

import pytest

from catalogue.history import (
    ADDED,
    CHANGED,
    REAPPEARED,
    REMOVED,
    CandidateIndex,
    candidate_pool,
    detect_candidate_changes,
    detect_solution_changes,
    dispositifs_compatible,
    missing_referenced,
    unique_by_key,
)
from scraper.items import CandidateRecord, SolutionRecord


def row_of(record) -> dict:
    return {**dataclasses.asdict(record), "key": record.key}


def list_unique(records) -> list:
    return list(unique_by_key(records).values())


def sol(solution="Kalisil", version="4.0", editor="Dedalus", dispositif="SGL", **more):
    more.setdefault("couloir", "Biologie médicale")
    more.setdefault("vague", 1)
    return SolutionRecord(editor, solution, version, dispositif=dispositif, **more)


def stored(record: SolutionRecord, status="referenced", **more) -> dict:
    return {**row_of(record), "status": status, **more}


def current_of(*rows: dict) -> dict:
    return {row["key"]: row for row in rows}


def kinds(changes) -> dict[str, str]:
    return {change.key: change.kind for change in changes}


def test_duplicates_are_merged_first_non_empty_value_wins():
    first = sol(referenced_on=None, distributors="A")
    second = sol(referenced_on="2023-09-01", distributors="B", source_url="http://x/2")
    [merged] = list_unique([first, second])
    assert merged.referenced_on == "2023-09-01"
    assert merged.distributors == "A"
    assert merged.source_url == "http://x/2"


def test_reading_with_and_without_referencing_number_is_one_entry():
    plain = sol(referenced_on="2023-09-01")
    numbered = sol(reference_number="27f99871b4")
    merged = list_unique([plain, numbered])
    assert [record.key for record in merged] == ["ref:27f99871b4"]
    assert merged[0].referenced_on == "2023-09-01"


def test_first_sight_is_added():
    changes = detect_solution_changes({}, [sol(), sol("Hexalis", "5.0")], complete=True)
    assert sorted(kinds(changes).values()) == [ADDED, ADDED]
    assert all(change.row["status"] == "referenced" for change in changes)


def test_unchanged_entry_gives_no_change():
    record = sol(referenced_on="2023-09-01", source_url="http://x/p0")
    current = current_of(stored(record))
    again = sol(referenced_on="2023-09-01", source_url="http://x/p1")  # other page, same row
    assert detect_solution_changes(current, [again], complete=True) == []


def test_changed_field_records_before_and_after():
    current = current_of(stored(sol(referenced_on="2023-09-01")))
    [change] = detect_solution_changes(current, [sol(referenced_on="2023-09-02")], complete=True)
    assert change.kind == CHANGED
    assert change.fields == {"referenced_on": ["2023-09-01", "2023-09-02"]}
    assert change.row["referenced_on"] == "2023-09-02"


def test_a_value_not_read_does_not_erase_the_stored_one():
    current = current_of(stored(sol(referenced_on="2023-09-01", distributors="Dist")))
    assert detect_solution_changes(current, [sol()], complete=True) == []


def test_partial_crawl_removes_nothing_complete_crawl_removes_missing():
    current = current_of(stored(sol()), stored(sol("Hexalis", "5.0")))
    assert detect_solution_changes(current, [sol()], complete=False) == []
    [removal] = detect_solution_changes(current, [sol()], complete=True)
    assert (removal.kind, removal.key, removal.row["status"]) == (
        REMOVED,
        sol("Hexalis", "5.0").key,
        "removed",
    )


def test_already_removed_entry_is_not_removed_again_and_can_reappear():
    current = current_of(stored(sol(), status="removed", removed_run=1))
    assert detect_solution_changes(current, [], complete=True) == []
    [back] = detect_solution_changes(current, [sol()], complete=False)
    assert back.kind == REAPPEARED and back.fields == {}


def test_version_bump_in_complete_crawl_replaces_old_version():
    current = current_of(stored(sol(version="4.0")))
    changes = detect_solution_changes(current, [sol(version="4.1")], complete=True)
    added = next(c for c in changes if c.kind == ADDED)
    assert added.replaces == sol(version="4.0").key
    assert added.previous_version == "4.0"
    assert added.new_version_of is None


def test_highest_removed_version_is_the_one_replaced():
    current = current_of(stored(sol(version="9.9")), stored(sol(version="9.10")))
    changes = detect_solution_changes(current, [sol(version="9.11")], complete=True)
    added = next(c for c in changes if c.kind == ADDED)
    assert added.replaces == sol(version="9.10").key


def test_new_version_alongside_old_is_new_version_of():
    current = current_of(stored(sol(version="4.0")))
    changes = detect_solution_changes(
        current, [sol(version="4.0"), sol(version="4.1")], complete=True
    )
    [added] = changes
    assert added.replaces is None
    assert added.new_version_of == sol(version="4.0").key
    assert added.previous_version == "4.0"


def test_partial_crawl_never_replaces():
    current = current_of(stored(sol(version="4.0")))
    [added] = detect_solution_changes(current, [sol(version="4.1")], complete=False)
    assert added.replaces is None and added.new_version_of == sol(version="4.0").key


def test_other_dispositif_is_another_product():
    current = current_of(stored(sol(version="4.0")))
    changes = detect_solution_changes(
        current, [sol(version="4.1", dispositif="RI"), sol(version="4.0")], complete=True
    )
    [added] = changes
    assert added.replaces is None and added.new_version_of is None


def test_a_version_of_another_vague_is_a_new_version_of_the_product():
    # The vague is not part of the product: some renderings print it only in a heading.
    current = current_of(stored(sol(version="4.0")))
    changes = detect_solution_changes(
        current, [sol(version="4.1", vague=2), sol(version="4.0")], complete=True
    )
    [added] = changes
    assert added.new_version_of == sol(version="4.0").key


def test_new_product_matching_a_candidature_records_it():
    candidates = [
        {
            "key": "cand:netsoins|netsoins|dui ms1 pa ph dom",
            "editor": "NETSOINS",
            "solution": "NetSoins",
            "dispositif": "DUI MS1 PA/PH/DOM",
            "status": "Candidat",
            "applied_on": "2022-10-03",
            "removed_run": None,
        }
    ]
    record = sol("Net Soins", "3.1", "Netsoins SAS", "DUI MS1 PA/PH/DOM")
    [added] = detect_solution_changes({}, [record], complete=True, candidates=candidates)
    assert added.was_candidate == {
        "key": "cand:netsoins|netsoins|dui ms1 pa ph dom",
        "dispositif": "DUI MS1 PA/PH/DOM",
        "applied_on": "2022-10-03",
        "status": "Candidat",
    }


def test_new_version_of_a_known_product_is_not_a_candidate_transition():
    candidates = [{"key": "cand:x", "editor": "Dedalus", "solution": "Kalisil", "dispositif": None}]
    current = current_of(stored(sol(version="4.0")))
    [added] = detect_solution_changes(
        current, [sol(version="4.0"), sol(version="4.1")], complete=True, candidates=candidates
    )
    assert added.was_candidate is None


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("DUI", "DUI MS1 PA/PH/DOM", True),
        ("DUI MS2 PDE", "DUI", True),
        ("DUI MS2 PDE", "DUI MS2 PDS", False),
        ("LGC", "LGC SF", False),
        ("SGL", "SGL", True),
        (None, "DPI", True),
        ("DPI", "", True),
        ("Quelque chose", "quelque-chose", True),
        ("DPI", "RI", False),
    ],
)
def test_dispositifs_compatible(a, b, compatible):
    assert dispositifs_compatible(a, b) is compatible


def names_match(candidate, solution) -> bool:
    return CandidateIndex([{**candidate, "key": "c"}]).find(solution) is not None


@pytest.mark.parametrize(
    ("candidate_editor", "solution_editor", "match"),
    [
        ("NETSOINS", "Net Soins", True),
        ("Dedalus", "DEDALUS FRANCE", True),
        ("ABC", "ABC SANTE", False),  # too short a fragment to vouch for a match
        ("Histone", "Technidata", False),
    ],
)
def test_names_match_on_compact_names(candidate_editor, solution_editor, match):
    candidate = {"editor": candidate_editor, "solution": "Lamweb"}
    assert names_match(candidate, {"editor": solution_editor, "solution": "LAMWEB"}) is match
    assert not names_match(candidate, {"editor": solution_editor, "solution": "Autre"})


def test_find_candidate_prefers_listed_exact_dispositif_then_earliest():
    base = {"editor": "Acme", "solution": "Dossier", "status": "Candidat"}
    candidates = [
        {
            **base,
            "key": "c1",
            "dispositif": "DUI MS1 PA/PH/DOM",
            "applied_on": "2022-01-01",
            "removed_run": 3,
        },
        {**base, "key": "c2", "dispositif": "DUI", "applied_on": "2021-01-01", "removed_run": None},
        {
            **base,
            "key": "c3",
            "dispositif": "DUI MS1 PA/PH/DOM",
            "applied_on": "2022-05-01",
            "removed_run": None,
        },
        {
            **base,
            "key": "c4",
            "dispositif": "DUI MS1 PA/PH/DOM",
            "applied_on": "2022-02-01",
            "removed_run": None,
        },
        {
            **base,
            "key": "c5",
            "dispositif": "DUI MS2 PDE",
            "applied_on": "2020-01-01",
            "removed_run": None,
        },
    ]
    solution = {"editor": "ACME", "solution": "Dossier", "dispositif": "DUI MS1 PA/PH/DOM"}
    assert CandidateIndex(candidates).find(solution)["key"] == "c4"
    assert CandidateIndex(candidates).find({**solution, "solution": "Autre"}) is None


def test_candidate_pool_puts_read_candidatures_over_stored_ones():
    record = CandidateRecord("Acme", "Dossier", dispositif="DUI", status="En cours d'instruction")
    current = {
        record.key: {
            **row_of(record),
            "status": "Candidat",
            "applied_on": "2022-01-01",
            "removed_run": 2,
        }
    }
    [row] = candidate_pool(current, [record])
    assert row["status"] == "En cours d'instruction"
    assert row["applied_on"] == "2022-01-01"  # not read this time: kept
    assert row["removed_run"] is None


def test_candidate_changes():
    listed = CandidateRecord("Acme", "Dossier", dispositif="DUI", status="Candidat")
    gone = CandidateRecord("Beta", "Autre", dispositif="DUI", status="Candidat")
    current = {
        listed.key: {**row_of(listed), "removed_run": None},
        gone.key: {**row_of(gone), "removed_run": None},
    }
    moved = CandidateRecord("Acme", "Dossier", dispositif="DUI", status="Référencé")
    new = CandidateRecord("Gamma", "Trois", dispositif="DUI MS2 PDE")
    changes = detect_candidate_changes(current, [moved, new], complete=True)
    assert kinds(changes) == {listed.key: CHANGED, new.key: ADDED, gone.key: REMOVED}
    assert next(c for c in changes if c.kind == CHANGED).fields == {
        "status": ["Candidat", "Référencé"]
    }
    assert kinds(detect_candidate_changes(current, [moved, new], complete=False)) == {
        listed.key: CHANGED,
        new.key: ADDED,
    }


def test_missing_referenced_counts_only_referenced_entries():
    current = current_of(
        stored(sol("A")), stored(sol("B")), stored(sol("C"), status="removed", removed_run=1)
    )
    assert missing_referenced(current, {sol("A").key}) == 1
    assert missing_referenced(current, set()) == 2


def test_dispositifs_compatible_across_levels_and_combined_domains():
    from catalogue.history import dispositifs_compatible

    assert dispositifs_compatible("DUI", "DUI MS1 PA/PH/DOM")
    assert dispositifs_compatible("DUI MS1 PA/PH/DOM + MS2 PDE", "DUI MS2 PDE")
    assert not dispositifs_compatible("DUI MS1 PA/PH/DOM + MS2 PDE", "DUI MS2 PDS")
    assert not dispositifs_compatible("LGC", "LGC SF")
    assert dispositifs_compatible(None, "LGC")
