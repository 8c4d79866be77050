"""Regions of a page whose content is never a result row: menus, banner and
footer, facet blocks, form labels and filter forms.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from scraper.normalize import (
    clean_text,
)
from scraper.parsers.dom import (
    attribute,
    iter_strings,
    links,
    lowest_common_ancestor,
    skipped,
    tags,
)
from scraper.parsers.facets import FacetLink
from scraper.parsers.page import is_page_chrome

_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_FILTER_CONTROLS = ("select", "textarea")
# What a facet block may show besides its links: a title ("Filtrer par", "Dispositif").
_BLOCK_TITLE_BUDGET = 80
_BLOCK_TITLE_TEXTS = 2


def ignored_regions(
    soup: BeautifulSoup, facets: list[FacetLink], ignore_forms: bool = True
) -> set[int]:
    """Ids of the elements whose content is never a result row: menus, the site
    banner and footer, facet blocks, form labels and (unless told not to) filter forms."""
    ignored: set[int] = set()
    for tag in tags(soup):
        if is_page_chrome(tag) or tag.get("role") in _CHROME_ROLES:
            ignored.add(id(tag))
        elif tag.name == "label" and _is_form_label(tag):
            ignored.add(id(tag))
        elif ignore_forms and tag.name == "form" and _is_filter_form(tag):
            ignored.add(id(tag))
    for block in facet_blocks(facets):
        ignored.add(id(block))
    return ignored


def _is_form_label(label: Tag) -> bool:
    if label.get("for") or label.find(["input", "select", "textarea"]):
        return True
    following = label.find_next_sibling(True)
    return following is not None and following.name in ("input", "select", "textarea")


def _is_filter_form(form: Tag) -> bool:
    if form.find(_FILTER_CONTROLS):
        return True
    return any(
        (attribute(control, "type") or "text").lower() not in ("hidden", "submit", "reset", "image")
        for control in form.find_all("input")
    )


def facet_blocks(facets: list[FacetLink]) -> list[Tag]:
    """The blocks that hold only facet links (and a short title such as "Dispositif").

    A block is the lowest common ancestor of one facet's links, widened while its
    parent adds no other link and no more than a title's worth of text (a few
    characters in at most two text nodes). A table row or list whose cells link to
    facets is no facet block: its other cells are more text nodes.
    """
    by_name: dict[str, list[Tag]] = {}
    for facet in facets:
        by_name.setdefault(facet.name, []).append(facet.element)
    facet_ids = {id(f.element) for f in facets}
    blocks = []
    for group in by_name.values():
        block = group[0] if len(group) == 1 else lowest_common_ancestor(group)
        if block is None or not _only_facets(block, facet_ids):
            continue
        while block.parent is not None and block.parent.name not in ("body", "html", "main"):
            parent = block.parent
            if not _only_facets(parent, facet_ids):
                break
            if any(id(a) not in facet_ids for a in links(parent)):
                break
            block = parent
        blocks.append(block)
    return blocks


def _only_facets(block: Tag, facet_ids: set[int]) -> bool:
    """Whether `block` shows nothing but facet links and a title."""

    def outside_links(tag: Tag) -> bool:
        return skipped(tag) or id(tag) in facet_ids

    if id(block) in facet_ids:
        return True
    texts = [t for t in (clean_text(s) for s in iter_strings(block, outside_links)) if t]
    return len(texts) <= _BLOCK_TITLE_TEXTS and sum(map(len, texts)) <= _BLOCK_TITLE_BUDGET
