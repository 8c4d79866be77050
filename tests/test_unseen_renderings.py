"""`segur sync` against renderings of the ANS site it was never tuned to (tests/alt_site).

Each rendering satisfies only the contract (docs/ans-site.md section 4). For renderings 1-5 a sync
of state 1 must be complete and store exactly the truth (`build_dataset`, restricted to the
rows the rendering publishes), then a sync of state 2 on the same catalogue must be complete,
store the state-2 truth and mark removed exactly the keys state 2 lost. Family 6 serves pages
the contract does not cover after a complete sync: the run must not be complete, and nothing
may be marked removed.
"""

from __future__ import annotations

import re
import sqlite3
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
from tests.conftest import run_segur

pytestmark = pytest.mark.slow

SOLUTION_FIELDS = (
    "editor", "solution", "version", "couloir", "dispositif", "vague", "referenced_on",
    "reference_number", "distributors", "pilots",
)  # fmt: skip
CANDIDATE_FIELDS = ("editor", "solution", "version", "dispositif", "status", "applied_on")


# ---------------------------------------------------------------- helpers


@dataclass
class Sync:
    """One `segur sync` and what the catalogue held right after it."""

    returncode: int
    output: str
    run_status: str
    run_reason: str
    referenced: dict[str, dict]  # solutions with status 'referenced', by key
    removed: set[str]  # solution keys with status 'removed'
    candidates: dict[str, dict]  # candidates not removed, by key
    removed_candidates: set[str]
    requests: list[str]


def sync(server: AltServer, db: Path, *options: str) -> Sync:
    server.clear_requests()
    process = run_segur(
        "sync", "--base-url", server.url, "--db", str(db), "--delay", "0", "-q", *options
    )
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        run = connection.execute("SELECT status, reason FROM runs ORDER BY id DESC").fetchone()
        solutions = [dict(row) for row in connection.execute("SELECT * FROM solutions")]
        candidates = [dict(row) for row in connection.execute("SELECT * FROM candidates")]
    return Sync(
        returncode=process.returncode,
        output=(process.stdout + process.stderr).strip(),
        run_status=run["status"],
        run_reason=run["reason"] or "",
        referenced={r["key"]: r for r in solutions if r["status"] == "referenced"},
        removed={r["key"] for r in solutions if r["status"] == "removed"},
        candidates={r["key"]: r for r in candidates if r["removed_run"] is None},
        removed_candidates={r["key"] for r in candidates if r["removed_run"] is not None},
        requests=server.requests,
    )


def by_key(records, fields) -> dict[str, dict]:
    return {record.key: {name: getattr(record, name) for name in fields} for record in records}


def differences(stored: dict[str, dict], truth: dict[str, dict], fields, limit=12) -> list[str]:
    """Readable differences between stored rows and the truth, empty when they are equal."""
    lines = [f"missing {key} {truth[key]}" for key in sorted(truth.keys() - stored.keys())]
    lines += [
        f"unexpected {key} {_pick(stored[key], fields)}"
        for key in sorted(stored.keys() - truth.keys())
    ]
    for key in sorted(truth.keys() & stored.keys()):
        for name in fields:
            if stored[key][name] != truth[key][name]:
                lines.append(
                    f"{key}: {name} stored {stored[key][name]!r}, truth {truth[key][name]!r}"
                )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    return lines


def _pick(row: dict, fields) -> dict:
    return {name: row[name] for name in fields}


def assert_complete(result: Sync) -> None:
    assert result.returncode == 0 and result.run_status == "complete", (
        f"exit {result.returncode}, run {result.run_status}: {result.run_reason}\n{result.output}"
    )


