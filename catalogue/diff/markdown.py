"""The Markdown writer: a report in French Markdown, as `segur diff` prints it."""

from __future__ import annotations

import re
from typing import Any

from catalogue.diff.document import Document, Item, Section, report_document
from scraper.normalize import clean_text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md(text: object) -> str:
    """Text made safe inline in Markdown: one line, Markdown's active characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean_text(str(text)))


def render_markdown(report: dict[str, Any]) -> str:
    return markdown_of(report_document(report))


def markdown_of(document: Document) -> str:
    blocks: list[list[str]] = [[f"# {md(document.title)}"]]
    blocks += [[md(warning)] for warning in document.warnings]
    for section in document.sections:
        blocks += _markdown_section(section)
    if document.note:
        blocks.append([md(document.note)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _markdown_section(section: Section) -> list[list[str]]:
    count = f" ({section.count})" if section.counted else ""
    blocks = [[f"{'#' * section.level} {md(section.title)}{count}"]]
    if section.items:
        blocks.append([line for item in section.items for line in _markdown_item(item)])
    for subsection in section.subsections:
        blocks += _markdown_section(subsection)
    return blocks


def _markdown_item(item: Item) -> list[str]:
    version = f" {md(item.version)}" if item.version else ""
    line = f"- **{md(item.name)}**{version} — {md(item.editor)}"
    if item.context:
        line += f" ({', '.join(md(part) for part in item.context)})"
    line += "".join(f", {md(detail)}" for detail in item.details)
    if item.sentence:
        line += f" : {md(item.sentence)}"
    changes = [
        f"  - {md(change.label)} : {md(change.before)} → {md(change.after)}"
        for change in item.changes
    ]
    return [line, *changes]
