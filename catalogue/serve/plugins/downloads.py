"""Datasette plugin: every row, downloaded whole.

Datasette answers at most `max_returned_rows` (1,000) rows a request. Its CSV pages
through a table or a view when asked `_stream=on`, but its JSON is paged (`next`),
and a canned query's CSV and JSON stop at 1,000 rows, `_stream=on` or not. These
routes stream every row instead, read a page at a time (each page one bounded query,
catalogue/serve/limits.py) from the snapshot the request is pinned to:

* `/telecharger/<slug>.csv`: the files for spreadsheets of catalogue/serve/downloads.py
  (referenced solutions, candidatures, changes), as attachments named after the day of
  the data;
* `/telecharger/catalogue/<table>.json?<the table page's parameters>`: every row of a
  table or view page, as a JSON array of objects (`_nl=on`: one object a line), read
  through Datasette's own JSON API (`datasette.client`) page after page (`_next`):
  the same filters, search, sort and columns as the page;
* `/telecharger/catalogue/<query>.csv` and `.json?<parameters>`: every row of a canned
  query, paged with LIMIT and OFFSET around its SQL;
* `/telecharger/catalogue/<table>.csv` redirects to Datasette's streamed CSV
  (`_stream=on`), which pages tables and views itself.

An answer starts once its first page is read, so a request that cannot be answered
gets its French error. A failure after that (a page past the time limit) ends the
response unfinished: the download fails instead of looking complete.

`extra_template_vars` gives the pages their export links (`segur_export`: whole CSV
and JSON of the table or canned query shown) and the files for spreadsheets
(`segur_downloads`: the home page, and the table page each one comes from).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import NotFound, Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_decode

from catalogue.french import paris_day
from catalogue.serve.downloads import (
    DOWNLOAD_OF_SLUG,
    DOWNLOADS,
    PAGE_ROWS,
    Download,
    JsonWriter,
    csv_rows,
    excel_rows,
    filename,
)
from catalogue.serve.limits import french_sql_error
from catalogue.serve.metadata import canned_queries
from catalogue.serve.plugins.functions import ORIGIN_PARAMETER, origin
from catalogue.serve.plugins.guard import error_response, table_of
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME, served_catalogue

DOWNLOADS_PATH = "/telecharger"
EXPORTS_PATH = f"{DOWNLOADS_PATH}/{DATABASE_NAME}"
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
JSON_LINES_TYPE = "application/x-ndjson; charset=utf-8"
# Parameters that choose a page or a format, not rows: an export sets its own.
PAGING_PARAMETERS = frozenset(
    {"_next", "_size", "_shape", "_nl", "_format", "_stream", "_dl", "_nocount", "_nofacet"}
)
# The sync whose data a snapshot holds: the latest that wrote any (a failed one writes none).
DATA_RUN_SQL = (
    "SELECT finished_at FROM runs WHERE status IN ('complete', 'partial') ORDER BY id DESC LIMIT 1"
)


@hookimpl
def register_routes(datasette):
    return [
        (rf"^{DOWNLOADS_PATH}/(?P<slug>[a-z-]+)\.csv$", spreadsheet_file),
        (rf"^{EXPORTS_PATH}/(?P<name>[^/]+)\.(?P<format>csv|json)$", whole_export),
    ]


@dataclass(frozen=True)
class Page:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


class Refused(Exception):
    """The first page could not be read: answer `response` instead of a download."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


# ---------------------------------------------------------------- the files for spreadsheets


@only_for_the_catalogue
async def spreadsheet_file(datasette, request, send):
    download = DOWNLOAD_OF_SLUG.get(request.url_vars["slug"])
    if download is None:
        raise NotFound("Aucun fichier à télécharger à cette adresse.")
    db = datasette.get_database(DATABASE_NAME)
    name = filename(download.slug, await data_day(db), "csv")
    chunks = _spreadsheet_chunks(db, download, origin(datasette, request))
    return await _stream(datasette, request, send, chunks, CSV_TYPE, attachment=name)


async def _spreadsheet_chunks(db, download: Download, site: str) -> AsyncIterator[bytes]:
    first = True
    async for rows in _download_pages(db, download, site):
        yield excel_rows([download.headers, *rows] if first else rows, bom=first)
        first = False


