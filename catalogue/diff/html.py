"""The HTML writer: the body of a sync's public page (catalogue/serve/plugins/runs.py),
where `link(entity, key)` gives the path of an entry's page, or None."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from catalogue.diff.document import Document, Item, Section

Link = Callable[[str, str], "str | None"]


def render_html(document: Document, link: Link) -> Markup:
    """The warnings, sections and note of a document as HTML (headings from <h2>);
    `link(entity, key)` is the path of an entry's page, or None."""
    parts = [
        Markup('<p class="segur-report-warning" role="note">{}</p>').format(warning)
        for warning in document.warnings
    ]
    parts += [_html_section(section, link) for section in document.sections]
    if document.note:
        parts.append(Markup('<p class="segur-report-note">{}</p>').format(document.note))
    return Markup("\n").join(parts)


def _html_section(section: Section, link: Link) -> Markup:
    anchor = Markup(' id="{}"').format(section.anchor) if section.anchor else Markup("")
    parts = [
        Markup(
            '<h{level}{anchor}>{title} <span class="segur-count">({count})</span></h{level}>'
        ).format(level=section.level, anchor=anchor, title=section.title, count=section.count)
    ]
    if section.items:
        items = Markup("\n").join(_html_item(item, link) for item in section.items)
        parts.append(Markup('<ul class="segur-report-items">\n{}\n</ul>').format(items))
    parts += [_html_section(subsection, link) for subsection in section.subsections]
    return Markup("\n").join(parts)


def _html_item(item: Item, link: Link) -> Markup:
    name = Markup("<strong>{}</strong>").format(item.name)
    if item.version:
        name += Markup(" {}").format(item.version)
    href = link(item.entity, item.key)
    if href:
        name = Markup('<a href="{}">{}</a>').format(href, name)
    line = Markup("{} — {}").format(name, item.editor)
    if item.context:
        line += Markup(" ({})").format(", ".join(item.context))
    for detail in item.details:
        line += Markup(", {}").format(detail)
    if item.sentence:
        line += Markup(" : {}").format(item.sentence)
    if item.changes:
        changes = Markup("").join(
            Markup("<li>{} : {} → {}</li>").format(change.label, change.before, change.after)
            for change in item.changes
        )
        line += Markup('<ul class="segur-report-changes">{}</ul>').format(changes)
    return Markup("<li>{}</li>").format(line)
