"""Candidate editor lists (contract 4.2): the news listing and the articles' tables.

An article's tables are read by their header row (editor and solution required).
A row's dispositif comes from its own column, else from the heading that titles
its table (the nearest heading above it in the document outline, a caption, or a
bold paragraph acting as heading), else from the article title; a text naming
several dispositifs ("MS1 et MS2") names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from scraper.items import CandidateRecord
from scraper.normalize import clean_text, fold
from scraper.parsers.dom import (
    HEADING_TAGS,
    SKIPPED_TAGS,
    Notes,
    Value,
    attribute,
    href_of,
    inside,
    iter_strings,
    links,
    make_soup,
    row_date,
    skipped,
    tags,
    text_of,
)
from scraper.parsers.labels import CANDIDATE
from scraper.parsers.page import base_url, page_heading, page_number, result_count
from scraper.parsers.pager import next_page_url
from scraper.parsers.regions import ignored_regions
from scraper.parsers.tables import header_tables
from scraper.vocabulary import (
    find_dispositifs,
    only_dispositif_of,
    resolve_couloir,
    resolve_status,
)

CANDIDATE_KEYS = ("editor", "solution")
_CANDIDATE_TITLE = re.compile(r"candidat(?:e|\(e\))?s? au referencement")
_ARTICLE_SEGMENT = "actualites"
_PSEUDO_HEADING_LEVEL = 7  # a caption, <summary> or bold paragraph: below <h6>
_LONGEST_PSEUDO_HEADING = 150
_NAMES_SEVERAL = "several"


@dataclass(frozen=True)
class ArticleLink:
    url: str
    title: str


@dataclass
class NewsPage:
    url: str
    announced: int | None
    articles: list[ArticleLink]
    next_url: str | None
    page_number: int
    news_items: int = 0  # distinct /actualites/<slug> links, candidate articles or not


@dataclass
class CandidateArticle:
    url: str
    title: str
    records: list[CandidateRecord]
    tables: int = 0
    invalid_rows: int = 0
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- news listing


def parse_news_listing(html: str, url: str) -> NewsPage:
    soup = make_soup(html)
    return NewsPage(
        url=url,
        announced=result_count(soup),
        articles=candidate_article_links(soup, url),
        next_url=next_page_url(soup, url),
        page_number=page_number(url),
        news_items=len(article_links_by_target(soup, url)),
    )


def is_candidate_title(title: str) -> bool:
    return bool(_CANDIDATE_TITLE.search(fold(title)))


def is_article_url(url: str) -> bool:
    """`/actualites/<slug>` (possibly under a prefix such as `/ens`), never English."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0] == "en":
        return False
    return fold(segments[-2]) == _ARTICLE_SEGMENT


def article_links_by_target(soup: BeautifulSoup, url: str) -> dict[str, list[Tag]]:
    """Every link to a news article, grouped by the article it leads to."""
    base = base_url(soup, url)
    by_target: dict[str, list[Tag]] = {}
    for link in links(soup):
        target = absolute(base, href_of(link))
        if is_article_url(target):
            by_target.setdefault(target, []).append(link)
    return by_target


def candidate_article_links(soup: BeautifulSoup, url: str) -> list[ArticleLink]:
    """Links to articles whose title says "candidats au référencement", once each.

    The title is the link's text or title attribute; for a "Lire la suite" link,
    the heading of the smallest block holding that link and no other article.
    """
    base = base_url(soup, url)
    by_target = article_links_by_target(soup, url)
    articles = []
    for target, anchors in by_target.items():
        texts = [t for a in anchors for t in (text_of(a), clean_text(attribute(a, "title")))]
        title = next((t for t in texts if is_candidate_title(t)), None)
        if title is None:
            title = _card_heading(anchors[0], target, base)
        if title and is_candidate_title(title):
            articles.append(ArticleLink(target, title))
    return articles


def absolute(base: str, href: str) -> str:
    return urljoin(base, href.strip()).split("#", 1)[0]


def _card_heading(link: Tag, target: str, url: str) -> str | None:
    block = link.parent
    while block is not None and block.name not in ("body", "html"):
        targets = {absolute(url, href_of(a)) for a in links(block)}
        if any(t != target and is_article_url(t) for t in targets):
            return None
        heading = block.find(HEADING_TAGS)
        if heading is not None:
            return text_of(heading)
        block = block.parent
    return None


# ---------------------------------------------------------------- article


def parse_candidate_article(html: str, url: str) -> CandidateArticle:
    soup = make_soup(html)
    title = page_heading(soup)
    article = CandidateArticle(url=url, title=title, records=[])
    notes = Notes(article.problems)
    root = soup.body or soup
    title_names = dispositif_named(title)
    ignored = ignored_regions(soup, [])

    def skip(tag: Tag) -> bool:
        return skipped(tag) or id(tag) in ignored

    for table in header_tables(root, CANDIDATE, CANDIDATE_KEYS, len(CANDIDATE_KEYS), skip):
        article.tables += 1
        for header in table.unknown_headers:
            notes.add(f"unknown column {header!r}")
        above = _heading_dispositif(table.element)
        fallback = above if above is not None else title_names
        for row in table.rows:
            group = dispositif_named(row.group)
            record = candidate_record(row.cells, _known(group) or _known(fallback), url, notes)
            if record is None:
                if _has_editor_or_solution(row.cells):
                    article.invalid_rows += 1
                    notes.add(f"table {article.tables}, row {row.position}: no editor or solution")
                continue
            article.records.append(record)
    return article


