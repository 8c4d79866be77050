"""Packages import downwards only (style.md habit 11): the command line on top,
nothing imports it, and no cycle between the top-level packages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each top-level package may import of the project (itself aside).
MAY_IMPORT = {
    "scraper": set(),
    "replica": {"scraper"},
    "catalogue": {"scraper"},
    "schedules": {"catalogue", "scraper"},
    "cli": {"scraper", "catalogue", "schedules", "replica"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level project packages named by the imports of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & MAY_IMPORT.keys()


def upward_imports(package: str) -> list[str]:
    allowed = MAY_IMPORT[package] | {package}
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(imported_packages(path) - allowed)
    ]


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_imports_only_the_layers_below(package):
    assert not upward_imports(package)


def test_the_layers_have_no_cycle():
    def reaches(start: str, target: str, seen: frozenset = frozenset()) -> bool:
        return any(
            below == target or (below not in seen and reaches(below, target, seen | {below}))
            for below in MAY_IMPORT[start]
        )

    assert not [package for package in MAY_IMPORT if reaches(package, package)]


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("from cli.sync import sync\nimport catalogue.store\n")
    assert imported_packages(module) == {"cli", "catalogue"}
