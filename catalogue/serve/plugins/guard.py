"""Datasette plugin: what a visitor may ask of the public server.

`asgi_wrapper` looks at each request before Datasette does:

* Datasette pages that would show the server's file paths are not served;
* on a table or view page, `_sort`, `_sort_desc`, `_next`, `_through` and
  `_timelimit` are checked against the snapshot's schema: a value Datasette
  would answer with a 500 (and a traceback in the log) gets a 400 with a French
  sentence instead;
* a request carrying its own SQL (`?sql=`, `?_where=`) enters the custom-SQL
  lane (catalogue/serve/lane.py) or, when the lane is full, gets a 503 with a
  `Retry-After`;
* `Cache-Control: max-age` never exceeds the configured `default_cache_ttl`,
  whatever `?_ttl=` asks (a visitor must not make proxies keep a page for years).

`handle_exception` renders the errors Datasette raises for a visitor's request
(404, 400, a query stopped at its time limit; told apart by `visitor_error`,
catalogue/serve/internals.py) with the catalogue's own page, header and footer
included; unexpected exceptions are left to Datasette.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from datasette import Response, hookimpl
from datasette.utils import tilde_decode

from catalogue.serve.database import SnapshotDatabase
from catalogue.serve.internals import visitor_error
from catalogue.serve.lane import CUSTOM_SQL, carries_custom_sql
from catalogue.serve.served import DATABASE_NAME, served_catalogue

# Datasette introspection pages that reveal the snapshot's path on the server.
HIDDEN_PATHS = frozenset({"/-/databases", "/-/databases.json", "/-/threads", "/-/threads.json"})
FORMATS = ("html", "json", "csv")
_MAX_AGE = re.compile(rb"max-age=(\d+)")


@dataclass(frozen=True)
class Resource:
    """What a table or view page can be sorted and paged by."""

    columns: frozenset[str]
    primary_keys: tuple[str, ...]
    is_view: bool


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        return Guard(app, datasette)

    return wrap


@hookimpl
def handle_exception(datasette, request, exception):
    error = visitor_error(exception) if served_catalogue(datasette) is not None else None
    if error is None:
        return None

    async def render():
        format_ = "json" if request.path.endswith(".json") else "html"
        message = error.message if format_ == "json" else in_french(error.message)
        return await error_response(
            datasette, error.status, message, format_, title=error.title, request=request
        )

    return render


# Datasette's messages for a visitor's request, as people read them (the JSON API
# keeps Datasette's own words). Matched at the start of the message.
FRENCH_MESSAGES = (
    ("Database not found", "Cette page n'existe pas."),
    ("Table not found", "Cette table n'existe pas dans le catalogue."),
    ("Record not found", "Cette ligne n'existe pas (ou plus) dans cette table."),
    ("No data", "Cette page n'existe pas."),
    ("404", "Cette page n'existe pas."),
    ("Cannot search by that column", "La recherche n'est pas possible sur cette colonne."),
    ("_size must be", "Le nombre de lignes par page (_size) doit être un entier entre 1 et 1 000."),
    (
        "Cannot use _sort and _sort_desc",
        "Choisissez un seul ordre de tri (croissant ou décroissant).",
    ),
    ("Cannot sort table by", "Tri impossible : cette colonne n'existe pas ou ne se trie pas."),
    ("_facet= is not allowed", "Les facettes ne sont pas disponibles ici."),
    ("_where= is not allowed", "Les conditions SQL ne sont pas disponibles ici."),
    ("CSV streaming is disabled", "L'export CSV complet n'est pas disponible."),
    (
        "_next not allowed for CSV streaming",
        "L'export CSV complet part toujours de la première ligne.",
    ),
    ("Invalid _through", "Le paramètre _through ne correspond à aucune relation de la table."),
    ("_col=", "Une des colonnes demandées (_col) n'existe pas."),
    ("_nocol=", "Une des colonnes demandées (_nocol) n'existe pas."),
    ("Cannot download", "Le téléchargement de la base n'est pas disponible."),
    ("Invalid database", "Cette page n'existe pas."),
)


def in_french(message):
    """A Datasette message in French when it is one of its English ones, else as it is
    (the catalogue's own messages are French already)."""
    text = str(message)
    for english, french in FRENCH_MESSAGES:
        if text.startswith(english):
            return french
    return message


async def error_response(
    datasette, status: int, message, format_: str, *, title=None, request=None, headers=None
) -> Response:
    """An error for a visitor: JSON for the API, the catalogue's own page in
    HTML, plain text otherwise (a CSV link)."""
    if format_ == "json":
        body = {"ok": False, "error": str(message), "status": status, "title": title}
        return Response.json(body, status=status, headers=headers)
    if format_ != "html":
        return Response.text(str(message), status=status, headers=headers)
    context = {"ok": False, "error": message, "status": status, "title": title}
    # The guard may answer a server's very first request, before Datasette's router
    # ran the startup hooks that rendering needs (invoke_startup runs them once).
    await datasette.invoke_startup()
    html = await datasette.render_template("error.html", context, request=request)
    return Response.html(html, status=status, headers=headers)


class Guard:
    def __init__(self, app, datasette):
        self.app = app
        self.datasette = datasette

    async def __call__(self, scope, receive, send):
        served = served_catalogue(self.datasette)
        if scope["type"] != "http" or served is None:
            await self.app(scope, receive, send)
            return
        if scope["path"] in HIDDEN_PATHS:
            await self._answer(send, 404, "html", "Cette page n'est pas publique.")
            return
        send = _capped_max_age(send, self.datasette.setting("default_cache_ttl"))
        params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        database = self.datasette.databases.get(DATABASE_NAME)
        if not isinstance(database, SnapshotDatabase):
            await self.app(scope, receive, send)
            return
        name, format_ = table_of(scope["path"])
        if name is not None:
            resource = self._resources(database).get(name)
            problem = check_table_parameters(resource, params) if resource else None
            if problem:
                await self._answer(send, 400, format_, problem)
                return
        if carries_custom_sql(name for name, _ in params):
            await self._in_custom_lane(database, scope, receive, send, format_)
            return
        await self.app(scope, receive, send)

    async def _in_custom_lane(self, database, scope, receive, send, format_):
        lane = database.custom_sql
        if not lane.try_enter():
            await self._answer(
                send,
                503,
                format_,
                "Trop de requêtes SQL en cours sur le catalogue public : "
                f"réessayez dans {lane.retry_after_seconds} secondes.",
                headers={"Retry-After": str(lane.retry_after_seconds)},
            )
            return
        token = CUSTOM_SQL.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            CUSTOM_SQL.reset(token)
            lane.leave()

    async def _answer(self, send, status: int, format_: str, message: str, headers=None):
        response = await error_response(self.datasette, status, message, format_, headers=headers)
        await response.asgi_send(send)

    def _resources(self, database: SnapshotDatabase) -> dict[str, Resource]:
        snapshot = database.served.current
        return snapshot.memo("resources", lambda: database.execute_inline(read_resources))


def read_resources(conn) -> dict[str, Resource]:
    resources = {}
    for name, kind in conn.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"
    ).fetchall():
        info = conn.execute("SELECT name, pk FROM pragma_table_info(?)", [name]).fetchall()
        keyed = sorted((pk, column) for column, pk in info if pk)
        is_view = kind == "view"
        primary_keys = tuple(column for _, column in keyed) or (() if is_view else ("rowid",))
        resources[name] = Resource(
            columns=frozenset(column for column, _ in info),
            primary_keys=primary_keys,
            is_view=is_view,
        )
    return resources


