"""The files people download whole: what each one holds, and how it is written.

Three files for spreadsheets (`DOWNLOADS`), served at `/telecharger/<slug>.csv` by
catalogue/serve/plugins/downloads.py:

* `solutions-referencees.csv`: the view `solutions_referencees` (what is referenced
  today), newest referencing first;
* `candidatures.csv`: the candidatures the ANS still publishes (`removed_run` empty),
  newest filing first; those it no longer publishes stay in the table `candidates`;
* `changements.csv`: every change every sync detected (solutions and candidatures),
  newest first.

They are written for Excel as it opens a file in France (`excel_rows`): UTF-8 with a
byte order mark (without it Excel reads Windows-1252), `;` between fields (French
Excel's list separator: with commas every line lands in one column), CRLF line ends,
French headers (the public labels of the fields, `scraper/items.py`), and the
database's values: ISO dates, codes (`added`, `referenced`…). A text cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return gets an apostrophe in front
(`neutralised`), so that no spreadsheet takes a scraped name for a formula (CSV
injection).

Each file is read in pages of at most `PAGE_ROWS` rows, one bounded query each, paged
by keyset on (sort value, unique key) (`Download.page_sql`): never the whole table in
memory, never an OFFSET that grows with the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from catalogue.schema import PUBLIC_VIEW, public_view_fields
from scraper.items import CANDIDATE_FIELDS, CandidateRecord, SolutionRecord, field_info

PAGE_ROWS = 1000
BOM = "\ufeff"
# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str  # French, as the file's first line shows it
    sql: str  # the expression that reads it


@dataclass(frozen=True)
class Download:
    """One file: which rows (`source`, `where`), in which order, with which columns.

    `order` is the sort value (newest first, never NULL) and `key` a unique integer
    that breaks its ties; pages follow each other on the pair."""

    slug: str  # the file's name and address: /telecharger/<slug>.csv
    table: str  # the public table or view whose page offers it
    title: str  # the link, in French
    counted: tuple[str, str]  # what its lines count (singular, plural), in French
    description: str  # how the lines are written and ordered, in French
    source: str  # FROM clause, joins included
    where: str
    order: str
    key: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def count_sql(self) -> str:
        return f"SELECT count(*) FROM {self.source} WHERE {self.where}"

    def page_sql(self, *, after: bool) -> str:
        """The next page: parameters `limit`, `origin` (for the entries' addresses), and
        when `after`, the last row read (`after_order`, `after_key`)."""
        conditions = [self.where]
        if after:
            conditions.append(f"({self.order}, {self.key}) < (:after_order, :after_key)")
        selected = ", ".join(column.sql for column in self.columns)
        return (
            f"SELECT {self.order}, {self.key}, {selected} FROM {self.source}"
            f" WHERE {' AND '.join(conditions)} ORDER BY 1 DESC, 2 DESC LIMIT :limit"
        )


def _label(record, name: str) -> str:
    return field_info(record, name).label


def _entry_page(entity: str, page_id: str) -> str:
    """The absolute address of an entry's page (SQL), empty when it has none."""
    return f"coalesce(:origin || segur_page({entity}, {page_id}), '')"


PAGE_HEADER = "Fiche du catalogue"

REFERENCED = Download(
    slug="solutions-referencees",
    table=PUBLIC_VIEW,
    title="Télécharger toutes les solutions référencées",
    counted=("solution référencée aujourd'hui", "solutions référencées aujourd'hui"),
    description=(
        "une ligne par version référencée, les plus récemment référencées d'abord, avec"
        " l'adresse de sa fiche"
    ),
    source=PUBLIC_VIEW,
    where="1",
    order="coalesce(date_referencement, '')",
    key="rowid",
    columns=(
        *(
            Column(_label(SolutionRecord, name), field_info(SolutionRecord, name).column)
            for name in public_view_fields()
        ),
        Column(PAGE_HEADER, _entry_page("'solution'", "fiche")),
    ),
)

CANDIDATES = Download(
    slug="candidatures",
    table="candidates",
    title="Télécharger les candidatures publiées",
    counted=(
        "candidature publiée aujourd'hui par l'ANS",
        "candidatures publiées aujourd'hui par l'ANS",
    ),
    description=(
        "les plus récemment déposées d'abord ; celles qu'elle ne publie plus restent dans"
        " la table des candidatures"
    ),
    source="candidates",
    where="removed_run IS NULL",
    order="coalesce(applied_on, '')",
    key="rowid",
    columns=(
        *(
            Column(_label(CandidateRecord, name), name)
            for name in ("solution", *(n for n in CANDIDATE_FIELDS if n != "solution"))
        ),
        Column(PAGE_HEADER, _entry_page("'candidate'", "page_id")),
    ),
)

CHANGES = Download(
    slug="changements",
    table="changes",
    title="Télécharger l'historique des changements",
    counted=("changement constaté", "changements constatés"),
    description=(
        "par les synchronisations successives : solution ou candidature ajoutée, retirée,"
        " modifiée ou réapparue, les plus récents d'abord"
    ),
    source=(
        "changes c LEFT JOIN runs r ON r.id = c.run_id"
        " LEFT JOIN solutions s ON c.entity = 'solution' AND s.key = c.key"
        " LEFT JOIN candidates k ON c.entity = 'candidate' AND k.key = c.key"
    ),
    where="1",
    order="c.id",
    key="c.id",
    columns=(
        Column("Numéro du changement", "c.id"),
        Column("Synchronisation", "c.run_id"),
        Column(
            "Date de la synchronisation", "substr(coalesce(r.finished_at, c.detected_at), 1, 10)"
        ),
        Column("Entrée (solution ou candidate)", "c.entity"),
        Column("Changement (added, removed, changed ou reappeared)", "c.kind"),
        Column(_label(SolutionRecord, "solution"), "c.solution"),
        Column(_label(SolutionRecord, "editor"), "c.editor"),
        Column(_label(SolutionRecord, "version"), "c.version"),
        Column("Version précédente", "c.previous_version"),
        Column(_label(SolutionRecord, "couloir"), "c.couloir"),
        Column(_label(SolutionRecord, "dispositif"), "c.dispositif"),
        Column(_label(SolutionRecord, "vague"), "c.vague"),
        Column(_label(SolutionRecord, "referenced_on"), "c.referenced_on"),
        Column(_label(CandidateRecord, "applied_on"), "c.applied_on"),
        Column("Statut après le changement", "c.status"),
        Column("Champs modifiés (JSON : avant, après)", "c.fields"),
        Column("Candidature d'origine (JSON)", "c.was_candidate"),
        Column("Identifiant de l'entrée", "c.key"),
        Column("Remplace l'entrée", "c.replaces"),
        Column("Nouvelle version de l'entrée", "c.new_version_of"),
        Column(PAGE_HEADER, _entry_page("c.entity", "coalesce(s.page_id, k.page_id)")),
    ),
)

DOWNLOADS = (REFERENCED, CANDIDATES, CHANGES)
DOWNLOAD_OF_SLUG = {download.slug: download for download in DOWNLOADS}


# Writing ----------------------------------------------------------------------


def neutralised(value: Any) -> Any:
    """`value`, with an apostrophe in front when a spreadsheet would read a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(rows: Iterable[Sequence[Any]], **dialect: Any) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", **dialect).writerows(rows)
    return buffer.getvalue()


def excel_rows(rows: Iterable[Sequence[Any]], *, bom: bool = False) -> bytes:
    """Lines of an Excel-friendly CSV (the file's first ones start with the `bom`)."""
    text = _csv_text(([neutralised(value) for value in row] for row in rows), delimiter=";")
    return ((BOM if bom else "") + text).encode("utf-8")


def csv_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    """Lines of a CSV as Datasette writes it: commas, CRLF, UTF-8 without a mark."""
    return _csv_text(rows).encode("utf-8")


class JsonWriter:
    """Rows as one JSON array of objects written a page at a time, or one object a line
    (`lines`, "JSON Lines")."""

    def __init__(self, *, lines: bool):
        self.lines = lines
        self.written = 0

    def start(self) -> bytes:
        return b"" if self.lines else b"["

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        parts = []
        for row in rows:
            encoded = json.dumps(row, ensure_ascii=False)
            if self.lines:
                parts.append(f"{encoded}\n")
            else:
                parts.append(f"{',' if self.written else ''}\n{encoded}")
            self.written += 1
        return "".join(parts).encode("utf-8")

    def end(self) -> bytes:
        return b"" if self.lines else b"\n]\n"


def filename(stem: str, day: str | None, extension: str) -> str:
    """ "solutions-referencees-2025-06-02.csv": the day of the data, when there is one."""
    return f"{stem}-{day}.{extension}" if day else f"{stem}.{extension}"
