"""`segur diff`: what a sync changed, newly referenced solutions first."""

from __future__ import annotations

import sys

import click

from cli.options import db_option

EXIT_ERROR = 2


@click.command("diff")
@db_option()
@click.option("--run", "run_id", type=int, help="Report this run (default: the latest finished).")
@click.option(
    "--since",
    metavar="DATE",
    help="Merge the changes of every run started on or after DATE (AAAA-MM-JJ).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown in French for people, or JSON for scripts.",
)
def diff(db_path, run_id, since, output_format):
    """Report what a sync changed.

    Newly referenced solutions first, then new versions, removals, field
    changes and candidates.

    The report reads the changes stored with each run; it never compares
    tables again. A run that was not complete is flagged: it removed nothing.

    JSON shape: {"run": {...}, "solutions": {"added", "removed", "changed"},
    "candidates": {"added", "removed", "changed"}}; with --since, "run" is a
    summary {"since", "status", "first_run", "last_run", "runs": [...]}.

    Exit codes: 0 report printed; 2 no catalogue, no such run, bad date.

    \b
    Examples:
        segur diff
        segur diff --run 12 --format json
        segur diff --since 2024-06-01 --db data/segur.db
    """
    from catalogue.diff.build import ReportError, parse_since, run_report, since_report
    from catalogue.diff.json import json_of
    from catalogue.diff.markdown import render_markdown
    from catalogue.store import CatalogueError, open_existing_catalogue

    if run_id is not None and since is not None:
        fail("--run et --since s'excluent : choisissez l'un des deux")
    try:
        since_iso = parse_since(since) if since is not None else None
        db = open_existing_catalogue(db_path)
        report = since_report(db, since_iso) if since_iso else run_report(db, run_id)
    except (ReportError, CatalogueError) as error:
        fail(str(error))
    if output_format == "json":
        click.echo(json_of(report))
    else:
        click.echo(render_markdown(report), nl=False)


def fail(message: str) -> None:
    click.echo(f"segur diff: {message}".replace("\n", " "), err=True)
    sys.exit(EXIT_ERROR)
