"""The catalogue's Datasette plugins, registered by `catalogue.serve.app`.

Every hook does nothing for a Datasette instance that does not serve the
catalogue (`served_catalogue(datasette) is None`), so registering them in the
process-wide plugin manager affects no other instance.
"""

from __future__ import annotations

from datasette.plugins import pm

from catalogue.serve.plugins import (
    consistency,
    downloads,
    entries,
    feeds,
    functions,
    glossary,
    guard,
    opendata,
    pages,
    runs,
    verifier,
)

PLUGINS = (
    guard,
    consistency,
    functions,
    pages,
    verifier,
    entries,
    runs,
    feeds,
    glossary,
    downloads,
    opendata,
)


def register_plugins() -> None:
    for module in PLUGINS:
        if not pm.is_registered(module):
            pm.register(module, name=f"segur-{module.__name__.rsplit('.', 1)[-1]}")
