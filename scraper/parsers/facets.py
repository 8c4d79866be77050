"""Facet links (`?f[0]=name:value`) and the label and count they show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from scraper.normalize import (
    clean_text,
    fold,
    split_trailing_count,
)
from scraper.parsers.dom import href_of, iter_strings, links, text_of
from scraper.parsers.page import base_url

_FACET_KEY = re.compile(r"^f\[\d*\]$")
_MAY_HOLD_FACET = re.compile(r"f(?:\[|%5b|%255b)", re.IGNORECASE)
_HELPER_TEXT = re.compile(
    r"^\(?-\)?$|^[x×]$|^(?:apply|remove|appliquer|retirer|supprimer|desactiver|activer)\b"
    r".*\b(?:filter|filtre)s?\b"
)


@dataclass(frozen=True)
class FacetLink:
    name: str
    value: str
    label: str
    count: int | None
    url: str
    element: Tag


def facet_params(url: str) -> list[tuple[str, str]]:
    """The `f[N]=name:value` parameters of a URL, decoded, in order."""
    params = []
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        key, value = unquote(key), unquote(value)  # tolerate double encoding
        if _FACET_KEY.match(key) and ":" in value:
            name, _, term = value.partition(":")
            params.append((name.strip(), term.strip()))
    return params


def _facet_of(link_params: list[tuple[str, str]], page_params: list[tuple[str, str]]):
    """The facet a link applies: the parameter it adds to the current page's, else the
    one it removes (an active facet's "remove" link), else its last one."""
    added = [p for p in link_params if p not in page_params]
    if added:
        return added[-1]
    removed = [p for p in page_params if p not in link_params]
    if removed:
        return removed[0]
    return link_params[-1]


def facet_label(link: Tag) -> tuple[str, int | None]:
    """A facet link's text without Drupal's helper text, and its trailing count:
    "Dossier Usager Informatisé (DUI) (59)" -> ("Dossier Usager Informatisé (DUI)", 59)."""
    texts = [clean_text(s) for s in iter_strings(link)]
    texts = [t for t in texts if t]
    meaningful = [t for t in texts if not _HELPER_TEXT.search(fold(t))] or texts
    label, count = split_trailing_count(_ACTIVE_MARK.sub("", " ".join(meaningful)))
    if count is None:
        count = _count_after(link)
    return label, count


_ACTIVE_MARK = re.compile(r"^\s*\([-+x×]\)\s*")  # Drupal's "(-) DPI" on an active facet
_COUNT_ALONE = re.compile(r"^\((\d[\d ]*)\)$")


def _count_after(link: Tag) -> int | None:
    """A "(59)" printed just after the link rather than inside it."""
    for sibling in link.next_siblings:
        text = clean_text(sibling) if isinstance(sibling, NavigableString) else text_of(sibling)
        if not text:
            continue
        match = _COUNT_ALONE.match(text)
        return int(match.group(1).replace(" ", "")) if match else None
    return None


def facet_links(soup: BeautifulSoup, url: str) -> list[FacetLink]:
    """Every link whose href carries `f[N]=name:value`, deduplicated by URL."""
    page_params = facet_params(url)
    base = base_url(soup, url)
    found: dict[str, FacetLink] = {}
    for link in links(soup):
        href = href_of(link).strip()
        if not _MAY_HOLD_FACET.search(href):
            continue
        params = facet_params(href)
        if not params:
            continue
        target = urljoin(base, href).split("#", 1)[0]
        if target in found:
            continue
        name, value = _facet_of(params, page_params)
        label, count = facet_label(link)
        found[target] = FacetLink(name, value, label, count, target, link)
    return list(found.values())
