"""What the public page of one entry says, in French. Pure: rows in, words out.

The page of a solution version (`/solution/<page_id>`) and of a candidature
(`/candidature/<page_id>`) are written from plain dicts: the entry's row, the
rows of the other versions of its product, and its stored changes. Nothing here
reads the database or knows Datasette (catalogue/serve/plugins/entries.py does).

Rows are the stored ones (catalogue/schema.py) with, where a date of a sync is
needed, the `started_at` of the run joined in:

* an entry row may carry `removed_at` (the start of the run that removed it);
* a change row may carry `run_started_at` (the start of its run);
* `fields` and `was_candidate` are read as stored (JSON text) or already parsed.

A sync's date is its day in Paris (`paris_day`): what people call "the night of".
Every date people read is French ("1er juin 2024"); a timeline entry keeps its
ISO day only for ordering and for the `datetime` attribute of `<time>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalogue.french import french_date, paris_day
from catalogue.history import ADDED, REAPPEARED, REMOVED, REMOVED_STATUS
from catalogue.versions import version_sort_key
from scraper.items import CANDIDATE_FACTS, FIELD_INFO, SOLUTION_FACTS, FieldInfo
from scraper.normalize import clean_text, fold, is_blank

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Wording:
    """How one field is named, in French, with the agreement of its adjectives."""

    label: str  # as a row header: "Date de référencement"
    changed: str  # "modifiée"
    missing: str  # "non publiée"
    is_date: bool = False
    quoted: bool = False  # free text, shown « between guillemets » in a sentence


def _wording(info: FieldInfo) -> Wording:
    agreement = info.agreement
    return Wording(
        info.label,
        f"modifié{agreement}",
        f"non publié{agreement}",
        is_date=info.is_date,
        quoted=info.quoted,
    )


FIELDS = {name: _wording(info) for name, info in FIELD_INFO.items()}
# Names in a sentence: "le nom de la solution modifié", not "solution modifié".
IN_SENTENCE = {"solution": "nom de la solution"}
UNKNOWN_FIELD = Wording("Autre information", "modifiée", "non publiée", quoted=True)


PLAIN_CANDIDATE_STATUSES = {"", "candidat", "candidate", "candidats", "candidates", "candidature"}
NO_BREAK_SPACE = "\u00a0"
FIRST_SYNC = "lors de la première synchronisation de ce catalogue"


# ---------------------------------------------------------------- values


def text(value: object) -> str:
    """A stored value as one clean line ("" for nothing)."""
    return "" if is_blank(value) else clean_text(str(value))


def wording(name: str) -> Wording:
    return FIELDS.get(name, UNKNOWN_FIELD)


def shown_value(name: str, value: object) -> str:
    """A field's value as people read it: dates in French, "non publié" for nothing."""
    if is_blank(value):
        return wording(name).missing
    if wording(name).is_date:
        return french_date(text(value))
    return text(value)


def guillemets(words: str) -> str:
    """ "« words »", with the no-break spaces French typography puts inside."""
    return f"«{NO_BREAK_SPACE}{words}{NO_BREAK_SPACE}»"


def quoted_value(name: str, value: object) -> str:
    """A field's value inside a sentence: free text « between guillemets »."""
    shown = shown_value(name, value)
    if is_blank(value) or not wording(name).quoted:
        return shown
    return guillemets(shown)


def parsed(value: object) -> Any:
    """A JSON column as stored (text) or already parsed; None for nothing."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        return json.loads(value)
    return value


def sync_day(row: Row, column: str) -> str | None:
    """The Paris day (ISO) of a sync timestamp joined into a row."""
    return paris_day(row.get(column))


def versions_in_words(versions: list[str]) -> str:
    """["4.2"] -> "la version 4.2"; ["4.2", "4.3"] -> "les versions 4.2 et 4.3"."""
    if not versions:
        return ""
    if len(versions) == 1:
        return f"la version {versions[0]}"
    return f"les versions {', '.join(versions[:-1])} et {versions[-1]}"


# ---------------------------------------------------------------- titles and facts


def solution_name(row: Row) -> str:
    """ "Kalisil 4.0" (the solution and its version)."""
    return f"{text(row.get('solution'))} {text(row.get('version'))}".strip()


def solution_title(row: Row) -> str:
    """ "Kalisil 4.0 — Dedalus"."""
    editor = text(row.get("editor"))
    name = solution_name(row) or "Solution sans nom"
    return f"{name} — {editor}" if editor else name


def candidature_title(row: Row) -> str:
    """ "Lac Dossier — ÉDITIONS DU LAC (candidature)"."""
    return f"{solution_title(row)} (candidature)"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    published: bool


def facts(row: Row, names: Iterable[str], labels: Mapping[str, str] | None = None) -> list[Fact]:
    """The labelled values of a row, in the order given; missing ones say so.
    `labels` overrides the label of some fields."""
    labels = labels or {}
    return [
        Fact(
            labels.get(name, wording(name).label),
            shown_value(name, row.get(name)),
            not is_blank(row.get(name)),
        )
        for name in names
    ]


def solution_facts(row: Row) -> list[Fact]:
    return facts(row, SOLUTION_FACTS)


def candidature_facts(row: Row) -> list[Fact]:
    """A candidature's values; one no longer listed shows its last status."""
    if is_current_candidature(row):
        return facts(row, CANDIDATE_FACTS)
    return facts(row, CANDIDATE_FACTS, {"status": "Dernier statut publié"})


