"""Datasette plugin: the SQL functions and magic parameter the canned queries use,
and the limits every connection of the public server works under
(catalogue/serve/limits.py).

Available to anyone writing SQL on the public catalogue:

* `segur_compact(text)`: the compact form names are compared in (case, accents,
  punctuation and spaces ignored): "Net Soins" -> "netsoins";
* `segur_page(entity, page_id)`: the path of an entry's public page
  ("solution" or "candidate", and the entry's `page_id`);
* `segur_same_version(a, b)`: whether two spellings name one version ("V2", "2");
* `segur_date(text)`: a French or ISO date ("15/06/2022", "1er juin 2022") to ISO;
* `segur_atom_time(text)`: an ISO date or date-time as an RFC 3339 time (feeds);
* `segur_jour(text)`: the Paris day of an ISO date or date-time, in French
  ("2025-06-02T23:30:00+00:00" -> "3 juin 2025"), NULL for what is no date;
* `segur_in_dispositif(stored, wanted)`: whether a stored dispositif is the one
  `wanted` names or one of its domains ("DUI" holds "DUI MS1 PA/PH/DOM", "LGC"
  does not hold "LGC SF"), 1 or 0.

Each function refuses arguments longer than `MAX_FUNCTION_INPUT` characters.

Magic parameter `:_segur_origin` is the server's origin ("https://host",
`origin`), so that the feeds link back with absolute URLs.
"""

from __future__ import annotations

from datasette import hookimpl

from catalogue.french import atom_timestamp, french_date, paris_day
from catalogue.pages import PREFIXES, entry_path
from catalogue.serve.limits import bound_connection, bounded_function
from catalogue.serve.served import DATABASE_NAME, served_catalogue
from catalogue.versions import same_version
from scraper.normalize import compact_key, parse_date
from scraper.vocabulary import within_dispositif


def _compact(text):
    return None if text is None else compact_key(str(text))


def _same_version(a, b):
    if a is None or b is None:
        return 0
    return int(same_version(str(a), str(b)))


def _date(text):
    return None if text is None else parse_date(str(text))


def page_path(entity, page):
    if entity not in PREFIXES or not page:
        return None
    return entry_path(entity, str(page))


def french_day(text):
    day = paris_day(str(text)) if text is not None else None
    return french_date(day) if day else None


def _in_dispositif(stored, wanted):
    return int(within_dispositif(_text_or_none(stored), _text_or_none(wanted)))


def _text_or_none(value):
    return None if value is None else str(value)


def _atom_time(text):
    return None if text is None else atom_timestamp(str(text))


FUNCTIONS = (
    ("segur_compact", 1, _compact),
    ("segur_same_version", 2, _same_version),
    ("segur_date", 1, _date),
    ("segur_atom_time", 1, _atom_time),
    ("segur_jour", 1, french_day),
    ("segur_page", 2, page_path),
    ("segur_in_dispositif", 2, _in_dispositif),
)


@hookimpl
def prepare_connection(conn, database, datasette):
    if served_catalogue(datasette) is None:
        return

    if database == DATABASE_NAME:
        bound_connection(conn)
    for name, arity, function in FUNCTIONS:
        conn.create_function(name, arity, bounded_function(function), deterministic=True)


# The magic parameter `register_magic_parameters` answers with `origin`.
ORIGIN_PARAMETER = "_segur_origin"


def origin(datasette, request) -> str:
    """The server's origin as the visitor reached it ("https://host"), no final slash."""
    return datasette.absolute_url(request, "/").rstrip("/")


@hookimpl
def register_magic_parameters(datasette):
    def segur(key, request):
        if key != "origin" or served_catalogue(datasette) is None:
            raise KeyError(key)
        return origin(datasette, request)

    return [("segur", segur)]