async def _download_pages(db, download: Download, site: str) -> AsyncIterator[list[tuple]]:
    """The file's rows, a page at a time (at least one page, maybe empty)."""
    params: dict[str, Any] = {"limit": PAGE_ROWS, "origin": site}
    sql = download.page_sql(after=False)
    while True:
        rows = (await db.execute(sql, params)).rows
        yield [tuple(row)[2:] for row in rows]
        if len(rows) < PAGE_ROWS:
            return
        params = {**params, "after_order": rows[-1][0], "after_key": rows[-1][1]}
        sql = download.page_sql(after=True)


async def data_day(db) -> str | None:
    """The Paris day of the sync whose data the request's snapshot holds."""
    snapshot = db.snapshot
    day = snapshot.recall("data_day")
    if day is None:
        rows = (await db.execute(DATA_RUN_SQL)).rows
        day = snapshot.remember("data_day", paris_day(rows[0][0]) if rows else "")
    return day or None


# ---------------------------------------------------------------- tables, views and queries


@only_for_the_catalogue
async def whole_export(datasette, request, send):
    name = tilde_decode(request.url_vars["name"])
    format_ = request.url_vars["format"]
    db = datasette.get_database(DATABASE_NAME)
    query = canned_queries().get(name)
    if query is not None:
        pages = _query_pages(db, query["sql"], _query_params(datasette, request, query))
    elif name in await db.table_names() or name in await db.view_names():
        if format_ == "csv":
            return Response.redirect(table_csv_url(datasette, name, _row_parameters(request)))
        pages = _table_pages(datasette, name, _row_parameters(request))
    else:
        raise NotFound(f"Aucune table ni requête « {name} » dans ce catalogue.")
    if format_ == "csv":
        name = filename(name, await data_day(db), "csv")
        return await _stream(datasette, request, send, _csv_chunks(pages), CSV_TYPE, name)
    lines = bool(request.args.get("_nl"))
    chunks = _json_chunks(pages, JsonWriter(lines=lines))
    return await _stream(datasette, request, send, chunks, JSON_LINES_TYPE if lines else JSON_TYPE)


def _row_parameters(request) -> list[tuple[str, str]]:
    """The request's parameters that choose rows (filters, search, sort, columns)."""
    pairs = parse_qsl(request.query_string, keep_blank_values=True)
    return [(key, value) for key, value in pairs if key not in PAGING_PARAMETERS]


def _query_params(datasette, request, query: dict) -> dict[str, str]:
    """A canned query's parameters as Datasette gives them: "" when not asked."""
    params = {name: request.args.get(name) or "" for name in query.get("params") or ()}
    if f":{ORIGIN_PARAMETER}" in query["sql"]:
        params[ORIGIN_PARAMETER] = origin(datasette, request)
    return params


async def _query_pages(db, sql: str, params: dict[str, str]) -> AsyncIterator[Page]:
    paged = f"SELECT * FROM (\n{sql}\n) LIMIT :segur_rows OFFSET :segur_offset"
    offset = 0
    while True:
        results = await db.execute(
            paged, {**params, "segur_rows": PAGE_ROWS, "segur_offset": offset}
        )
        yield Page(results.columns, results.rows)
        if len(results.rows) < PAGE_ROWS:
            return
        offset += PAGE_ROWS


async def _table_pages(datasette, name: str, parameters) -> AsyncIterator[Page]:
    """The pages of Datasette's JSON for the table, 1,000 rows each, read through its
    client (a request made while answering this one reads the same snapshot)."""
    path = datasette.urls.table(DATABASE_NAME, name, format="json")
    asked = [*parameters, ("_size", "max"), ("_nocount", "1"), ("_nofacet", "1")]
    next_token = None
    while True:
        page = asked + ([("_next", next_token)] if next_token else [])
        response = await datasette.client.get(f"{path}?{urlencode(page)}")
        if response.status_code != 200:
            raise Refused(
                Response(response.text, status=response.status_code, content_type=JSON_TYPE)
            )
        data = response.json()
        yield Page(data["columns"], data["rows"])
        next_token = data.get("next")
        if not next_token:
            return


