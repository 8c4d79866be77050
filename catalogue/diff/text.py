"""The plain-text writer: a report as an e-mail or a chat message shows it (the
alerts, catalogue/alerts/), and one item as the text of a feed entry.

`link(entity, key)` gives the address of an entry's page, or None (no link).
"""

from __future__ import annotations

from collections.abc import Callable

from catalogue.diff.document import ITEM_LABELS, Document, Item, Section

Link = Callable[[str, str], "str | None"]


def render_text(document: Document, link: Link) -> str:
    """The sections of a document (not its title): each main section with its count,
    the couloir and dispositif of new products on one line, then one line per item
    with its field changes and its link below it."""
    blocks = [_section_lines(section, link, ()) for section in document.sections]
    return "\n\n".join("\n".join(block) for block in blocks)


def _section_lines(section: Section, link: Link, where: tuple[str, ...]) -> list[str]:
    lines = []
    if section.level == 2 or section.title in ITEM_LABELS:
        lines.append(f"{section.title} ({section.count})" if section.counted else section.title)
    else:
        where = (*where, section.title)
    if section.items and where:
        lines.append(" — ".join(where))
    for item in section.items:
        lines += item_lines(item, link(item.entity, item.key))
    for subsection in section.subsections:
        lines += _section_lines(subsection, link, where)
    return lines


def item_lines(item: Item, url: str | None) -> list[str]:
    """ "- Kalisil 4.1 — Dedalus (SGL, vague 1), référencée le … : remplace la version 4.0",
    then one line per field change, then the address of its page."""
    line = f"- {item.name}"
    if item.version:
        line += f" {item.version}"
    if item.editor:
        line += f" — {item.editor}"
    if item.context:
        line += f" ({', '.join(item.context)})"
    line += "".join(f", {detail}" for detail in item.details)
    if item.sentence:
        line += f" : {item.sentence}"
    lines = [line]
    lines += [f"  {change.label} : {change.before} → {change.after}" for change in item.changes]
    if url:
        lines.append(f"  {url}")
    return lines
