"""The catalogue's metadata (metadata.yml): given to Datasette, and read by the
catalogue's own pages (titles, descriptions, canned queries, the ANS list)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from datasette.utils import parse_metadata

from catalogue.serve.served import DATABASE_NAME

METADATA = Path(__file__).resolve().parent / "metadata.yml"


def load_metadata() -> dict:
    return parse_metadata(METADATA.read_text(encoding="utf-8"))


@cache
def _metadata() -> dict:
    return load_metadata()


def _catalogue() -> dict:
    return (_metadata().get("databases") or {}).get(DATABASE_NAME) or {}


def source_url() -> str | None:
    """The ANS page the catalogue mirrors."""
    return _metadata().get("source_url")


def about_url() -> str | None:
    """The project's home (its code and method)."""
    return _metadata().get("about_url")


def table_metadata(name: str) -> dict:
    return (_catalogue().get("tables") or {}).get(name) or {}


def canned_queries() -> dict:
    return _catalogue().get("queries") or {}
