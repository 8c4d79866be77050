"""Tables read by their header row: each column's field comes from its header text.

A header row is the first row (in `<thead>`, else among the first rows) whose cells
name enough key fields. Body rows may put their first cell in a `<th>`, span rows
or columns, repeat the header, or hold one full-width cell that titles the rows
below it (a *group row*, e.g. "Dossier Patient Informatisé").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import Tag

from scraper.normalize import clean_text
from scraper.parsers.common import (
    Skip,
    Value,
    iter_strings,
    lines_of,
    skipped,
    text_of,
    value_of,
)
from scraper.parsers.labels import LabelTable, field_for_label

_HEADER_SEARCH_DEPTH = 3  # rows looked at for a header when there is no <thead>


@dataclass
class TableRow:
    cells: dict[str, Value]
    group: str | None = None  # text of the group row above, if any
    position: int = 0  # row number in the table (1 = first body row)


@dataclass
class HeaderTable:
    element: Tag
    columns: dict[int, str]  # column index -> field
    unknown_headers: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    extra_elements: list[Tag] = field(default_factory=list)  # a body table read with it


def own_rows(table: Tag) -> list[Tag]:
    """The table's rows, without those of tables nested in its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def cells_of(row: Tag) -> list[Tag]:
    return row.find_all(["td", "th"], recursive=False)


def _span(cell: Tag, attribute: str) -> int:
    try:
        return min(max(int(str(cell.get(attribute, "1")).strip() or 1), 1), 100)
    except ValueError:
        return 1


def grid(rows: list[Tag]) -> list[dict[int, Tag]]:
    """Each row as column index -> cell, with `colspan` and `rowspan` applied."""
    spanning: dict[int, tuple[Tag, int]] = {}  # column -> (cell, rows it still covers)
    result = []
    for row in rows:
        placed: dict[int, Tag] = {}
        started: dict[int, tuple[Tag, int]] = {}
        column = 0
        for cell in cells_of(row):
            while column in spanning:
                placed[column] = spanning[column][0]
                column += 1
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for offset in range(colspan):
                placed[column + offset] = cell
                if rowspan > 1:
                    started[column + offset] = (cell, rowspan - 1)
            column += colspan
        for index, (cell, _) in spanning.items():
            placed.setdefault(index, cell)
        spanning = {i: (c, n - 1) for i, (c, n) in spanning.items() if n > 1}
        spanning.update(started)
        result.append(dict(sorted(placed.items())))
    return result


def header_field(cell: Tag, labels: LabelTable) -> str | None:
    """The field a header cell names. Sorting links may add hidden words
    ("Éditeur Trier par ordre croissant"): then one of its text nodes must name it."""
    found = field_for_label(text_of(cell), labels)
    if found:
        return found
    for string in iter_strings(cell):
        found = field_for_label(clean_text(string), labels)
        if found:
            return found
    return None


def _header_columns(row: dict[int, Tag], labels: LabelTable, strict: bool = False):
    """Column index -> field for a header row. `strict`: the whole cell text must be
    a label (used to spot a repeated header among body rows)."""
    columns: dict[int, str] = {}
    named: dict[int, str | None] = {}
    for index, cell in row.items():
        if id(cell) not in named:
            text = text_of(cell)
            named[id(cell)] = (
                field_for_label(text, labels) if strict else header_field(cell, labels)
            )
        if named[id(cell)]:
            columns[index] = named[id(cell)]
    return columns


def _names_keys(columns: dict[int, str], key_fields: tuple[str, ...], minimum: int) -> bool:
    return len(set(columns.values()) & set(key_fields)) >= minimum


