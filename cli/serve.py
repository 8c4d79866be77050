"""`segur serve`: the public catalogue on Datasette."""

from __future__ import annotations

import sys

import click

from cli.options import db_option


@click.command()
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0: any free port.",
)
@click.option(
    "--poll",
    "poll_seconds",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between two looks for a newly committed sync.",
)
@click.option(
    "--response-cache/--no-response-cache",
    default=True,
    show_default=True,
    help="Keep answers in memory until the next sync (off: only for measurements).",
)
@click.option("--quiet", "-q", is_flag=True, help="No access log.")
def serve(db_path, host, port, poll_seconds, response_cache, quiet):
    """Serve the catalogue publicly with Datasette, in French.

    Read-only: the server reads immutable snapshots of the catalogue and
    switches to a new one only once a sync has committed, so a sync can run
    while it serves and no page ever mixes two runs. Ctrl-C stops it.

    \b
    Example:
        segur serve --db data/segur.db --port 8001
        segur serve --host 0.0.0.0 --port 80
    """
    from catalogue.serve.app import ServeError
    from catalogue.serve.app import serve as serve_catalogue
    from catalogue.serve.snapshots import NotACatalogue

    def announce(url: str) -> None:
        click.echo(f"segur serve: serving {db_path} on {url} (Ctrl-C to stop)")

    try:
        serve_catalogue(
            db_path,
            host=host,
            port=port,
            poll_seconds=poll_seconds,
            response_cache=response_cache,
            access_log=not quiet,
            on_ready=announce,
        )
    except (NotACatalogue, ServeError) as error:
        click.echo(f"segur serve: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass
