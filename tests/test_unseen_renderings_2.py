"""Second round of unseen renderings: faults served over the new renderings, and a row the
contract does not cover ("—" for a version).

The renderings themselves ("rowtables", "headlink") are registered in tests.alt_site's
RENDERINGS, so test_unseen_renderings.py already syncs both states of each and checks them
against the truth. Here:

* transient faults (429 with Retry-After on a facet page, a dropped connection on a candidate
  article) during a sync of "headlink" must be retried: the run is complete and exact;
* a maintenance page served on every request for one facet page after a complete sync makes
  the run partial and removes nothing;
* variants at the edge of the contract (tests.alt_site.outside), served in state 2 after a
  complete sync of their parent rendering, are read exactly or refused safely;
* a row whose version cell reads "—" (contract 4.1: "Editor, solution and version are always
  in the row") is reported, not stored, and the run removes nothing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from scraper.replica.dataset import MEDICO_SOCIAL_SLUG
from scraper.replica.server import Fault
from tests.alt_site import OUTSIDE, AltServer, dataset, truth_solutions
from tests.alt_site.headlink import TERM_IDS, HeadLink
from tests.alt_site.rowtables import RowTables
from tests.test_unseen_renderings import (
    CANDIDATE_FIELDS,
    SOLUTION_FIELDS,
    Sync,
    assert_complete,
    by_key,
    copy_catalogue,
    differences,
    sync,
)

pytestmark = pytest.mark.slow

DPI_FACET = f"dsr_solutions:{TERM_IDS['DPI']}"


def assert_exact(result: Sync, rendering, state: int) -> None:
    truth = by_key(truth_solutions(rendering, state), SOLUTION_FIELDS)
    found = differences(result.referenced, truth, SOLUTION_FIELDS)
    truth_candidates = by_key(dataset(state).candidates, CANDIDATE_FIELDS)
    found += differences(result.candidates, truth_candidates, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def assert_nothing_removed(result: Sync, rendering) -> None:
    assert result.returncode != 0, result.output
    assert result.run_status != "complete", result.output
    assert not result.removed, f"marked removed: {sorted(result.removed)[:5]}"
    assert not result.removed_candidates, f"marked removed: {sorted(result.removed_candidates)}"
    lost = {r.key for r in truth_solutions(rendering, 1)} - {
        r.key for r in truth_solutions(rendering, 2)
    }
    assert lost <= set(result.referenced)


@pytest.fixture(scope="module")
def headlink_catalogue(tmp_path_factory) -> Path:
    """A catalogue holding one complete sync of state 1 of "headlink"."""
    db = tmp_path_factory.mktemp("headlink") / "segur.db"
    with AltServer(HeadLink(), state=1) as server:
        result = sync(server, db)
    assert_complete(result)
    return db


def test_429_on_a_facet_page_is_retried(tmp_path):
    fault = Fault("429", DPI_FACET, times=2)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db")
    faulted = [t for t in result.requests if DPI_FACET in _unquoted(t)]
    assert len(faulted) >= 3, faulted
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


def test_dropped_connection_on_a_candidate_article_is_retried(tmp_path):
    fault = Fault("drop", MEDICO_SOCIAL_SLUG, times=1)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db")
    assert sum(MEDICO_SOCIAL_SLUG in t for t in result.requests) >= 2
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


def test_maintenance_on_one_facet_page_is_partial_and_removes_nothing(headlink_catalogue, tmp_path):
    db = copy_catalogue(headlink_catalogue, tmp_path / "segur.db")
    fault = Fault("maintenance", DPI_FACET, times=None)
    with AltServer(HeadLink(), state=2, faults=[fault]) as server:
        result = sync(server, db)
    assert any(DPI_FACET in _unquoted(t) for t in result.requests)
    assert_nothing_removed(result, HeadLink())
    assert result.run_status == "partial", result.run_reason


class DashVersion(RowTables):
    """ "rowtables" where one solution's version cell reads "—" (no version printed)."""

    name = "rowtables-dash"
    victim = "Kalisil"

    @staticmethod
    def row(record, position: int) -> str:
        html = RowTables.row(record, position)
        if record.solution == DashVersion.victim:
            version = f'<th scope="row">Version technique</th><td>{record.version}</td>'
            html = html.replace(version, '<th scope="row">Version technique</th><td>—</td>')
            assert "—" in html
        return html


def test_a_row_without_version_is_reported_not_stored(tmp_path):
    db = tmp_path / "segur.db"
    with AltServer(RowTables(), state=1) as server:
        assert_complete(sync(server, db))
        server.set_rendering(DashVersion())
        server.set_state(2)
        result = sync(server, db)
    assert_nothing_removed(result, RowTables())
    stored_versions = {row["version"] for row in result.referenced.values()}
    assert "—" not in stored_versions
    assert result.run_reason, "the run must say why it is not complete"


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_edge_of_the_contract_is_read_exactly_or_refused_safely(name, tmp_path):
    variant = OUTSIDE[name]
    parent = type(variant).__mro__[1]()
    db = tmp_path / "segur.db"
    with AltServer(parent, state=1) as server:
        assert_complete(sync(server, db))
        server.set_rendering(variant)
        server.set_state(2)
        result = sync(server, db)
    if result.returncode == 0 and result.run_status == "complete":
        assert_exact(result, parent, 2)
        lost = {r.key for r in truth_solutions(parent, 1)} - {
            r.key for r in truth_solutions(parent, 2)
        }
        assert result.removed == lost
    else:
        assert_nothing_removed(result, parent)


def _unquoted(target: str) -> str:
    return unquote(target)
