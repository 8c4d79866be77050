"""Writing a bundle, never half of one; reading one back for the public server.

`export_catalogue(db, folder)` reads the catalogue in one read transaction (one
committed state, even while a sync writes), writes every file into a new hidden folder
beside `folder` (`.<name>.new-<pid>-<random>`), then swaps it in: the previous bundle is
renamed aside, the new one renamed into place, the previous one deleted. A reader finds
the previous bundle or the new one, never a mix (for the instant between the two
renames, none); a failure at any step leaves the previous bundle as it was, and no
temporary folder. Folders left by a killed export are deleted by the next one.

`folder` must be new, empty, or a bundle: a folder holding any other file is refused,
so that an export never deletes someone's files.

`rebuild_bundle(db_path)` writes the bundle of the catalogue at `db_path` in `donnees/`
beside it (as `archive/` holds its archives, catalogue/archives.py);
catalogue/sync.py calls it after each complete run, and `segur serve` serves that folder
at `/donnees/`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

from catalogue.french import parse_timestamp
from catalogue.opendata.facts import Facts, read_facts
from catalogue.opendata.package import DataFile, data_resource, package_descriptor
from catalogue.opendata.readme import render_readme
from catalogue.opendata.tables import TABLES, Table, table_schema
from catalogue.schema import open_db
from catalogue.serve.served import process_alive

BUNDLE_FOLDER = "donnees"
DESCRIPTOR = "datapackage.json"
README = "README.md"
ARCHIVE = "catalogue-segur.zip"
DATA_FILES = tuple(table.filename for table in TABLES)
PACKAGE_FILES = (*DATA_FILES, DESCRIPTOR, README)  # what the archive holds
BUNDLE_FILES = (*PACKAGE_FILES, ARCHIVE)
FOLDER_MODE = 0o755
HASH_CHUNK = 1 << 16


class ExportError(Exception):
    """The bundle could not be written (one line, in French)."""


@dataclass(frozen=True)
class Bundle:
    """A bundle as written or read back: its descriptor, its CSV files, its archive."""

    folder: Path
    descriptor: dict[str, Any]
    files: tuple[DataFile, ...]
    archive_bytes: int


def bundle_folder(db_path: str | Path) -> Path:
    return Path(db_path).parent / BUNDLE_FOLDER


def rebuild_bundle(db_path: str | Path) -> Bundle:
    """Write the bundle of the catalogue at `db_path` beside it (raises `ExportError`)."""
    try:
        db = open_db(db_path)
    except (sqlite3.Error, OSError) as error:
        raise ExportError(f"lecture du catalogue impossible : {error}") from None
    try:
        return export_catalogue(db, bundle_folder(db_path))
    finally:
        db.conn.close()


def export_catalogue(db: sqlite_utils.Database, folder: Path) -> Bundle:
    """Write the bundle of `db` in `folder`, replacing the bundle there at once
    (see the module docstring). Raises `ExportError`."""
    folder = Path(folder)
    try:
        check_target(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder)
        staging = Path(tempfile.mkdtemp(prefix=_sibling_prefix(folder, "new"), dir=folder.parent))
    except OSError as error:
        raise ExportError(f"écriture impossible dans {folder} : {_reason(error)}") from None
    try:
        os.chmod(staging, FOLDER_MODE)
        written = write_bundle(db, staging)
        swap_in(staging, folder)
    except OSError as error:
        raise ExportError(f"écriture impossible dans {folder} : {_reason(error)}") from None
    except sqlite3.Error as error:
        raise ExportError(f"lecture du catalogue impossible : {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already once swapped in
    return replace(written, folder=folder)


def check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} est un fichier, pas un dossier")
    if folder.is_dir():
        others = sorted(path.name for path in folder.iterdir() if path.name not in BUNDLE_FILES)
        if others:
            raise ExportError(
                f"{folder} contient d'autres fichiers qu'un paquet de données ({others[0]}) :"
                " choisissez un dossier neuf ou vide"
            )


# Writing ------------------------------------------------------------------------


def write_bundle(db: sqlite_utils.Database, folder: Path) -> Bundle:
    """Every file of the bundle, written in `folder` (an empty folder)."""
    with read_transaction(db):
        facts = read_facts(db)
        if facts is None:
            raise ExportError("aucune synchronisation n'a encore enregistré de données")
        files = [write_table(db, table, folder / table.filename) for table in TABLES]
        resources = [data_resource(file, file_schema(db, file.table, facts)) for file in files]
    descriptor = package_descriptor(facts, resources)
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (folder / DESCRIPTOR).write_text(text, encoding="utf-8")
    (folder / README).write_text(render_readme(facts, descriptor, files), encoding="utf-8")
    archive_bytes = write_archive(folder, facts)
    return Bundle(folder, descriptor, tuple(files), archive_bytes)


def file_schema(db: sqlite_utils.Database, table: Table, facts: Facts) -> dict[str, Any]:
    return table_schema(table, db[table.source].columns_dict, facts.unknown[table.name])


@contextmanager
def read_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """Every read inside sees one committed state of the catalogue."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.execute("ROLLBACK")


