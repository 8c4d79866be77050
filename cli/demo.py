"""`segur demo`: replica -> sync -> public catalogue, on this machine only.

1. start the replica (`replica.server.ReplicaServer`) on a free loopback port;
2. sync it into the demo catalogue with `segur sync --delay 0`, in a subprocess
   (Scrapy's reactor cannot run twice in one process), which prints its summary;
3. serve the catalogue (`catalogue.serve.app.serve`) and print its URL, until Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click

DEFAULT_DEMO_DB = "data/demo.db"


class DemoError(Exception):
    """The demo cannot go on (one-line message); `code` is the exit code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def sync_command(base_url: str, db_path: str | Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cli",
        "sync",
        "--base-url",
        base_url,
        "--db",
        str(db_path),
        "--delay",
        "0",
    ]


def sync_replica(db_path: str | Path, echo: Callable[[str], None]) -> None:
    """Start the replica, sync it into `db_path`, stop it. Raises `DemoError`."""
    from replica.server import ReplicaServer

    with ReplicaServer() as replica:
        echo(f"segur demo: offline replica of the ANS site on {replica.url}")
        echo(f"segur demo: syncing it into {db_path}")
        # The replica's data is made up: its sync never sends the operator's alerts.
        quiet = {name: value for name, value in os.environ.items() if name != "SEGUR_NOTIFY"}
        code = subprocess.call(sync_command(replica.url, db_path), env=quiet)
    if code != 0:
        raise DemoError(f"the sync of the replica ended with exit code {code}", code)


def run_demo(
    db_path: str | Path = DEFAULT_DEMO_DB,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    serve_catalogue: bool = True,
    echo: Callable[[str], None] = print,
) -> None:
    sync_replica(db_path, echo)
    if not serve_catalogue:
        return
    from catalogue.serve.app import serve

    serve(
        db_path,
        host=host,
        port=port,
        access_log=False,
        on_ready=lambda url: echo(f"segur demo: catalogue served on {url} (Ctrl-C to stop)"),
    )


@click.command()
@click.option(
    "--db",
    "db_path",
    default=DEFAULT_DEMO_DB,
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
