"""`segur check`: is my software referenced?"""

from __future__ import annotations

import json
import sys

import click

from catalogue.cli import register
from catalogue.cli.options import db_option

EXIT_REFERENCED = 0
EXIT_NOT_REFERENCED = 1
EXIT_ERROR = 2


@click.command("check")
@click.argument("name")
@click.option("--version", "version", metavar="V", help="Is this version referenced?")
@click.option("--dispositif", metavar="D", help='Only this dispositif ("DUI" covers "DUI MS1 …").')
@db_option()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="French text for people, or JSON for scripts (shape: catalogue/check.py).",
)
def check(name, version, dispositif, db_path, output_format):
    """Say whether a software is referenced.

    NAME is an editor or solution name, or part of one.

    Case, accents and punctuation do not count ("netsoins", "Net Soins" and
    "NETSOINS" find the same); part of a name is enough; close names are
    suggested when nothing matches. Lists the referenced versions in natural
    order, candidatures, and entries no longer referenced.

    Exit codes: 0 referenced (the given --version, if any); 1 not referenced;
    2 bad option or no readable catalogue.

    \b
    Examples:
        segur check netsoins
        segur check "Kalisil" --version 4.0 --dispositif SGL
        segur check dedalus --format json
    """
    from catalogue.check import CheckError, render_text, result_json
    from catalogue.check import check as check_catalogue
    from catalogue.store import CatalogueError, open_existing_catalogue

    try:
        db = open_existing_catalogue(db_path)
        result = check_catalogue(db, name, version=version, dispositif=dispositif)
    except (CheckError, CatalogueError) as error:
        click.echo(f"segur check: {error}".replace("\n", " "), err=True)
        sys.exit(EXIT_ERROR)
    if output_format == "json":
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(result), nl=False)
    sys.exit(EXIT_REFERENCED if result.referenced else EXIT_NOT_REFERENCED)


register(check)
