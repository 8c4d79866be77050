"""What one query may cost the public server: bounded in size, time and memory.

Anyone may write SQL against the public catalogue (`?sql=`). Datasette stops a
query at `sql_time_limit_ms` through SQLite's progress handler, which runs
between two steps of the query; what the catalogue adds must keep that true:

* every connection gets SQLite limits (`bound_connection`): no string or blob
  over `MAX_VALUE_BYTES` (`zeroblob(1e8)` fails at once instead of allocating
  100 MB), no statement over `MAX_SQL_CHARS`, no ATTACH, and no way to read the
  server's file path (`pragma_database_list` is refused by the authorizer);
* the catalogue's Python SQL functions refuse arguments over
  `MAX_FUNCTION_INPUT` characters (`bounded_function`), so each call is short
  and the progress handler gets its turn between two calls;
* every query, including those Datasette runs without a time limit of its own,
  runs under a deadline and a budget of result bytes (`query_budget`): rows
  are counted as they are fetched, before Datasette renders them;
* SQLite's own heap is capped for the whole process (`HEAP_LIMIT_BYTES`).

None of this knows about Datasette: `catalogue/serve/database.py` applies it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

MAX_VALUE_BYTES = 1_000_000
MAX_SQL_CHARS = 50_000
MAX_FUNCTION_INPUT = 1_000
MAX_RESULT_BYTES = 10_000_000
HEAP_LIMIT_BYTES = 256 * 1024 * 1024
PROGRESS_STEPS = 1_000  # SQLite steps between two looks at the clock (~0.1 ms)

_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_CHARS,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
}
# Pragmas whose answer tells where the server keeps its files.
PRIVATE_PRAGMAS = frozenset({"database_list"})


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows exceed `MAX_RESULT_BYTES` (its message is for the public)."""


class InputTooLong(ValueError):
    """A catalogue SQL function was given more than `MAX_FUNCTION_INPUT` characters."""


RESULT_TOO_LARGE = (
    f"Résultat trop volumineux (plus de {MAX_RESULT_BYTES // 1_000_000} Mo) :"
    " demandez moins de lignes ou de colonnes."
)
# SQLite's and Datasette's messages for a query stopped by a limit, for the public.
_FRENCH_ERRORS = {
    "interrupted": "Requête interrompue : elle a dépassé le temps permis.",
    "string or blob too big": (
        f"Valeur trop grande : le catalogue public n'accepte pas de texte de plus de"
        f" {MAX_VALUE_BYTES // 1_000_000} Mo."
    ),
    "not authorized": "Opération non autorisée sur le catalogue public.",
    "user-defined function raised exception": (
        f"Une fonction segur_… a refusé son argument (plus de {MAX_FUNCTION_INPUT}"
        " caractères, ou valeur non lisible)."
    ),
    "out of memory": "Requête trop gourmande en mémoire pour le catalogue public.",
    "statement too long": "Requête trop longue pour le catalogue public.",
}


def french_sql_error(message):
    """The French sentence for an error a limit caused; other messages unchanged
    (the same object: an HTML message stays HTML)."""
    return _FRENCH_ERRORS.get(str(message).strip(), message)


def bound_connection(conn: sqlite3.Connection) -> None:
    """Apply the limits to one connection of the public server."""
    for category, value in _LIMITS.items():
        conn.setlimit(category, value)
    conn.set_authorizer(_refuse_private)
    conn.row_factory = _counted_row
    # Process-wide; custom SQL cannot raise it (Datasette refuses PRAGMA statements).
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")


def _refuse_private(action: int, arg1, arg2, database, trigger) -> int:
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in PRIVATE_PRAGMAS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ATTACH:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def bounded_function(function: Callable) -> Callable:
    """`function` refusing any text or blob argument over `MAX_FUNCTION_INPUT` characters."""

    @wraps(function)
    def bounded(*args):
        for arg in args:
            if isinstance(arg, str | bytes) and len(arg) > MAX_FUNCTION_INPUT:
                raise InputTooLong(f"argument longer than {MAX_FUNCTION_INPUT} characters")
        return function(*args)

    return bounded


# The budget of the query running on this thread (one query at a time per thread).
_budget = threading.local()


def _counted_row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
    remaining = getattr(_budget, "remaining", None)
    if remaining is not None:
        for value in values:
            if isinstance(value, str | bytes):
                remaining -= len(value)
            else:
                remaining -= 8
        _budget.remaining = remaining
        if remaining < 0:
            _budget.remaining = None  # report it once
            raise ResultTooLarge(RESULT_TOO_LARGE)
    return sqlite3.Row(cursor, values)


@contextmanager
def query_budget(
    conn: sqlite3.Connection, seconds: float | None, result_bytes: int = MAX_RESULT_BYTES
) -> Iterator[None]:
    """Run the block under a deadline (None: no deadline) and a result budget.

    Datasette sets its own progress handler around each query it times, and
    removes it after: the deadline here covers everything else the block runs.
    """
    _budget.remaining = result_bytes
    if seconds is not None:
        deadline = time.perf_counter() + seconds

        def past_deadline() -> int:
            return 1 if time.perf_counter() >= deadline else 0

        conn.set_progress_handler(past_deadline, PROGRESS_STEPS)
    try:
        yield
    finally:
        _budget.remaining = None
        if seconds is not None:
            conn.set_progress_handler(None, PROGRESS_STEPS)
