"""`segur schedule`: the nightly sync, run in the foreground by APScheduler."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cli.options import OptionError, base_url_option, db_option, delay_option, notify_option
from schedules.job import DEFAULT_KILL_AFTER, DEFAULT_TIMEOUT, SyncSettings
from schedules.scheduler import run_nightly
from schedules.timing import (
    DEFAULT_AT,
    DEFAULT_TIMEZONE,
    ScheduleError,
    daily_trigger,
    describe,
    load_timezone,
    next_run_times,
    parse_at,
)


@click.command("schedule")
@click.option(
    "--at",
    "at_text",
    default=DEFAULT_AT,
    show_default=True,
    help="Time of day of the sync, 24-hour HH:MM, local to --timezone.",
)
@click.option(
    "--timezone",
    "timezone_name",
    default=DEFAULT_TIMEZONE,
    show_default=True,
    help="IANA time zone of --at.",
)
@base_url_option
@db_option()
@delay_option
@click.option(
    "--timeout",
    default=DEFAULT_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds a sync may run before it is stopped.",
)
@click.option(
    "--kill-after",
    default=DEFAULT_KILL_AFTER,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds a stopping sync gets to finish after SIGTERM before it is killed.",
)
@click.option(
    "--catch-up/--no-catch-up",
    default=True,
    show_default=True,
    help="On start, sync at once when the last complete run is over a day old (or missing).",
)
@notify_option
@click.option(
    "--print",
    "print_only",
    is_flag=True,
    help="Print the next five run times with their time zone, and exit.",
)
def schedule_command(
    at_text: str,
    timezone_name: str,
    base_url: str,
    db_path: str,
    delay: float,
    timeout: float,
    kill_after: float,
    catch_up: bool,
    alerts,
    print_only: bool,
) -> None:
    """Sync every night (03:30 Europe/Paris by default) until stopped.

    Each sync runs as `segur sync` in a subprocess, bounded by --timeout. When a
    run finds newly referenced solutions, its French report is written to
    reports/<run id>.md next to the database. Logs go to the console and to
    logs/segur-schedule.log next to the database. SIGTERM or Ctrl-C stops the
    running sync (the catalogue stays as it was) and exits 0. With --notify
    FILE, each sync sends the alerts of that file (checked here, at start).

    \b
    Examples:
        segur schedule --db data/segur.db
        segur schedule --at 04:15 --timezone Europe/Paris --print
        segur schedule --db data/segur.db --notify /etc/segur/alerts.toml
    """
    try:
        at = parse_at(at_text)
        timezone = load_timezone(timezone_name)
    except ScheduleError as error:
        raise OptionError(str(error)) from None
    if print_only:
        trigger = daily_trigger(at, timezone)
        for moment in next_run_times(trigger, 5, datetime.now(timezone)):
            click.echo(describe(moment))
        return
    settings = SyncSettings(
        base_url=base_url,
        db_path=Path(db_path).resolve(),
        delay=delay,
        timeout=timeout,
        kill_after=kill_after,
        notify=alerts.path.resolve() if alerts else None,
    )
    try:
        status = run_nightly(settings, at, timezone, catch_up=catch_up)
    except OSError as error:
        raise click.ClickException(f"cannot run the scheduler: {error}") from None
    if status:
        raise SystemExit(status)
