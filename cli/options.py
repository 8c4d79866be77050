"""Option decorators shared by several verbs."""

from __future__ import annotations

import click

DEFAULT_DB = "data/segur.db"
DEFAULT_BASE_URL = "https://industriels.esante.gouv.fr"


class OptionError(click.ClickException):
    """A bad option value: one line on stderr, exit status 2 (click's usage-error status)."""

    exit_code = 2


def db_option(default: str = DEFAULT_DB):
    return click.option(
        "--db",
        "db_path",
        default=default,
        show_default=True,
        envvar="SEGUR_DB",
        type=click.Path(dir_okay=False),
        help="Path of the SQLite catalogue (folder created when missing).",
    )


def _checked_base_url(ctx, param, value: str) -> str:
    from scraper.settings import BadBaseUrl, check_base_url

    try:
        return check_base_url(value)
    except BadBaseUrl as error:
        raise click.BadParameter(str(error)) from None


base_url_option = click.option(
    "--base-url",
    default=DEFAULT_BASE_URL,
    show_default=True,
    envvar="SEGUR_BASE_URL",
    callback=_checked_base_url,
    help="Root of the ANS site (or of a replica) to crawl: http(s)://host[/prefix].",
)

delay_option = click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds between two requests (one request at a time).",
)


def _extra_labels(ctx, param, value):
    if value is None:
        return None
    from scraper.parsers.labels import LabelsFileError, read_labels_file

    try:
        return read_labels_file(value)
    except LabelsFileError as error:
        raise click.BadParameter(str(error)) from None


labels_option = click.option(
    "--labels",
    "extra_labels",
    envvar="SEGUR_LABELS",
    type=click.Path(exists=True, dir_okay=False),
    callback=_extra_labels,
    help='TOML file of field labels to add to the built-in ones ([labels] editor = ["Société"]).',
)


def _alerts(ctx, param, value):
    if value is None:
        return None
    from catalogue.alerts.config import AlertsFileError, read_alerts_file

    try:
        return read_alerts_file(value)
    except AlertsFileError as error:
        raise OptionError(f"--notify: {error}") from None


notify_option = click.option(
    "--notify",
    "alerts",
    envvar="SEGUR_NOTIFY",
    type=click.Path(dir_okay=False),
    callback=_alerts,
    help="TOML file of alerts sent after each sync through Apprise (e-mail, chat, webhooks).",
)


def loopback_options(command):
    """--host and --port of a site served on this machine (the replica, a replay)."""
    command = click.option(
        "--port",
        default=8000,
        show_default=True,
        type=click.IntRange(0, 65535),
        help="Port to listen on (0 picks a free one).",
    )(command)
    return click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")(
        command
    )
