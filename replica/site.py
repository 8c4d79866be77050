"""Routing of the replica: a request target in, a status and a page out (no sockets here).

Paths (docs/ans-site.md section 1): `/`, the listing `LISTING_PATH` with facets `f[N]=field:value`
(encoded or not), the exposed text filters `field_raison_sociale_value`,
`field_logiciel_nom_value` and `search_api_fulltext`, click-sort `order`/`sort`, the 0-based
`page`; `/actualites` (paged by 10) and `/actualites/<slug>`; `/user/login`; `/robots.txt`;
`/en/...` English copies of all of these; a 404 page for anything else. A page past the end
shows the result line and no rows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, urlsplit

from replica.dataset import Dataset
from replica.render import (
    COULOIR_DISPLAY,
    DISPOSITIF_DISPLAY,
    LISTING_PATH,
    LOGIN_PATH,
    NEWS_PATH,
    Context,
    FacetItem,
    Listing,
    Pager,
    theme_for,
)
from scraper.items import SolutionRecord

NEWS_PAGE_SIZE = 10
TEXT_FILTERS = ("field_raison_sociale_value", "field_logiciel_nom_value", "search_api_fulltext")
SORTS = {"field_editeur": "editor", "field_date_referencement": "referenced_on"}

ROBOTS_TXT = """#
# robots.txt
#
# This file is to prevent the crawling and indexing of certain parts
# of your site by web crawlers and spiders run by sites like Yahoo!
# and Google. By telling these "robots" where not to go on your site,
# you save bandwidth and server resources.
#
# For more information about the robots.txt standard, see:
# http://www.robotstxt.org/robotstxt.html

