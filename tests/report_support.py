"""What the diff tests compare a report with."""

from __future__ import annotations

from typing import Any

from catalogue.diff.build import GROUPS


def report_keys(report: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    """{"solutions": {"added": {keys}, "removed": {...}, "changed": {...}}, "candidates": ...}:
    the sets to compare with a known truth."""
    return {
        entity: {group: {element["key"] for element in report[entity][group]} for group in GROUPS}
        for entity in ("solutions", "candidates")
    }
