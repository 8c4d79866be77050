"""Tables read by their header row: each column's field comes from its header text.

A header row is the first row (in `<thead>`, else among the first rows) whose cells
name enough key fields. Body rows may put their first cell in a `<th>`, span rows
or columns, repeat the header, or hold one full-width cell that titles the rows
below it (a *group row*, e.g. "Dossier Patient Informatisé").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import Tag

from scraper.normalize import clean_text
from scraper.parsers.common import Skip, Value, iter_strings, skipped, text_of, value_of
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


def _header_columns(row: dict[int, Tag], labels: LabelTable) -> dict[int, str]:
    columns: dict[int, str] = {}
    named: dict[int, str | None] = {}
    for index, cell in row.items():
        if id(cell) not in named:
            named[id(cell)] = header_field(cell, labels)
        if named[id(cell)]:
            columns[index] = named[id(cell)]
    return columns


def _names_keys(columns: dict[int, str], key_fields: tuple[str, ...], minimum: int) -> bool:
    return len(set(columns.values()) & set(key_fields)) >= minimum


def read_table(
    table: Tag, labels: LabelTable, key_fields: tuple[str, ...], minimum: int
) -> HeaderTable | None:
    """The table read by its header row, or None when no row names at least
    `minimum` of `key_fields`."""
    rows = own_rows(table)
    cells = grid(rows)
    head_rows = [i for i, row in enumerate(rows) if row.find_parent("thead") is not None]
    search = head_rows or list(range(min(_HEADER_SEARCH_DEPTH, len(rows))))
    header_index = None
    columns: dict[int, str] = {}
    for index in search:
        columns = _header_columns(cells[index], labels)
        if _names_keys(columns, key_fields, minimum):
            header_index = index
            break
    if header_index is None:
        return None
    read = HeaderTable(table, columns, _unknown_headers(cells[header_index], columns))
    width = max((max(row) + 1 for row in cells if row), default=0)
    group = None
    for position, index in enumerate(range(header_index + 1, len(rows)), start=1):
        row = cells[index]
        if index in head_rows or not row:
            continue
        distinct = list({id(cell): cell for cell in row.values()}.values())
        if width > 1 and len(distinct) == 1:
            group = text_of(distinct[0]) or group
            continue
        if _names_keys(_header_columns(row, labels), key_fields, minimum):
            continue  # the header repeated
        values = _row_values(row, columns)
        if values:
            read.rows.append(TableRow(values, group, position))
    return read


def _row_values(row: dict[int, Tag], columns: dict[int, str]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for index in sorted(columns):
        name = columns[index]
        cell = row.get(index)
        if cell is None or (name in values and not values[name].missing):
            continue
        value = value_of(cell)
        if name not in values or not value.missing:
            values[name] = value
    if all(v.missing for v in values.values()):
        return {}
    return values


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
    """Every table under `root` (outside skipped regions) read by its header row."""
    found = []
    for table in root.find_all("table"):
        if any(skip(parent) for parent in table.parents if isinstance(parent, Tag)):
            continue
        read = read_table(table, labels, key_fields, minimum)
        if read is not None:
            found.append(read)
    return found
