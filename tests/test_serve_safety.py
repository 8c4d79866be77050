"""Safe in public: what a hostile or careless visitor can cost the server, and a clean stop.

The numbers (latency of honest visitors under SQL abuse, resident memory) belong to
benchmarks/bench_abuse.py; these tests check each protection holds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from catalogue.serve.app import build_datasette, close_datasette
from catalogue.serve.lane import carries_custom_sql
from catalogue.serve.limits import (
    MAX_FUNCTION_INPUT,
    InputTooLong,
    ResultTooLarge,
    bound_connection,
    bounded_function,
    french_sql_error,
    query_budget,
)
from catalogue.serve.plugins.guard import Resource, check_table_parameters, table_of
from tests.serve_support import ServeProcess, build_catalogue, get

# Runs until the time limit stops it, whatever the catalogue's size.
ENDLESS_SQL = (
    "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
)
TABLES_AND_VIEWS = ("solutions", "candidates", "changes", "runs", "solutions_referencees")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("safety") / "catalogue.db")


@pytest.fixture(scope="module")
def datasette(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None)
    yield datasette
    close_datasette(datasette)


def sql(datasette, query: str, extension: str = ".json"):
    return get(datasette, f"/catalogue{extension}?sql=" + quote(query))


# Custom SQL bounded in size, time and memory.


def test_an_oversized_string_is_refused_before_it_is_built(datasette):
    response = sql(datasette, "select length(segur_compact(hex(zeroblob(100000000))))")
    assert response.status_code == 400
    assert response.json()["error"] == "string or blob too big"
    html = sql(datasette, "select hex(zeroblob(100000000))", extension="")
    assert "Valeur trop grande" in html.text


def test_catalogue_functions_refuse_long_arguments(datasette):
    long_text = f"select segur_compact(hex(zeroblob({MAX_FUNCTION_INPUT})))"
    response = sql(datasette, long_text)
    assert response.status_code == 400
    assert "refusé son argument" in sql(datasette, long_text, extension="").text
    for query in (
        "select segur_compact('Net Soins')",
        "select segur_same_version('V2', '2')",
        "select segur_date('15/06/2022')",
        "select segur_jour('2025-06-02T23:30:00+00:00')",
    ):
        assert sql(datasette, query).status_code == 200, query


def test_bounded_function_checks_every_text_argument():
    joined = bounded_function(lambda a, b: f"{a}{b}")
    assert joined("a", 2) == "a2"
    with pytest.raises(InputTooLong):
        joined("a", "b" * (MAX_FUNCTION_INPUT + 1))
    with pytest.raises(InputTooLong):
        joined(b"x" * (MAX_FUNCTION_INPUT + 1), None)


def test_python_functions_cannot_outrun_the_time_limit(datasette):
    # Millions of calls of a catalogue function: only the progress handler can stop it.
    query = (
        "with recursive c(x) as (select 1 union all select x + 1 from c)"
        " select max(segur_compact('Éditeur ' || x)) from c"
    )
    response = sql(datasette, query)
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]
    page = sql(datasette, query, extension="").text
    assert "a dépassé le temps permis" in page
    assert 'class="segur-nav"' in page  # the catalogue's own page, header included


def test_every_query_has_a_deadline_and_a_result_budget(tmp_path):
    conn = sqlite3.connect(":memory:")
    bound_connection(conn)
    with query_budget(conn, 0.05):
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            conn.execute(ENDLESS_SQL).fetchall()
    big_rows = (
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000)"
        " select hex(zeroblob(20000)) from c"
    )
    with query_budget(conn, None):
        with pytest.raises(ResultTooLarge):
            conn.execute(big_rows).fetchall()
    # Outside a budget (and after one), the same rows are read.
    assert len(conn.execute(big_rows).fetchall()) == 1000


def test_a_result_too_large_for_memory_is_refused_in_french(datasette):
    query = (
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000)"
        " select hex(zeroblob(20000)) as a from c"
    )
    response = sql(datasette, query, extension="")
    assert response.status_code == 400
    assert "Résultat trop volumineux" in response.text


def test_limit_messages_are_french_and_others_unchanged():
    assert french_sql_error("interrupted").startswith("Requête interrompue")
    assert french_sql_error("no such table: nope") == "no such table: nope"


# Nothing to learn about the server.


def test_no_sql_reveals_the_server_file_path(datasette):
    for query in (
        "select file from pragma_database_list",
        "select * from pragma_database_list()",
        "SELECT FILE FROM PRAGMA_DATABASE_LIST",
    ):
        response = sql(datasette, query)
        assert response.status_code == 400, query
        assert response.json()["error"] == "not authorized"
    assert sql(datasette, "attach database ':memory:' as x").status_code == 400


def test_no_page_reveals_the_server_path_or_pid(datasette, catalogue):
    secrets = (str(catalogue.parent), f"{os.getpid()}-")
    pages = [
        "/",
        "/catalogue",
        "/catalogue.json",
        "/-/versions.json",
        "/-/plugins.json",
        "/-/settings.json",
        "/-/metadata.json",
        "/-/config.json",
        "/-/actor.json",
        "/synchronisations",
        "/catalogue.json?sql=" + quote("select * from sqlite_master"),
    ]
    pages += [f"/catalogue/{name}.json" for name in TABLES_AND_VIEWS]
    for path in pages:
        response = get(datasette, path)
        for secret in secrets:
            assert secret not in response.text, path


@pytest.mark.parametrize("name", TABLES_AND_VIEWS)
@pytest.mark.parametrize(
    "query",
    [
        "_sort=nope",
        "_sort_desc=nope",
        "_sort=rowid&_sort_desc=rowid",
        "_next=a,b,c,d",
        "_next=abc&_sort=nope",
        "_through=x",
        "_through=%7B%7D",
        "_timelimit=abc",
    ],
)
def test_bad_parameters_answer_400_in_french(datasette, name, query):
    for extension in ("", ".json"):
        response = get(datasette, f"/catalogue/{name}{extension}?{query}")
        assert response.status_code == 400, (name, query, extension)
        text = response.json()["error"] if extension else response.text
        assert any(word in text for word in ("Tri impossible", "non valable", "pas pris en")), text


def test_views_are_paged_by_offset_only(datasette):
    assert get(datasette, "/catalogue/solutions_referencees?_next=abc").status_code == 400
    assert get(datasette, "/catalogue/solutions_referencees?_next=50").status_code == 200


def test_good_parameters_still_work(datasette):
    for path in (
        "/catalogue/solutions?_sort=editor",
        "/catalogue/solutions?_sort_desc=referenced_on&_next=",
        "/catalogue/runs?_sort=id",
        "/catalogue/changes?_next=1",
        "/catalogue/solutions_referencees?_sort=solution",
    ):
        assert get(datasette, path).status_code == 200, path
    # The "next page" link Datasette prints is accepted.
    first = get(datasette, "/catalogue/solutions.json?_sort=editor&_size=5").json()
    assert first["next"]
    assert (
        get(
            datasette,
            f"/catalogue/solutions.json?_sort=editor&_size=5&_next={quote(first['next'])}",
        ).status_code
        == 200
    )


def test_check_table_parameters_counts_key_components():
    keyed = Resource(columns=frozenset({"key", "editor"}), primary_keys=("key",), is_view=False)
    assert check_table_parameters(keyed, [("_next", "sol:a")]) is None
    assert check_table_parameters(keyed, [("_sort", "editor"), ("_next", "Kali,sol:a")]) is None
    assert check_table_parameters(keyed, [("_next", "a,b,c")])
    view = Resource(columns=frozenset({"fiche"}), primary_keys=(), is_view=True)
    assert check_table_parameters(view, [("_next", "100")]) is None
    assert check_table_parameters(view, [("_next", "-1")])


def test_table_of_reads_table_paths_only():
    assert table_of("/catalogue/solutions.json") == ("solutions", "json")
    assert table_of("/catalogue/solutions") == ("solutions", "html")
    assert table_of("/catalogue") == (None, "html")
    assert table_of("/catalogue/solutions/sol:a") == (None, "html")


def test_a_visitor_cannot_raise_the_cache_lifetime(datasette):
    configured = datasette.setting("default_cache_ttl")
    response = get(datasette, "/catalogue/solutions?_ttl=999999999")
    assert response.headers["cache-control"] == f"max-age={configured}"
    shorter = get(datasette, "/catalogue/solutions?_ttl=5")
    assert shorter.headers["cache-control"] == "max-age=5"


# Honest visitors first.


def test_requests_with_their_own_sql_are_recognised():
    assert carries_custom_sql(["sql"])
    assert carries_custom_sql(["_where", "_size"])
    assert not carries_custom_sql(["nom", "_sort"])


def test_custom_sql_waits_in_its_own_lane_and_overflow_gets_503(catalogue):
    datasette = build_datasette(catalogue, poll_seconds=None, response_cache=False)
    lane = datasette.get_database("catalogue").custom_sql
    finished: list[str] = []

    async def endless(n: int):
        response = await datasette.client.get(f"/catalogue.json?_n={n}&sql=" + quote(ENDLESS_SQL))
        finished.append("custom")
        return response

    async def honest():
        await asyncio.sleep(0.2)  # the lane is full by now
        response = await datasette.client.get("/catalogue/solutions.json?_sort=editor")
        finished.append("honest")
        return response

    async def scenario():
        await datasette.invoke_startup()
        return await asyncio.gather(*(endless(n) for n in range(lane.capacity + 3)), honest())

    try:
        responses = asyncio.run(scenario())
    finally:
        close_datasette(datasette)
    *custom, table_page = responses
    statuses = sorted(response.status_code for response in custom)
    assert statuses == [400] * lane.capacity + [503] * 3  # 400: interrupted at the limit
    refused = [response for response in custom if response.status_code == 503]
    assert all(int(response.headers["retry-after"]) >= 1 for response in refused)
    assert "réessayez" in refused[0].json()["error"]
    assert table_page.status_code == 200
    # The table page did not wait for the queries queued in the lane.
    assert finished.index("honest") < len(finished) - 2
    assert lane.admitted == 0


# A clean stop.


@pytest.mark.process
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_finishes_requests_deletes_snapshots_and_exits_0(tmp_path, signum):
    path = build_catalogue(tmp_path / "catalogue.db")
    server = ServeProcess(["serve", "--db", str(path), "--port", "0", "--quiet"])
    snapshots = tmp_path / "catalogue.db.serve"
    assert any(snapshots.iterdir())
    answer: dict = {}

    def slow_request():
        url = server.url + "catalogue.json?sql=" + quote(ENDLESS_SQL)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                answer["status"] = response.status
        except urllib.error.HTTPError as error:
            answer["status"] = error.code
            answer["body"] = error.read().decode()

    request = threading.Thread(target=slow_request)
    request.start()
    threading.Event().wait(0.3)  # the request is in flight
    code, _, stderr = server.stop(signum)
    request.join(timeout=30)
    assert code == 0, stderr
    assert answer.get("status") == 400, answer  # answered (interrupted at its limit), not cut
    assert "took too long" in answer.get("body", "")
    assert "Traceback" not in stderr
    assert not snapshots.exists() or not any(snapshots.iterdir())
