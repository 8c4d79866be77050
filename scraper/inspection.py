"""What the parsers understand of one page, for an operator facing a page the scraper
cannot read (`segur inspect`). Pure: HTML text and its URL in, an `Inspection` out.

It runs the same parsers a sync runs, then adds what a sync does not need but an
operator does: the labels printed on the page with the field each one names, and
those that name no field (the likely new synonyms, to add with a labels file:
scraper/parsers/labels.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from scraper.normalize import clean_text
from scraper.parsers import (
    CANDIDATE,
    LISTING,
    parse_candidate_article,
    parse_listing,
    parse_news_listing,
)
from scraper.parsers.dom import make_soup
from scraper.parsers.labels import field_for_header

# Elements whose text is a field label in the renderings the contract allows
# (docs/ans-site.md, section 4.1: table headers, <dt>, label elements, "Label :").
LABEL_ELEMENTS = ("th", "dt", "label")
LONGEST_LABEL = 60


@dataclass
class Inspection:
    url: str
    kind: str  # "listing", "news", "article" or "unknown"
    readable: bool
    why: str  # the verdict, in one sentence
    announced: int | None = None
    rows: list[dict[str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # printed label -> field
    unmapped: list[str] = field(default_factory=list)
    facets: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    next_url: str | None = None
    problems: list[str] = field(default_factory=list)


def inspect_page(html: str, url: str) -> Inspection:
    """What a sync would read of this page, and why it could or could not."""
    labels, unmapped = printed_labels(html)
    listing = parse_listing(html, url)
    if listing.records:
        return _listing(listing, labels, unmapped)
    news = parse_news_listing(html, url)
    if news.articles:
        return _news(news, labels, unmapped)
    article = parse_candidate_article(html, url)
    if article.tables:
        return _article(article, labels, unmapped)
    if listing.announced is not None:
        return _listing(listing, labels, unmapped)
    why = "no 'N résultats' line, no row, no candidate table and no candidate article link"
    if unmapped:
        why += f"; labels naming no field: {', '.join(unmapped)}"
    return Inspection(
        url=url,
        kind="unknown",
        readable=False,
        why=why,
        labels=labels,
        unmapped=unmapped,
        facets=_facets(listing),
        next_url=listing.next_url,
        problems=listing.problems,
    )


def _news(news, labels, unmapped) -> Inspection:
    return Inspection(
        url=news.url,
        kind="news",
        readable=True,
        why=f"news listing: {len(news.articles)} candidate article(s) linked",
        announced=news.announced,
        rows=[{"article": link.title, "url": link.url} for link in news.articles],
        labels=labels,
        unmapped=unmapped,
        next_url=news.next_url,
    )


def _listing(listing, labels, unmapped) -> Inspection:
    rows = [_row(record) for record in listing.records]
    if listing.announced is None:
        readable, why = False, "rows were read but the page has no 'N résultats' line"
    elif not rows and listing.announced:
        readable = False
        why = f"{listing.announced} results announced but no row could be read"
        if unmapped:
            why += f"; labels naming no field: {', '.join(unmapped)}"
    elif listing.invalid_rows:
        readable = False
        why = f"{listing.invalid_rows} row(s) without editor, solution or version"
    else:
        readable, why = True, f"{len(rows)} row(s) read, {listing.announced} results announced"
    return Inspection(
        url=listing.url,
        kind="listing",
        readable=readable,
        why=why,
        announced=listing.announced,
        rows=rows,
        labels=labels,
        unmapped=unmapped,
        facets=_facets(listing),
        next_url=listing.next_url,
        problems=listing.problems,
    )


def _article(article, labels, unmapped) -> Inspection:
    rows = [_row(record) for record in article.records]
    readable = bool(rows) and not article.invalid_rows
    if readable:
        why = f"{len(rows)} candidature(s) read from {article.tables} table(s)"
    else:
        why = f"{article.tables} candidate table(s) but {article.invalid_rows} row(s) unreadable"
    return Inspection(
        url=article.url,
        kind="article",
        readable=readable,
        why=why,
        rows=rows,
        labels=labels,
        unmapped=unmapped,
        problems=article.problems,
    )


def _row(record) -> dict[str, str]:
    return {name: str(value) for name, value in vars(record).items() if value not in (None, "")}


def _facets(listing) -> list[tuple[str, str | None, int | None]]:
    return [
        (facet.label, facet.dispositif or facet.couloir, facet.count) for facet in listing.facets
    ]


def printed_labels(html: str) -> tuple[dict[str, str], list[str]]:
    """({label: field}, [labels naming no field]) of the labels printed on the page, in
    page order: table headers, <dt> terms, <label> elements and "Label :" prefixes."""
    soup = make_soup(html)
    mapped: dict[str, str] = {}
    unmapped: list[str] = []
    for text in _label_texts(soup):
        named = field_for_header(text, LISTING) or field_for_header(text, CANDIDATE)
        if named:
            mapped.setdefault(text, named)
        elif text not in unmapped:
            unmapped.append(text)
    return mapped, unmapped


def _label_texts(soup: BeautifulSoup):
    for element in soup.find_all(LABEL_ELEMENTS):
        text = clean_text(element.get_text(" ")).rstrip(" :")
        if text and len(text) <= LONGEST_LABEL and not text.isdigit():
            yield text
    for element in soup.find_all(["strong", "b", "span"]):
        text = clean_text(element.get_text(" "))
        if text.endswith(":") and len(text) <= LONGEST_LABEL:
            yield text.rstrip(" :")


def suggested_labels(unmapped: list[str]) -> str:
    """The lines of a labels file to complete: one commented line per unmapped label."""
    fields = ", ".join(LISTING.fields + ("status", "applied_on"))
    lines = [
        "# Labels this page prints that name no field. Uncomment each line that names",
        f"# a field, replacing FIELD by one of: {fields}.",
        "[labels]",
    ]
    lines += [f'# FIELD = ["{label}"]' for label in unmapped]
    return "\n".join(lines) + "\n"
