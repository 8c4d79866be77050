"""Datasette plugin: the public page of each solution version and each candidature.

* `/solution/<page_id>`: a solution version (catalogue/pages.py gives the path);
* `/candidature/<page_id>`: a candidature.

The page reads the entry, the other versions of its product and its stored
changes; catalogue/story.py turns them into French sentences. An unknown page
is a 404 in French.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from datasette import NotFound, Response, hookimpl

from catalogue import story
from catalogue.pages import CANDIDATE, SOLUTION, entry_path
from catalogue.serve.metadata import source_url
from catalogue.serve.plugins.pages import only_for_the_catalogue
from catalogue.serve.served import DATABASE_NAME

# When an entry has no page of its own recorded (older rows, test data), the page
# links to the ANS list it belongs to.
ANS_CANDIDATES_MEDICO_SOCIAL = (
    "https://industriels.esante.gouv.fr/actualites/segur-du-numerique-en-sante-pour-le-medico-"
    "social-liste-des-editeurs-ms1-et-ms2-candidats-au"
)
ANS_CANDIDATES_MEDECINE_DE_VILLE = (
    "https://industriels.esante.gouv.fr/actualites/segur-du-numerique-en-sante-pour-la-medecine-"
    "de-ville-liste-des-editeurs-candidats-au-referencement"
)

SOLUTION_SQL = """
SELECT s.*, r.started_at AS removed_at
FROM solutions s LEFT JOIN runs r ON r.id = s.removed_run
WHERE s.page_id = :page_id
"""
SIBLINGS_SQL = """
SELECT s.*, r.started_at AS removed_at
FROM solutions s LEFT JOIN runs r ON r.id = s.removed_run
WHERE s.product_key = :product_key
"""
CANDIDATE_SQL = """
SELECT c.*, r.started_at AS removed_at
FROM candidates c LEFT JOIN runs r ON r.id = c.removed_run
WHERE c.page_id = :page_id
"""
CHANGES_SQL = """
SELECT c.*, r.started_at AS run_started_at
FROM changes c JOIN runs r ON r.id = c.run_id
WHERE c.entity = :entity AND c.key IN (SELECT value FROM json_each(:keys))
ORDER BY c.run_id, c.id
"""
FIRST_RUN_SQL = "SELECT min(run_id) FROM changes"
CANDIDATE_PAGE_SQL = "SELECT page_id FROM candidates WHERE key = :key"
BECAME_SQL = """
SELECT s.*, r.started_at AS run_started_at
FROM changes c
JOIN solutions s ON s.key = c.key
JOIN runs r ON r.id = c.run_id
WHERE c.entity = 'solution' AND c.kind = 'added' AND c.was_candidate IS NOT NULL
  AND json_extract(c.was_candidate, '$.key') = :key
ORDER BY c.run_id, c.id
"""


@hookimpl
def register_routes(datasette):
    return [
        (r"^/solution/(?P<page_id>[^/]+)$", solution_page),
        (r"^/candidature/(?P<page_id>[^/]+)$", candidature_page),
    ]


async def _rows(db, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def _one(db, sql: str, params: dict[str, Any], missing: str) -> dict[str, Any]:
    rows = await _rows(db, sql, params)
    if not rows:
        raise NotFound(missing)
    return rows[0]


async def _changes(db, entity: str, keys: list[str]) -> list[dict[str, Any]]:
    return await _rows(db, CHANGES_SQL, {"entity": entity, "keys": json.dumps(keys)})


async def _first_run_id(db) -> int | None:
    return (await db.execute(FIRST_RUN_SQL)).rows[0][0]


def _linked(entity: str, row: story.Row) -> dict[str, Any]:
    """A row with the path of its page (None when it has none)."""
    page = row.get("page_id")
    return {**row, "path": entry_path(entity, page) if page else None}


def _version_links(rows: Iterable[story.Row]) -> list[dict[str, Any]]:
    return [
        {
            **_linked(SOLUTION, row),
            "name": story.solution_name(row),
            "label": story.version_label(row),
            "status_text": story.version_status(row),
            "referenced": story.is_referenced(row),
        }
        for row in rows
    ]


async def _origin(db, changes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The candidature a solution came from, with its page when it still exists."""
    change = story.origin_change(changes)
    if change is None:
        return None
    was_candidate = story.parsed(change["was_candidate"])
    pages = await _rows(db, CANDIDATE_PAGE_SQL, {"key": was_candidate.get("key")})
    page = pages[0]["page_id"] if pages else None
    return {
        "facts": story.candidature_origin(was_candidate),
        "path": entry_path(CANDIDATE, page) if page else None,
    }


def _candidates_list(dispositif: str | None) -> str:
    if story.text(dispositif).upper().startswith("DUI"):
        return ANS_CANDIDATES_MEDICO_SOCIAL
    return ANS_CANDIDATES_MEDECINE_DE_VILLE


@only_for_the_catalogue
async def solution_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    row = await _one(
        db,
        SOLUTION_SQL,
        {"page_id": request.url_vars["page_id"]},
        "Aucune solution du catalogue ne correspond à cette adresse.",
    )
    siblings = await _rows(db, SIBLINGS_SQL, {"product_key": row["product_key"]})
    others = story.other_versions(row, siblings)
    changes = await _changes(db, "solution", [row["key"]])
    sibling_changes = await _changes(db, "solution", [other["key"] for other in others])
    replaced_by = story.replacements(row, siblings, sibling_changes)
    context = {
        "title": story.solution_title(row),
        "consequence": story.solution_consequence(row),
        "status": story.solution_status(row, replaced_by),
        "referenced": story.is_referenced(row),
        "replaced_by": _version_links(replaced_by),
        "facts": story.solution_facts(row),
        "other_versions": _version_links(others),
        "origin": await _origin(db, changes),
        "timeline": story.solution_timeline(row, changes, first_run_id=await _first_run_id(db)),
        "source_url": story.text(row.get("source_url")),
        "ans_list_url": source_url(),
    }
    return Response.html(
        await datasette.render_template("segur_solution.html", context, request=request)
    )


@only_for_the_catalogue
async def candidature_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    row = await _one(
        db,
        CANDIDATE_SQL,
        {"page_id": request.url_vars["page_id"]},
        "Aucune candidature du catalogue ne correspond à cette adresse.",
    )
    became = await _rows(db, BECAME_SQL, {"key": row["key"]})
    changes = await _changes(db, "candidate", [row["key"]])
    context = {
        "title": story.candidature_title(row),
        "status": story.candidature_status(row),
        "current": story.is_current_candidature(row),
        "became_sentence": story.became_sentence(became),
        "became": _version_links(became),
        "facts": story.candidature_facts(row),
        "timeline": story.candidature_timeline(
            row, changes, first_run_id=await _first_run_id(db), became=became
        ),
        "source_url": story.text(row.get("source_url")),
        "ans_list_url": _candidates_list(row.get("dispositif")),
    }
    return Response.html(
        await datasette.render_template("segur_candidature.html", context, request=request)
    )
