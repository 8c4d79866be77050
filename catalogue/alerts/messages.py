"""The French messages alerts send: a title (an e-mail's subject) and a plain-text body.

    Ségur : 2 nouvelles solutions référencées, 1 solution retirée (DUI)

    Synchronisation n° 12 du 24 novembre 2026 à 03 h 30 (heure de Paris) avec la liste de l'ANS.
    https://segur.example.org/synchronisations/12

    Nouvelles solutions référencées (2)
    Social et médico-social — DUI MS2 PDE
    - Enfance Connect 1.0 — NOUVELLE ÈRE SANTÉ, vague 1, référencée le 20 mai 2025
      https://segur.example.org/solution/enfance-connect-1-0-nouvelle-ere-sante-5c1e0a2b
    …

The body lists the changes as the run's report does (catalogue/diff/document.py:
newly referenced first), written by catalogue/diff/text.py; links need the
file's `site_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from catalogue.alerts.config import Alert
from catalogue.diff.document import (
    BACK_ON_THE_LIST,
    CHANGED_SOLUTIONS,
    NEW_PRODUCTS,
    NEW_VERSIONS,
    WITHDRAWN_SOLUTIONS,
    Document,
)
from catalogue.diff.text import Link, render_text
from catalogue.french import failure_cause, french_datetime, french_number, run_status

PREFIX = "Ségur : "
AUTHORITY = "En cas de doute, la liste de l'ANS fait foi."
# How a title counts the items of each section: (one, several).
COUNTED = {
    NEW_PRODUCTS: ("nouvelle solution référencée", "nouvelles solutions référencées"),
    NEW_VERSIONS: ("nouvelle version", "nouvelles versions"),
    BACK_ON_THE_LIST: ("solution de nouveau référencée", "solutions de nouveau référencées"),
    WITHDRAWN_SOLUTIONS: ("solution retirée", "solutions retirées"),
    CHANGED_SOLUTIONS: ("modification", "modifications"),
}
MAX_FAILED_RUNS_LISTED = 10


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def counted(count: int, words: tuple[str, str]) -> str:
    return f"{french_number(count)} {words[0] if count == 1 else words[1]}"


def choice(alert: Alert) -> str:
    """What an alert follows, for its titles: " (DUI, « netsoins »)", or ""."""
    chosen = [*alert.dispositifs, *alert.couloirs, *(f"« {name} »" for name in alert.names)]
    return f" ({', '.join(chosen)})" if chosen else ""


def change_message(
    alert: Alert, document: Document, run: dict[str, Any], link: Link, site_url: str | None
) -> Message:
    """The changes of one run an alert is about (`document`: its filtered report).
    Only the solution sections: the candidatures a new solution ends are said with it."""
    sections = tuple(section for section in document.sections if section.title in COUNTED)
    counts = [counted(section.count, COUNTED[section.title]) for section in sections]
    title = f"{PREFIX}{', '.join(counts)}{choice(alert)}"
    changes = render_text(replace(document, sections=sections), link)
    parts = [_run_line(run, site_url), changes, AUTHORITY]
    return Message(title, "\n\n".join(parts) + "\n")


def _run_line(run: dict[str, Any], site_url: str | None) -> str:
    line = (
        f"Synchronisation n° {run['id']} du {french_datetime(run['started_at'])}"
        " avec la liste de l'ANS."
    )
    return f"{line}\n{site_url}/synchronisations/{run['id']}" if site_url else line


def initialised_message(
    alert: Alert, count: int, run: dict[str, Any], site_url: str | None
) -> Message:
    """The one message of the first sync of an empty catalogue, instead of a list
    of everything it found."""
    found = counted(count, ("solution référencée", "solutions référencées"))
    title = f"{PREFIX}catalogue initialisé : {found}{choice(alert)}"
    body = (
        f"{_run_line(run, site_url)}\n\n"
        f"Première synchronisation du catalogue : {found} Ségur{choice(alert)}. "
        "Les prochains messages annonceront chaque changement de la liste qui vous concerne."
    )
    if site_url:
        body += f"\n\nLe catalogue : {site_url}/"
    return Message(title, f"{body}\n\n{AUTHORITY}\n")


def failure_message(
    failed: list[dict[str, Any]], nights: int, last_complete: dict[str, Any] | None
) -> Message:
    """The syncs have not completed `nights` nights in a row (`failed`: the runs
    since the last complete one, oldest first)."""
    kind = failed[-1].get("failure_kind") or "inconnue"
    title = f"{PREFIX}synchronisation en échec depuis {nights} nuits ({kind})"
    if last_complete is None:
        since = "Aucune synchronisation complète n'a encore eu lieu."
    else:
        when = french_datetime(last_complete["finished_at"] or last_complete["started_at"])
        since = f"Dernière synchronisation complète : n° {last_complete['id']} du {when}."
    lines = [_failed_run_line(run) for run in reversed(failed[-MAX_FAILED_RUNS_LISTED:])]
    body = (
        f"{since}\n\nSynchronisations depuis (la plus récente d'abord) :\n"
        + "\n".join(lines)
        + "\n\nLe catalogue garde ce qu'il avait : une synchronisation incomplète ne retire "
        "aucune solution. Causes et remèdes : docs/operations.md, « Why a run is not "
        "complete: failure_kind ».\n"
    )
    return Message(title, body)


def _failed_run_line(run: dict[str, Any]) -> str:
    kind = run.get("failure_kind")
    cause = failure_cause(kind)
    line = f"- n° {run['id']} du {french_datetime(run['started_at'])} : {run_status(run['status'])}"
    if cause:
        line += f" — {cause} ({kind})"
    if run.get("reason"):
        line += f". {' '.join(str(run['reason']).split())}"
    return line