@dataclass
class _Reading:
    labels: LabelTable
    key_fields: tuple[str, ...]
    minimum: int

    def header(self, table: Tag) -> tuple[list[Tag], list[dict[int, Tag]], int, dict[int, str]]:
        rows = own_rows(table)
        cells = grid(rows)
        head_rows = [i for i, row in enumerate(rows) if row.find_parent("thead") is not None]
        for index in head_rows or range(min(_HEADER_SEARCH_DEPTH, len(rows))):
            columns = _header_columns(cells[index], self.labels)
            if _names_keys(columns, self.key_fields, self.minimum):
                return rows, cells, index, columns
        return rows, cells, -1, {}

    def body(self, rows: list[Tag], cells: list[dict[int, Tag]], start: int, columns):
        """The body rows after index `start`, with the group row above each."""
        width = max((max(row) + 1 for row in cells if row), default=0)
        group = None
        found = []
        for position, index in enumerate(range(start + 1, len(rows)), start=1):
            row = cells[index]
            if not row or rows[index].find_parent("thead") is not None:
                continue
            distinct = list({id(cell): cell for cell in row.values()}.values())
            if width > 1 and len(distinct) == 1:
                group = text_of(distinct[0]) or group
                continue
            if _names_keys(
                _header_columns(row, self.labels, strict=True), self.key_fields, self.minimum
            ):
                continue  # the header repeated
            values = self.values(row, columns)
            if values:
                found.append(TableRow(values, group, position))
        return found

    def values(self, row: dict[int, Tag], columns: dict[int, str]) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for index in sorted(columns):
            name = columns[index]
            cell = row.get(index)
            if cell is None or (name in values and not values[name].missing):
                continue
            value = cell_value(cell, name, self.labels)
            if name not in values or not value.missing:
                values[name] = value
        if all(v.missing for v in values.values()):
            return {}
        return values


_LABEL_PREFIX = re.compile(r"^(.{1,80}?)\s*[:：]\s*(.+)$")


def cell_value(cell: Tag, name: str, labels: LabelTable) -> Value:
    """A cell's value without a copy of its column label: responsive themes repeat
    the header in each cell ("<span>Éditeur</span> ACME", "Éditeur : ACME")."""
    inner_labels = {
        id(tag) for tag in cell.find_all(True) if field_for_label(text_of(tag), labels) == name
    }
    value = value_of(cell)
    if inner_labels:
        without = Value.from_lines(
            lines_of([cell], lambda tag: skipped(tag) or id(tag) in inner_labels)
        )
        value = without if not without.missing else value
    match = _LABEL_PREFIX.match(value.text)
    if match and field_for_label(match.group(1), labels) == name:
        value = Value.from_lines([_strip_label(line, name, labels) for line in value.items])
    return value


def _strip_label(line: str, name: str, labels: LabelTable) -> str:
    match = _LABEL_PREFIX.match(line)
    if match and field_for_label(match.group(1), labels) == name:
        return match.group(2)
    return line


def _unknown_headers(row: dict[int, Tag], columns: dict[int, str]) -> list[str]:
    unknown = []
    for index, cell in sorted(row.items()):
        text = text_of(cell)
        if index not in columns and text and text not in unknown:
            unknown.append(text)
    return unknown


def header_tables(
    root: Tag,
    labels: LabelTable,
    key_fields: tuple[str, ...],
    minimum: int,
    skip: Skip = skipped,
) -> list[HeaderTable]:
    """Every table under `root` (outside skipped regions) read by its header row.

    A header-only table directly followed by a table without header (a fixed-header
    rendering) lends its columns to that table.
    """
    reading = _Reading(labels, key_fields, minimum)
    found: list[HeaderTable] = []
    lent: set[int] = set()
    for table in root.find_all("table"):
        if id(table) in lent or any(skip(p) for p in table.parents if isinstance(p, Tag)):
            continue
        rows, cells, header, columns = reading.header(table)
        if header < 0:
            continue
        read = HeaderTable(table, columns, _unknown_headers(cells[header], columns))
        read.rows = reading.body(rows, cells, header, columns)
        if header == len(rows) - 1:
            body = _headless_table_after(table, reading)
            if body is not None:
                lent.add(id(body))
                read.extra_elements.append(body)
                body_rows = own_rows(body)
                read.rows = reading.body(body_rows, grid(body_rows), -1, columns)
        found.append(read)
    return found


def _headless_table_after(table: Tag, reading: _Reading) -> Tag | None:
    following = table.find_next("table")
    if following is None or reading.header(following)[2] >= 0:
        return None
    return following
