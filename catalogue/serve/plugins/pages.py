"""Datasette plugin: the catalogue's own pages and what its templates show.

* `/robots.txt` (catalogue/serve/robots.txt, explained in docs/serving.md, "Robots");
* `/evolution`: the chart of referenced solutions over time by couloir (SVG drawn
  on the server, catalogue/serve/chart.py), and `/evolution.json`;
* template variables: the last sync (every footer, the home page), and for the
  home page the tables, canned queries and per-couloir feeds;
* links from the entries of the view and of the canned queries to their page;
* Jinja filters for French figures and dates.
"""

from __future__ import annotations

import functools
from pathlib import Path

from datasette import NotFound, Response, hookimpl
from markupsafe import Markup

from catalogue.french import french_date, french_datetime, french_number, no_break
from catalogue.pages import SOLUTION, TABLES, entry_path
from catalogue.serve.chart import (
    CHART_SQL,
    UNDATED_SQL,
    cumulative_series,
    render_svg,
    yearly_table,
)
from catalogue.serve.limits import french_sql_error
from catalogue.serve.metadata import canned_queries, table_metadata
from catalogue.serve.served import DATABASE_NAME, served_catalogue
from catalogue.serve.status import sync_status

VIEW = "solutions_referencees"
LOOKUP_PATH = "/verifier"
FEED_QUERY = "flux_nouvelles_solutions"
ENTITY_OF_TABLE = {table: entity for entity, table in TABLES.items()}
HOME_TABLES = ("solutions_referencees", "solutions", "candidates", "changes", "runs")
ROBOTS = Path(__file__).resolve().parent.parent / "robots.txt"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["nombre_fr"] = french_number
    env.filters["date_fr"] = french_date
    env.filters["moment_fr"] = french_datetime
    env.filters["insecable"] = no_break
    env.filters["erreur_sql"] = french_sql_error


@hookimpl
def register_routes(datasette):
    # Routes are collected when the Datasette object is built, before the catalogue
    # is attached to it: each page checks for the catalogue when it is asked for.
    return [
        (r"^/robots\.txt$", robots_txt),
        (r"^/evolution$", evolution_page),
        (r"^/evolution\.json$", evolution_json),
    ]


def only_for_the_catalogue(page):
    """`page(datasette, request, ...)` answered only by a Datasette serving the catalogue
    (a French 404 otherwise). Datasette reads the parameters `page` names (the wrapper
    keeps its signature) and passes them in that order: `send` may follow `request`."""

    @functools.wraps(page)
    async def checked(datasette, request, *arguments):
        if served_catalogue(datasette) is None:
            raise NotFound("Page introuvable.")
        return await page(datasette, request, *arguments)

    return checked


@only_for_the_catalogue
async def robots_txt(datasette, request):
    return Response.text(ROBOTS.read_text(encoding="utf-8"))


async def _chart_series(datasette):
    db = datasette.get_database(DATABASE_NAME)
    snapshot = db.snapshot
    series = snapshot.recall("chart_series")
    if series is None:
        rows = (await db.execute(CHART_SQL)).rows
        undated = (await db.execute(UNDATED_SQL)).rows[0][0]
        series = snapshot.remember(
            "chart_series", (cumulative_series(tuple(row) for row in rows), undated)
        )
    return series


@only_for_the_catalogue
async def evolution_page(datasette, request):
    series, undated = await _chart_series(datasette)
    years, yearly_rows = yearly_table(series)
    return Response.html(
        await datasette.render_template(
            "segur_evolution.html",
            {
                "svg": Markup(render_svg(series)),
                "series": series,
                "undated": undated,
                "years": years,
                "yearly_rows": yearly_rows,
            },
            request=request,
        )
    )


@only_for_the_catalogue
async def evolution_json(datasette, request):
    series, undated = await _chart_series(datasette)
    return Response.json(
        {
            "couloirs": [
                {
                    "couloir": each.couloir,
                    "total": each.total,
                    "cumul": [[day.isoformat(), count] for day, count in each.points],
                }
                for each in series
            ],
            "sans_date": undated,
        }
    )


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    served = served_catalogue(datasette)
    if served is None:
        return {}

    async def variables():
        db = datasette.get_database(DATABASE_NAME)
        snapshot = db.snapshot
        status = snapshot.recall("sync_status")
        if status is None:
            status = snapshot.remember("sync_status", await sync_status(db))
        segur = {
            "sync": status,
            "snapshot_id": snapshot.id,
            "lookup_url": datasette.urls.path(LOOKUP_PATH),
            "view_url": datasette.urls.table(DATABASE_NAME, VIEW),
            "feed_url": datasette.urls.table(DATABASE_NAME, FEED_QUERY, format="atom"),
            "chart_url": datasette.urls.path("/evolution"),
            "sql_time_limit_ms": datasette.setting("sql_time_limit_ms"),
            "max_returned_rows": datasette.setting("max_returned_rows"),
        }
        if template == "index.html":
            segur["home"] = await _home(datasette, db)
        return {"segur": segur}

    return variables


async def _home(datasette, db) -> dict:
    snapshot = db.snapshot
    home = snapshot.recall("home")
    if home is not None:
        return home
    counts = await db.table_counts(limit=1000)
    referenced = (await db.execute(f"SELECT count(*) FROM [{VIEW}]")).rows[0][0]
    counts = {**counts, VIEW: referenced}
    tables = []
    for name in HOME_TABLES:
        metadata = table_metadata(name)
        tables.append(
            {
                "name": name,
                "title": metadata.get("title", name),
                "description": metadata.get("description", ""),
                "count": counts.get(name),
                "url": datasette.urls.table(DATABASE_NAME, name),
            }
        )
    queries = [
        {
            "name": name,
            "title": query.get("title", name),
            "description": query.get("description", ""),
            "url": datasette.urls.table(DATABASE_NAME, name),
        }
        for name, query in canned_queries().items()
        if not name.startswith("flux_")
    ]
    couloirs = [
        row[0]
        for row in (
            await db.execute(
                "SELECT DISTINCT couloir FROM solutions WHERE couloir IS NOT NULL ORDER BY couloir"
            )
        ).rows
    ]
    feed = datasette.urls.table(DATABASE_NAME, FEED_QUERY, format="atom")
    home = {
        "referenced": referenced,
        "tables": tables,
        "queries": queries,
        "couloir_feeds": [(couloir, f"{feed}?couloir={_quote(couloir)}") for couloir in couloirs],
    }
    return snapshot.remember("home", home)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


@hookimpl
def render_cell(value, column, table, database, datasette):
    if served_catalogue(datasette) is None or value in (None, ""):
        return None
    if column == "fiche" and table == VIEW:
        href = datasette.urls.path(entry_path(SOLUTION, str(value)))
        return Markup('<a href="{}">voir la fiche</a>').format(href)
    if column == "page_id" and table in ENTITY_OF_TABLE:
        href = datasette.urls.path(entry_path(ENTITY_OF_TABLE[table], str(value)))
        return Markup('<a href="{}">voir la fiche</a>').format(href)
    if table is None and column == "fiche" and str(value).startswith("/"):
        return Markup('<a href="{}">voir la fiche</a>').format(datasette.urls.path(str(value)))
    return None