# ---------------------------------------------------------------- versions


def is_referenced(row: Row) -> bool:
    return row.get("status") != REMOVED_STATUS


def version_label(row: Row) -> str:
    return text(row.get("version")) or "sans numéro de version"


def version_status(row: Row) -> str:
    """ "référencée depuis le 15 juin 2022" / "retirée de la liste le 2 juin 2025"."""
    if is_referenced(row):
        since = row.get("referenced_on")
        return f"référencée depuis le {french_date(since)}" if since else "référencée"
    removed_on = sync_day(row, "removed_at")
    return f"retirée de la liste le {french_date(removed_on)}" if removed_on else "retirée"


def by_version(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (version_sort_key(row.get("version")), row["key"]))


def other_versions(row: Row, siblings: Iterable[Row]) -> list[Row]:
    """The other versions of the same product, in natural version order."""
    return by_version(sibling for sibling in siblings if sibling["key"] != row["key"])


def replacements(row: Row, siblings: Iterable[Row], sibling_changes: Iterable[Row]) -> list[Row]:
    """What replaced a withdrawn version: the version added in place of it
    (`changes.replaces`), otherwise the later versions of the same product
    still referenced. Nothing for a referenced version."""
    if is_referenced(row):
        return []
    others = other_versions(row, siblings)
    replacing_keys = {
        change["key"]
        for change in sibling_changes
        if change.get("kind") == ADDED and change.get("replaces") == row["key"]
    }
    declared = [other for other in others if other["key"] in replacing_keys]
    if declared:
        return declared
    own = version_sort_key(row.get("version"))
    return [
        other
        for other in others
        if is_referenced(other) and version_sort_key(other.get("version")) > own
    ]


# ---------------------------------------------------------------- status sentences


def solution_status(row: Row, replaced_by: Iterable[Row] = ()) -> str:
    """ "Référencée Ségur depuis le 15 juin 2022." /
    "Retirée de la liste le 2 juin 2025, remplacée par la version 4.3."."""
    if is_referenced(row):
        since = row.get("referenced_on")
        if since:
            return f"Référencée Ségur depuis le {french_date(since)}."
        return "Référencée Ségur (date de référencement non publiée)."
    removed_on = sync_day(row, "removed_at")
    sentence = "Retirée de la liste"
    if removed_on:
        sentence += f" le {french_date(removed_on)}"
    versions = [version_label(each) for each in replaced_by]
    if versions:
        sentence += f", remplacée par {versions_in_words(versions)}"
    return sentence + "."


def solution_consequence(row: Row) -> str:
    """What a withdrawal means for people, said once after the status."""
    return "" if is_referenced(row) else "Cette version n'est plus référencée Ségur."


def is_current_candidature(row: Row) -> bool:
    return row.get("removed_run") is None


def is_referenced_status(status: object) -> bool:
    """The ANS marks some candidatures "Référencé" on the candidates' list."""
    return fold(text(status)).startswith("reference")


def says_nothing_more(status: str) -> bool:
    """An empty status, or one that only repeats "candidate"."""
    return text(status).lower() in PLAIN_CANDIDATE_STATUSES


def candidature_status(row: Row) -> str:
    """ "Candidate au référencement (En cours d'instruction), dossier déposé le
    26 septembre 2022." / "N'est plus sur la liste des candidats depuis le …"."""
    applied = row.get("applied_on")
    deposit = f"dossier déposé le {french_date(applied)}" if applied else ""
    if is_current_candidature(row):
        status = text(row.get("status"))
        if is_referenced_status(status):
            sentence = f"Sur la liste des candidats de l'ANS avec le statut {guillemets(status)}"
        elif says_nothing_more(status):
            sentence = "Candidate au référencement"
        else:
            sentence = f"Candidate au référencement ({status})"
        return f"{sentence}, {deposit}." if deposit else f"{sentence}."
    removed_on = sync_day(row, "removed_at")
    sentence = "N'est plus sur la liste des candidats"
    if removed_on:
        sentence += f" depuis le {french_date(removed_on)}"
    return f"{sentence} ({deposit})." if deposit else f"{sentence}."


def became_sentence(solutions: Sequence[Row]) -> str:
    """ "Cette candidature a abouti au référencement de KinéAgenda 3.2."."""
    if not solutions:
        return ""
    names = [solution_name(each) or "une solution" for each in solutions]
    if len(names) == 1:
        return f"Cette candidature a abouti au référencement de {names[0]}."
    listed = f"{', '.join(names[:-1])} et {names[-1]}"
    return f"Cette candidature a abouti au référencement de {listed}."


# ---------------------------------------------------------------- origin


