"""Every part of Datasette the catalogue relies on beyond its documented API.

Datasette 0.65 documents its plugin hooks, what plugins may call on `Datasette` and
`Database` (https://docs.datasette.io/en/0.65.x/internals.html), the templates it
lets a template directory replace, and its test client. The catalogue uses those
freely, as it does `datasette.plugins.pm` to register its plugins (as the plugin
testing docs do). What it needs beyond them is listed in `TOUCHPOINTS`, each
with the shape relied upon and the reason:

* private or undocumented names it calls or sets, only through the wrappers of
  this module (`prepare_connection`, `asgi_app`, `visitor_error`,
  `quiet_default_error_page`);
* members of Datasette's classes it overrides: `CatalogueDatasette` here, and
  `SnapshotDatabase` (catalogue/serve/database.py, which serves each request
  from one snapshot);
* Datasette templates that catalogue/serve/templates/ replaces or includes.

`check_internals()` names the touchpoints the installed Datasette breaks:
tests/test_datasette_internals.py fails on them and `segur serve` refuses to
start. To upgrade Datasette, read this module and run that test.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.resources
import inspect
from dataclasses import dataclass
from pathlib import Path

from datasette.app import Datasette
from markupsafe import Markup

from catalogue.serve.served import served_catalogue

WRITTEN_FOR = "0.65.5"
HERE = "catalogue/serve/internals.py"
DATASETTE = "datasette.app:Datasette"
DATABASE = "datasette.database:Database"
SNAPSHOT_DATABASE = "SnapshotDatabase (catalogue/serve/database.py)"
GUARD = f"visitor_error() ({HERE}), for handle_exception (catalogue/serve/plugins/guard.py)"
_MISSING = object()


# Shapes: what is relied upon, and how to tell that it changed ------------------


@dataclass(frozen=True)
class Method:
    """A function with exactly these parameters (a coroutine function when `is_async`)."""

    parameters: tuple[str, ...]
    is_async: bool = False

    def describe(self, name: str) -> str:
        return f"{'async ' if self.is_async else ''}def {name}({', '.join(self.parameters)})"

    def problem(self, owner, name: str) -> str | None:
        value = inspect.getattr_static(owner, name, _MISSING)
        if value is _MISSING:
            return "missing"
        if not inspect.isfunction(value):
            return f"now a {type(value).__name__}, not a function"
        if inspect.iscoroutinefunction(value) != self.is_async:
            return "no longer a coroutine function" if self.is_async else "now a coroutine function"
        return _parameters_problem(value, self.parameters, exactly=True)


@dataclass(frozen=True)
class Accepts:
    """A callable (a class: its constructor) taking at least these keyword parameters."""

    parameters: tuple[str, ...]

    def describe(self, name: str) -> str:
        return f"{name}(..., {'=..., '.join(self.parameters)}=...)"

    def problem(self, owner, name: str) -> str | None:
        value = inspect.getattr_static(owner, name, _MISSING)
        if value is _MISSING:
            return "missing"
        if not callable(value):
            return f"now a {type(value).__name__}, not callable"
        return _parameters_problem(value, self.parameters, exactly=False)


@dataclass(frozen=True)
class Property:
    """A property of the class, read on each access."""

    def describe(self, name: str) -> str:
        return f"property {name}"

    def problem(self, owner, name: str) -> str | None:
        value = inspect.getattr_static(owner, name, _MISSING)
        if value is _MISSING:
            return "missing"
        if not isinstance(value, property):
            return f"now a {type(value).__name__}, not a property"
        return None


@dataclass(frozen=True)
class InstanceAttribute:
    """An attribute the constructor sets from its argument of the same name
    (looked for on an instance built with `constructor_args` and a probe value)."""

    constructor_args: tuple = ()

    def describe(self, name: str) -> str:
        return f"attribute {name}, set by the constructor's `{name}` argument"

    def problem(self, owner, name: str) -> str | None:
        probe = "probe.db"
        try:
            instance = owner(*self.constructor_args, **{name: probe})
        except Exception as error:
            return f"cannot be looked for: the constructor raised {error!r}"
        if getattr(instance, name, _MISSING) != probe:
            return "no longer set by the constructor"
        return None


@dataclass(frozen=True)
class ExceptionClass:
    """An exception class with these class attributes."""

    attributes: tuple[str, ...]

    def describe(self, name: str) -> str:
        return f"class {name}(Exception) with {', '.join(self.attributes)}"

    def problem(self, owner, name: str) -> str | None:
        value = inspect.getattr_static(owner, name, _MISSING)
        if value is _MISSING:
            return "missing"
        if not (isinstance(value, type) and issubclass(value, Exception)):
            return "no longer an exception class"
        missing = [attribute for attribute in self.attributes if not hasattr(value, attribute)]
        return f"no longer has {', '.join(missing)}" if missing else None


@dataclass(frozen=True)
class ModuleName:
    """A name a module defines at its top level, which the catalogue sets."""

    def describe(self, name: str) -> str:
        return f"the module-level name {name}"

    def problem(self, owner, name: str) -> str | None:
        return "missing" if inspect.getattr_static(owner, name, _MISSING) is _MISSING else None


def _parameters_problem(function, expected: tuple[str, ...], *, exactly: bool) -> str | None:
    try:
        found = tuple(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return "its signature cannot be read"
    if exactly and found != expected:
        return f"parameters are now ({', '.join(found)})"
    missing = [parameter for parameter in expected if parameter not in found]
    return f"no longer takes {', '.join(missing)}" if missing else None


# Touchpoints -------------------------------------------------------------------


@dataclass(frozen=True)
class Touchpoint:
    """A member `name` of `owner` ("module" or "module:Class"), used in `where`."""

    owner: str
    name: str
    shape: Method | Accepts | Property | InstanceAttribute | ExceptionClass | ModuleName
    why: str
    where: str

    @property
    def label(self) -> str:
        return f"{self.owner.replace(':', '.')}.{self.name}"

    @property
    def relied_upon(self) -> str:
        return self.shape.describe(self.name)

    def problem(self) -> str | None:
        module_name, _, path = self.owner.partition(":")
        owner: object
        try:
            owner = importlib.import_module(module_name)
        except ImportError:
            return f"module {module_name} is gone"
        for part in filter(None, path.split(".")):
            owner = getattr(owner, part, _MISSING)
            if owner is _MISSING:
                return f"{module_name}.{path} is gone"
        return self.shape.problem(owner, self.name)


@dataclass(frozen=True)
class TemplateTouchpoint:
    """A template of Datasette's that ours replaces (`sha256`: its text when ours was
    written) or includes (`sha256` None: only its name matters)."""

    name: str
    sha256: str | None
    why: str
    where: str

    @property
    def label(self) -> str:
        return f"Datasette's template {self.name}"

    @property
    def relied_upon(self) -> str:
        if self.sha256 is None:
            return "a template of that name"
        return f"the template of Datasette {WRITTEN_FOR}, sha256 {self.sha256[:12]}…"

    def problem(self) -> str | None:
        path = datasette_templates() / self.name
        if not path.is_file():
            return "Datasette no longer ships it"
        if self.sha256 is not None and hashlib.sha256(path.read_bytes()).hexdigest() != self.sha256:
            return (
                f"changed since {WRITTEN_FOR}: compare it with {self.where}, then record"
                f" its new sha256 in {HERE}"
            )
        return None


def datasette_templates() -> Path:
    return Path(str(importlib.resources.files("datasette") / "templates"))


def _replaced(name: str, sha256: str, page: str) -> TemplateTouchpoint:
    return TemplateTouchpoint(
        name,
        sha256,
        why=f"ours replaces it ({page}) and reads the context Datasette builds for it",
        where=f"catalogue/serve/templates/{name}",
    )


def _included(name: str, by: str, purpose: str) -> TemplateTouchpoint:
    return TemplateTouchpoint(
        name, None, why=f"it renders {purpose}", where=f"catalogue/serve/templates/{by}"
    )


TOUCHPOINTS: tuple[Touchpoint | TemplateTouchpoint, ...] = (
    # Calls, through the wrappers below.
    Touchpoint(
        DATASETTE,
        "__init__",
        Accepts(("settings", "template_dir", "static_mounts")),
        why="build_datasette passes the catalogue's settings, templates and static files as"
        " `datasette serve` does for --setting, --template-dir and --static; the documented"
        " constructor parameters stop at files, immutables, metadata and config_dir",
        where="build_datasette() (catalogue/serve/app.py)",
    ),
    Touchpoint(
        DATASETTE,
        "_prepare_connection",
        Method(("self", "conn", "database")),
        why="SnapshotDatabase opens its own connections (one per snapshot and SQL thread) and"
        " must prepare them as Datasette prepares its own: row factory, cache size, and the"
        " prepare_connection hooks that add the catalogue's SQL functions and limits",
        where=f"prepare_connection() ({HERE}), for {SNAPSHOT_DATABASE}",
    ),
    Touchpoint(
        DATASETTE,
        "app",
        Method(("self",)),
        why="serve() hands uvicorn the ASGI application it returns: the documented way to"
        " serve is the `datasette` command, which cannot serve snapshots",
        where=f"asgi_app() ({HERE}), for serve() (catalogue/serve/app.py)",
    ),
    Touchpoint(
        "datasette.views.base",
        "DatasetteError",
        Accepts(("message", "title", "status", "message_is_html")),
        why="Datasette raises it when a visitor's request cannot be answered (invalid SQL, a"
        " query stopped at its time limit), and the guard renders it with the catalogue's"
        " error page",
        where=GUARD,
    ),
    Touchpoint(
        "datasette.utils.asgi",
        "Base400",
        ExceptionClass(("status",)),
        why="the base of the NotFound, Forbidden and BadRequest errors Datasette raises for a"
        " visitor's request, which the guard renders with the catalogue's error page",
        where=GUARD,
    ),
    Touchpoint(
        "datasette.handle_exception",
        "rich",
        ModuleName(),
        why="Datasette's own error handler prints each error's traceback, local variables"
        " included, with rich whenever rich is installed (frictionless, typer and many tools"
        " bring it); outside an `except` block, as for an address no route knows, rich"
        " raises instead and the visitor gets a 500: the catalogue sets it to None",
        where=f"quiet_default_error_page() ({HERE}), for build_datasette()"
        " (catalogue/serve/app.py)",
    ),
    # Overrides of Datasette.
    Touchpoint(
        DATASETTE,
        "refresh_schemas",
        Method(("self",), is_async=True),
        why="Datasette calls it at every request to re-read each database's schema version;"
        " a snapshot's schema never changes, so it runs again only for another snapshot",
        where=f"CatalogueDatasette ({HERE})",
    ),
    # Overrides of Database: Datasette reads these itself, and would otherwise keep
    # the values of the first snapshot it saw.
    Touchpoint(
        DATABASE,
        "path",
        InstanceAttribute(constructor_args=(None,)),
        why="Datasette reads db.path as the database's file (the _internal tables,"
        " /-/databases, downloads); SnapshotDatabase answers with the request's snapshot",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "hash",
        Property(),
        why="Datasette computes an immutable database's hash once; SnapshotDatabase gives"
        " each snapshot its own (index page, download ETag)",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "size",
        Property(),
        why="Datasette reads an immutable database's size once; SnapshotDatabase reads the"
        " request's snapshot",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "table_counts",
        Method(("self", "limit"), is_async=True),
        why="Datasette's startup, index and database pages call it and keep an immutable"
        " database's counts for good; SnapshotDatabase keeps them per snapshot",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "execute_fn",
        Method(("self", "fn"), is_async=True),
        why="Datasette runs every read through it (execute() and the introspection methods);"
        " SnapshotDatabase runs it on the request's snapshot, under the catalogue's limits,"
        " in the custom-SQL lane for requests carrying SQL",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "execute_write_fn",
        Method(("self", "fn", "block"), is_async=True),
        why="Datasette's writes go through it, and the public catalogue refuses them",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "attached_databases",
        Method(("self",), is_async=True),
        why="Datasette's database page calls it, and its PRAGMA database_list (refused by the"
        " catalogue's authorizer) would tell the snapshot's path",
        where=SNAPSHOT_DATABASE,
    ),
    Touchpoint(
        DATABASE,
        "close",
        Method(("self",)),
        why="Datasette's closes only what its own connect() opened; SnapshotDatabase's closes"
        " its snapshot connections and SQL threads (close_datasette calls it)",
        where=SNAPSHOT_DATABASE,
    ),
    # Templates.
    _replaced(
        "base.html",
        "bb22df33caea147e1db3b238878f2716ab698c81be89a66d9dabd5649e899dc2",
        "the frame of every page",
    ),
    _replaced(
        "_crumbs.html",
        "882c9d69e13363b440d4b977d432ae7287548d53e71ca199327c1acece3c9c81",
        "the breadcrumbs",
    ),
    _replaced(
        "_footer.html",
        "d190d9e7dc5046c1bdfb2b738c60754143eab44fdbae2d9a74e7b8f1aa2cf44b",
        "the footer",
    ),
    _replaced(
        "_description_source_license.html",
        "13fcf73b733dadc598f79a11ce5ec04df6205d13deefeb76bd388008cc072e51",
        "descriptions, sources and licence",
    ),
    _replaced(
        "index.html",
        "ed57b14bb5656bcdb133170a1d3aa2e2c71255662b1b0ecce7a86dc8a9406294",
        "the home page",
    ),
    _replaced(
        "database.html",
        "4fd5e97823bb5380b54c4f4f5285f07d1db74e366ef6225aa46dddfcf5b2c88a",
        "the database page",
    ),
    _replaced(
        "table.html",
        "81cec4b0f7948bf0b4756b1a0ce706ce30d5694e506fd5639f3cd08a4a8f88a9",
        "table and view pages",
    ),
    _replaced(
        "_table.html",
        "f75a8872713f28fdce49b9a44a397f26ba1b5db5e82a74dda1f20ec14faaaa57",
        "the rows of table and row pages",
    ),
    _replaced(
        "_facet_results.html",
        "622d3c764aa14f17f07714af7bbdee5719adfbce9cce5358fd3df3e2df137f30",
        "facets",
    ),
    _replaced(
        "_suggested_facets.html",
        "da43051a548a47be72a74513d45e7a4fba4fd5e89d49b29fc48b0b306000f20f",
        "suggested facets",
    ),
    _replaced(
        "row.html", "ff5dde41541c39dd09f1dee1bbb3e4e58e8487775b17e1c9650bd558eb1b5a17", "row pages"
    ),
    _replaced(
        "query.html",
        "bc3559df0e209da97d0bb46d0da5e36e02a9a561e4e473d1b79f62776786b435",
        "SQL and canned query pages",
    ),
    _replaced(
        "error.html",
        "c2115d1fdbff1a480b804fe880bafec9a754544f7b154e5322f680309ee3b497",
        "error pages",
    ),
    _included("_close_open_menus.html", "base.html", "the header's menus"),
    _included("_codemirror.html", "database.html and query.html", "the SQL editor"),
    _included("_codemirror_foot.html", "database.html and query.html", "the SQL editor"),
)


# The check ---------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    touchpoint: Touchpoint | TemplateTouchpoint
    problem: str

    @property
    def message(self) -> str:
        """What broke, what we rely on it for, and for which Datasette it was written."""
        touchpoint = self.touchpoint
        return (
            f"{touchpoint.label}: {self.problem}. {touchpoint.where} relies on"
            f" {touchpoint.relied_upon} because {touchpoint.why}. Written for Datasette"
            f" {WRITTEN_FOR}; installed: {installed_version()}."
        )


def installed_version() -> str:
    return importlib.metadata.version("datasette")


def check_internals() -> list[Broken]:
    """The touchpoints the installed Datasette breaks (none: all is well)."""
    broken = []
    for touchpoint in TOUCHPOINTS:
        problem = touchpoint.problem()
        if problem is not None:
            broken.append(Broken(touchpoint, problem))
    return broken


def refusal(broken: list[Broken]) -> str:
    """One line for the operator: why the server will not start."""
    labels = ", ".join(each.touchpoint.label for each in broken)
    return (
        f"Datasette {installed_version()} breaks what the catalogue relies on (written for"
        f" {WRITTEN_FOR}): {labels}; see {HERE}"
    )


# Wrappers and overrides ----------------------------------------------------------


def prepare_connection(datasette: Datasette, conn, database_name: str) -> None:
    """Prepare a connection the catalogue opened as Datasette prepares its own."""
    datasette._prepare_connection(conn, database_name)


def asgi_app(datasette: Datasette):
    """The ASGI application serving `datasette`."""
    return datasette.app()


def quiet_default_error_page() -> None:
    """Datasette's default error page without rich's traceback printing (for every
    Datasette of the process): the access log records the errors visitors meet."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None


@dataclass(frozen=True)
class VisitorError:
    status: int
    message: str | Markup
    title: str | None


def visitor_error(exception: BaseException) -> VisitorError | None:
    """What Datasette says of a visitor's request it refused or could not answer;
    None for any other exception (a bug, left to Datasette)."""
    # Imported here: should Datasette move them, check_internals() names them, instead of
    # every module importing this one failing to import.
    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        return VisitorError(exception.status, exception.args[0], None)
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return VisitorError(exception.status, message, exception.title)
    return None


class CatalogueDatasette(Datasette):
    """Datasette, minus one per-request cost a snapshot makes useless: re-reading the
    schema version of every database, to notice schema changes. A snapshot's schema
    never changes: it is read again only when another snapshot is being served."""

    _schemas_read_for = None

    async def refresh_schemas(self):
        served = served_catalogue(self)
        snapshot = served.current if served is not None else None
        if snapshot is not None and snapshot is self._schemas_read_for:
            return
        await super().refresh_schemas()
        self._schemas_read_for = snapshot
