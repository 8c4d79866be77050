"""When the nightly sync runs: the time of day, its time zone, the cron trigger.

The default, 03:30 Europe/Paris, lies outside the hour that daylight saving
skips (March, 02:00 -> 03:00) or repeats (October, 03:00 -> 02:00), so the sync
runs exactly once every day, always at 03:30 local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

DEFAULT_AT = "03:30"
DEFAULT_TIMEZONE = "Europe/Paris"

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ValueError):
    """A schedule option that cannot be used; its message is one line for the user."""


def parse_at(text: str) -> time:
    """'03:30' -> time(3, 30); anything but a 24-hour HH:MM raises ScheduleError."""
    match = _AT.match(text.strip())
    if not match:
        raise ScheduleError(f"--at must be a 24-hour time HH:MM such as 03:30, not {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def load_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Paris"
        ) from None


def daily_trigger(at: time, timezone: ZoneInfo) -> CronTrigger:
    return CronTrigger(hour=at.hour, minute=at.minute, second=0, timezone=timezone)


def next_run_times(trigger: BaseTrigger, count: int, now: datetime) -> list[datetime]:
    """The next `count` fire times of `trigger` after `now` (aware datetimes)."""
    times: list[datetime] = []
    previous = None
    while len(times) < count:
        fire_time = trigger.get_next_fire_time(previous, now)
        if fire_time is None:
            break
        times.append(fire_time)
        previous = now = fire_time
    return times


def describe(moment: datetime) -> str:
    """'2026-11-24 03:30 CET (UTC+01:00, Europe/Paris)'."""
    offset = moment.strftime("%z")
    zone = getattr(moment.tzinfo, "key", None) or moment.tzname()
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()} (UTC{offset[:3]}:{offset[3:]}, {zone})"


@dataclass(frozen=True)
class DstHazard:
    day: date
    kind: str  # "skipped" | "repeated"


def dst_hazards(at: time, timezone: ZoneInfo, start: date, days: int = 366) -> list[DstHazard]:
    """Days on which `at` does not exist (skipped) or exists twice (repeated) locally."""
    hazards = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        first = datetime.combine(day, at, tzinfo=timezone)
        second = first.replace(fold=1)
        if first.utcoffset() == second.utcoffset():
            continue
        # A skipped wall time does not survive a round trip through UTC; a repeated one does.
        round_trip = first.astimezone(ZoneInfo("UTC")).astimezone(timezone)
        exists = round_trip.replace(tzinfo=None) == first.replace(tzinfo=None)
        hazards.append(DstHazard(day, "repeated" if exists else "skipped"))
    return hazards
