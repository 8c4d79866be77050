"""Never half a sync: snapshots, the swap, request pinning and the response cache."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import threading

import pytest

from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.cache import CachedResponse, ResponseCache
from catalogue.serve.database import PINNED
from catalogue.serve.served import served_catalogue
from catalogue.serve.snapshots import NotACatalogue, SnapshotMaker, SourceWatcher
from scraper.items import SolutionRecord
from tests.serve_support import NET_SOINS, count_referenced, crawl_result, get, store_run

VIEW_JSON = "/catalogue/solutions_referencees.json"


def new_solution(number: int) -> SolutionRecord:
    return SolutionRecord(
        editor=f"ÉDITEUR NOUVEAU {number}",
        solution=f"Nouveauté {number}",
        version="1.0",
        couloir="Officine",
        dispositif="LGO",
        vague=2,
        referenced_on="2025-07-01",
    )


def with_new_solutions(count: int):
    """State 1 (with Net Soins) plus `count` new solutions."""
    return crawl_result(1, extra=(NET_SOINS, *[new_solution(n) for n in range(count)]))


@pytest.fixture
def catalogue(tmp_path):
    path = tmp_path / "catalogue.db"
    store_run(path, crawl_result(1))
    return path


@pytest.fixture
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def referenced_count(datasette, query: str = "") -> tuple[int, str]:
    response = get(datasette, f"{VIEW_JSON}?_size=0{query}")
    assert response.status_code == 200
    return response.json()["filtered_table_rows_count"], response.headers["x-segur-snapshot"]


# Name look-up.


def test_snapshot_holds_the_look_up_index(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    try:
        found = get(datasette, "/verifier.json?nom=N.E.T%20S-O-I-N-S").json()
        assert found["verdict"] == "referenced"
        assert {m["solution"] for m in found["matches"]} == {"Net Soins"}
    finally:
        close_datasette(datasette)


# Snapshots.


def test_snapshot_is_a_read_only_prepared_copy(catalogue, tmp_path):
    snapshot = SnapshotMaker(catalogue, tmp_path / "snapshots").take()
    assert snapshot.path.parent == tmp_path / "snapshots"
    assert snapshot.run_id == 1 and snapshot.id == "1-run1"
    assert not snapshot.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    conn = sqlite3.connect(f"file:{snapshot.path}?immutable=1", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute(
        "SELECT count(*) FROM solutions_fts WHERE solutions_fts MATCH 'kalisil'"
    ).fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM solutions").fetchone()[0] == count_referenced(
        catalogue
    )
    assert conn.execute("SELECT count(*) FROM name_terms WHERE term = 'netsoins'").fetchone()[0]
    conn.close()


def test_snapshot_rebuilds_a_stale_full_text_index(catalogue, tmp_path):
    source = sqlite3.connect(catalogue)
    # A writer that bypassed the triggers: the index no longer matches the rows.
    source.execute("UPDATE solutions SET solution = 'Renommé' WHERE solution = 'Kalisil'")
    source.execute("INSERT INTO solutions_fts(solutions_fts) VALUES ('delete-all')")
    source.commit()
    source.close()
    snapshot = SnapshotMaker(catalogue, tmp_path / "snapshots").take()
    conn = sqlite3.connect(f"file:{snapshot.path}?immutable=1", uri=True)
    assert conn.execute(
        "SELECT solution FROM solutions WHERE rowid IN "
        "(SELECT rowid FROM solutions_fts WHERE solutions_fts MATCH 'renomme')"
    ).fetchall() == [("Renommé",)]
    conn.close()


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "catalogue not found"),
        (b"not a database at all, just text", "is not a readable SQLite file"),
        (b"", "is not a Ségur catalogue (no runs, solutions, candidates, changes table)"),
    ],
)
def test_what_cannot_be_served(tmp_path, content, message):
    path = tmp_path / "file.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NotACatalogue, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_datasette(path, poll_seconds=None)
    assert not (tmp_path / "file.db.serve").exists()


def test_source_watcher_sees_commits_only(catalogue):
    watcher = SourceWatcher(catalogue)
    assert watcher.changed() is True
    assert watcher.changed() is False
    writer = sqlite3.connect(catalogue, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE runs SET reason = 'en cours' WHERE id = 1")
    assert watcher.changed() is False  # not committed yet
    writer.execute("COMMIT")
    assert watcher.changed() is True
    assert watcher.changed() is False
    writer.close()
    watcher.close()


# Swapping.


def test_served_data_changes_only_after_the_swap(catalogue, datasette):
    served = served_catalogue(datasette)
    before, first_id = referenced_count(datasette)
    first_file = served.current.path
    store_run(catalogue, with_new_solutions(1))
    # Committed, but not swapped yet: cached and uncached answers are still the old ones.
    assert referenced_count(datasette) == (before, first_id)
    assert referenced_count(datasette, "&_uncached=1") == (before, first_id)
    assert served.refresh() is True
    after, second_id = referenced_count(datasette)
    assert after == before + 1 and second_id != first_id
    assert not first_file.exists()  # no request reads it any more
    assert served.refresh() is False


def test_a_request_keeps_its_snapshot_across_a_swap(catalogue, datasette):
    served = served_catalogue(datasette)
    db = datasette.get_database("catalogue")
    before = count_referenced(catalogue)
    pinned = served.pin()
    store_run(catalogue, with_new_solutions(1))
    assert served.refresh() is True

    async def count():
        result = await db.execute("SELECT count(*) FROM solutions_referencees")
        return result.rows[0][0]

    async def in_pinned_request():
        token = PINNED.set(pinned)
        try:
            return await count()
        finally:
            PINNED.reset(token)

    assert asyncio.run(in_pinned_request()) == before
    assert pinned.path.exists()  # still read
    assert asyncio.run(count()) == before + 1  # a new request sees the new run
    served.release(pinned)
    assert not pinned.path.exists()


def test_no_response_mixes_two_runs(catalogue, datasette):
    """Many requests while runs are committed and swapped in: each answer (counted by
    one query, listed by another, faceted by others) agrees with itself."""
    served = served_catalogue(datasette)
    counts = {served.current.id: count_referenced(catalogue)}
    stop = threading.Event()
    errors = []

    def sync_and_swap():
        try:
            for number in range(1, 6):
                store_run(catalogue, with_new_solutions(number))
                served.refresh()
                counts[served.current.id] = count_referenced(catalogue)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            stop.set()

    async def hammer():
        answers = []
        number = 0
        while not stop.is_set():
            batch = [
                datasette.client.get(f"{VIEW_JSON}?_size=max&_shape=objects&_n={number + i}")
                for i in range(8)
            ]
            number += 8
            answers += await asyncio.gather(*batch)
        return answers

    writer = threading.Thread(target=sync_and_swap)
    writer.start()
    answers = asyncio.run(hammer())
    writer.join()
    assert errors == []
    assert len(counts) == 6
    seen = set()
    for response in answers:
        assert response.status_code == 200
        data = response.json()
        snapshot = response.headers["x-segur-snapshot"]
        seen.add(snapshot)
        assert data["filtered_table_rows_count"] == len(data["rows"]) == counts[snapshot]
        couloirs = data["facet_results"]["couloir"]["results"]
        assert sum(facet["count"] for facet in couloirs) == counts[snapshot]
    assert len(seen) >= 2


def test_a_long_write_transaction_is_invisible_until_commit(catalogue, datasette):
    served = served_catalogue(datasette)
    before, snapshot_id = referenced_count(datasette)
    writer = sqlite3.connect(catalogue, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE solutions SET status = 'removed' WHERE couloir = 'Hôpital'")
    assert served.refresh() is False
    assert referenced_count(datasette, "&_n=1") == (before, snapshot_id)
    writer.execute("COMMIT")
    writer.close()
    assert served.refresh() is True
    after, _ = referenced_count(datasette, "&_n=2")
    assert after < before


# The response cache.


def test_responses_are_cached_until_the_next_swap(catalogue, datasette):
    served = served_catalogue(datasette)
    first = get(datasette, "/catalogue/solutions_referencees")
    assert first.headers["x-segur-cache"] == "miss"
    again = get(datasette, "/catalogue/solutions_referencees")
    assert again.headers["x-segur-cache"] == "hit"
    assert again.content == first.content
    assert (
        get(datasette, "/catalogue/solutions_referencees?_sort=solution").headers["x-segur-cache"]
        == "miss"
    )
    store_run(catalogue, with_new_solutions(1))
    served.refresh()
    assert len(served.cache) == 0
    after = get(datasette, "/catalogue/solutions_referencees")
    assert after.headers["x-segur-cache"] == "miss"
    assert after.headers["x-segur-snapshot"] != first.headers["x-segur-snapshot"]


def test_errors_are_not_cached(datasette):
    assert get(datasette, "/catalogue/nope").headers["x-segur-cache"] == "miss"
    assert get(datasette, "/catalogue/nope").headers["x-segur-cache"] == "miss"


def test_identical_concurrent_requests_are_computed_once(datasette):
    served = served_catalogue(datasette)

    async def burst():
        return await asyncio.gather(
            *[datasette.client.get("/catalogue/solutions?_n=burst") for _ in range(10)]
        )

    responses = asyncio.run(burst())
    states = sorted(response.headers["x-segur-cache"] for response in responses)
    assert states == ["hit"] * 9 + ["miss"]
    assert len({response.content for response in responses}) == 1
    assert served.cache.hits >= 9


def test_cache_is_bounded():
    cache = ResponseCache(max_entries=3, max_bytes=10, max_entry_bytes=5)

    def response(size: int) -> CachedResponse:
        return CachedResponse(200, (), b"x" * size)

    assert cache.put(("too big",), response(6)) is False
    for key in "abcd":
        cache.put((key,), response(2))
    assert len(cache) == 3 and cache.get(("a",)) is None
    cache.put(("e",), response(5))
    assert cache.get(("e",)) is not None and len(cache) <= 3
    cache.clear()
    assert len(cache) == 0


def test_snapshots_of_dead_servers_are_removed_and_a_stopped_server_cleans_up(catalogue):
    root = catalogue.with_name(catalogue.name + ".serve")
    dead = root / "999999999-1"  # no such process
    alive = root / f"{os.getppid()}-1"
    for folder in (dead, alive):
        folder.mkdir(parents=True)
        (folder / "0001-run1.db").write_bytes(b"")
    datasette = build_datasette(catalogue, poll_seconds=None)
    served = served_catalogue(datasette)
    assert not dead.exists() and alive.exists()
    assert served.current.path.exists()
    close_datasette(datasette)
    assert not served.folder.exists() and alive.exists()
