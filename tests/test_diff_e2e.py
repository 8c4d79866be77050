"""Issue 4 end to end: sync the replica's state 1, then its state 2, through the
real crawler, and check that `segur diff` reports exactly the true changes."""

from __future__ import annotations

import json

import pytest

from replica.dataset import build_dataset
from tests.report_support import report_keys

pytestmark = pytest.mark.slow


def key_diff(old: list, new: list) -> dict[str, set[str]]:
    before = {record.key: record for record in old}
    after = {record.key: record for record in new}
    return {
        "added": set(after) - set(before),
        "removed": set(before) - set(after),
        "changed": {key for key in set(before) & set(after) if before[key] != after[key]},
    }


@pytest.fixture(scope="module")
def states():
    return build_dataset(1), build_dataset(2)


@pytest.mark.parametrize("rendering", ["table", "cards", "lines"])
def test_two_syncs_report_exactly_the_true_changes(replica, segur, tmp_path, states, rendering):
    db = str(tmp_path / "segur.db")
    server = replica(rendering=rendering)
    assert segur("sync", "--base-url", server.url, "--db", db, "--delay", "0").returncode == 0
    server.set_state(2)
    second = segur("sync", "--base-url", server.url, "--db", db, "--delay", "0")
    assert second.returncode == 0, second.stderr

    result = segur("diff", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    old, new = states
    assert report_keys(report) == {
        "solutions": key_diff(old.solutions, new.solutions),
        "candidates": key_diff(old.candidates, new.candidates),
    }
    changed = {entry["solution"]: entry["changes"] for entry in report["solutions"]["changed"]}
    assert changed == {"Atelier PFI": {"referenced_on": ["2023-02-14", "2023-03-14"]}}
    added = {(entry["solution"], entry["version"]): entry for entry in report["solutions"]["added"]}
    assert added[("Officina", "7.3")]["replaces"]
    assert added[("KinéAgenda", "3.2")]["was_candidate"]["dispositif"] == "LGC paramédicaux"
    candidates = {e["solution"]: e["changes"] for e in report["candidates"]["changed"]}
    assert candidates == {"KinéAgenda": {"status": ["En cours d'instruction", "Référencé"]}}


def test_markdown_report_puts_new_referencings_first(replica, segur, tmp_path):
    db = str(tmp_path / "segur.db")
    server = replica(rendering="table")
    assert segur("sync", "--base-url", server.url, "--db", db, "--delay", "0").returncode == 0
    server.set_state(2)
    assert segur("sync", "--base-url", server.url, "--db", db, "--delay", "0").returncode == 0
    markdown = segur("diff", "--db", db).stdout
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings[0].startswith("## Nouvelles solutions référencées")
    assert "Enfance Connect" in markdown and "KinéAgenda" in markdown
    assert "Aucun changement" not in markdown


def test_unchanged_site_reports_no_change(replica, segur, tmp_path):
    db = str(tmp_path / "segur.db")
    server = replica(rendering="lines")
    for _ in range(2):
        assert segur("sync", "--base-url", server.url, "--db", db, "--delay", "0").returncode == 0
    assert "Aucun changement." in segur("diff", "--db", db).stdout
    report = json.loads(segur("diff", "--db", db, "--format", "json").stdout)
    assert report_keys(report) == {
        entity: {"added": set(), "removed": set(), "changed": set()}
        for entity in ("solutions", "candidates")
    }
