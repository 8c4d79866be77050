"""The public page of each entry: its stable identifier and its path.

Every solution version and every candidature gets a `page_id` when it is first
stored, and keeps it for good (`catalogue.store` writes it, `catalogue.schema`
gives it to older catalogues). It reads like the entry and ends with a hash of
the entry's key at that moment, so two entries never share one:

    kalisil-4-0-dedalus-3fa2c1d9

A later correction of a name, or a change of key, leaves the page where it was:
links shared by people, feeds and the API keep working.

    /solution/kalisil-4-0-dedalus-3fa2c1d9       (entry_path(SOLUTION, page_id))
    /candidature/lac-dossier-editions-du-lac-0b4e61aa
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable

from scraper.normalize import loose_key

SOLUTION = "solution"
CANDIDATE = "candidate"
PREFIXES = {SOLUTION: "/solution/", CANDIDATE: "/candidature/"}
TABLES = {SOLUTION: "solutions", CANDIDATE: "candidates"}  # where each kind of entry lives
MAX_SLUG_LENGTH = 60
HASH_LENGTH = 8


def slug(*names: str | None) -> str:
    """ "Kalisil", "4.0", "DEDALUS" -> "kalisil-4-0-dedalus", cut at a word boundary."""
    words = loose_key(" ".join(name for name in names if name)).split()
    text = ""
    for word in words:
        longer = f"{text}-{word}" if text else word
        if len(longer) > MAX_SLUG_LENGTH:
            break
        text = longer
    return text or (words[0][:MAX_SLUG_LENGTH] if words else "")


def page_id(key: str, solution: str | None, version: str | None, editor: str | None) -> str:
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    readable = slug(solution, version, editor)
    return f"{readable}-{digest}" if readable else digest


def entry_path(entity: str, page: str) -> str:
    """The path of an entry's page (entity: SOLUTION or CANDIDATE)."""
    return PREFIXES[entity] + page


def page_ids(
    conn: sqlite3.Connection, entries: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The page_id of each (entity, key) that has one."""
    wanted = set(entries)
    found: dict[tuple[str, str], str] = {}
    for entity, table in TABLES.items():
        keys = sorted(key for each, key in wanted if each == entity)
        if not keys:
            continue
        rows = conn.execute(
            f"SELECT key, page_id FROM {table} "
            "WHERE key IN (SELECT value FROM json_each(?)) AND page_id IS NOT NULL",
            [json.dumps(keys)],
        )
        found.update({(entity, key): page for key, page in rows})
    return found
