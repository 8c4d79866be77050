"""French wording of dates, numbers and statuses, for everything the public reads:
the Datasette pages, the diff report, `segur check`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
RUN_STATUSES = {
    "complete": "complète",
    "partial": "partielle",
    "failed": "échouée",
    "running": "en cours",
}
# Why the ANS list could not be read (runs.failure_kind), as the public reads it.
FAILURE_KINDS = {
    "transient": "le site de l'ANS ne répondait pas ou renvoyait des erreurs temporaires",
    "blocked": "le site de l'ANS a refusé l'accès",
    "layout": "la mise en page a changé",
    "not_found": "une page de la liste a disparu (erreur 404)",
    "storage": "le catalogue n'a pas pu être enregistré",
    "interrupted": "la synchronisation a été interrompue",
}
NARROW_NO_BREAK_SPACE = "\u202f"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def french_date(iso: str | None) -> str:
    """ "2024-06-01" (or the date of an ISO date-time) -> "1er juin 2024"; other
    text is returned unchanged."""
    match = _ISO_DATE.match(iso or "")
    if not match:
        return iso or ""
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return iso or ""
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO date or date-time; a time without zone is taken as UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def french_datetime(text: str | None, *, zone: bool = True) -> str:
    """ "2025-03-03T01:14:00+00:00" -> "3 mars 2025 à 02 h 14 (heure de Paris)" (without
    the zone where the heading says it, as in a table)."""
    moment = parse_timestamp(text)
    if moment is None:
        return text or ""
    local = moment.astimezone(PARIS)
    said = f"{french_date(local.date().isoformat())} à {local:%H} h {local:%M}"
    return f"{said} (heure de Paris)" if zone else said


def paris_day(text: str | None) -> str | None:
    """The Paris date (ISO) of an ISO date-time: when a night's sync happened for people."""
    moment = parse_timestamp(text)
    return None if moment is None else moment.astimezone(PARIS).date().isoformat()


def no_break(text: str | None) -> str:
    """French typography: no line break inside « » or before ? ! : ;."""
    text = (text or "").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    for mark in ("?", "!", ";", ":"):
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text


def french_number(value: int | None) -> str:
    """10031 -> "10 031" (narrow no-break space, as French typography wants)."""
    if value is None:
        return "?"
    return f"{value:,}".replace(",", NARROW_NO_BREAK_SPACE)


def failure_cause(kind: str | None) -> str | None:
    """The French cause of a failure kind ("layout" -> "la mise en page a changé")."""
    return FAILURE_KINDS.get(kind or "")


def run_status(status: str | None) -> str:
    return RUN_STATUSES.get(status or "", status or "inconnu")


def atom_timestamp(text: str | None) -> str | None:
    """Any ISO date or date-time as the RFC 3339 time Atom requires (UTC when no zone)."""
    moment = parse_timestamp(text)
    return None if moment is None else moment.isoformat()
