"""`segur export`: the catalogue as an open-data package (Frictionless Data Package)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from cli.options import db_option

EXIT_NOT_WRITTEN = 1


@click.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@db_option()
def export(directory, db_path):
    """Write the open-data package of the catalogue into DIRECTORY.

    solutions.csv, candidates.csv, changes.csv and runs.csv (UTF-8, comma,
    header row, ISO dates), datapackage.json (a Frictionless Data Package: a
    Table Schema per file with French titles and descriptions, keys, licence
    Etalab 2.0, sources, dates, what data.gouv.fr asks), a French README.md,
    and catalogue-segur.zip holding them all.

    DIRECTORY is replaced at once when the package is complete: a previous
    package stays until then, and nothing is left half-written. It must be a
    new or empty folder, or a package written before. After each complete
    sync, `segur sync` rebuilds the package in donnees/ next to the catalogue,
    which `segur serve` publishes at /donnees/.

    Exit codes: 0 written; 1 not written (no catalogue, no data yet, DIRECTORY
    is a file or holds other files, a folder that cannot be written).

    \b
    Example:
        segur export data/donnees --db data/segur.db
        frictionless validate data/donnees/datapackage.json
    """
    from catalogue.opendata.bundle import ARCHIVE, DESCRIPTOR, README, ExportError, export_catalogue
    from catalogue.store import CatalogueError, open_existing_catalogue

    try:
        db = open_existing_catalogue(db_path)
    except CatalogueError as error:
        fail(str(error))
    try:
        bundle = export_catalogue(db, directory)
    except ExportError as error:
        fail(str(error))
    finally:
        db.conn.close()
    files = ", ".join(f"{file.table.filename} {file.rows} rows" for file in bundle.files)
    click.echo(
        f"package {directory}: {files}; {DESCRIPTOR}, {README},"
        f" {ARCHIVE} ({bundle.archive_bytes} bytes)"
    )


def fail(message: str) -> NoReturn:
    click.echo(f"segur export: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_NOT_WRITTEN)
