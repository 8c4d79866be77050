"""Name look-up for "Mon logiciel est-il référencé ?", as `segur check` matches names.

A name is compared in compact form (`compact_key`: case, accents, punctuation and
spaces ignored) with each entry's editor, solution, editor + solution and
referencing number; a substring is enough, so "netsoins", "Net Soins" and
"NETSOINS" find the same entries.

Calling a Python function from SQL for each of 10,000 rows costs about 15 ms, too
much for a look-up served to many people at once. A snapshot never changes, so its
names are put in compact form once, when the snapshot is taken, and the SQL
function `segur_match(table, name)` returns the matching keys as a JSON array
(about 1 ms for 10,000 entries):

    SELECT * FROM solutions
    WHERE key IN (SELECT value FROM json_each(segur_match('solutions', :nom)))
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Iterable

from scraper.normalize import compact_key

# Shorter names would match nearly everything.
MIN_NAME_LENGTH = 2
# A look-up never returns more keys than Datasette would show rows.
MAX_MATCHES = 1000
INDEXED_TABLES = ("solutions", "candidates")
SEPARATOR = "\x00"  # between the names of one entry
ENTRY_SEPARATOR = "\x01"  # between entries


def haystack(editor: str | None, solution: str | None, reference_number: str | None) -> str:
    """Every compact form a name may be found in, joined by a separator no name contains."""
    editor_key, solution_key = compact_key(editor), compact_key(solution)
    parts = (
        editor_key,
        solution_key,
        editor_key + solution_key,
        solution_key + editor_key,
        compact_key(reference_number),
    )
    return SEPARATOR.join(part for part in parts if part)


class NameIndex:
    """The compact names of one snapshot's solutions and candidates.

    Per table, every entry's names are joined into one text (entries separated by
    a character no compact name contains), so that a look-up is a few `str.find`
    calls in C rather than a Python loop over every entry.
    """

    def __init__(self, entries: dict[str, list[tuple[str, str]]]):
        self._keys: dict[str, list[str]] = {}
        self._starts: dict[str, list[int]] = {}
        self._texts: dict[str, str] = {}
        for table, rows in entries.items():
            starts, position = [], 0
            for _, names in rows:
                starts.append(position)
                position += len(names) + 1
            self._keys[table] = [key for key, _ in rows]
            self._starts[table] = starts
            self._texts[table] = ENTRY_SEPARATOR.join(names for _, names in rows)

    @classmethod
    def from_rows(cls, rows_by_table: dict[str, Iterable[tuple]]) -> NameIndex:
        """`rows_by_table[table]` yields (key, editor, solution, reference_number)."""
        return cls(
            {
                table: [
                    (key, haystack(editor, solution, number))
                    for key, editor, solution, number in rows
                ]
                for table, rows in rows_by_table.items()
            }
        )

    @classmethod
    def from_connection(cls, conn: sqlite3.Connection) -> NameIndex:
        rows_by_table = {}
        for table in INDEXED_TABLES:
            number = "reference_number" if table == "solutions" else "NULL"
            rows_by_table[table] = conn.execute(
                f"SELECT key, editor, solution, {number} FROM [{table}]"
            ).fetchall()
        return cls.from_rows(rows_by_table)

    def match(self, table: str, name: str | None) -> list[str]:
        """Keys of `table` whose names contain `name` in compact form."""
        wanted = compact_key(name)
        if len(wanted) < MIN_NAME_LENGTH or table not in self._texts:
            return []
        text, starts, keys = self._texts[table], self._starts[table], self._keys[table]
        matches = []
        found = text.find(wanted)
        while found != -1 and len(matches) < MAX_MATCHES:
            entry = bisect.bisect_right(starts, found) - 1
            matches.append(keys[entry])
            if entry + 1 == len(starts):
                break
            found = text.find(wanted, starts[entry + 1])
        return matches

    def match_json(self, table: str, name: str | None) -> str:
        return json.dumps(self.match(table, name), ensure_ascii=False)
