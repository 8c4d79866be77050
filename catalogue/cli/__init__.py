"""The `segur` command: one click group, one verb per job.

This package only wires options to the functions that do the work; every verb
lives in its own module and is registered at the bottom of this file.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="segur-catalogue")
def cli() -> None:
    """Keep a public, queryable mirror of the ANS Ségur referencing lists.

    \b
    Example, the whole chain on the bundled offline replica of the ANS site:
        segur demo
    """


def register(command: click.Command) -> click.Command:
    cli.add_command(command)
    return command


# Each verb module registers itself on import.
from catalogue.cli import check as _check  # noqa: E402,F401
from catalogue.cli import demo as _demo  # noqa: E402,F401
from catalogue.cli import diff as _diff  # noqa: E402,F401
from catalogue.cli import inspect as _inspect  # noqa: E402,F401
from catalogue.cli import replay as _replay  # noqa: E402,F401
from catalogue.cli import replica as _replica  # noqa: E402,F401
from catalogue.cli import schedule as _schedule  # noqa: E402,F401
from catalogue.cli import serve as _serve  # noqa: E402,F401
from catalogue.cli import sync as _sync  # noqa: E402,F401
