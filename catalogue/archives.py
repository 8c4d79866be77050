"""Where a catalogue keeps the WARC archive of each run, and for how long.

Each sync writes `archive/run-<id>.warc.gz` in the catalogue's folder (next to
the .db file; scraper/archive.py records it) and its `runs` row records the
path, relative to that folder, with the file's size and SHA-256.

Retention (`prune_archives`, after each sync): an archive older than the days
kept is deleted unless its run changed something (an entry added, removed,
changed or reappeared, solutions or candidates): those are kept for ever. A
deleted archive's `archive_path` becomes NULL; its size and SHA-256 stay.
Nothing else in the catalogue changes. Archives of runs the catalogue does not
know are never deleted; unfinished files (`.run-<id>.warc.gz.partial`, left by a
killed sync) follow their run's rule.

The archive folder is for the operator: `segur serve` serves a snapshot of the
database only, never a file of this folder.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from catalogue.schema import open_db
from catalogue.store import RunArchive, finished_runs_without_change, forget_archives
from scraper.archive import ArchiveError, WarcRecorder
from scraper.settings import USER_AGENT

ARCHIVE_FOLDER = "archive"
DEFAULT_KEEP_DAYS = 90
ARCHIVE_NAME = re.compile(r"\.?run-(\d+)\.warc\.gz(\.partial)?")
SECONDS_PER_DAY = 86_400


def archive_folder(db_path: str | Path) -> Path:
    return Path(db_path).parent / ARCHIVE_FOLDER


def archive_file(db_path: str | Path, run_id: int) -> Path:
    return archive_folder(db_path) / f"run-{run_id}.warc.gz"


def relative_path(db_path: str | Path, path: Path) -> str:
    return path.relative_to(Path(db_path).parent).as_posix()


def open_archive(db_path: str | Path, run_id: int, base_url: str) -> WarcRecorder:
    """The recorder of run `run_id`'s exchanges (it never raises: see `finish_archive`)."""
    return WarcRecorder(
        archive_file(db_path, run_id),
        {
            "software": "segur-catalogue (warcio)",
            "format": "WARC File Format 1.1",
            "http-header-user-agent": USER_AGENT,
            "robots": "obey",
            "segur-run": str(run_id),
            "segur-base-url": base_url,
        },
    )


def finish_archive(db_path: str | Path, recorder: WarcRecorder) -> RunArchive:
    """Move the recorded archive into place; raises `ArchiveError` when it could not be written."""
    archived = recorder.finish()
    return RunArchive(relative_path(db_path, archived.path), archived.size, archived.sha256)


def prune_archives(db_path: str | Path, keep_days: float, *, now: float | None = None) -> list[str]:
    """Delete the archives older than `keep_days` of runs that changed nothing
    (see the module docstring); their paths, relative to the catalogue's folder.

    Call it holding the sync lock. Raises `ArchiveError` when the catalogue or
    a file could not be written: what was recorded deleted stays consistent
    (a row says NULL before its file goes, and a file left behind is deleted
    by the next pruning)."""
    cutoff = (time.time() if now is None else now) - keep_days * SECONDS_PER_DAY
    old = old_archives(archive_folder(db_path), cutoff)
    if not old:
        return []
    try:
        db = open_db(db_path)
        try:
            doomed = finished_runs_without_change(db, {run_id for run_id, _ in old})
            forget_archives(db, doomed)
        finally:
            db.conn.close()
        deleted = [path for run_id, path in old if run_id in doomed]
        for path in deleted:
            path.unlink(missing_ok=True)
    except (sqlite3.Error, OSError) as error:
        raise ArchiveError(str(error)) from error
    return [relative_path(db_path, path) for path in deleted]


def old_archives(folder: Path, cutoff: float) -> list[tuple[int, Path]]:
    """(run id, path) of the archive files in `folder` last written before `cutoff`."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = ARCHIVE_NAME.fullmatch(path.name)
        if match and path.is_file() and path.stat().st_mtime < cutoff:
            found.append((int(match.group(1)), path))
    return found
