"""Candidate articles (contract 4.2) printed with a rendering's own table habits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from replica.dataset import Article, CandidateTable

from .common import esc, french_date

CANDIDATE_FIELDS = ("editor", "solution", "version", "dispositif", "status", "applied_on")


@dataclass(frozen=True)
class TableStyle:
    """How one rendering prints candidate tables.

    `order` lists fields (and extra column names from `extra`) left to right; a field the
    dataset's table does not show is skipped. `header` is "thead" (<thead><th>), "th-row"
    (first <tr> of <th>, no <thead>) or "td-bold" (first <tr> of <td><b>). `heading` is the
    element naming the dispositif above a table without a dispositif column: "h2".."h4",
    "caption", "p-strong" (`<p><strong>`) or "none" (the caller prints it). `date_style`
    None keeps the table's own.
    """

    labels: dict[str, str]
    order: tuple[str, ...] = CANDIDATE_FIELDS
    header: str = "thead"
    heading: str | tuple[str, ...] = "h3"  # a tuple is used in turn, one table after another
    heading_text: Callable[[str], str] = lambda text: text
    date_style: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # column -> cell text
    table_class: str = "table"
    intro: str | None = None  # a paragraph between the heading and its table


def table_fields(table: CandidateTable) -> set[str]:
    return {name for _, name in table.columns}


def candidate_tables(article: Article, style: TableStyle) -> str:
    """The article's tables; where the dataset says the editor typed curly apostrophes (’),
    they are printed so (the truth keeps the straight ones)."""
    html = "\n".join(
        candidate_table(table, style, index) for index, table in enumerate(article.tables)
    )
    return as_typed(html, article)


def as_typed(html: str, article: Article) -> str:
    return html.replace("&#x27;", "’") if article.curly_apostrophes else html


def candidate_table(table: CandidateTable, style: TableStyle, index: int = 0) -> str:
    shown = table_fields(table)
    columns = [c for c in style.order if c in shown or c in style.extra]
    header = header_row([style.labels.get(c, c) for c in columns], style.header)
    date_style = style.date_style or table.date_style
    body = "".join(
        "<tr>"
        + "".join(f"<td>{cell(c, record, style, date_style)}</td>" for c in columns)
        + "</tr>\n"
        for record in table.candidates
    )
    heading = style.heading_text(table.heading) if table.heading else None
    element = style.heading
    if not isinstance(element, str):
        element = element[index % len(element)]
    caption = before = ""
    if heading and element == "caption":
        caption = f"<caption>{esc(heading)}</caption>"
    elif heading and element == "p-strong":
        before = f"<p><strong>{esc(heading)}</strong></p>\n"
    elif heading and element != "none":
        before = f"<{element}>{esc(heading)}</{element}>\n"
    if before and style.intro:
        before += f"<p>{esc(style.intro)}</p>\n"
    if style.header == "thead":
        rows = f"<thead>{header}</thead>\n<tbody>\n{body}</tbody>"
    else:
        rows = f"<tbody>\n{header}\n{body}</tbody>"
    return f'{before}<table class="{style.table_class}">{caption}\n{rows}\n</table>'


def header_row(labels: list[str], markup: str) -> str:
    if markup == "td-bold":
        return "<tr>" + "".join(f"<td><b>{esc(label)}</b></td>" for label in labels) + "</tr>"
    return "<tr>" + "".join(f'<th scope="col">{esc(label)}</th>' for label in labels) + "</tr>"


def cell(column: str, record, style: TableStyle, date_style: str) -> str:
    if column in style.extra:
        return esc(style.extra[column])
    if column == "applied_on":
        return esc(french_date(record.applied_on, date_style))
    return esc(getattr(record, column) or "")