User-agent: *
# CSS, JS, Images
Allow: /core/*.css$
Allow: /core/*.css?
Allow: /core/*.js$
Allow: /core/*.js?
Allow: /core/*.gif
Allow: /core/*.jpg
Allow: /core/*.jpeg
Allow: /core/*.png
Allow: /core/*.svg
Allow: /profiles/*.css$
Allow: /profiles/*.js$
# Directories
Disallow: /core/
Disallow: /profiles/
# Files
Disallow: /README.md
Disallow: /composer/Metapackage/README.txt
Disallow: /web.config
# Paths (clean URLs)
Disallow: /admin/
Disallow: /comment/reply/
Disallow: /filter/tips
Disallow: /node/add/
Disallow: /search/
Disallow: /user/
Disallow: /user/register
Disallow: /user/password
Disallow: /user/login
Disallow: /user/logout
Disallow: /media/oembed
Disallow: /*/media/oembed
# Paths (no clean URLs)
Disallow: /index.php/admin/
Disallow: /index.php/comment/reply/
Disallow: /index.php/filter/tips
Disallow: /index.php/node/add/
Disallow: /index.php/search/
Disallow: /index.php/user/password
Disallow: /index.php/user/register
Disallow: /index.php/user/login
Disallow: /index.php/user/logout
Disallow: /index.php/media/oembed
Disallow: /index.php/*/media/oembed
"""


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    content_type: str = "text/html; charset=UTF-8"
    language: str = "fr"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class Site:
    """Everything the replica serves for one dataset and one rendering."""

    def __init__(
        self,
        dataset: Dataset,
        rendering: str,
        page_size: int | None = None,
        robots_disallow: tuple[str, ...] = (),
    ) -> None:
        self.dataset = dataset
        self.theme = theme_for(rendering)
        if page_size is not None and page_size < 1:
            raise ValueError(f"page size must be at least 1, not {page_size!r}")
        self.page_size = page_size or self.theme.page_size
        self.robots_disallow = tuple(robots_disallow)
        self.articles = {article.slug: article for article in dataset.news}
        self.dispositif_values = {self.dispositif_value(name): name for name in DISPOSITIF_DISPLAY}
        self.couloir_values = {value: couloir for couloir, (_, value) in COULOIR_DISPLAY.items()}

    def dispositif_value(self, name: str) -> str:
        """What this rendering puts after `dsr_solutions:` for a dispositif."""
        display = DISPOSITIF_DISPLAY[name]
        if self.theme.name == "cards":
            return str(display.term_id)
        if self.theme.name == "lines":
            return display.slug
        return display.code

    # ------------------------------------------------------------ routing

    def respond(self, target: str) -> Page:
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/robots.txt":
            return Page(200, self.robots_txt(), "text/plain; charset=UTF-8")
        lang = "fr"
        if path == "/en" or path.startswith("/en/"):
            lang, path = "en", path[3:] or "/"
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        ctx = Context(lang=lang, path=path, query=parts.query)
        params = parse_qsl(parts.query, keep_blank_values=True)
        theme = self.theme
        if path == "/":
            return Page(200, theme.home_page(ctx), language=lang)
        if path == LISTING_PATH:
            return Page(200, theme.listing_page(ctx, self.listing(params)), language=lang)
        if path == NEWS_PATH:
            return Page(200, theme.news_page(ctx, self.news(params)), language=lang)
        if path.startswith(NEWS_PATH + "/") and path[len(NEWS_PATH) + 1 :] in self.articles:
            article = self.articles[path[len(NEWS_PATH) + 1 :]]
            return Page(200, theme.article_page(ctx, article), language=lang)
        if path == LOGIN_PATH:
            return Page(200, theme.login_page(ctx), language=lang)
        return Page(404, theme.not_found_page(ctx), language=lang)

    def robots_txt(self) -> str:
        extra = "".join(f"Disallow: {path}\n" for path in self.robots_disallow)
        return ROBOTS_TXT + extra

    # ------------------------------------------------------------ listings

    @cached_property
    def facet_counts(self) -> tuple[dict[str, int], dict[str, int]]:
        dispositifs: dict[str, int] = {}
        couloirs: dict[str, int] = {}
        for record in self.dataset.solutions:
            dispositifs[record.dispositif] = dispositifs.get(record.dispositif, 0) + 1
            couloirs[record.couloir] = couloirs.get(record.couloir, 0) + 1
        return dispositifs, couloirs

    def facets(self, active: set[str]) -> tuple[list[FacetItem], list[FacetItem]]:
        """Facet items with counts over the whole dataset (a facet link's count is the result
        count of the page it leads to), most rows first."""
        dispositifs, couloirs = self.facet_counts
        dispositif_items = [
            FacetItem(
                "dsr_solutions",
                self.dispositif_value(name),
                name,
                None,
                count,
                f"dsr_solutions:{self.dispositif_value(name)}" in active,
            )
            for name, count in sorted(dispositifs.items(), key=lambda item: (-item[1], item[0]))
        ]
        couloir_items = [
            FacetItem(
                "couloir",
                COULOIR_DISPLAY[name][1],
                None,
                name,
                count,
                f"couloir:{COULOIR_DISPLAY[name][1]}" in active,
            )
            for name, count in sorted(couloirs.items(), key=lambda item: (-item[1], item[0]))
        ]
        return dispositif_items, couloir_items

    def filtered(self, params: list[tuple[str, str]]) -> list[SolutionRecord]:
        rows = self.dataset.solutions
        for name, value in params:
            if name.startswith("f[") and name.endswith("]"):
                field, _, facet_value = value.partition(":")
                if field == "dsr_solutions":
                    wanted = self.dispositif_values.get(facet_value)
                    rows = [r for r in rows if r.dispositif == wanted]
                elif field == "couloir":
                    wanted = self.couloir_values.get(facet_value)
                    rows = [r for r in rows if r.couloir == wanted]
            elif name in TEXT_FILTERS and value.strip():
                needle = _fold(value)
                rows = [r for r in rows if needle in self.searchable(r, name)]
        return self.sorted(rows, dict(params))

    @staticmethod
    def searchable(record: SolutionRecord, filter_name: str) -> str:
        if filter_name == "field_raison_sociale_value":
            return _fold(record.editor)
        if filter_name == "field_logiciel_nom_value":
            return _fold(record.solution)
        return _fold(f"{record.editor} {record.solution} {record.version}")

    @staticmethod
    def sorted(rows: list[SolutionRecord], params: dict[str, str]) -> list[SolutionRecord]:
        field = SORTS.get(params.get("order", ""))
        if not field:
            return rows
        descending = params.get("sort") == "desc"
        return sorted(rows, key=lambda r: getattr(r, field) or "", reverse=descending)

    def listing(self, params: list[tuple[str, str]]) -> Listing:
        rows = self.filtered(params)
        active = {value for name, value in params if name.startswith("f[")}
        facets, couloir_facets = self.facets(active)
        return self.paged(rows, params, self.page_size, facets, couloir_facets)

    def news(self, params: list[tuple[str, str]]) -> Listing:
        return self.paged(self.dataset.news, params, NEWS_PAGE_SIZE, [], [])

    def paged(self, rows, params, size, facets, couloir_facets) -> Listing:
        page = _page_number(params)
        kept = tuple((name, value) for name, value in params if name != "page")
        page_count = (len(rows) + size - 1) // size
        start = page * size
        return Listing(
            rows=list(rows[start : start + size]),
            total=len(rows),
            start=start,
            pager=Pager(page=page, page_count=page_count, params=kept),
            facets=facets,
            couloir_facets=couloir_facets,
            filters={name: value for name, value in params if name in TEXT_FILTERS},
        )


def _page_number(params: list[tuple[str, str]]) -> int:
    """Drupal reads a missing, negative or unreadable `page` as the first page."""
    value = dict(params).get("page", "0").strip()
    return int(value) if value.isascii() and value.isdigit() else 0
