"""A restyle of the ANS site is not a change: the same list synced through one rendering
after another records no addition, removal or change (docs/ans-site.md, section 4.1).

Renderings that publish the same list (by their own truth) are chained into one
catalogue, and the replica is synced alternately as it is and restyled tersely (no DUI
domain, no referencing number, no pilots). Each site is crawled in-process by the real
spiders (tests/spider_harness.py) under a base URL of its own, as distinct sites would be.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import replace

import pytest

from replica.dataset import build_dataset
from replica.site import Page, Site
from tests.alt_site import RENDERINGS, truth_solutions
from tests.spider_harness import PageSite, sync_site
from tests.sync_support import sync_rendering

# Whole sites crawled in-process: the full suite runs them, `make test-fast` does not.
pytestmark = pytest.mark.crawl

PER_GROUP = 5
COUNTS = (
    "added", "removed", "changed", "reappeared",
    "candidates_added", "candidates_removed", "candidates_changed", "candidates_reappeared",
)  # fmt: skip


def same_list_groups() -> list[list[str]]:
    """Renderings grouped by the list they publish in state 1 (several per group)."""
    groups: dict[frozenset, list[str]] = defaultdict(list)
    for name in sorted(RENDERINGS):
        truth = truth_solutions(RENDERINGS[name], 1)
        groups[frozenset(record.key for record in truth)].append(name)
    return [names[:PER_GROUP] for names in groups.values() if len(names) > 1]


def last_run(db) -> dict:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return dict(connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone())


@pytest.mark.parametrize("names", same_list_groups(), ids=lambda names: "+".join(names))
def test_one_rendering_after_another_records_no_change(tmp_path, names):
    db = tmp_path / "segur.db"
    for number, name in enumerate(names):
        synced = sync_rendering(name, 1, db)  # under a base URL of its own
        run = last_run(db)
        assert run["status"] == "complete", (name, synced.run_reason)
        if number:
            changes = {count: run[count] for count in COUNTS if run[count]}
            assert changes == {}, f"{names[number - 1]} then {name}: {changes}"


DUI_DOMAIN = re.compile(r"(Dossier Usager Informatisé \(DUI\)) – MS\d [A-Z/]+")
NUMBER_CELL = re.compile(r'(views-field-numero-referencement">)[0-9a-f]{10}(</td>)')
PILOTS_CELL = re.compile(r'(views-field-premieres-installations">).*?(</td>)', re.S)


def terse(html: str) -> str:
    """The replica restyled tersely: "DUI" without its domain, no referencing number,
    no pilots."""
    html = DUI_DOMAIN.sub(r"\1", html)
    html = NUMBER_CELL.sub(r"\1\2", html)
    return PILOTS_CELL.sub(r"\1\2", html)


class Restyled:
    """`site` with every page passed through `rewrite`: the same list, another style."""

    def __init__(self, site: PageSite, rewrite) -> None:
        self.site = site
        self.rewrite = rewrite

    def respond(self, target: str) -> Page:
        page = self.site.respond(target)
        return replace(page, body=self.rewrite(page.body))


def sync_through(site: tuple[str, PageSite], db) -> dict:
    base_url, pages = site
    summary, _ = sync_site(db, pages, base_url=base_url)
    run = last_run(db)
    assert run["status"] == "complete", summary.reason
    return {count: run[count] for count in COUNTS if run[count]}


@pytest.mark.parametrize("order", ["detailed-then-terse", "terse-then-detailed"])
def test_a_rendering_omitting_domains_numbers_and_pilots_records_no_change(tmp_path, order):
    detailed = ("http://replica.invalid", Site(build_dataset(1), "table"))
    restyled = ("http://restyled.invalid", Restyled(detailed[1], terse))
    sites = [detailed, restyled] if order == "detailed-then-terse" else [restyled, detailed]
    db = tmp_path / "segur.db"
    first = sync_through(sites[0], db)
    assert first["added"] == 266
    assert sync_through(sites[1], db) == {}
    again = sync_through(sites[0], db)
    assert again == {}
    with sqlite3.connect(db) as connection:
        dui = connection.execute(
            "SELECT count(*) FROM solutions WHERE dispositif LIKE 'DUI MS%'"
        ).fetchone()[0]
        numbers = connection.execute(
            "SELECT count(*) FROM solutions WHERE reference_number IS NOT NULL"
        ).fetchone()[0]
    assert dui == 85 and numbers > 50  # the finer facts, whichever came first
