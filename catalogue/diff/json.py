"""The JSON writer: a report as `segur diff --format json` prints it (the shape is
described in catalogue/diff/build.py)."""

from __future__ import annotations

import json
from typing import Any


def json_of(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
