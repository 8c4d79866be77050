"""What the catalogue relies on in Datasette beyond its documented API
(catalogue/serve/internals.py): still there, listed whole, and checked loudly."""

from __future__ import annotations

import ast
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import datasette.handle_exception
import datasette.utils.asgi
import datasette.views.base
import jinja2
import jinja2.meta
import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.database import Database

from catalogue.serve import internals
from catalogue.serve.database import SnapshotDatabase
from catalogue.serve.internals import (
    DATABASE,
    DATASETTE,
    TOUCHPOINTS,
    WRITTEN_FOR,
    CatalogueDatasette,
    TemplateTouchpoint,
    Touchpoint,
    check_internals,
)
from cli import cli
from tests.serve_support import ServeProcess, build_catalogue

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "catalogue" / "serve" / "templates"
# Imports of Datasette's documented API (docs.datasette.io/en/0.65.x), allowed anywhere.
DOCUMENTED_IMPORTS = {
    ("datasette", "NotFound"),
    ("datasette", "Response"),
    ("datasette", "hookimpl"),
    ("datasette.app", "Datasette"),
    ("datasette.database", "Database"),
    ("datasette.database", "QueryInterrupted"),
    ("datasette.plugins", "pm"),
    ("datasette.utils", "parse_metadata"),
    ("datasette.utils", "tilde_decode"),
}


def test_the_installed_datasette_has_everything_the_catalogue_relies_on():
    broken = check_internals()
    assert not broken, "\n".join(each.message for each in broken)


# The check fails, naming the touchpoint ---------------------------------------


async def _execute_fn_with_a_new_parameter(self, fn, request):
    pass


def _refresh_schemas_made_sync(self):
    pass


def _constructor_keeping_no_path(self, ds, path=None, is_mutable=True):
    self.ds = ds


def _constructor_without_settings(self, files=None, metadata=None):
    pass


BREAKAGES = [
    (Datasette, "_prepare_connection", None, "Datasette._prepare_connection", "missing"),
    (
        Database,
        "execute_fn",
        _execute_fn_with_a_new_parameter,
        "Database.execute_fn",
        "parameters are now (self, fn, request)",
    ),
    (Database, "hash", lambda self: None, "Database.hash", "not a property"),
    (
        Datasette,
        "refresh_schemas",
        _refresh_schemas_made_sync,
        "Datasette.refresh_schemas",
        "no longer a coroutine function",
    ),
    (
        Database,
        "__init__",
        _constructor_keeping_no_path,
        "Database.path",
        "no longer set by the constructor",
    ),
    (
        Datasette,
        "__init__",
        _constructor_without_settings,
        "Datasette.__init__",
        "no longer takes settings, template_dir, static_mounts",
    ),
    (datasette.views.base, "DatasetteError", None, "views.base.DatasetteError", "missing"),
    (datasette.utils.asgi.Base400, "status", None, "asgi.Base400", "no longer has status"),
    (datasette.handle_exception, "rich", None, "handle_exception.rich", "missing"),
]


@pytest.mark.parametrize(
    ("owner", "name", "replacement", "label", "problem"),
    BREAKAGES,
    ids=[breakage[3] for breakage in BREAKAGES],
)
def test_the_check_names_what_an_upgrade_broke(
    monkeypatch, owner, name, replacement, label, problem
):
    if replacement is None:
        monkeypatch.delattr(owner, name)
    else:
        monkeypatch.setattr(owner, name, replacement)
    [broken] = check_internals()
    assert broken.touchpoint.label.endswith(label)
    assert problem in broken.problem
    assert broken.touchpoint.why in broken.message
    assert f"Written for Datasette {WRITTEN_FOR}" in broken.message


def test_the_check_names_datasette_templates_changed_or_gone(monkeypatch, tmp_path):
    copy = tmp_path / "templates"
    shutil.copytree(internals.datasette_templates(), copy)
    (copy / "table.html").write_text("{{ rows }}", encoding="utf-8")
    (copy / "_codemirror.html").unlink()
    monkeypatch.setattr(internals, "datasette_templates", lambda: copy)
    problems = {each.touchpoint.name: each.problem for each in check_internals()}
    assert problems.keys() == {"table.html", "_codemirror.html"}
    assert problems["table.html"].startswith(f"changed since {WRITTEN_FOR}")
    assert "catalogue/serve/templates/table.html" in problems["table.html"]
    assert problems["_codemirror.html"] == "Datasette no longer ships it"


def test_serve_refuses_to_start_with_one_line_when_datasette_breaks_a_touchpoint(
    monkeypatch, tmp_path
):
    monkeypatch.delattr(Datasette, "_prepare_connection")
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "segur.db"), "--port", "0"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("segur serve: Datasette ")
    assert "datasette.app.Datasette._prepare_connection" in result.stderr
    assert "catalogue/serve/internals.py" in result.stderr


def test_an_address_no_route_knows_is_a_404_even_with_rich_installed(tmp_path):
    """Datasette's default error page prints with rich when it is installed (the test
    extras bring it, through frictionless), and rich raises outside an `except` block:
    without `quiet_default_error_page` a served address no route knows is a 500."""
    pytest.importorskip("rich")
    path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    server = ServeProcess(["serve", "--db", str(path), "--port", "0", "-q"])
    try:
        with urllib.request.urlopen(server.url + "robots.txt", timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "nulle/part/ici/vraiment", timeout=10)
        assert refused.value.code == 404
    finally:
        code, _, stderr = server.stop()
    assert code == 0, stderr


# The list is whole --------------------------------------------------------------


def _listed(owner: str) -> set[str]:
    return {t.name for t in TOUCHPOINTS if isinstance(t, Touchpoint) and t.owner == owner}


def _overridden(ours: type, base: type, *instance_attributes: str) -> set[str]:
    inherited = set(dir(base)) | set(instance_attributes)
    return {name for name in vars(ours) if name in inherited and not name.startswith("__")}


def test_every_member_the_catalogue_overrides_is_listed():
    database_attributes = vars(Database(None))
    assert _overridden(SnapshotDatabase, Database, *database_attributes) <= _listed(DATABASE)
    assert _overridden(CatalogueDatasette, Datasette) <= _listed(DATASETTE)


def test_every_datasette_template_replaced_or_included_is_listed():
    ours = {path.name for path in TEMPLATES.glob("*.html")}
    theirs = {path.name for path in internals.datasette_templates().glob("*.html")}
    environment = jinja2.Environment()
    referenced = set()
    for path in TEMPLATES.glob("*.html"):
        parsed = environment.parse(path.read_text(encoding="utf-8"))
        referenced |= set(filter(None, jinja2.meta.find_referenced_templates(parsed)))
    templates = [t for t in TOUCHPOINTS if isinstance(t, TemplateTouchpoint)]
    assert {t.name for t in templates if t.sha256} == ours & theirs
    assert {t.name for t in templates if not t.sha256} == referenced - ours


def _datasette_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("datasette"):
            yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((a.name, "") for a in node.names if a.name.startswith("datasette"))


def test_only_the_internals_module_imports_undocumented_datasette_names():
    internals_module = ROOT / "catalogue" / "serve" / "internals.py"
    undocumented = {
        f"{path.relative_to(ROOT)}: {module} {name}".strip()
        for package in ("catalogue", "cli", "replica", "schedules", "scraper")
        for path in (ROOT / package).rglob("*.py")
        if path != internals_module
        for module, name in _datasette_imports(path)
        if (module, name) not in DOCUMENTED_IMPORTS
    }
    assert not undocumented