def copy_catalogue(source: Path, target: Path) -> Path:
    """A consistent copy of a WAL catalogue (sqlite's backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


# ---------------------------------------------------------------- renderings 1-5


@dataclass
class TwoStates:
    first: Sync
    second: Sync


@pytest.fixture(scope="module", params=sorted(RENDERINGS), ids=str)
def two_states(request, tmp_path_factory) -> tuple[str, TwoStates]:
    """Sync state 1, then state 2, of one rendering into one fresh catalogue."""
    name = request.param
    db = tmp_path_factory.mktemp(name) / "segur.db"
    with AltServer(RENDERINGS[name], state=1) as server:
        first = sync(server, db)
        server.set_state(2)
        second = sync(server, db)
    return name, TwoStates(first, second)


def test_state_1_sync_is_complete(two_states):
    _, synced = two_states
    assert_complete(synced.first)


def test_state_1_solutions_equal_the_truth(two_states):
    name, synced = two_states
    truth = by_key(truth_solutions(RENDERINGS[name], 1), SOLUTION_FIELDS)
    assert not differences(synced.first.referenced, truth, SOLUTION_FIELDS), "\n".join(
        differences(synced.first.referenced, truth, SOLUTION_FIELDS)
    )


def test_state_1_candidates_equal_the_truth(two_states):
    _, synced = two_states
    truth = by_key(dataset(1).candidates, CANDIDATE_FIELDS)
    found = differences(synced.first.candidates, truth, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def test_state_2_sync_is_complete(two_states):
    _, synced = two_states
    assert_complete(synced.second)


def test_state_2_removes_exactly_what_state_2_lost(two_states):
    name, synced = two_states
    before = {r.key for r in truth_solutions(RENDERINGS[name], 1)}
    after = {r.key for r in truth_solutions(RENDERINGS[name], 2)}
    assert synced.second.removed == before - after
    assert set(synced.second.referenced) == after
    candidates_before = {c.key for c in dataset(1).candidates}
    candidates_after = {c.key for c in dataset(2).candidates}
    assert synced.second.removed_candidates == candidates_before - candidates_after


def test_state_2_solutions_and_candidates_equal_the_truth(two_states):
    name, synced = two_states
    truth = by_key(truth_solutions(RENDERINGS[name], 2), SOLUTION_FIELDS)
    found = differences(synced.second.referenced, truth, SOLUTION_FIELDS)
    truth_candidates = by_key(dataset(2).candidates, CANDIDATE_FIELDS)
    found += differences(synced.second.candidates, truth_candidates, CANDIDATE_FIELDS)
    assert not found, "\n".join(found)


def test_sync_stays_on_the_french_site(two_states):
    """docs/ans-site.md section 1: `/en/` pages repeat the French content; scrape French only."""
    _, synced = two_states
    english = [target for target in synced.first.requests if target.startswith("/en")]
    assert not english


def test_thousands_in_the_result_line(tmp_path):
    """Rendering 1 at scale: "1 031 résultats" with a narrow no-break space."""
    rendering = Bootstrap(page_size=200)
    truth = by_key(truth_solutions(rendering, 1, scale=1000), SOLUTION_FIELDS)
    assert len(truth) > 1000
    with AltServer(rendering, state=1, scale=1000) as server:
        result = sync(server, tmp_path / "segur.db")
    assert_complete(result)
    found = differences(result.referenced, truth, SOLUTION_FIELDS)
    assert not found, "\n".join(found)


# ---------------------------------------------------------------- family 6: unreadable pages


@pytest.fixture(scope="module")
def good_catalogue(tmp_path_factory) -> Path:
    """A catalogue holding one complete sync of state 1 ("bootstrap" rendering)."""
    db = tmp_path_factory.mktemp("good") / "segur.db"
    with AltServer(Bootstrap(), state=1) as server:
        assert_complete(sync(server, db))
    return db


def assert_nothing_removed(result: Sync) -> None:
    assert result.returncode != 0, result.output
    assert result.run_status != "complete", result.output
    assert not result.removed, f"marked removed: {sorted(result.removed)[:5]}"
    assert not result.removed_candidates, f"marked removed: {sorted(result.removed_candidates)}"
    state_1 = {r.key for r in truth_solutions(Bootstrap(), 1)}
    assert state_1 - {r.key for r in truth_solutions(Bootstrap(), 2)} <= set(result.referenced)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_unreadable_layout_after_a_complete_sync_removes_nothing(name, good_catalogue, tmp_path):
    """State 2 (which really removes 2 solutions and 1 candidate) served in a layout the
    contract does not cover: the run is not complete and nothing is marked removed."""
    db = copy_catalogue(good_catalogue, tmp_path / "segur.db")
    with AltServer(BROKEN[name], state=2) as server:
        result = sync(server, db)
    assert_nothing_removed(result)


def test_maintenance_page_on_page_2_is_partial_and_removes_nothing(good_catalogue, tmp_path):
    db = copy_catalogue(good_catalogue, tmp_path / "segur.db")
    fault = Fault("maintenance", "solutions-referencees-segur?page=2", times=None)
    with AltServer(Bootstrap(), state=2, faults=[fault]) as server:
        result = sync(server, db)
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
