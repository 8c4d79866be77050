"""`segur replica`: serve the offline replica of the ANS site (demo, tests, debugging)."""

from __future__ import annotations

import click

from cli.options import loopback_options


def _faults(ctx, param, values):
    from replica.server import Fault

    try:
        return tuple(Fault.parse(value) for value in values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@loopback_options
@click.option(
    "--state",
    default=1,
    show_default=True,
    type=click.Choice(["1", "2"]),
    help="Data state: 2 is state 1 plus the documented changes, for diff work.",
)
@click.option(
    "--rendering",
    default="table",
    show_default=True,
    type=click.Choice(["table", "cards", "lines"]),
    help="Markup of the site.",
)
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Serve N generated solutions instead of the synthetic ones (real rows stay).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Solutions per listing page (default: the rendering's own).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    callback=_faults,
    metavar="KIND[:MATCH[:TIMES]]",
    help="Make requests misbehave (repeatable): KIND is 503, 429, 500, 403, 404, drop, "
    "maintenance or slow; MATCH a substring of the request target; TIMES a count or 'always'.",
)
@click.option(
    "--robots-disallow", multiple=True, metavar="PATH", help="Extra Disallow line in robots.txt."
)
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
def replica(host, port, state, rendering, scale, page_size, faults, robots_disallow, quiet):
    """Serve the offline replica of the ANS site on loopback until Ctrl-C.

    The replica renders the contract of the site (docs/ans-site.md section 4) from a
    deterministic dataset; sync against it to try the whole chain offline.

    \b
    Example:
        segur replica --port 8000 --rendering cards
        segur sync --base-url http://127.0.0.1:8000 --delay 0
        segur replica --port 8000 --state 2 --fault 503:page=1:2
    """
    from replica.server import run

    try:
        run(
            state=int(state),
            rendering=rendering,
            scale=scale,
            faults=faults,
            page_size=page_size,
            host=host,
            port=port,
            robots_disallow=robots_disallow,
            verbose=not quiet,
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {error.strerror or error}"
        ) from None
