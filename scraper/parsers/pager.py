"""The pager: the link to the next page, by its relation, its words or its arrows."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scraper.normalize import (
    clean_text,
    fold,
)
from scraper.parsers.dom import attribute, href_of, links, text_of
from scraper.parsers.page import base_url, page_number

_FORWARD_ARROWS = "›»→⟩❯▶►⇒➔➜⟶〉❭▸▹⏵≫>"
_NEXT_WORDS = frozenset(
    {
        "suivant",
        "suivante",
        "page suivante",
        "page suivant",
        "suiv",
        "aller a la page suivante",
        "next",
        "next page",
        "go to next page",
    }
)
_NEXT_HINT = re.compile(r"\bsuivante?s?\b|\bnext\b")
_PREVIOUS_HINT = re.compile(r"precedent|previous|\bprev\b|dernier|last|premier|first")


def _arrows_removed(folded: str) -> str:
    return clean_text(folded.translate({ord(c): " " for c in _FORWARD_ARROWS}).strip(" .:"))


def says_next(text: str) -> bool:
    """Link text meaning "next page": "Suivant", "Page suivante ›", "›", "»", "suivant »"."""
    folded = fold(text)
    if not folded:
        return False
    rest = _arrows_removed(folded)
    return rest in _NEXT_WORDS or (not rest and folded != rest)


def _hints_next(link: Tag) -> bool:
    for name in ("aria-label", "title"):
        hint = fold(attribute(link, name))
        if hint and _NEXT_HINT.search(hint) and not _PREVIOUS_HINT.search(hint):
            return True
    return False


def same_site(url: str, base: str) -> bool:
    """Same host and port as `base`, and not an English (`/en/`) page."""
    parts, base_parts = urlsplit(url), urlsplit(base)
    if parts.scheme not in ("http", "https"):
        return False
    if (parts.hostname, parts.port) != (base_parts.hostname, base_parts.port):
        return False
    path = parts.path or "/"
    return not (path == "/en" or path.startswith("/en/"))


def next_page_url(soup: BeautifulSoup, url: str) -> str | None:
    """The absolute URL of the next page, or None on the last page.

    A candidate is a link marked `rel="next"`, or whose text or label says "next"
    ("Suivant", "›", "»"...). Only candidates on the same site whose `page` is
    greater than the current one count; the one for current page + 1 wins, because
    "»" is the *last* page in Drupal's full pager.
    """
    current = page_number(url)
    base = base_url(soup, url)
    best: tuple | None = None
    best_url = None
    for order, link in enumerate(links(soup, "a", "link")):
        rel = [fold(r) for r in (link.get("rel") or [])]
        by_rel = "next" in rel
        if not by_rel:
            if link.name != "a" or not (says_next(text_of(link)) or _hints_next(link)):
                continue
        target = urljoin(base, href_of(link).strip()).split("#", 1)[0]
        if not same_site(target, url):
            continue
        number = page_number(target)
        if number <= current:
            continue
        rank = (number != current + 1, not by_rel, number, order)
        if best is None or rank < best:
            best, best_url = rank, target
    if best_url and page_number(best_url) != current + 1:
        # Only a "»" to a later page was found: a numbered link to the very
        # next page, when the pager has one, is surely the next page.
        return _numbered_link(soup, base, best_url, current + 1) or best_url
    return best_url


def _numbered_link(soup: BeautifulSoup, base: str, like: str, number: int) -> str | None:
    """A link to page `number` of the same listing as `like` (same path and
    parameters but `page`)."""
    wanted = _without_page(like)
    for link in links(soup, "a"):
        target = urljoin(base, href_of(link).strip()).split("#", 1)[0]
        if page_number(target) == number and _without_page(target) == wanted:
            return target
    return None


def _without_page(url: str) -> tuple:
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k != "page")
    return parts.netloc, parts.path, tuple(query)
