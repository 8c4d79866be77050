"""The French diff report of one run, written next to the catalogue.

The report is `segur diff --run ID --format markdown`, run as a subprocess like
the sync itself, so the scheduler depends on the CLI contract only.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from schedules import SEGUR

REPORT_TIMEOUT = 120.0  # seconds; a diff is a few queries


class ReportError(RuntimeError):
    pass


def report_path(db_path: Path, run_id: int) -> Path:
    return db_path.parent / "reports" / f"{run_id}.md"


def write_report(
    db_path: Path,
    run_id: int,
    program: tuple[str, ...] = SEGUR,
    timeout: float = REPORT_TIMEOUT,
) -> Path:
    """Write the markdown diff of `run_id` to `reports/<run id>.md`; return its path."""
    command = [
        *program, "diff",
        "--db", str(db_path), "--run", str(run_id), "--format", "markdown",
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, encoding="utf-8", timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise ReportError(f"segur diff did not answer within {timeout:g} s") from None
    if result.returncode != 0:
        reason = _last_line(result.stderr) or f"exit status {result.returncode}"
        raise ReportError(f"segur diff failed: {reason}")
    if not result.stdout.strip():
        raise ReportError("segur diff printed an empty report")
    path = report_path(db_path, run_id)
    _write_atomically(path, result.stdout)
    return path


def _write_atomically(path: Path, text: str) -> None:
    """Readers never see half a report: write a temporary file, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