def candidature_origin(was_candidate: object) -> list[Fact]:
    """What `changes.was_candidate` says of the candidature a solution came from."""
    origin = parsed(was_candidate)
    if not origin:
        return []
    return [
        Fact("Dispositif", shown_value("dispositif", origin.get("dispositif")), True),
        Fact("Date de dépôt du dossier", shown_value("applied_on", origin.get("applied_on")), True),
        Fact("Statut publié", shown_value("status", origin.get("status")), True),
    ]


def origin_change(changes: Iterable[Row]) -> Row | None:
    """The added change of a solution that records a candidature, if any."""
    for change in changes:
        if change.get("kind") == ADDED and parsed(change.get("was_candidate")):
            return change
    return None


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Event:
    """One dated line of an entry's history."""

    day: str  # ISO, for ordering and <time datetime>
    what: str
    order: int = 0  # within one day: published dates (0) before syncs (1)

    @property
    def when(self) -> str:
        return french_date(self.day)


def field_change(name: str, before: object, after: object) -> str:
    """ "date de référencement modifiée : 14 février 2023 → 14 mars 2023"."""
    words = wording(name)
    label = IN_SENTENCE.get(name, words.label[0].lower() + words.label[1:])
    return f"{label} {words.changed} : {quoted_value(name, before)} → {quoted_value(name, after)}"


def field_changes(change: Row) -> list[str]:
    fields = parsed(change.get("fields")) or {}
    ordered = sorted(fields, key=lambda name: list(FIELDS).index(name) if name in FIELDS else 99)
    return [field_change(name, *fields[name]) for name in ordered]


def _solution_arrival(change: Row, first_run_id: int | None) -> str:
    if change.get("run_id") == first_run_id:
        return f"déjà sur la liste de l'ANS {FIRST_SYNC}"
    previous = text(change.get("previous_version"))
    if change.get("replaces"):
        detail = f"nouvelle version, remplace la {previous}" if previous else "nouvelle version"
    elif change.get("new_version_of"):
        detail = f"nouvelle version, succède à la {previous}" if previous else "nouvelle version"
    elif parsed(change.get("was_candidate")):
        detail = "auparavant candidate au référencement"
    else:
        detail = ""
    return "apparue sur la liste de l'ANS" + (f" ({detail})" if detail else "")


def published_day(value: object) -> str | None:
    """A published date (ISO day) fit for the timeline; None when it is not one."""
    try:
        return date.fromisoformat(text(value)).isoformat()
    except ValueError:
        return None


def _sync_events(changes: Iterable[Row], arrival, departure: str, comeback: str) -> list[Event]:
    events = []
    for change in changes:
        day = sync_day(change, "run_started_at") or sync_day(change, "detected_at")
        if day is None:
            continue
        kind = change.get("kind")
        if kind == ADDED:
            events.append(Event(day, arrival(change), 1))
        elif kind == REMOVED:
            events.append(Event(day, departure, 1))
        elif kind == REAPPEARED:
            events.append(Event(day, comeback, 1))
        events.extend(Event(day, line, 1) for line in field_changes(change))
    return events


def chronological(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda event: (event.day, event.order))


def solution_timeline(
    row: Row, changes: Iterable[Row], *, first_run_id: int | None = None
) -> list[Event]:
    """The history of a solution version: its published dates, then what each
    sync saw (arrival, changed fields, withdrawal, return), oldest first."""
    changes = list(changes)
    events = _sync_events(
        changes,
        lambda change: _solution_arrival(change, first_run_id),
        "retirée de la liste",
        "de nouveau sur la liste",
    )
    origin = parsed((origin_change(changes) or {}).get("was_candidate"))
    applied = published_day((origin or {}).get("applied_on"))
    if applied:
        events.append(Event(applied, "dossier de candidature déposé"))
    referenced = published_day(row.get("referenced_on"))
    if referenced:
        events.append(Event(referenced, "référencée Ségur (date publiée par l'ANS)"))
    return chronological(events)


def candidature_timeline(
    row: Row,
    changes: Iterable[Row],
    *,
    first_run_id: int | None = None,
    became: Iterable[Row] = (),
) -> list[Event]:
    """The history of a candidature: the deposit of its file, what each sync
    saw, and the referencing of the solutions it became, oldest first."""

    def arrival(change: Row) -> str:
        if change.get("run_id") == first_run_id:
            return f"déjà sur la liste des candidats de l'ANS {FIRST_SYNC}"
        return "apparue sur la liste des candidats de l'ANS"

    events = _sync_events(
        changes,
        arrival,
        "n'est plus sur la liste des candidats",
        "de nouveau sur la liste des candidats",
    )
    applied = published_day(row.get("applied_on"))
    if applied:
        events.append(Event(applied, "dossier de candidature déposé"))
    for solution in became:
        day = sync_day(solution, "run_started_at")
        if day:
            name = solution_name(solution) or "la solution"
            events.append(Event(day, f"{name} apparaît sur la liste des solutions référencées", 1))
    return chronological(events)