def _known(named: str | None) -> str | None:
    return None if named == _NAMES_SEVERAL else named


def _has_editor_or_solution(cells: dict[str, Value]) -> bool:
    return any(not cells[f].missing for f in CANDIDATE_KEYS if f in cells)


def dispositif_named(text: str | None) -> str | None:
    """The one dispositif a heading or title names, `_NAMES_SEVERAL` when it names
    more than one, None when it names none. A couloir with a single dispositif
    names it ("médecine de ville" -> "LGC")."""
    if not text:
        return None
    found = find_dispositifs(text)
    if len(found) > 1:
        return _NAMES_SEVERAL
    if found:
        return found[0].name
    only = only_dispositif_of(resolve_couloir(text))
    return only.name if only else None


def _heading_level(tag: Tag) -> int | None:
    if tag.name in HEADING_TAGS:
        return int(tag.name[1])
    if tag.name == "summary":
        return _PSEUDO_HEADING_LEVEL
    if tag.name == "p" and not inside(tag, "table") and _is_bold_paragraph(tag):
        return _PSEUDO_HEADING_LEVEL
    return None


def _is_bold_paragraph(paragraph: Tag) -> bool:
    """A short paragraph whose whole text is bold: a heading in all but name."""
    strings = [s for s in iter_strings(paragraph) if s.strip()]
    if not strings or len(clean_text("".join(strings))) > _LONGEST_PSEUDO_HEADING:
        return False
    return all(_in_bold(string, paragraph) for string in strings)


def _in_bold(string: PageElement, paragraph: Tag) -> bool:
    for parent in string.parents:
        if parent is paragraph:
            return False
        if parent.name in ("strong", "b"):
            return True
    return False


def _captions(table: Tag) -> list[Tag]:
    captions = [c for c in table.children if isinstance(c, Tag) and c.name == "caption"]
    figure = table.find_parent("figure")
    if figure is not None:
        captions += [c for c in tags(figure, "figcaption") if c.find_parent("figure") is figure]
    return captions


def _heading_text(heading: Tag) -> str:
    """A heading's whole visible text, button labels included: accordions
    title their panels with a <button> inside the heading."""
    return text_of(heading, skip=lambda tag: tag.name in SKIPPED_TAGS and tag.name != "button")


def _heading_dispositif(table: Tag) -> str | None:
    """What the headings titling a table name: its caption (or the caption of the
    `<figure>` holding it), then the headings above it in the outline (nearest first,
    each strictly higher in rank than the last)."""
    for caption in _captions(table):
        named = dispositif_named(_heading_text(caption))
        if named is not None:
            return named
    rank = _PSEUDO_HEADING_LEVEL + 1
    for element in table.find_all_previous(["h1", "h2", "h3", "h4", "h5", "h6", "p", "summary"]):
        level = _heading_level(element)
        if level is None or level >= rank:
            continue
        named = dispositif_named(_heading_text(element))
        if named is not None:
            return named
        rank = level
        if rank == 1:
            break
    return None


def candidate_record(
    cells: dict[str, Value], dispositif: str | None, url: str, notes: Notes
) -> CandidateRecord | None:
    """The record of one row; None when editor or solution is missing."""

    def text(name: str) -> str | None:
        value = cells.get(name)
        return None if value is None or value.missing else value.text

    editor, solution = text("editor"), text("solution")
    if not (editor and solution):
        return None
    return CandidateRecord(
        editor=editor,
        solution=solution,
        version=text("version"),
        dispositif=_row_dispositif(text("dispositif"), text("couloir"), notes) or dispositif,
        status=candidate_status(text("status"), notes),
        applied_on=row_date(text("applied_on"), notes),
        source_url=url,
    )


def _row_dispositif(dispositif: str | None, couloir: str | None, notes: Notes) -> str | None:
    """A dispositif column, or a "Couloir" column holding dispositifs ("MS2 PDE")."""
    if dispositif:
        named = _known(dispositif_named(dispositif))
        if named is None:
            notes.add(f"unknown dispositif {dispositif!r}")
        return named or dispositif
    if couloir:
        named = _known(dispositif_named(couloir))
        if named is None:
            notes.add(f"couloir {couloir!r} names no single dispositif")
        return named
    return None


def candidate_status(text: str | None, notes: Notes) -> str | None:
    if not text:
        return None
    status = resolve_status(text)
    if status is None:
        notes.add(f"unknown status {text!r}")
        return text
    return status
