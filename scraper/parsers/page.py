"""Page-level facts every listing states: its number, the "N résultats" line, its
heading, and the base its links are relative to.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from scraper.normalize import (
    clean_text,
    fold,
    parse_result_count,
)
from scraper.parsers.dom import BLOCK_TAGS, href_of, iter_strings, links, text_of


def page_number(url: str) -> int:
    """The 0-based `page` query parameter of a URL (0 when absent or unreadable).
    Drupal writes several pagers' pages as "page=2,0": the first is the listing's."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == "page":
            try:
                return max(int(value.split(",")[0].strip()), 0)
            except ValueError:
                return 0
    return 0


_RESULT_WORD = re.compile(r"\bresultat|\bresults?\b")
_BARE_NUMBER = re.compile(r"^(?:\d[\d .,]*|aucune?|pas de)$")


def result_count(soup: BeautifulSoup) -> int | None:
    """The first "N résultats" / "1 résultat" / "Aucun résultat" of the visible text.

    Text nodes are read one at a time so that neighbouring numbers ("Vague 2" just
    before "137 résultats") never merge; a count split by markup
    ("<strong>137</strong> résultats") is joined with the text node just before it when
    both lie in the same block: a version cell "10" never joins the next cell's
    "RÉSULTATS & ANALYSES".
    """
    root = soup.body or soup
    previous, previous_block = "", None
    for string in iter_strings(root):
        text = clean_text(string)
        if not text:
            continue
        block = _enclosing_block(string)
        folded = fold(text)
        if _RESULT_WORD.search(folded):
            count = parse_result_count(text)
            if count is None and block is previous_block and _BARE_NUMBER.match(fold(previous)):
                count = parse_result_count(f"{previous} {text}")
            if count is not None:
                return count
        previous, previous_block = text, block
    return None


def _enclosing_block(node: PageElement) -> Tag | None:
    """The nearest ancestor a browser lays out on its own line(s)."""
    return next((parent for parent in node.parents if parent.name in BLOCK_TAGS), None)


def page_heading(soup: BeautifulSoup) -> str:
    """The page's title as shown: the first `h1` outside the site banner and menus,
    else any `h1`, else `<title>`."""
    headings = soup.find_all("h1")
    for heading in headings:
        if not any(is_page_chrome(parent) for parent in heading.parents):
            return text_of(heading)
    if headings:
        return text_of(headings[0])
    return clean_text(soup.title.get_text()) if soup.title else ""


def is_page_chrome(tag: Tag) -> bool:
    return (
        tag.name == "nav"
        or tag.get("role") in ("banner", "navigation", "contentinfo")
        or (tag.name in ("header", "footer") and not _inside_content(tag))
    )


def _inside_content(tag: Tag) -> bool:
    return any(p.name in ("main", "article", "section", "li", "td", "dd") for p in tag.parents)


def base_url(soup: BeautifulSoup, url: str) -> str:
    """The URL relative links resolve against: `<base href>` if the page has one."""
    head = soup.head
    bases = links(head, "base") if head is not None else []
    return urljoin(url, href_of(bases[0]).strip()) if bases else url
