"""The `segur` command: one click group, one verb per job.

The top layer: it only wires options to the functions of `scraper`, `catalogue`,
`schedules` and `replica`, and nothing imports it. Each verb lives in its own
module and is added to the group here, explicitly (as sqlite-utils does).
"""

from __future__ import annotations

import click

from cli.check import check
from cli.demo import demo
from cli.diff import diff
from cli.export import export
from cli.inspect import inspect
from cli.replay import replay
from cli.replica import replica
from cli.schedule import schedule_command
from cli.serve import serve
from cli.sync import sync


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="segur-catalogue")
def cli() -> None:
    """Keep a public, queryable mirror of the ANS Ségur referencing lists.

    \b
    Example, the whole chain on the bundled offline replica of the ANS site:
        segur demo
    """


for command in (sync, diff, check, export, serve, schedule_command, demo, replica, inspect, replay):
    cli.add_command(command)
