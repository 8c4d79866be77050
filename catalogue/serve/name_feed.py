"""The entries of the feed of a name (`?nom=`): everything that happened to the
software a person follows.

A look-up of the name (the rule of /verifier: the text starts a word of the
editor or solution name, case, accents and punctuation aside;
`catalogue.lookup.named_entries`) gives the entries followed, withdrawn ones
and candidatures included. Their latest `MAX_CHANGES` stored changes are read as
the reports of the runs that made them (`catalogue.diff.build.entries_reports`)
and worded as those reports are (catalogue/diff/document.py): one entry per item,
newest sync first, whose text says the change itself: what was referenced, which
version it replaces, what was withdrawn, which field changed from what to what.

Nothing here knows about Datasette: `name_feed_entries` takes a connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from catalogue.diff.build import entries_reports, filtered_report
from catalogue.diff.document import Placed, placed_items, report_document
from catalogue.diff.text import item_lines
from catalogue.french import atom_timestamp, french_date, paris_day
from catalogue.lookup import name_query, named_entries
from catalogue.pages import entry_path, page_ids
from catalogue.serve.atom import Entry, Person
from catalogue.serve.feeds import AUTHOR, NAME_FEED_ID, Selection

MAX_CHANGES = 100
ENTRY_ID = "tag:segur-catalogue,2024:changes/{}"
EMPTY_ID = "tag:segur-catalogue,2024:aucun-changement"
NO_DATE = "2021-01-01T00:00:00+00:00"  # before the first referencing: a feed never empty


def name_feed_entries(conn: sqlite3.Connection, selection: Selection, site: str) -> list[Entry]:
    """The entries of `selection`'s feed (it names a software), `site` the server's
    origin; one entry saying so when nothing happened to it yet."""
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    followed = named_entries(conn, name_query(selection.name))
    reports = [
        filtered_report(report, lambda entity, group, element: selection.holds(element))
        for report in entries_reports(db, followed, MAX_CHANGES)
    ]
    placed = [(report["run"], each) for report in reports for each in _placed(report)]
    if not placed:
        return [_nothing_yet(conn, selection, site)]
    pages = page_ids(conn, {(each.item.entity, each.item.key) for _, each in placed})
    ids = _change_ids(conn, [(run["id"], each) for run, each in placed])
    return [
        _entry(run, each, ids[run["id"], each.item.entity, each.item.key], pages, site)
        for run, each in placed
    ]


def _placed(report: dict[str, Any]) -> Iterator[Placed]:
    """The items of a run's report, each entry once (a candidature that became
    referenced is the new solution's item already)."""
    seen = set()
    for each in placed_items(report_document(report)):
        entry = (each.item.entity, each.item.key)
        if entry not in seen:
            seen.add(entry)
            yield each


_CHANGE_IDS_SQL = """
SELECT run_id, entity, key, max(id) FROM changes
WHERE run_id IN (SELECT value FROM json_each(:runs))
  AND key IN (SELECT value FROM json_each(:keys))
GROUP BY run_id, entity, key
"""


def _change_ids(
    conn: sqlite3.Connection, placed: list[tuple[int, Placed]]
) -> dict[tuple[int, str, str], int]:
    """The stored change each item says, by (run, entity, key)."""
    runs = sorted({run_id for run_id, _ in placed})
    keys = sorted({each.item.key for _, each in placed})
    rows = conn.execute(_CHANGE_IDS_SQL, {"runs": json.dumps(runs), "keys": json.dumps(keys)})
    return {(run_id, entity, key): change_id for run_id, entity, key, change_id in rows}


def _entry(
    run: dict[str, Any],
    placed: Placed,
    change_id: int,
    pages: dict[tuple[str, str], str],
    site: str,
) -> Entry:
    item = placed.item
    page = pages.get((item.entity, item.key))
    link = site + entry_path(item.entity, page) if page else f"{site}/"
    lines = item_lines(item, None)
    lines[0] = lines[0].removeprefix("- ")
    where = [" — ".join(placed.where)] if placed.where else []
    day = french_date(paris_day(run["started_at"]))
    content = [
        f"{placed.label[0].upper()}{placed.label[1:]}.",
        "",
        *where,
        *lines,
        "",
        f"Détecté lors de la synchronisation n° {run['id']} du {day} : "
        f"{site}/synchronisations/{run['id']}",
    ]
    return Entry(
        id=ENTRY_ID.format(change_id),
        title=_title(placed),
        updated=_updated(run.get("finished_at") or run["started_at"]),
        content="\n".join(content),
        link=link,
        author=Person(AUTHOR),
    )


def _title(placed: Placed) -> str:
    """ "Officina 7.3 (OFFICINA SOFT) : nouvelle version référencée, LGO"."""
    item = placed.item
    named = f"{item.name} {item.version}".strip()
    if item.editor:
        named += f" ({item.editor})"
    place = placed.where[-1] if placed.where else next(iter(item.context), "")
    return f"{named} : {placed.label}" + (f", {place}" if place else "")


def _updated(text: str | None) -> str:
    return atom_timestamp(text) or NO_DATE


def _nothing_yet(conn: sqlite3.Connection, selection: Selection, site: str) -> Entry:
    latest = conn.execute("SELECT max(finished_at) FROM runs").fetchone()[0]
    within = "".join(
        f", {kind} {value}"
        for kind, value in (("couloir", selection.couloir), ("dispositif", selection.dispositif))
        if value
    )
    return Entry(
        id=f"{EMPTY_ID}/{selection.atom_id.removeprefix(NAME_FEED_ID + '/')}",
        title=f"Aucun changement pour « {selection.name} »",
        updated=_updated(latest),
        content=(
            "Le catalogue n'a encore enregistré aucun changement pour un logiciel ou un éditeur "
            f"dont un mot commence par « {selection.name} »{within}. Ce flux annoncera le prochain."
        ),
        link=f"{site}/",
        author=Person(AUTHOR),
    )
