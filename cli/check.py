"""`segur check`: is my software referenced?"""

from __future__ import annotations

import json
import sys

import click

from cli.options import db_option

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
    help="French text for people, or JSON for scripts (the shape of /verifier.json).",
)
def check(name, version, dispositif, db_path, output_format):
    """Say whether a software is referenced, in one sentence: "Oui — …" or "Non — …".

    NAME is an editor or solution name, or the beginning of one of its words.

    Case, accents, spaces and punctuation do not count, and the text must start
    a word of the name: "netsoins" finds "Net Soins" and "NETSOINS", never
    "Maison et Soins"; "soins" finds "Maison et Soins". Close names are
    suggested when nothing matches. The same answer as the public page
    /verifier (catalogue/lookup.py decides both).

    Exit codes: 0 referenced (the given --version, if any); 1 not referenced
    (withdrawn, only a candidate, another version, not found); 2 bad option or
    no readable catalogue.

    \b
    Examples:
        segur check netsoins
        segur check "Kalisil" --version 4.0 --dispositif SGL
        segur check dedalus --format json
    """
    from catalogue.lookup import LookupRefused, answer_json, lookup, render_text
    from catalogue.store import CatalogueError, open_existing_catalogue

    try:
        db = open_existing_catalogue(db_path)
        answer = lookup(db.conn, name, version=version, dispositif=dispositif)
    except (LookupRefused, CatalogueError) as error:
        click.echo(f"segur check: {error}".replace("\n", " "), err=True)
        sys.exit(EXIT_ERROR)
    if output_format == "json":
        click.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(answer), nl=False)
    sys.exit(EXIT_REFERENCED if answer.referenced else EXIT_NOT_REFERENCED)
