"""Tables read by their header row: each column's field comes from its header text.

A header row is the first row (in `<thead>`, else among the first rows) whose cells
name enough key fields, and is no row of label/value pairs ("Éditeur | ACME |
Solution | Foo"). Body rows may put their first cell in a `<th>`, span rows or
columns, repeat the header, repeat each column's label inside its cells (responsive
themes), or hold one full-width cell that titles the rows below it (a *group row*,
e.g. "Dossier Patient Informatisé"). A header-only table lends its columns to the
table right after it (fixed-header themes). A table of three columns or more whose
first column holds the labels is read one row per column (transposed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import Tag

from scraper.normalize import clean_text
from scraper.parsers.dom import (
    Skip,
    Value,
    attribute,
    iter_strings,
    lines_of,
    skipped,
    tags,
    text_of,
)
from scraper.parsers.labels import LabelTable, field_for_header, field_for_label

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
    rows: list[Tag] = []

    def walk(tag: Tag) -> None:
        for child in tag.children:
            if isinstance(child, Tag):
                if child.name == "tr":
                    rows.append(child)
                elif child.name != "table":
                    walk(child)

    walk(table)
    return rows


def cells_of(row: Tag) -> list[Tag]:
    return [c for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _in_head(row: Tag) -> bool:
    return row.parent is not None and row.parent.name == "thead"


def _span(cell: Tag, attribute: str) -> int:
    value = cell.attrs.get(attribute)
    if value is None:
        return 1
    try:
        return min(max(int(str(value).strip() or 1), 1), 100)
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
    ("Éditeur Trier par ordre croissant"): then one of its text nodes must name it;
    an abbreviation ("<abbr title='Numéro de version'>N° v.</abbr>") by its title."""
    found = field_for_header(text_of(cell), labels)
    if found:
        return found
    texts: list[str | None] = [clean_text(string) for string in iter_strings(cell)]
    texts += [attribute(cell, "aria-label"), attribute(cell, "title")]
    texts += [attribute(abbr, "title") for abbr in tags(cell, "abbr")]
    for text in texts:
        found = field_for_label(text, labels)
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
        name = named[id(cell)]
        if name:
            columns[index] = name
    return columns


def _pairs_row(row: dict[int, Tag], columns: dict[int, str]) -> bool:
    """A row of label/value pairs ("Éditeur | ACME | Solution | Foo"), not a header:
    each label cell is followed by a cell that shows a value."""
    distinct = list({id(cell): (index, cell) for index, cell in sorted(row.items())}.values())
    for position, (index, _) in enumerate(distinct):
        if index not in columns:
            continue
        following = distinct[position + 1][0] if position + 1 < len(distinct) else None
        if following is None or following in columns or not text_of(row[following]):
            return False
    return True


def _names_keys(columns: dict[int, str], key_fields: tuple[str, ...], minimum: int) -> bool:
    return len(set(columns.values()) & set(key_fields)) >= minimum


@dataclass
class TableReader:
    labels: LabelTable
    key_fields: tuple[str, ...]
    minimum: int

    def header(self, table: Tag) -> tuple[list[Tag], list[dict[int, Tag]], int, dict[int, str]]:
        rows = own_rows(table)
        cells = grid(rows)
        head_rows = [i for i, row in enumerate(rows) if _in_head(row)]
        for index in head_rows or range(min(_HEADER_SEARCH_DEPTH, len(rows))):
            columns = _header_columns(cells[index], self.labels)
            if _names_keys(columns, self.key_fields, self.minimum) and not _pairs_row(
                cells[index], columns
            ):
                return rows, cells, index, columns
        return rows, cells, -1, {}

    def body(
        self, rows: list[Tag], cells: list[dict[int, Tag]], start: int, columns: dict[int, str]
    ) -> list[TableRow]:
        """The body rows after index `start`, with the group row above each."""
        width = max((max(row) + 1 for row in cells if row), default=0)
        group = None
        found = []
        for position, index in enumerate(range(start + 1, len(rows)), start=1):
            row = cells[index]
            if not row or _in_head(rows[index]):
                continue
            distinct = list({id(cell): cell for cell in row.values()}.values())
            if width > 1 and len(distinct) == 1:
                group = text_of(distinct[0]) or group
                continue
            values = self.values(row, columns)
            if values and not self._repeats_header(values):
                found.append(TableRow(values, group, position))
        return found

    def transposed(self, table: Tag, cells: list[dict[int, Tag]]) -> HeaderTable | None:
        """A table whose first column holds the labels and each further column one
        row (three columns or more: a two-column table is one row, read as pairs)."""
        fields = {i: header_field(row[0], self.labels) for i, row in enumerate(cells) if 0 in row}
        named = {i: f for i, f in fields.items() if f}
        width = max((len(row) for row in cells), default=0)
        if width < 3 or not _names_keys(named, self.key_fields, self.minimum):
            return None
        read = HeaderTable(table, {})
        for column in range(1, width):
            column_cells = {i: cells[i][column] for i in named if column in cells[i]}
            values = self.values(column_cells, named)
            if values and not self._repeats_header(values):
                read.rows.append(TableRow(values, None, column))
        return read

    def _repeats_header(self, values: dict[str, Value]) -> bool:
        named = {
            name
            for name, value in values.items()
            if name in self.key_fields and field_for_label(value.text, self.labels) == name
        }
        return len(named) >= self.minimum

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
_LABEL_ONLY = re.compile(r"^.{1,80}?\s*[:：]$")


def cell_value(cell: Tag, name: str, labels: LabelTable) -> Value:
    """A cell's value without a copy of its column label: responsive themes repeat
    the header in each cell ("<span>Éditeur</span> ACME", "Éditeur : ACME")."""
    texts = [(s, clean_text(s)) for s in iter_strings(cell)]
    texts = [(s, t) for s, t in texts if t]
    labelled = set()
    if len(texts) > 1:
        labelled = {id(s) for s, t in texts if field_for_label(t, labels) == name}
    dropped = labelled if labelled and len(labelled) < len(texts) else None
    value = Value.from_lines(lines_of([cell], drop=dropped))
    if _LABEL_ONLY.match(value.text) and field_for_label(value.text, labels) == name:
        return Value.from_lines([])  # "Distributeurs :" and nothing after: no value
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
    reading = TableReader(labels, key_fields, minimum)
    found: list[HeaderTable] = []
    lent: set[int] = set()
    for table in tags(root, "table"):
        if id(table) in lent or any(skip(p) for p in table.parents if isinstance(p, Tag)):
            continue
        rows, cells, header, columns = reading.header(table)
        if header < 0:
            transposed = reading.transposed(table, cells)
            if transposed is not None:
                found.append(transposed)
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


def _headless_table_after(table: Tag, reading: TableReader) -> Tag | None:
    following = table.find_next("table")
    if following is None or reading.header(following)[2] >= 0:
        return None
    return following