async def _csv_chunks(pages: AsyncIterator[Page]) -> AsyncIterator[bytes]:
    first = True
    async for page in pages:
        yield csv_rows([page.columns, *page.rows] if first else page.rows)
        first = False


async def _json_chunks(pages: AsyncIterator[Page], writer: JsonWriter) -> AsyncIterator[bytes]:
    first = True
    async for page in pages:
        rows = writer.rows(dict(zip(page.columns, row, strict=True)) for row in page.rows)
        yield (writer.start() + rows) if first else rows
        first = False
    yield writer.end()


# ---------------------------------------------------------------- streaming


async def _stream(datasette, request, send, chunks, content_type: str, attachment=None):
    """Send `chunks` as the response, once the first one is read (None: sent); the
    response for a first page that cannot be read otherwise."""
    format_ = "json" if request.path.endswith(".json") else "text"
    try:
        first = await anext(chunks)
    except Refused as refused:
        return refused.response
    except (QueryInterrupted, sqlite3.DatabaseError) as error:
        return await error_response(datasette, 400, french_sql_error(str(error)), format_)
    headers = [(b"content-type", content_type.encode())]
    if attachment:
        headers.append((b"content-disposition", f'attachment; filename="{attachment}"'.encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": first, "more_body": True})
    sent = len(first)
    try:
        async for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
    except Exception as error:  # the response is under way: leave it unfinished
        print(
            f"segur serve: download {request.path} interrupted after {sent} bytes: {error}",
            file=sys.stderr,
            flush=True,
        )
        return None
    await send({"type": "http.response.body", "body": b""})
    return None


# ---------------------------------------------------------------- links for the templates


def table_csv_url(datasette, name: str, parameters) -> str:
    """Datasette's CSV of a table or view, every row (streamed a page at a time)."""
    path = datasette.urls.table(DATABASE_NAME, name, format="csv")
    return f"{path}?{urlencode([*parameters, ('_size', 'max'), ('_stream', 'on')])}"


def export_links(datasette, request) -> dict[str, str] | None:
    """Whole CSV and JSON of the table, view or canned query a page shows (None
    elsewhere: custom SQL is answered 1,000 rows at most)."""
    name, _ = table_of(request.path)
    if name is None:
        return None
    parameters = _row_parameters(request)
    query = urlencode(parameters)
    suffix = f"?{query}" if query else ""
    json_path = datasette.urls.path(f"{EXPORTS_PATH}/{name}.json")
    is_query = name in canned_queries()
    return {
        "csv": (
            datasette.urls.path(f"{EXPORTS_PATH}/{name}.csv") + suffix
            if is_query
            else table_csv_url(datasette, name, parameters)
        ),
        "json": json_path + suffix,
        "json_lines": f"{json_path}?{urlencode([*parameters, ('_nl', 'on')])}",
    }


async def described_downloads(datasette, db) -> list[dict[str, Any]]:
    """The files for spreadsheets as the pages show them, with their row counts."""
    snapshot = db.snapshot
    described = snapshot.recall("downloads")
    if described is None:
        day = await data_day(db)
        described = []
        for download in DOWNLOADS:
            count = (await db.execute(download.count_sql())).rows[0][0]
            described.append(
                {
                    "table": download.table,
                    "title": download.title,
                    "description": download.description,
                    "count": count,
                    "counted": download.counted[0 if count == 1 else 1],
                    "day": day,
                    "filename": filename(download.slug, day, "csv"),
                    "url": datasette.urls.path(f"{DOWNLOADS_PATH}/{download.slug}.csv"),
                }
            )
        described = snapshot.remember("downloads", described)
    return described


@hookimpl
def extra_template_vars(template, table, request, datasette):
    if served_catalogue(datasette) is None or request is None:
        return {}
    if template not in ("index.html", "table.html", "query.html"):
        return {}

    async def variables():
        db = datasette.get_database(DATABASE_NAME)
        downloads = await described_downloads(datasette, db)
        if template != "index.html":
            downloads = [each for each in downloads if each["table"] == table]
        return {"segur_downloads": downloads, "segur_export": export_links(datasette, request)}

    return variables
