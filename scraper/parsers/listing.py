"""The referenced-solutions listing (contract 4.1): rows, result line, pager, facets.

`parse_listing(html, url, context)` reads one page. Rows come from tables read by
their header row and from blocks whose values follow their labels; what a row does
not say (couloir, dispositif, vague) comes from `context` (the facet used to reach
the page), else from the page itself: the facet its URL applies (read from that facet's
link text on the page) and the vague its heading names. Rows lacking editor, solution
or version are not records: they are counted in `invalid_rows`. A row printed twice
identically on a page (desktop and mobile markup) is one record.

Values are normalised: text cleaned (never unescaped twice: "<script>" in a name stays
text), dates to ISO, vague to an int, dispositif and couloir to the canonical vocabulary
(an unknown name is kept as printed, with a note in `problems`), versions and reference
numbers as printed (the 10-hex-digit ANS number in lower case), list fields joined with
", ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from scraper.items import SolutionRecord
from scraper.normalize import clean_text, find_vague, fold, parse_vague
from scraper.parsers.blocks import block_rows
from scraper.parsers.dom import Notes, Value, make_soup, row_date, skipped
from scraper.parsers.facets import FacetLink, facet_links, facet_params
from scraper.parsers.labels import HEADER_KEYS_NEEDED, LISTING, REQUIRED_FIELDS
from scraper.parsers.page import page_heading, page_number, result_count
from scraper.parsers.pager import next_page_url, same_site
from scraper.parsers.regions import ignored_regions
from scraper.parsers.tables import header_tables
from scraper.vocabulary import couloir_of, resolve_couloir, resolve_dispositif

_REFERENCE_NUMBER = re.compile(r"^[0-9a-fA-F]{10}$")


@dataclass(frozen=True)
class Facet:
    name: str  # facet id from the href: "dsr_solutions", "couloir"
    value: str  # opaque value (a code or a term id): never used for meaning
    label: str  # link text without its trailing count
    count: int | None  # the "(59)" after the label, if any
    url: str  # absolute URL of the link
    dispositif: str | None  # canonical dispositif named by the label
    couloir: str | None  # canonical couloir (of the dispositif, or named by the label)
    vague: int | None = None  # for a vague facet ("Vague 1 (240)"): the vague it names


@dataclass(frozen=True)
class RowContext:
    """What the path to a page tells about rows that do not say it."""

    couloir: str | None = None
    dispositif: str | None = None
    vague: int | None = None


@dataclass
class ListingPage:
    url: str
    announced: int | None  # None: no result line, the page could not be read
    records: list[SolutionRecord]
    next_url: str | None
    page_number: int
    facets: list[Facet]
    vague: int | None  # vague named by the page heading, else by the page's active facet
    invalid_rows: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Row:
    values: dict[str, Value]
    hints: RowContext  # what a group row above the row (in a table) says


def parse_listing(html: str, url: str, context: RowContext | None = None) -> ListingPage:
    soup = make_soup(html)
    links = facet_links(soup, url)
    # Facets of this listing only: not its English copy's, nor another host's.
    facets = [facet_from_link(link) for link in links if same_site(link.url, url)]
    own = page_facts(facets, url, heading_vague(soup))
    page = ListingPage(
        url=url,
        announced=result_count(soup),
        records=[],
        next_url=next_page_url(soup, url),
        page_number=page_number(url),
        facets=facets,
        vague=own.vague,
    )
    context = merged(context or RowContext(), own)
    rows = _read_rows(soup, links, page.problems, read_forms=False)
    if not rows and soup.find("form") is not None:
        # Some themes wrap the whole view in its filter form: read it after all.
        rows = _read_rows(soup, links, page.problems, read_forms=True)
    notes = Notes(page.problems)
    seen: set[SolutionRecord] = set()
    duplicates = 0
    for number, row in enumerate(rows, start=1):
        record = solution_record(row.values, row.hints, context, page, notes)
        if record is None:
            page.invalid_rows += 1
            missing = [f for f in REQUIRED_FIELDS if _text(row.values, f) is None]
            notes.add(f"row {number}: no {', '.join(missing)}")
        elif record in seen:
            duplicates += 1  # a theme printing each row twice (e.g. desktop and mobile)
        else:
            seen.add(record)
            page.records.append(record)
    if duplicates:
        notes.add(f"{duplicates} rows repeated identically on the page were read once")
    return page


def page_facts(facets: list[Facet], url: str, heading: int | None) -> RowContext:
    """What a page says about itself: the vague of its heading, and the labels of the
    facets its URL applies (their links are on the page, e.g. "(-) DPI" to remove one)."""
    active = [f for f in facets if (f.name, f.value) in facet_params(url)]
    dispositif = next((f.dispositif for f in active if f.dispositif), None)
    couloir = couloir_of(dispositif) or next((f.couloir for f in active if f.couloir), None)
    vague = heading if heading is not None else next((f.vague for f in active if f.vague), None)
    return RowContext(couloir, dispositif, vague)


def merged(first: RowContext, then: RowContext) -> RowContext:
    """`first`'s facts, completed by `then`'s."""
    return RowContext(
        first.couloir or then.couloir,
        first.dispositif or then.dispositif,
        _first_known(first.vague, then.vague),
    )


def heading_vague(soup: BeautifulSoup) -> int | None:
    vague = find_vague(page_heading(soup))
    if vague is None and soup.title is not None:
        vague = find_vague(soup.title.get_text())
    return vague


def facet_from_link(link: FacetLink) -> Facet:
    """A facet with the dispositif or couloir its label names (never its value)."""
    dispositif = couloir = vague = None
    kind = fold(link.name)
    if "vague" in kind:
        vague = _first_known(parse_vague(link.label), find_vague(link.label))
    elif "couloir" in kind or "categorie" in kind:
        couloir = resolve_couloir(link.label)
    else:
        found = resolve_dispositif(link.label)
        if found is not None:
            dispositif, couloir = found.name, found.couloir
    return Facet(
        link.name, link.value, link.label, link.count, link.url, dispositif, couloir, vague
    )


def _read_rows(
    soup: BeautifulSoup, links: list[FacetLink], problems: list[str], read_forms: bool
) -> list[_Row]:
    ignored = ignored_regions(soup, links, ignore_forms=not read_forms)
    root = soup.body or soup

    def skip(tag: Tag) -> bool:
        return skipped(tag) or id(tag) in ignored

    rows: list[_Row] = []
    notes = Notes(problems)
    for table in header_tables(root, LISTING, REQUIRED_FIELDS, HEADER_KEYS_NEEDED, skip):
        ignored.update(id(element) for element in (table.element, *table.extra_elements))
        for header in table.unknown_headers:
            notes.add(f"unknown column {header!r}")
        rows.extend(_Row(r.cells, hints_from_text(r.group)) for r in table.rows)
    found, unknown = block_rows(root, LISTING, REQUIRED_FIELDS, skip)
    for label in unknown:
        notes.add(f"unknown label {label!r}")
    rows.extend(_Row(r.values, RowContext()) for r in found)
    return rows


def hints_from_text(text: str | None) -> RowContext:
    """What a group row or heading such as "Hôpital – DPI" says about the rows below."""
    if not text:
        return RowContext()
    dispositif = resolve_dispositif(text)
    couloir = dispositif.couloir if dispositif else resolve_couloir(text)
    return RowContext(couloir, dispositif.name if dispositif else None, find_vague(text))


def _text(values: dict[str, Value], name: str) -> str | None:
    value = values.get(name)
    return None if value is None or value.missing else value.text


def solution_record(
    values: dict[str, Value],
    hints: RowContext,
    context: RowContext,
    page: ListingPage,
    notes: Notes,
) -> SolutionRecord | None:
    """The record of one row, or None when it lacks editor, solution or version."""
    editor, solution, version = (_text(values, f) for f in REQUIRED_FIELDS)
    if not (editor and solution and version):
        return None
    dispositif = (
        canonical_dispositif(_text(values, "dispositif"), notes)
        or hints.dispositif
        or context.dispositif
    )
    couloir = (
        canonical_couloir(_text(values, "couloir"), notes)
        or couloir_of(dispositif)
        or hints.couloir
        or context.couloir
    )
    vague = _first_known(row_vague(_text(values, "vague"), notes), hints.vague, context.vague)
    return SolutionRecord(
        editor=editor,
        solution=solution,
        version=version,
        couloir=couloir,
        dispositif=dispositif,
        vague=vague,
        referenced_on=row_date(_text(values, "referenced_on"), notes),
        reference_number=reference_number(_text(values, "reference_number")),
        distributors=_joined(values.get("distributors")),
        pilots=_joined(values.get("pilots")),
        source_url=page.url,
    )


def _first_known(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def canonical_dispositif(text: str | None, notes: Notes) -> str | None:
    """ "Dossier Patient Informatisé (DPI)" -> "DPI"; an unknown name stays as printed."""
    if not text:
        return None
    found = resolve_dispositif(text)
    if found is not None:
        return found.name
    notes.add(f"unknown dispositif {text!r}")
    return text


def canonical_couloir(text: str | None, notes: Notes) -> str | None:
    """ "Imagerie" -> "Radiologie"; an unknown name stays as printed."""
    if not text:
        return None
    couloir = resolve_couloir(text)
    if couloir is None:
        dispositif = resolve_dispositif(text)  # "Catégorie : DPI"
        couloir = dispositif.couloir if dispositif else None
    if couloir is not None:
        return couloir
    notes.add(f"unknown couloir {text!r}")
    return text


def row_vague(text: str | None, notes: Notes) -> int | None:
    if not text:
        return None
    vague = parse_vague(text)
    if vague is None:
        vague = find_vague(text)
    if vague is None:
        notes.add(f"unreadable vague {text!r}")
    return vague


def reference_number(text: str | None) -> str | None:
    """As printed; the 10-hex-digit ANS number in lower case."""
    if not text:
        return None
    text = clean_text(text)
    return text.lower() if _REFERENCE_NUMBER.match(text) else text


def _joined(value: Value | None) -> str | None:
    if value is None or value.missing:
        return None
    return value.joined() or None