def write_table(db: sqlite_utils.Database, table: Table, path: Path) -> DataFile:
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(table.columns)
        for row in db.execute(table.rows_sql()):
            writer.writerow(row)
            rows += 1
    return DataFile(table, rows, path.stat().st_size, sha256_of(path))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(folder: Path, facts: Facts) -> int:
    """The package's files in one zip, dated like the data (the same data always gives
    the same archive); its size."""
    moment = parse_timestamp(facts.last_modified)
    stamp = moment.timetuple()[:6] if moment else (1980, 1, 1, 0, 0, 0)
    path = folder / ARCHIVE
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in PACKAGE_FILES:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, (folder / name).read_bytes(), zipfile.ZIP_DEFLATED)
    return path.stat().st_size


# Swapping ------------------------------------------------------------------------


def swap_in(staging: Path, folder: Path) -> None:
    """Put the complete bundle `staging` at `folder`, in place of the previous one."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    previous = folder.parent / f"{_sibling_prefix(folder, 'old')}{secrets.token_hex(4)}"
    os.rename(folder, previous)
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(previous, folder)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _sibling_prefix(folder: Path, kind: str) -> str:
    return f".{folder.name}.{kind}-{os.getpid()}-"


def remove_leftovers(folder: Path) -> None:
    """Delete the temporary folders beside `folder` of exports whose process is gone."""
    if not folder.parent.is_dir():
        return
    pattern = re.compile(rf"\.{re.escape(folder.name)}\.(?:new|old)-(\d+)-.+")
    for path in folder.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_dir() and not process_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# Reading back ------------------------------------------------------------------------


def read_bundle(folder: Path) -> Bundle | None:
    """The bundle in `folder`, or None when there is none (or it is being replaced)."""
    try:
        stat = (folder / DESCRIPTOR).stat()
        return _read_bundle(folder, stat.st_ino, stat.st_mtime_ns)
    except (OSError, ValueError, KeyError):
        return None


@lru_cache(maxsize=8)
def _read_bundle(folder: Path, inode: int, mtime_ns: int) -> Bundle:
    """Read once per bundle: a new bundle is a new descriptor file (`inode`, `mtime_ns`)."""
    descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    tables = {table.name: table for table in TABLES}
    files = tuple(
        DataFile(
            tables[resource["name"]],
            count_rows(folder / resource["path"]),
            resource["bytes"],
            resource["hash"].removeprefix("sha256:"),
        )
        for resource in descriptor["resources"]
    )
    return Bundle(folder, descriptor, files, (folder / ARCHIVE).stat().st_size)


def count_rows(path: Path) -> int:
    """Rows of a CSV file, its header aside."""
    with path.open(encoding="utf-8", newline="") as file:
        return sum(1 for _ in csv.reader(file)) - 1
