"""How the public HTML pages show a column: its French label, whether a person sees
it at all, and how its values read (French words for codes, French dates, links).

The JSON and CSV exports are not concerned: they keep column names, codes, keys
and ISO dates, for the people who compute with them.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from catalogue.french import FAILURE_KINDS, RUN_STATUSES, french_date, french_datetime
from scraper.items import FIELD_INFO

# Record fields under their stored name and under their public one (the view's).
_FIELD_LABELS = {
    **{name: info.label for name, info in FIELD_INFO.items()},
    **{info.column: info.label for info in FIELD_INFO.values()},
}

LABELS: dict[str, str] = {
    **_FIELD_LABELS,
    "status": "Statut",
    # runs
    "id": "N°",
    "started_at": "Début (heure de Paris)",
    "finished_at": "Fin (heure de Paris)",
    "reason": "Explication",
    "failure_kind": "Cause de l'échec",
    "base_url": "Site lu",
    "pages_fetched": "Pages lues",
    "pages_failed": "Pages en échec",
    "rows_expected": "Solutions annoncées",
    "rows_read": "Solutions lues",
    "candidates_read": "Candidatures lues",
    "added": "Solutions ajoutées",
    "removed": "Solutions retirées",
    "changed": "Solutions modifiées",
    "reappeared": "Solutions réapparues",
    "candidates_added": "Candidatures ajoutées",
    "candidates_removed": "Candidatures retirées",
    "candidates_changed": "Candidatures modifiées",
    "candidates_reappeared": "Candidatures réapparues",
    # changes
    "entity": "Entrée",
    "kind": "Changement",
    "detected_at": "Détecté le (heure de Paris)",
    "previous_version": "Version précédente",
    # canned queries (their columns are already French words)
    "fiche": "Fiche",
    "vue_pour_la_premiere_fois": "Vue pour la première fois",
    "date": "Date",
    "evenement": "Événement",
    "version_precedente": "Version précédente",
    "modifications": "Modifications",
    "synchronisation": "Synchronisation",
    "dispositif_candidature": "Dispositif de la candidature",
    "date_candidature": "Date de candidature",
    "statut_candidature": "Statut de la candidature",
    "detecte_le": "Détecté le",
    "solutions": "Solutions",
    "editeurs": "Éditeurs",
    "premiere_date": "Premier référencement",
    "derniere_date": "Dernier référencement",
    "changement": "Changement",
    # technical columns, named for the SQL page (never shown in the tables)
    "rowid": "N° de ligne",
    "key": "Clé",
    "product_key": "Clé du produit",
    "page_id": "Fiche",
    "run_id": "Synchronisation",
    "first_seen_run": "Vue la première fois (synchronisation)",
    "last_seen_run": "Vue la dernière fois (synchronisation)",
    "removed_run": "Retrait constaté (synchronisation)",
    "fields": "Champs modifiés (JSON)",
    "replaces": "Remplace",
    "new_version_of": "Nouvelle version de",
    "was_candidate": "Candidature d'origine (JSON)",
    "archive_path": "Archive",
    "archive_size": "Taille de l'archive (octets)",
    "archive_sha256": "Empreinte de l'archive (SHA-256)",
}
# Where one name means something else in one table.
TABLE_LABELS: dict[tuple[str | None, str], str] = {("candidate_versions", "removed"): "Retirée"}

# Keys, internal numbers, run ids and raw JSON: kept in JSON and CSV, never shown.
HIDDEN = frozenset(
    {
        "rowid",
        "key",
        "product_key",
        "page_id",
        "fiche",
        "first_seen_run",
        "last_seen_run",
        "removed_run",
        "run_id",
        "fields",
        "replaces",
        "new_version_of",
        "was_candidate",
        "archive_path",
        "archive_size",
        "archive_sha256",
        "atom_id",
        "atom_title",
        "atom_updated",
        "atom_content",
        "atom_link",
        "atom_author_name",
    }
)

DATE_COLUMNS = frozenset(
    {
        "referenced_on",
        "applied_on",
        "date_referencement",
        "date_depot",
        "vue_pour_la_premiere_fois",
        "date",
        "date_candidature",
        "detecte_le",
        "premiere_date",
        "derniere_date",
    }
)
TIME_COLUMNS = frozenset({"started_at", "finished_at", "detected_at"})
SOURCE_COLUMNS = frozenset({"source_url", "source"})
NAME_COLUMN = "solution"

# Codes stored in the database, as people read them.
WORDS = {
    "status": {"referenced": "référencée", "removed": "retirée", **RUN_STATUSES},
    "kind": {
        "added": "ajoutée",
        "removed": "retirée",
        "changed": "modifiée",
        "reappeared": "réapparue",
    },
    "entity": {"solution": "solution", "candidate": "candidature"},
    "failure_kind": FAILURE_KINDS,
}
# Columns holding 0 or 1, by table (elsewhere a column of that name may be a count).
FLAGS = {("candidate_versions", "removed")}
# Datasette's filter operators (`Filters.lookups()` display names), in French.
OPERATORS = {
    "=": "=",
    "!=": "≠",
    "contains": "contient",
    "ends with": "se termine par",
    "starts with": "commence par",
    ">": ">",
    "≥": "≥",
    "<": "<",
    "≤": "≤",
    "like": "ressemble à (like)",
    "not like": "ne ressemble pas à (not like)",
    "glob": "motif (glob)",
    "in": "parmi",
    "not in": "hors de",
    "array contains": "la liste contient",
    "array does not contain": "la liste ne contient pas",
    "date": "date",
    "is null": "est vide",
    "is not null": "n'est pas vide",
    "is blank": "est vide ou blanc",
    "is not blank": "n'est ni vide ni blanc",
}
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def label(column: str, table: str | None = None) -> str:
    return TABLE_LABELS.get((table, column)) or LABELS.get(column) or column.replace("_", " ")


def value_label(value, column: str) -> str:
    """A stored value as a facet shows it: the French word for a code."""
    return WORDS.get(column, {}).get(value, value)


def operator(display: str) -> str:
    return OPERATORS.get(display, display)


def shown(column: str) -> bool:
    return column not in HIDDEN


def page_of(row) -> str | None:
    """The path of a row's public page, when it has one."""
    for name in ("fiche", "page_id"):
        try:
            value = row[name]
        except (KeyError, IndexError):
            continue
        if value:
            return value
    return None


def display(
    column: str, value, row=None, *, table: str | None = None, entry_path=None
) -> Markup | str | None:
    """How a cell reads in HTML, or None to let Datasette show the value as it is.
    `entry_path(page)` gives the path of an entry's page from its `page_id` or
    `fiche` value."""
    if value is None or value == "":
        return None
    if (table, column) in FLAGS:
        return "oui" if value else "non"
    if column in WORDS and value in WORDS[column]:
        return WORDS[column][value]
    if column in DATE_COLUMNS and isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return french_date(value)
    if column in TIME_COLUMNS and isinstance(value, str):
        return french_datetime(value, zone=False)
    if column in SOURCE_COLUMNS and isinstance(value, str) and value.startswith("http"):
        return Markup('<a href="{}" rel="nofollow">page ANS</a>').format(value)
    if column == "modifications" and isinstance(value, str):
        return _ISO_DATE.sub(lambda match: french_date(match.group()), value)
    if column == NAME_COLUMN and row is not None and entry_path is not None:
        page = page_of(row)
        if page:
            return Markup('<a href="{}">{}</a>').format(entry_path(page), value)
    return None
