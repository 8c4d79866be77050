"""Datasette plugin: the feeds, for people and readers.

* `/flux`: a page in French saying what a feed is, what these announce, how to
  follow one, and the address of each (catalogue/serve/feeds.py): every couloir,
  each couloir, each dispositif the catalogue holds and each DUI domain; and a
  form giving the feed of a software (`/flux?nom=netsoins`), with what that name
  finds today;
* `/catalogue/flux_nouvelles_solutions.atom` (`?couloir=`, `?dispositif=`): the
  feed of newly referenced solutions. The canned query of that name (metadata.yml)
  gives its entries; this route renders them (catalogue/serve/atom.py) instead of
  datasette-atom, whose feed has no author, takes the request's URL as its id and
  is served as `application/xml`. Plugin routes come before Datasette's own, so
  the canned query's page links here;
* the same address with `?nom=`: every change of the software that name finds
  (catalogue/serve/name_feed.py).
"""

from __future__ import annotations

import re

from datasette import Response, hookimpl

from catalogue.lookup import find_matches, name_query
from catalogue.serve.atom import CONTENT_TYPE, Entry, Feed, Person, render_feed
from catalogue.serve.feeds import (
    AUTHOR,
    FEED_PATH,
    FEED_QUERY,
    PAGE_PATH,
    Selection,
    SelectionRefused,
    feeds_by_couloir,
)
from catalogue.serve.metadata import about_url, canned_queries
from catalogue.serve.name_feed import name_feed_entries
from catalogue.serve.plugins.functions import ORIGIN_PARAMETER, origin
from catalogue.serve.plugins.guard import error_response
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME
from scraper.vocabulary import MEDICO_SOCIAL

MAX_NAMES_SHOWN = 10  # software names the form shows for a name
HELD_SQL = (
    "SELECT DISTINCT couloir, dispositif FROM solutions WHERE couloir IS NOT NULL"
    " ORDER BY couloir, dispositif"
)


@hookimpl
def register_routes(datasette):
    return [
        (f"^{re.escape(PAGE_PATH)}$", feeds_page),
        (f"^{re.escape(FEED_PATH)}$", feed),
    ]


@only_for_the_catalogue
async def feeds_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    snapshot = db.snapshot
    groups = snapshot.recall("feed_groups")
    if groups is None:
        held = (tuple(row) for row in (await db.execute(HELD_SQL)).rows)
        groups = snapshot.remember("feed_groups", feeds_by_couloir(held))
    context = {
        "origin": origin(datasette, request),
        "all_feeds": Selection().path,
        "groups": groups,
        # The couloir of the page's example (a nursing home follows the DUI).
        "medico_social": next((g for g in groups if g.couloir == MEDICO_SOCIAL), None),
        **await _followed(db, request.args.get("nom")),
    }
    return Response.html(
        await datasette.render_template("segur_flux.html", context, request=request)
    )


async def _followed(db, typed: str | None) -> dict:
    """What the form "Suivre un logiciel" answers: the feed of a name, and the
    software that name finds today (or why it cannot be followed)."""
    if typed is None:
        return {}
    try:
        selection = Selection.read("", "", typed)
    except SelectionRefused as refused:
        return {"name_typed": typed, "name_refused": str(refused)}
    if not selection.name:
        return {
            "name_typed": typed,
            "name_refused": "Indiquez le nom d'un logiciel ou d'un éditeur.",
        }
    query = name_query(selection.name)
    matches, total = await db.execute_fn(lambda conn: find_matches(conn, query))
    names = list(dict.fromkeys(match.name(with_version=False) for match in matches))
    return {
        "name_typed": typed,
        "name_feed": selection.path,
        "name_found": names[:MAX_NAMES_SHOWN],
        "name_more": len(names) > MAX_NAMES_SHOWN or total > len(matches),
    }


@only_for_the_catalogue
async def feed(datasette, request):
    try:
        selection = Selection.read(
            request.args.get("couloir"), request.args.get("dispositif"), request.args.get("nom")
        )
    except SelectionRefused as refused:
        return await error_response(datasette, 400, str(refused), "text")
    site = origin(datasette, request)
    db = datasette.get_database(DATABASE_NAME)
    if selection.name:
        entries = await db.execute_fn(lambda conn: name_feed_entries(conn, selection, site))
    else:
        params = {
            "couloir": selection.couloir,
            "dispositif": selection.dispositif,
            ORIGIN_PARAMETER: site,
        }
        rows = (await db.execute(canned_queries()[FEED_QUERY]["sql"], params)).rows
        entries = [_entry(row) for row in rows]
    description = Feed(
        id=selection.atom_id,
        title=selection.title,
        subtitle=selection.subtitle,
        # The query returns one entry at least (saying that nothing is new yet).
        updated=max(entry.updated for entry in entries),
        self_url=site + selection.path,
        page_url=site + PAGE_PATH,
        author=Person(AUTHOR, about_url()),
    )
    return Response(render_feed(description, entries), content_type=CONTENT_TYPE)


def _entry(row) -> Entry:
    return Entry(
        id=row["atom_id"],
        title=row["atom_title"],
        updated=row["atom_updated"],
        content=row["atom_content"],
        link=row["atom_link"],
        author=Person(row["atom_author_name"]) if row["atom_author_name"] else None,
    )
