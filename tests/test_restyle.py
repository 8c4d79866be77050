"""A restyle of the ANS site is not a change: the same list synced through one rendering
after another records no addition, removal or change (docs/ans-site.md, section 4.1).

Renderings that publish the same list (by their own truth) are chained into one
catalogue; what one rendering prints and another omits at the level of one entry (a DUI
domain, a referencing number, pilots) is covered on the store's side by test_identity.py.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

import pytest

from tests.alt_site import RENDERINGS, AltServer, truth_solutions
from tests.conftest import run_segur

pytestmark = pytest.mark.slow

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
        with AltServer(RENDERINGS[name], state=1) as server:
            process = run_segur(
                "sync", "--base-url", server.url, "--db", str(db), "--delay", "0", "-q"
            )
        run = last_run(db)
        assert (process.returncode, run["status"]) == (0, "complete"), (name, process.stderr)
        if number:
            changes = {count: run[count] for count in COUNTS if run[count]}
            assert changes == {}, f"{names[number - 1]} then {name}: {changes}"
