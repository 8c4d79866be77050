"""The four files of the open-data bundle: which rows, which columns, and each column's
Table Schema field (Frictionless).

Columns keep the catalogue's own names, in a fixed order, as the JSON API and
Datasette's CSV do: programs read them. The French is in each field's `title` and
`description`, taken from where the project already says it:

* title: a record's field (scraper/items.py) its `FieldInfo.label`; any other column
  its label in catalogue/serve/columns.py (`TITLES` where the file differs from the
  pages: times there are in Paris time, here in UTC);
* description: the column's in catalogue/serve/metadata.yml (what the public catalogue
  shows), followed by the format of dates, date-times and JSON objects.

Types follow the catalogue's columns (INTEGER: integer, TEXT: string), refined into
`date` (a record's `is_date` fields), `datetime` (UTC, ISO 8601) and `object` (JSON).

Two decisions:

* `changes.key` names a solution or a candidature, depending on `entity`; a Table
  Schema foreign key cannot depend on another column, so `changes.csv` splits it into
  `solution_key` and `candidate_key`, the other one empty: each is a true foreign key
  (an empty cell references nothing).
* Constraints say what the catalogue stores: couloir and statuses are enumerations,
  dispositif a pattern, since one entry may name several domains of the DUI
  ("DUI MS1 PA/PH/DOM + MS2 PDE", `scraper.vocabulary.stored_dispositif_pattern`). The
  scraper keeps a name it does not know as the site prints it, so each enumeration
  and pattern also admits the stored values outside the vocabulary (`unknown_values`),
  which the README lists: the package stays valid and says where the vocabulary fell
  short.

The runs still `running` are left out (a run's entries and changes are committed with
its end), and so are the archive columns of `runs` (files kept by the operator, never
published).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from catalogue.history import (
    ADDED,
    CANDIDATE,
    CHANGED,
    REAPPEARED,
    REFERENCED_STATUS,
    REMOVED,
    REMOVED_STATUS,
    SOLUTION,
)
from catalogue.serve.columns import label
from catalogue.serve.metadata import table_metadata
from catalogue.store import CHANGE_COUNTS, RESULT_STATUSES
from scraper import vocabulary
from scraper.items import (
    CANDIDATE_FIELDS,
    FAILURE_KINDS,
    FIELD_INFO,
    SOLUTION_FIELDS,
    CandidateRecord,
    Record,
    SolutionRecord,
    field_info,
    field_names,
)

STRING, INTEGER, DATE, DATETIME, OBJECT = "string", "integer", "date", "datetime", "object"
DATETIME_COLUMNS = frozenset({"started_at", "finished_at", "detected_at"})
JSON_COLUMNS = frozenset({"fields", "was_candidate"})
FORMATS = {
    DATE: "Format AAAA-MM-JJ.",
    DATETIME: (
        "Date et heure en temps universel (UTC), format ISO 8601 : AAAA-MM-JJThh:mm:ss+00:00."
    ),
    OBJECT: "Objet JSON.",
}
# Said already when a description holds this.
FORMAT_SAID = {DATE: "AAAA-MM-JJ", DATETIME: "ISO 8601", OBJECT: "JSON"}
TITLES = {
    "started_at": "Début (UTC)",
    "finished_at": "Fin (UTC)",
    "detected_at": "Détecté le (UTC)",
}
TRACKING = ("first_seen_run", "last_seen_run", "removed_run")


@dataclass(frozen=True)
class Vocabulary:
    """The values a column may hold: an enumeration, or a pattern matched whole."""

    values: tuple[str, ...] = ()
    pattern: str | None = None
    note: str = ""  # French: what the values are, when the description does not say it

    def knows(self, value: str) -> bool:
        if self.pattern is not None:
            return re.fullmatch(self.pattern, value) is not None
        return value in self.values

    def constraint(self, unknown: tuple[str, ...]) -> dict[str, Any]:
        """The Table Schema constraint, admitting the stored values it does not know."""
        if self.pattern is not None:
            extra = [vocabulary.literal(value) for value in unknown]
            return {"pattern": f"(?:{'|'.join([self.pattern, *extra])})"}
        return {"enum": [*self.values, *unknown]}


COULOIR = Vocabulary(tuple(vocabulary.COULOIRS))
DISPOSITIF = Vocabulary(
    pattern=vocabulary.stored_dispositif_pattern(),
    note=(
        "Nom court du vocabulaire officiel (DPI, LGC, SGL, DUI MS2 PDE…) ; plusieurs"
        " domaines du DUI sont joints par « + » (DUI MS1 PA/PH/DOM + MS2 PDE) ; « DUI »"
        " seul quand le domaine n'a pas été publié."
    ),
)
SOLUTION_STATUS = Vocabulary((REFERENCED_STATUS, REMOVED_STATUS))
CANDIDATURE_STATUS = Vocabulary(
    (vocabulary.CANDIDATE, vocabulary.UNDER_REVIEW, vocabulary.REFERENCED)
)


@dataclass(frozen=True)
class Computed:
    """A column of the file that the catalogue does not store as such."""

    sql: str
    title: str
    description: str


@dataclass(frozen=True)
class ForeignKey:
    column: str
    resource: str
    key: str


@dataclass(frozen=True)
class Table:
    """One file: the rows of `source` (those `where` selects), ordered by `primary_key`."""

    name: str  # the resource's name, and the file's: <name>.csv
    source: str  # the catalogue's table
    title: str  # French
    description: str  # French: what one row is
    columns: tuple[str, ...]
    primary_key: str
    record: type[Record] | None = None  # whose fields the columns include
    required: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=dict)
    computed: Mapping[str, Computed] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)  # where the pages' label differs
    descriptions: Mapping[str, str] = field(default_factory=dict)  # where metadata.yml's does
    where: str = "1"

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def rows_sql(self) -> str:
        selected = ", ".join(
            f"{self.computed[name].sql} AS [{name}]" if name in self.computed else f"[{name}]"
            for name in self.columns
        )
        return (
            f"SELECT {selected} FROM [{self.source}] WHERE {self.where}"
            f" ORDER BY [{self.primary_key}]"
        )

    def count_sql(self) -> str:
        return f"SELECT count(*) FROM [{self.source}] WHERE {self.where}"


def _run_keys(*columns: str) -> tuple[ForeignKey, ...]:
    return tuple(ForeignKey(column, "runs", "id") for column in columns)


SOLUTIONS = Table(
    name="solutions",
    source="solutions",
    title="Solutions référencées Ségur, y compris retirées",
    description=(
        "Une ligne par version de solution vue au moins une fois sur la liste de l'ANS,"
        " référencée aujourd'hui ou retirée depuis de la liste ; les lignes ne sont"
        " jamais effacées."
    ),
    columns=("key", *SOLUTION_FIELDS, "status", *TRACKING, "product_key", "page_id"),
    primary_key="key",
    record=SolutionRecord,
    required=(*field_names(SolutionRecord, required=True), "status", "first_seen_run"),
    unique=("page_id",),
    foreign_keys=_run_keys(*TRACKING),
    vocabularies={"couloir": COULOIR, "dispositif": DISPOSITIF, "status": SOLUTION_STATUS},
)

CANDIDATES = Table(
    name="candidates",
    source="candidates",
    title="Candidatures au référencement Ségur",
    description=(
        "Une ligne par candidature publiée au moins une fois par l'ANS dans ses articles"
        " « candidats au référencement », y compris celles qu'elle ne publie plus."
    ),
    columns=("key", *CANDIDATE_FIELDS, *TRACKING, "page_id"),
    primary_key="key",
    record=CandidateRecord,
    required=(*field_names(CandidateRecord, required=True), "first_seen_run"),
    unique=("page_id",),
    foreign_keys=_run_keys(*TRACKING),
    vocabularies={"dispositif": DISPOSITIF, "status": CANDIDATURE_STATUS},
)

_ENTRY_KEY = "Identifiant de {} concernée (vide pour {}) ; voir le fichier {}."

CHANGES = Table(
    name="changes",
    source="changes",
    title="Changements constatés à chaque synchronisation",
    description=(
        "Une ligne par changement constaté : solution ou candidature ajoutée, retirée,"
        " modifiée ou réapparue, avec les valeurs de l'entrée après le changement."
    ),
    columns=(
        "id",
        "run_id",
        "entity",
        "solution_key",
        "candidate_key",
        "kind",
        "fields",
        "replaces",
        "was_candidate",
        "editor",
        "solution",
        "version",
        "couloir",
        "dispositif",
        "vague",
        "referenced_on",
        "status",
        "detected_at",
        "new_version_of",
        "previous_version",
        "applied_on",
    ),
    primary_key="id",
    required=("run_id", "entity", "kind", "detected_at"),
    foreign_keys=(
        *_run_keys("run_id"),
        ForeignKey("solution_key", "solutions", "key"),
        ForeignKey("candidate_key", "candidates", "key"),
        ForeignKey("replaces", "solutions", "key"),
        ForeignKey("new_version_of", "solutions", "key"),
    ),
    vocabularies={
        "entity": Vocabulary((SOLUTION, CANDIDATE)),
        "kind": Vocabulary((ADDED, REMOVED, CHANGED, REAPPEARED)),
        "couloir": COULOIR,
        "dispositif": DISPOSITIF,
        "status": Vocabulary((*SOLUTION_STATUS.values, *CANDIDATURE_STATUS.values)),
    },
    computed={
        "solution_key": Computed(
            f"CASE WHEN entity = '{SOLUTION}' THEN key END",
            "Solution",
            _ENTRY_KEY.format("la solution", "une candidature", "solutions.csv (colonne key)"),
        ),
        "candidate_key": Computed(
            f"CASE WHEN entity = '{CANDIDATE}' THEN key END",
            "Candidature",
            _ENTRY_KEY.format("la candidature", "une solution", "candidates.csv (colonne key)"),
        ),
    },
    titles={"id": "Numéro du changement"},
)

RUNS = Table(
    name="runs",
    source="runs",
    title="Synchronisations avec les pages de l'ANS",
    description=(
        "Une ligne par synchronisation terminée : complète (toutes les lignes annoncées"
        " lues), partielle ou échouée, avec ses comptes. Seule une synchronisation"
        " complète peut constater des retraits."
    ),
    columns=(
        "id",
        "started_at",
        "finished_at",
        "status",
        "reason",
        "failure_kind",
        "base_url",
        "pages_fetched",
        "pages_failed",
        "rows_expected",
        "rows_read",
        "candidates_read",
        *CHANGE_COUNTS,
    ),
    primary_key="id",
    required=("started_at", "finished_at", "status"),
    vocabularies={
        "status": Vocabulary(RESULT_STATUSES),
        "failure_kind": Vocabulary(FAILURE_KINDS),
    },
    titles={"id": "Numéro de la synchronisation"},
    descriptions={
        "status": "Complète, partielle ou échouée (une synchronisation en cours n'est pas publiée)."
    },
    where=f"status IN ({', '.join(repr(status) for status in RESULT_STATUSES)})",
)

TABLES = (SOLUTIONS, CANDIDATES, CHANGES, RUNS)


# The schema of a file ------------------------------------------------------------


def unknown_values(db: sqlite_utils.Database, table: Table) -> dict[str, tuple[str, ...]]:
    """The values stored in each column with a vocabulary that the vocabulary does not
    know, sorted (no column when there are none)."""
    found = {}
    for name, known in table.vocabularies.items():
        rows = db.execute(
            f"SELECT DISTINCT [{name}] FROM [{table.source}]"
            f" WHERE {table.where} AND [{name}] IS NOT NULL ORDER BY 1"
        ).fetchall()
        unknown = tuple(str(value) for (value,) in rows if not known.knows(str(value)))
        if unknown:
            found[name] = unknown
    return found


def table_schema(
    table: Table, stored: Mapping[str, type], unknown: Mapping[str, tuple[str, ...]]
) -> dict[str, Any]:
    """The file's Table Schema; `stored` gives the catalogue's column types."""
    return {
        "fields": [
            schema_field(table, name, stored.get(name, str), unknown.get(name, ()))
            for name in table.columns
        ],
        "missingValues": [""],
        "primaryKey": [table.primary_key],
        "foreignKeys": [
            {"fields": [key.column], "reference": {"resource": key.resource, "fields": [key.key]}}
            for key in table.foreign_keys
        ],
    }


def schema_field(table: Table, name: str, stored: type, unknown: tuple[str, ...]) -> dict[str, Any]:
    kind = field_type(name, stored)
    described: dict[str, Any] = {
        "name": name,
        "title": field_title(table, name),
        "description": field_description(table, name, kind),
        "type": kind,
    }
    constraints = field_constraints(table, name, unknown)
    if constraints:
        described["constraints"] = constraints
    return described


def field_type(name: str, stored: type) -> str:
    if name in DATETIME_COLUMNS:
        return DATETIME
    if name in JSON_COLUMNS:
        return OBJECT
    if name in FIELD_INFO and FIELD_INFO[name].is_date:
        return DATE
    return INTEGER if stored is int else STRING


def field_title(table: Table, name: str) -> str:
    if name in table.computed:
        return table.computed[name].title
    if name in table.titles:
        return table.titles[name]
    if name in TITLES:
        return TITLES[name]
    if table.record is not None and name in field_names(table.record):
        return field_info(table.record, name).label
    return label(name, table.source)


def field_description(table: Table, name: str, kind: str) -> str:
    if name in table.computed:
        text = table.computed[name].description
    elif name in table.descriptions:
        text = table.descriptions[name]
    else:
        text = " ".join(table_metadata(table.source)["columns"][name].split())
    if kind in FORMATS and FORMAT_SAID[kind] not in text:
        text = f"{text} {FORMATS[kind]}"
    known = table.vocabularies.get(name)
    return f"{text} {known.note}" if known is not None and known.note else text


def field_constraints(table: Table, name: str, unknown: tuple[str, ...]) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if name == table.primary_key or name in table.required:
        constraints["required"] = True
    if name in table.unique:
        constraints["unique"] = True
    if name in table.vocabularies:
        constraints.update(table.vocabularies[name].constraint(unknown))
    return constraints
