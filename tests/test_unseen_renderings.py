"""Syncs of renderings of the ANS site the scraper was never tuned to (tests/alt_site).

Each rendering satisfies only the contract (docs/ans-site.md section 4). For renderings 1-5 a sync
of state 1 must be complete and store exactly the truth (`build_dataset`, restricted to the
rows the rendering publishes), then a sync of state 2 on the same catalogue must be complete,
store the state-2 truth and mark removed exactly the keys state 2 lost. Family 6 serves pages
the contract does not cover after a complete sync: the run must not be complete, and nothing
may be marked removed.

Every rendering is crawled by the real spiders in this process (tests/spider_harness.py); a few,
one per round of renderings, are also synced end to end by `segur sync` in a subprocess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import lxml.html
import pytest

from replica.server import Fault
from tests.alt_site import (
    BROKEN,
    RENDERINGS,
    AltServer,
    AltSite,
    Bootstrap,
    dataset,
    truth_solutions,
)
from tests.alt_site.common import LISTING_PATH
from tests.sync_support import (
    CANDIDATE_FIELDS,
    SOLUTION_FIELDS,
    Sync,
    assert_complete,
    assert_not_complete,
    by_key,
    copy_catalogue,
    differences,
    sync,
    sync_in_process,
    sync_params,
    sync_rendering,
    synced_by,
)

# Whole sites crawled in-process: the full suite runs them, `make test-fast` does not.
pytestmark = pytest.mark.crawl

# The first rendering and one of the latest round also go through a real `segur sync`.
END_TO_END = ("bootstrap", "gridcards")


# ---------------------------------------------------------------- renderings 1-5


@dataclass
class TwoStates:
    first: Sync
    second: Sync


def state_1_is_complete(name: str, synced: TwoStates) -> None:
    assert_complete(synced.first)


def state_1_solutions_equal_the_truth(name: str, synced: TwoStates) -> None:
    truth = by_key(truth_solutions(RENDERINGS[name], 1), SOLUTION_FIELDS)
    assert not differences(synced.first.referenced, truth, SOLUTION_FIELDS), "\n".join(
        differences(synced.first.referenced, truth, SOLUTION_FIELDS)
    )


def state_1_candidates_equal_the_truth(name: str, synced: TwoStates) -> None:
    truth = by_key(dataset(1).candidates, CANDIDATE_FIELDS)
    found = differences(synced.first.candidates, truth, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def state_2_is_complete(name: str, synced: TwoStates) -> None:
    assert_complete(synced.second)


def state_2_removes_exactly_what_state_2_lost(name: str, synced: TwoStates) -> None:
    before = {r.key for r in truth_solutions(RENDERINGS[name], 1)}
    after = {r.key for r in truth_solutions(RENDERINGS[name], 2)}
    assert synced.second.removed == before - after
    assert set(synced.second.referenced) == after
    candidates_before = {c.key for c in dataset(1).candidates}
    candidates_after = {c.key for c in dataset(2).candidates}
    assert synced.second.removed_candidates == candidates_before - candidates_after


def state_2_solutions_and_candidates_equal_the_truth(name: str, synced: TwoStates) -> None:
    truth = by_key(truth_solutions(RENDERINGS[name], 2), SOLUTION_FIELDS)
    found = differences(synced.second.referenced, truth, SOLUTION_FIELDS)
    truth_candidates = by_key(dataset(2).candidates, CANDIDATE_FIELDS)
    found += differences(synced.second.candidates, truth_candidates, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def sync_stays_on_the_french_site(name: str, synced: TwoStates) -> None:
    """docs/ans-site.md section 1: `/en/` pages repeat the French content; scrape French only."""
    english = [target for target in synced.first.requests if target.startswith("/en")]
    assert not english


TWO_STATE_CHECKS = (
    state_1_is_complete,
    state_1_solutions_equal_the_truth,
    state_1_candidates_equal_the_truth,
    state_2_is_complete,
    state_2_removes_exactly_what_state_2_lost,
    state_2_solutions_and_candidates_equal_the_truth,
    sync_stays_on_the_french_site,
)


@pytest.fixture(scope="module", params=sorted(RENDERINGS))
def two_states(request, tmp_path_factory) -> tuple[str, TwoStates]:
    """State 1, then state 2, of one rendering synced in-process into one fresh catalogue."""
    name = request.param
    db = tmp_path_factory.mktemp(name) / "segur.db"
    return name, TwoStates(sync_rendering(name, 1, db), sync_rendering(name, 2, db))


def test_state_1_sync_is_complete(two_states):
    state_1_is_complete(*two_states)


def test_state_1_solutions_equal_the_truth(two_states):
    state_1_solutions_equal_the_truth(*two_states)


def test_state_1_candidates_equal_the_truth(two_states):
    state_1_candidates_equal_the_truth(*two_states)


def test_state_2_sync_is_complete(two_states):
    state_2_is_complete(*two_states)


def test_state_2_removes_exactly_what_state_2_lost(two_states):
    state_2_removes_exactly_what_state_2_lost(*two_states)


def test_state_2_solutions_and_candidates_equal_the_truth(two_states):
    state_2_solutions_and_candidates_equal_the_truth(*two_states)


def test_sync_stays_on_the_french_site(two_states):
    sync_stays_on_the_french_site(*two_states)


@pytest.mark.slow
@pytest.mark.parametrize("name", END_TO_END)
def test_segur_sync_of_both_states_passes_every_check(name, tmp_path):
    """The checks above, for renderings synced by a real `segur sync`: one test, so that
    parallel workers never repeat its two syncs."""
    db = tmp_path / "segur.db"
    with AltServer(RENDERINGS[name], state=1) as server:
        first = sync(server, db)
        server.set_state(2)
        second = sync(server, db)
    for check in TWO_STATE_CHECKS:
        check(name, TwoStates(first, second))


def test_thousands_in_the_result_line(tmp_path):
    """Rendering 1 at scale: "1 031 résultats" with a narrow no-break space."""
    rendering = Bootstrap(page_size=200)
    truth = by_key(truth_solutions(rendering, 1, scale=1000), SOLUTION_FIELDS)
    assert len(truth) > 1000
    result = sync_in_process(AltServer(rendering, state=1, scale=1000), tmp_path / "segur.db")
    assert_complete(result)
    found = differences(result.referenced, truth, SOLUTION_FIELDS)
    assert not found, "\n".join(found)


# ---------------------------------------------------------------- family 6: unreadable pages


@pytest.fixture(scope="module")
def good_catalogue(tmp_path_factory) -> Path:
    """A catalogue holding one complete sync of state 1 ("bootstrap" rendering)."""
    db = tmp_path_factory.mktemp("good") / "segur.db"
    assert_complete(sync_rendering(Bootstrap.name, 1, db))
    return db


def assert_nothing_removed(result: Sync) -> None:
    assert_not_complete(result)
    assert not result.removed, f"marked removed: {sorted(result.removed)[:5]}"
    assert not result.removed_candidates, f"marked removed: {sorted(result.removed_candidates)}"
    state_1 = {r.key for r in truth_solutions(Bootstrap(), 1)}
    assert state_1 - {r.key for r in truth_solutions(Bootstrap(), 2)} <= set(result.referenced)


@pytest.mark.parametrize("case", sync_params(sorted(BROKEN), ["unlabelled"]))
def test_unreadable_layout_after_a_complete_sync_removes_nothing(case, good_catalogue, tmp_path):
    """State 2 (which really removes 2 solutions and 1 candidate) served in a layout the
    contract does not cover: the run is not complete and nothing is marked removed."""
    name, end_to_end = case
    db = copy_catalogue(good_catalogue, tmp_path / "segur.db")
    server = AltServer(BROKEN[name], state=2)
    with synced_by(server, end_to_end) as run_sync:
        result = run_sync(server, db)
    assert_nothing_removed(result)


def test_maintenance_page_on_page_2_is_partial_and_removes_nothing(good_catalogue, tmp_path):
    db = copy_catalogue(good_catalogue, tmp_path / "segur.db")
    fault = Fault("maintenance", "solutions-referencees-segur?page=2", times=None)
    server = AltServer(Bootstrap(), state=2, faults=[fault])
    result = sync_in_process(server, db)
    assert any("page=2" in target for target in server.requests)
    assert_nothing_removed(result)
    assert result.run_status == "partial"


# ---------------------------------------------------------------- the renderings themselves

# A count's digit groups never span two text nodes ("… 2023</td>…<p>59 résultats").
RESULT_LINE = re.compile(r"(\d(?:[^\S\n]*\d)*)\s*résultats?\b|Aucun résultat")


def listing_text(site: AltSite, query: str) -> str:
    """The page's text nodes, one per line, spaces inside each collapsed."""
    body = site.respond(f"{LISTING_PATH}{query}").body
    nodes = (" ".join(text.split()) for text in lxml.html.fromstring(body).itertext())
    return "\n".join(node for node in nodes if node)


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_each_rendering_states_its_total_and_pages_every_row_once(name):
    """Guards the harness: every facet's pages, walked by `page`, hold its rows exactly once,
    and each page's text states the facet's total as the contract says."""
    site = AltSite(RENDERINGS[name], dataset(1))
    entry = site.listing("fr", [])
    facets = entry.dispositif_facets + entry.couloir_facets + entry.vague_facets
    assert {f.name for f in entry.dispositif_facets} >= {r.dispositif for r in site.solutions}
    for facet in facets:
        param = ("f[0]", f"{facet.field}:{facet.value}")
        view = site.listing("fr", [param])
        rows = []
        for page in range(view.page_count):
            rows += site.listing("fr", [param, ("page", str(page))]).rows
            text = listing_text(site, "?" + urlencode([param, ("page", page)]))
            counts = [m.group(1) for m in RESULT_LINE.finditer(text)]
            assert counts, text[:300]
            assert int(re.sub(r"\s", "", counts[-1] or "0")) == facet.count
        wanted = [
            r.key for r in site.solutions if str(getattr(r, FIELD[facet.field])) == facet.name
        ]
        assert [r.key for r in rows] == wanted


FIELD = {"dsr_solutions": "dispositif", "couloir": "couloir", "vague": "vague"}
