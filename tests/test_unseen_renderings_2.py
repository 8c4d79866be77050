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
* a slow facet page (above --timeout), a 503 on the news listing: retried, complete, exact;
  a persistent 500 on a candidate article after a complete sync: no candidate removed;
* robots.txt forbidding the facet URLs (Drupal sites often do): obeyed; a rendering whose rows
  say everything is still read completely, one that needs the facets is refused safely;
* a row whose version cell reads "—" (contract 4.1: "Editor, solution and version are always
  in the row") is reported, not stored, and the run removes nothing.

What needs the real downloader (retries, pauses, timeouts, dropped connections) or robots.txt
runs through `segur sync` in a subprocess; the rest is crawled by the real spiders in this
process (tests/spider_harness.py), the edge variants once more end to end for one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from replica.dataset import MEDECINE_DE_VILLE_SLUG, MEDICO_SOCIAL_SLUG
from replica.server import Fault
from tests.alt_site import OUTSIDE, AltServer, dataset, truth_solutions
from tests.alt_site.common import ListingView
from tests.alt_site.headlink import TERM_IDS, HeadLink
from tests.alt_site.rowtables import RowTables, RowTablesBare
from tests.sync_support import (
    CANDIDATE_FIELDS,
    SOLUTION_FIELDS,
    Sync,
    assert_complete,
    assert_not_complete,
    by_key,
    copy_catalogue,
    differences,
    is_complete,
    sync,
    sync_in_process,
    sync_params,
    sync_rendering,
    synced_by,
)

# Whole sites crawled in-process: the full suite runs them, `make test-fast` does not.
pytestmark = pytest.mark.crawl

DPI_FACET = f"dsr_solutions:{TERM_IDS['DPI']}"


def assert_exact(result: Sync, rendering, state: int) -> None:
    truth = by_key(truth_solutions(rendering, state), SOLUTION_FIELDS)
    found = differences(result.referenced, truth, SOLUTION_FIELDS)
    truth_candidates = by_key(dataset(state).candidates, CANDIDATE_FIELDS)
    found += differences(result.candidates, truth_candidates, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def assert_nothing_removed(result: Sync, rendering) -> None:
    assert_not_complete(result)
    assert not result.removed, f"marked removed: {sorted(result.removed)[:5]}"
    assert not result.removed_candidates, f"marked removed: {sorted(result.removed_candidates)}"
    lost = {r.key for r in truth_solutions(rendering, 1)} - {
        r.key for r in truth_solutions(rendering, 2)
    }
    assert lost <= set(result.referenced)


@pytest.fixture(scope="module")
def synced_state_1(tmp_path_factory):
    """The catalogue of one complete sync of state 1 of a rendering (by its name), made once
    per rendering for the module: copy it (`copy_catalogue`) before syncing into it."""
    catalogues: dict[str, Path] = {}

    def catalogue_of(name: str) -> Path:
        if name not in catalogues:
            db = tmp_path_factory.mktemp(name) / "segur.db"
            assert_complete(sync_rendering(name, 1, db))
            catalogues[name] = db
        return catalogues[name]

    return catalogue_of


@pytest.fixture
def headlink_catalogue(synced_state_1, tmp_path) -> Path:
    """A catalogue holding one complete sync of state 1 of "headlink"."""
    return copy_catalogue(synced_state_1(HeadLink.name), tmp_path / "segur.db")


@pytest.mark.slow
def test_429_on_a_facet_page_is_retried(tmp_path):
    fault = Fault("429", DPI_FACET, times=2)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db")
    faulted = [t for t in result.requests if DPI_FACET in _unquoted(t)]
    assert len(faulted) >= 3, faulted
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


@pytest.mark.slow
def test_dropped_connection_on_a_candidate_article_is_retried(tmp_path):
    fault = Fault("drop", MEDICO_SOCIAL_SLUG, times=1)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db")
    assert sum(MEDICO_SOCIAL_SLUG in t for t in result.requests) >= 2
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


def test_maintenance_on_one_facet_page_is_partial_and_removes_nothing(headlink_catalogue, tmp_path):
    db = headlink_catalogue
    fault = Fault("maintenance", DPI_FACET, times=None)
    result = sync_in_process(AltServer(HeadLink(), state=2, faults=[fault]), db)
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


def test_a_row_without_version_is_reported_not_stored(synced_state_1, tmp_path):
    db = copy_catalogue(synced_state_1(RowTables.name), tmp_path / "segur.db")
    result = sync_in_process(AltServer(DashVersion(), state=2), db)
    assert_nothing_removed(result, RowTables())
    stored_versions = {row["version"] for row in result.referenced.values()}
    assert "—" not in stored_versions
    assert result.run_reason, "the run must say why it is not complete"


@pytest.mark.parametrize("case", sync_params(sorted(OUTSIDE), ["teasers-tabs"]))
def test_edge_of_the_contract_is_read_exactly_or_refused_safely(case, synced_state_1, tmp_path):
    """A complete sync of state 1 of the parent rendering, then state 2 in the variant."""
    name, end_to_end = case
    variant = OUTSIDE[name]
    parent = type(variant).__mro__[1]()
    db = copy_catalogue(synced_state_1(parent.name), tmp_path / "segur.db")
    server = AltServer(variant, state=2)
    with synced_by(server, end_to_end) as run_sync:
        result = run_sync(server, db)
    if is_complete(result):
        assert_exact(result, parent, 2)
        lost = {r.key for r in truth_solutions(parent, 1)} - {
            r.key for r in truth_solutions(parent, 2)
        }
        assert result.removed == lost
    else:
        assert_nothing_removed(result, parent)


@pytest.mark.slow
def test_slow_facet_page_is_retried(tmp_path):
    fault = Fault("slow", DPI_FACET, times=1, delay=3.0)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db", "--timeout", "1")
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


@pytest.mark.slow
def test_503_on_the_news_listing_is_retried(tmp_path):
    fault = Fault("503", "actualites?page=1", times=2)
    with AltServer(HeadLink(), state=1, faults=[fault]) as server:
        result = sync(server, tmp_path / "segur.db")
    assert sum("actualites?page=1" in t for t in result.requests) >= 3
    assert_complete(result)
    assert_exact(result, HeadLink(), 1)


def test_persistent_500_on_a_candidate_article_removes_no_candidate(headlink_catalogue, tmp_path):
    """State 2 drops Consult'Express from the médecine de ville article, which now fails."""
    db = headlink_catalogue
    fault = Fault("500", MEDECINE_DE_VILLE_SLUG, times=None)
    result = sync_in_process(AltServer(HeadLink(), state=2, faults=[fault]), db)
    assert_nothing_removed(result, HeadLink())


FACETS_DISALLOWED = "Disallow: /*dsr_solutions\nDisallow: /*couloir\n"


class RowTablesNoFacetCrawl(RowTables):
    name = "rowtables-robots"
    robots_extra = FACETS_DISALLOWED


class RowTablesBareNoFacetCrawl(RowTablesBare):
    name = "rowtables-bare-robots"
    robots_extra = FACETS_DISALLOWED


def _facet_requests(result: Sync) -> list[str]:
    return [t for t in result.requests if "dsr_solutions" in _unquoted(t)]


@pytest.mark.slow
def test_robots_forbidding_facets_rows_saying_everything_are_still_read(tmp_path):
    db = tmp_path / "segur.db"
    with AltServer(RowTablesNoFacetCrawl(), state=1) as server:
        first = sync(server, db)
        server.set_state(2)
        second = sync(server, db)
    assert not _facet_requests(first) + _facet_requests(second)
    assert_complete(first)
    assert_exact(first, RowTables(), 1)
    assert_complete(second)
    assert_exact(second, RowTables(), 2)


@pytest.mark.slow
def test_robots_forbidding_the_facets_a_bare_listing_needs_is_refused_safely(
    synced_state_1, tmp_path
):
    db = copy_catalogue(synced_state_1(RowTablesBare.name), tmp_path / "segur.db")
    with AltServer(RowTablesBareNoFacetCrawl(), state=2) as server:
        result = sync(server, db)
    assert not _facet_requests(result)
    assert_nothing_removed(result, RowTablesBare())


class ShiftedRow(RowTables):
    """Drupal paging over a sort with ties: on the second page of every listing, the last row
    is a copy of the first page's last row, so one row is on no page at all (while the result
    line still counts it)."""

    name = "rowtables-shifted"

    def select(self, solutions):
        self.published = super().select(solutions)
        return self.published

    def listing_page(self, view) -> str:
        if view.page == 1 and len(view.rows) == view.page_size:
            rows = [
                r
                for r in self.published
                if view.active_dispositif in (None, r.dispositif)
                and view.active_couloir in (None, r.couloir)
            ]
            view = replace(view, rows=(*view.rows[:-1], rows[view.page_size - 1]))
        return super().listing_page(view)


def test_a_row_on_no_page_is_not_complete_and_not_removed(synced_state_1, tmp_path):
    db = copy_catalogue(synced_state_1(RowTables.name), tmp_path / "segur.db")
    shifted = ShiftedRow()
    result = sync_in_process(AltServer(shifted, state=2), db)
    hidden = shifted.published[2 * shifted.page_size - 1]
    assert_nothing_removed(result, RowTables())
    assert hidden.key in result.referenced


class ArticlesDisallowed(HeadLink):
    name = "headlink-articles-disallowed"
    robots_extra = "Disallow: /actualites/\n"


@pytest.mark.slow
def test_robots_forbidding_the_candidate_articles_removes_no_candidate(
    headlink_catalogue, tmp_path
):
    db = headlink_catalogue
    with AltServer(ArticlesDisallowed(), state=2) as server:
        result = sync(server, db)
    assert not [t for t in result.requests if t.startswith("/actualites/")]
    assert_nothing_removed(result, HeadLink())


@dataclass(frozen=True)
class UnevenView(ListingView):
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.more


class UnevenPages(HeadLink):
    """ "headlink" whose pages do not all hold the same number of rows (contract 4.1: "Page size
    is not fixed"): 15 rows on the first page of a listing, 25 on the next ones."""

    name = "headlink-uneven"
    first, then = 15, 25

    def select(self, solutions):
        self.published = super().select(solutions)
        return self.published

    def listing_page(self, view) -> str:
        rows = [
            r
            for r in self.published
            if view.active_dispositif in (None, r.dispositif)
            and view.active_couloir in (None, r.couloir)
        ]
        start = 0 if view.page == 0 else self.first + (view.page - 1) * self.then
        end = start + (self.first if view.page == 0 else self.then)
        values = {f.name: getattr(view, f.name) for f in fields(ListingView)}
        values["rows"] = tuple(rows[start:end])
        return super().listing_page(UnevenView(**values, more=end < len(rows)))


def test_pages_of_uneven_sizes_are_all_read(tmp_path):
    db = tmp_path / "segur.db"
    server = AltServer(UnevenPages(), state=1)
    first = sync_in_process(server, db)
    server.set_state(2)
    second = sync_in_process(server, db)
    assert_complete(first)
    assert_exact(first, HeadLink(), 1)
    assert_complete(second)
    assert_exact(second, HeadLink(), 2)
    lost = {r.key for r in truth_solutions(HeadLink(), 1)} - {
        r.key for r in truth_solutions(HeadLink(), 2)
    }
    assert second.removed == lost


def _unquoted(target: str) -> str:
    return unquote(target)
