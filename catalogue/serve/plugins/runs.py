"""Datasette plugin: (being written)."""

from __future__ import annotations
