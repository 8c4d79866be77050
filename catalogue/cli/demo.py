"""`segur demo`: replica -> sync -> public catalogue, on this machine only."""

from __future__ import annotations

import sys

import click

from catalogue.cli import register


@click.command()
@click.option(
    "--db",
    "db_path",
    default="data/demo.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Catalogue the demo syncs into (folder created when missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port",
    default=0,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on (0: any free port).",
)
@click.option("--no-serve", is_flag=True, help="Only sync and print the summary (scripts, CI).")
def demo(db_path, host, port, no_serve):
    """Run the whole chain on the bundled offline replica of the ANS site.

    Starts the replica on a free loopback port, syncs it into the demo
    catalogue (printing the sync summary), then serves the catalogue with
    Datasette and prints its URL. Ctrl-C stops everything. Nothing leaves
    this machine.

    \b
    Example:
        segur demo
        segur demo --port 8001
        segur demo --no-serve
    """
    from catalogue.serve.app import ServeError
    from catalogue.serve.demo import DemoError, run_demo
    from catalogue.serve.snapshots import NotACatalogue

    try:
        run_demo(db_path, host=host, port=port, serve_catalogue=not no_serve, echo=click.echo)
    except DemoError as error:
        click.echo(f"segur demo: {error}", err=True)
        sys.exit(error.code)
    except (NotACatalogue, ServeError) as error:
        click.echo(f"segur demo: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass


register(demo)
