"""Datasette plugin: what each sync changed, as pages.

* `/synchronisations`: every sync, newest first, `PAGE_SIZE` a page (`?page=2`
  for older ones), each with its date (Paris time), status, reason and counts;
* `/synchronisations/<n>`: one sync's report (catalogue/diff/document.py and html.py, read from the
  stored changes by catalogue/diff/build.py), each entry linking to its page.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from datasette import NotFound, Response, hookimpl

from catalogue.diff.build import ReportError, run_report
from catalogue.diff.document import Document, report_document
from catalogue.diff.html import render_html
from catalogue.french import french_datetime, french_number, run_status
from catalogue.pages import entry_path, page_ids
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME

LIST_PATH = "/synchronisations"
PAGE_SIZE = 50
MAX_RUN_ID = 2**63 - 1  # SQLite's largest integer
RUN_COLUMNS = (
    "id, started_at, finished_at, status, reason, rows_read, rows_expected, candidates_read, "
    "added, removed, changed, reappeared, candidates_added, candidates_removed, "
    "candidates_changed, candidates_reappeared"
)


@hookimpl
def register_routes(datasette):
    return [
        (r"^/synchronisations$", runs_page),
        (r"^/synchronisations/(?P<run_id>\d+)$", run_page),
    ]


# ---------------------------------------------------------------- the list


@only_for_the_catalogue
async def runs_page(datasette, request):
    page = _page_number(request.args.get("page"))
    db = datasette.get_database(DATABASE_NAME)
    rows = (
        await db.execute(
            f"SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ? OFFSET ?",
            [PAGE_SIZE + 1, (page - 1) * PAGE_SIZE],
        )
    ).rows
    runs = [describe_run(dict(row)) for row in rows[:PAGE_SIZE]]
    context = {
        "runs": runs,
        "page": page,
        "older_url": f"{LIST_PATH}?page={page + 1}" if len(rows) > PAGE_SIZE else None,
        "newer_url": _newer_url(page),
        "first_url": LIST_PATH,
    }
    return Response.html(
        await datasette.render_template("segur_runs.html", context, request=request)
    )


def _page_number(text: str | None) -> int:
    """`?page=` as a page number; anything else is the first page."""
    if text is None or not text.isdigit():
        return 1
    return max(1, min(int(text), MAX_RUN_ID // PAGE_SIZE))


def _newer_url(page: int) -> str | None:
    if page <= 1:
        return None
    return LIST_PATH if page == 2 else f"{LIST_PATH}?page={page - 1}"


def describe_run(row: dict[str, Any]) -> dict[str, Any]:
    """A runs row as the sync pages show it: its name, status and counts in French."""
    return {
        **row,
        "path": f"{LIST_PATH}/{row['id']}",
        "name": run_name(row),
        "title": _capitalised(run_name(row)),
        "status_label": run_status(row["status"]),
        "finished_label": _finished_label(row),
        "reason": (row["reason"] or "").strip(),
        "solutions_summary": _counts_sentence(
            row, ("added", "reappeared", "removed", "changed"), SOLUTION_WORDS
        ),
        "candidates_summary": _counts_sentence(
            row,
            (
                "candidates_added",
                "candidates_reappeared",
                "candidates_removed",
                "candidates_changed",
            ),
            CANDIDATE_WORDS,
        ),
        "rows_read_label": french_number(row["rows_read"]) if row["rows_read"] is not None else "",
        "rows_expected_label": (
            french_number(row["rows_expected"]) if row["rows_expected"] is not None else ""
        ),
    }


def _finished_label(row: dict[str, Any]) -> str:
    """When the sync ended, unless it is the minute it started (already in its name)."""
    finished = french_datetime(row["finished_at"]) if row["finished_at"] else ""
    return "" if finished == french_datetime(row["started_at"]) else finished


def run_name(row: dict[str, Any]) -> str:
    """ "synchronisation n° 12 du 3 mars 2026 à 04 h 10 (heure de Paris)"."""
    return f"synchronisation n° {row['id']} du {french_datetime(row['started_at'])}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# (singular, plural) for added, reappeared, removed, changed.
SOLUTION_WORDS = (
    ("ajoutée", "ajoutées"),
    ("de nouveau référencée", "de nouveau référencées"),
    ("retirée", "retirées"),
    ("modifiée", "modifiées"),
)
CANDIDATE_WORDS = (
    ("nouvelle", "nouvelles"),
    ("de nouveau publiée", "de nouveau publiées"),
    ("retirée", "retirées"),
    ("modifiée", "modifiées"),
)


def _counts_sentence(row: dict[str, Any], columns: tuple[str, ...], words) -> str:
    """ "5 ajoutées, 2 retirées, 1 modifiée" (the counts that are not zero), or ""."""
    parts = []
    for column, (singular, plural) in zip(columns, words, strict=True):
        count = row.get(column) or 0
        if count:
            parts.append(f"{french_number(count)} {singular if count == 1 else plural}")
    return ", ".join(parts)


# ---------------------------------------------------------------- one sync


@dataclass(frozen=True)
class RunPage:
    run: dict[str, Any]
    document: Document
    pages: dict[tuple[str, str], str]  # (entity, key) -> page_id
    previous_id: int | None
    next_id: int | None
    first: bool  # no finished sync before it: everything it read is new
    replaced: int  # removed solutions replaced by a new version (listed under those)


@only_for_the_catalogue
async def run_page(datasette, request):
    text = request.url_vars["run_id"]
    run_id = int(text) if len(text) < 19 else None
    if run_id is None or run_id > MAX_RUN_ID:
        raise NotFound(f"Aucune synchronisation n° {text} dans ce catalogue.")
    db = datasette.get_database(DATABASE_NAME)
    page = await db.execute_fn(lambda conn: read_run_page(conn, run_id))
    if page is None:
        raise NotFound(f"Aucune synchronisation n° {run_id} dans ce catalogue.")

    def link(entity: str, key: str) -> str | None:
        page_id = page.pages.get((entity, key))
        return datasette.urls.path(entry_path(entity, page_id)) if page_id else None

    context = {
        "run": describe_run(page.run),
        "document": page.document,
        "summary": summary(page.document),
        "body": render_html(page.document, link),
        "previous_url": f"{LIST_PATH}/{page.previous_id}" if page.previous_id else None,
        "next_url": f"{LIST_PATH}/{page.next_id}" if page.next_id else None,
        "list_url": LIST_PATH,
        "first": page.first,
        "replaced": page.replaced,
    }
    return Response.html(
        await datasette.render_template("segur_run.html", context, request=request)
    )


def read_run_page(conn: sqlite3.Connection, run_id: int) -> RunPage | None:
    """Everything one sync's page shows, read in one go (None: no such sync)."""
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    try:
        report = run_report(db, run_id)
    except ReportError:
        return None
    document = report_document(report)
    return RunPage(
        run=_run_row(conn, run_id),
        document=document,
        pages=page_ids(conn, {(item.entity, item.key) for item in document.items()}),
        previous_id=_scalar(conn, "SELECT max(id) FROM runs WHERE id < ?", run_id),
        next_id=_scalar(conn, "SELECT min(id) FROM runs WHERE id > ?", run_id),
        first=_scalar(conn, "SELECT count(*) FROM runs WHERE id < ? AND status != 'failed'", run_id)
        == 0,
        replaced=sum(1 for e in report["solutions"]["removed"] if e.get("replaced_by")),
    )


def _run_row(conn: sqlite3.Connection, run_id: int) -> dict[str, Any]:
    cursor = conn.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", [run_id])
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _scalar(conn: sqlite3.Connection, sql: str, *params: Any) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def summary(document: Document) -> list[dict[str, Any]]:
    """The page's "En bref" list: each main section (and each candidature group)
    with its count and anchor."""
    lines = []
    for section in document.sections:
        parts = section.subsections if not section.counted else (section,)
        lines += [
            {"title": part.title, "count": part.count, "anchor": part.anchor}
            for part in parts
            if part.anchor
        ]
    return lines
