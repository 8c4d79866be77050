"""Datasette plugin: the catalogue's own pages and what its templates show.

* `/robots.txt` (catalogue/serve/robots.txt, explained in docs/serving.md, "Robots");
* `/evolution`: the chart of referenced solutions over time by couloir (SVG drawn
  on the server, catalogue/serve/chart.py), and `/evolution.json`;
* template variables: the last sync (every footer, the home page), the feeds'
  addresses (the menu, the header's feed link), and for the home page the tables
  and canned queries;
* links from the entries of the view and of the canned queries to their page;
* Jinja filters for French figures and dates.
"""

from __future__ import annotations

import functools
from pathlib import Path

from datasette import NotFound, Response, hookimpl
from markupsafe import Markup

from catalogue.french import french_date, french_datetime, french_number, no_break
from catalogue.glossary import anchor_of_value
from catalogue.pages import SOLUTION, TABLES, entry_path
from catalogue.serve.chart import (
    CHART_SQL,
    REFERENCED_TODAY_SQL,
    UNDATED_SQL,
    UNKNOWN_COULOIR,
    cumulative_series,
    render_svg,
    yearly_table,
)
from catalogue.serve.columns import display, label, operator, shown, value_label
from catalogue.serve.feeds import FEED_PATH, PAGE_PATH
from catalogue.serve.limits import french_sql_error
from catalogue.serve.metadata import canned_queries, table_metadata
from catalogue.serve.served import DATABASE_NAME, served_catalogue
from catalogue.serve.status import sync_status
from scraper.normalize import parse_date
from scraper.vocabulary import COULOIRS, DISPOSITIFS

VIEW = "solutions_referencees"
LOOKUP_PATH = "/verifier"
ENTITY_OF_TABLE = {table: entity for entity, table in TABLES.items()}
# Canned query parameters chosen from a list rather than typed.
PARAMETER_CHOICES = {
    "couloir": tuple(COULOIRS),
    "dispositif": tuple(d.name for d in DISPOSITIFS),
}
HOME_TABLES = ("solutions_referencees", "solutions", "candidates", "changes", "runs")
ROBOTS = Path(__file__).resolve().parent.parent / "robots.txt"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["nombre_fr"] = french_number
    env.filters["date_fr"] = french_date
    env.filters["moment_fr"] = french_datetime
    env.filters["insecable"] = no_break
    env.filters["erreur_sql"] = french_sql_error
    env.filters["libelle"] = label
    env.filters["titre_table"] = lambda name: table_metadata(name).get("title") or name
    env.filters["operateur"] = operator
    env.filters["valeur"] = value_label
    env.filters["date_lisible"] = parse_date
    env.filters["ancre_glossaire"] = anchor_of_value
    env.tests["affichee"] = shown


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
    db = datasette.get_database(DATABASE_NAME)
    today = {
        couloir or UNKNOWN_COULOIR: count
        for couloir, count in (await db.execute(REFERENCED_TODAY_SQL)).rows
    }
    return Response.html(
        await datasette.render_template(
            "segur_evolution.html",
            {
                "svg": Markup(render_svg(series)),
                "series": series,
                "undated": undated,
                "years": years,
                "yearly_rows": yearly_rows,
                "today": today,
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
            "feed_url": datasette.urls.path(FEED_PATH),
            "feeds_page_url": datasette.urls.path(PAGE_PATH),
            "chart_url": datasette.urls.path("/evolution"),
            "glossary_url": datasette.urls.path("/glossaire"),
            "opendata_url": datasette.urls.path("/donnees/"),
            "choices": PARAMETER_CHOICES,
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
    home = {"referenced": referenced, "tables": tables, "queries": queries}
    return snapshot.remember("home", home)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if served_catalogue(datasette) is None:
        return None
    return display(
        column,
        value,
        row,
        table=table,
        entry_path=lambda page: datasette.urls.path(_entry_path(table, page)),
    )


def _entry_path(table: str | None, page: str) -> str:
    """A row's page from its `fiche` (already a path) or its `page_id`."""
    if page.startswith("/"):
        return page
    return entry_path(ENTITY_OF_TABLE.get(table or "", SOLUTION), page)
