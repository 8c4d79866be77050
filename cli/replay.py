"""`segur replay`: serve a run's WARC archive as the site it recorded, on loopback."""

from __future__ import annotations

import sys

import click

from cli.options import loopback_options


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@loopback_options
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
def replay(archive, host, port, quiet):
    """Serve an archive written by `segur sync` as the site it recorded.

    Every recorded answer is served at its path and query string, with its
    status, headers and body; a request recorded without an answer closes the
    connection; a URL the run did not read is a 404. Sync against it to re-read
    that run offline. Ctrl-C or SIGTERM stops it.

    \b
    Example:
        segur replay data/archive/run-12.warc.gz --port 8000
        segur sync --base-url http://127.0.0.1:8000 --db /tmp/run-12.db --delay 0
    """
    from scraper.replay import BadArchive, load_recording, serve_until_stopped

    try:
        recording = load_recording(archive)
    except BadArchive as error:
        fail(f"segur replay: {error}")

    def announce(url: str) -> None:
        click.echo(
            f"segur replay: serving {archive} ({recording.count(answered=True)} answers, "
            f"{recording.count(answered=False)} requests without answer) on {url} "
            "(Ctrl-C to stop)"
        )

    try:
        serve_until_stopped(recording, host=host, port=port, verbose=not quiet, on_ready=announce)
    except OSError as error:
        fail(f"segur replay: cannot serve on {host}:{port}: {error.strerror or error}")


def fail(message: str) -> None:
    click.echo(" ".join(message.split()), err=True)
    sys.exit(1)
