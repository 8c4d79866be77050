"""Issue 4 end to end: sync the replica's state 1, then its state 2, and check that
`segur diff` reports exactly the true changes. One rendering is synced by the real
`segur sync`, the others by the real spiders in-process (tests/spider_harness.py);
`segur diff` always runs as a command."""

from __future__ import annotations

import json

import pytest

from replica.dataset import build_dataset
from replica.server import ReplicaServer
from tests.report_support import report_keys
from tests.spider_harness import sync_site

pytestmark = pytest.mark.process


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


def sync_in_process(server: ReplicaServer, db: str) -> None:
    summary, _ = sync_site(db, server)
    assert summary.status == "complete", summary.reason


def sync_end_to_end(segur, server: ReplicaServer, db: str) -> None:
    result = segur("sync", "--base-url", server.url, "--db", db, "--delay", "0")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "rendering, end_to_end",
    [pytest.param("table", True, marks=pytest.mark.slow), ("cards", False), ("lines", False)],
)
def test_two_syncs_report_exactly_the_true_changes(
    replica, segur, tmp_path, states, rendering, end_to_end
):
    db = str(tmp_path / "segur.db")
    server = replica(rendering=rendering) if end_to_end else ReplicaServer(rendering=rendering)
    for state in (1, 2):
        server.set_state(state)
        if end_to_end:
            sync_end_to_end(segur, server, db)
        else:
            sync_in_process(server, db)

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


def test_markdown_report_puts_new_referencings_first(segur, tmp_path):
    db = str(tmp_path / "segur.db")
    server = ReplicaServer(rendering="table")
    sync_in_process(server, db)
    server.set_state(2)
    sync_in_process(server, db)
    markdown = segur("diff", "--db", db).stdout
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings[0].startswith("## Nouvelles solutions référencées")
    assert "Enfance Connect" in markdown and "KinéAgenda" in markdown
    assert "Aucun changement" not in markdown


def test_unchanged_site_reports_no_change(segur, tmp_path):
    db = str(tmp_path / "segur.db")
    server = ReplicaServer(rendering="lines")
    for _ in range(2):
        sync_in_process(server, db)
    assert "Aucun changement." in segur("diff", "--db", db).stdout
    report = json.loads(segur("diff", "--db", db, "--format", "json").stdout)
    assert report_keys(report) == {
        entity: {"added": set(), "removed": set(), "changed": set()}
        for entity in ("solutions", "candidates")
    }