def table_of(path: str) -> tuple[str | None, str]:
    """(name, format) of a `/catalogue/<name>[.json|.csv]` path; (None, format) otherwise."""
    format_ = "html"
    parts = path.strip("/").split("/")
    if len(parts) >= 1 and "." in parts[-1]:
        stem, _, extension = parts[-1].rpartition(".")
        if extension in FORMATS:
            parts[-1], format_ = stem, extension
    if len(parts) != 2 or parts[0] != DATABASE_NAME or not parts[1]:
        return None, format_
    return tilde_decode(parts[1]), format_


def check_table_parameters(resource: Resource, params: list[tuple[str, str]]) -> str | None:
    """A French sentence saying what is wrong with a table page's parameters, or None."""
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    sortable = resource.columns | ({"rowid"} if "rowid" in resource.primary_keys else set())
    for key in ("_sort", "_sort_desc"):
        for column in values.get(key, []):
            if column not in sortable:
                return f"Tri impossible : la colonne « {column} » n'existe pas ici."
    if "_sort" in values and "_sort_desc" in values:
        return "Tri impossible : choisissez _sort ou _sort_desc, pas les deux."
    for value in values.get("_next", []):
        if not _valid_next(resource, value):
            return "Paramètre _next non valable : suivez les liens « page suivante »."
    for value in values.get("_timelimit", []):
        if not value.isdigit():
            return "Paramètre _timelimit non valable : un nombre de millisecondes est attendu."
    if "_through" in values:
        return "Le paramètre _through n'est pas pris en charge par ce catalogue."
    return None


def _valid_next(resource: Resource, value: str) -> bool:
    if not value:
        return True  # Datasette reads an empty _next as the first page
    if resource.is_view or not resource.primary_keys:
        return value.isdigit()  # views are paged by offset
    parts = value.split(",")
    # The primary key's values, preceded by the sort column's value when sorted.
    return len(parts) in (len(resource.primary_keys), len(resource.primary_keys) + 1)


def _capped_max_age(send, ttl: int):
    async def capped(message):
        if message["type"] == "http.response.start":
            headers = [
                (name, _cap(value, ttl) if name.lower() == b"cache-control" else value)
                for name, value in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return capped


def _cap(cache_control: bytes, ttl: int) -> bytes:
    return _MAX_AGE.sub(lambda match: b"max-age=%d" % min(int(match.group(1)), ttl), cache_control)
