"""Spider `solutions`: the referenced-solutions listing (contract 4.1).

It reads the entry page (the unfiltered listing). When its rows say their
dispositif and vague, it follows the listing's pager. When they do not, it
visits instead the facets that tell them (one pager per dispositif facet, and
per vague facet when the vague is missing too): the facet used to reach a page
gives its rows what they lack, and rows reached by several paths are merged
afterwards (scraper/collect.py). Each page is fetched once and its facts are
reported for the completeness check.
"""

from __future__ import annotations

import math

from scraper.items import LAYOUT, PageReport
from scraper.parsers import Facet, RowContext, parse_listing
from scraper.settings import LISTING_PATH
from scraper.spiders.base import SiteSpider

DISPOSITIF_FACET = "dsr_solutions"
UNREADABLE = "page illisible : aucune ligne « N résultats » (maintenance ou mise en page inconnue)"


class SolutionsSpider(SiteSpider):
    name = "solutions"

    def __init__(self, base_url: str, collector, listing_path: str = LISTING_PATH, **kwargs):
        super().__init__(base_url, collector, listing_path, **kwargs)
        self.entry_facets: list[Facet] = []
        self.facets_followed = False

    async def start(self):
        self.collector.plan_pages(1)
        yield self.page_request(self.entry_url, self.parse_page, "listing", context=None)

    def parse_page(self, response, context: RowContext | None, facet: str | None = None):
        kind = "facet" if facet else "listing"
        page = parse_listing(response.text, response.url, context)
        if page.announced is None:
            yield PageReport(
                url=response.url,
                kind=kind,
                facet=facet,
                page_number=page.page_number,
                error=UNREADABLE,
                failure=LAYOUT,
            )
            return
        yield PageReport(
            url=response.url,
            kind=kind,
            rows=len(page.records),
            announced=page.announced,
            facet=facet,
            invalid_rows=page.invalid_rows,
            page_number=page.page_number,
        )
        yield from page.records
        if kind == "listing":
            if page.page_number == 0:
                self.entry_facets = page.facets
            facet_requests = list(self.facets_telling_what_rows_lack(page))
            yield from facet_requests
            if facet_requests and page.page_number == 0:
                return  # the facets reach every row: the listing's own pager is not needed
        if page.page_number == 0:
            self.collector.plan_pages(expected_pages(page.announced, len(page.records)) - 1)
        if self.on_site(page.next_url):
            yield self.page_request(
                page.next_url, self.parse_page, kind, context=context, facet=facet
            )

    def facets_telling_what_rows_lack(self, page):
        """Requests for the entry page's facets that tell what these rows do
        not say: the dispositif facets for the dispositif, the vague facets for
        the vague (or, when there are none, the dispositif facets, whose pages'
        headings may name it). Each facet once per crawl."""
        if self.facets_followed:
            return
        facets = [facet for facet in self.entry_facets if self.on_site(facet.url)]
        dispositif_facets = [f for f in facets if f.name == DISPOSITIF_FACET]
        vague_facets = [f for f in facets if f.vague is not None and f.name != DISPOSITIF_FACET]
        lacks_dispositif = any(record.dispositif is None for record in page.records)
        lacks_vague = any(record.vague is None for record in page.records)
        wanted = []
        if lacks_dispositif or (lacks_vague and not vague_facets):
            wanted += dispositif_facets  # a facet page's heading may name its vague
        if lacks_vague:
            wanted += vague_facets
        if not wanted:
            return
        self.facets_followed = True
        self.collector.plan_pages(len(wanted))
        for facet in wanted:
            yield self.page_request(
                facet.url,
                self.parse_page,
                "facet",
                context=context_of(facet),
                facet=facet_name(facet),
            )


def context_of(facet: Facet) -> RowContext:
    if facet.name == DISPOSITIF_FACET:
        return RowContext(couloir=facet.couloir, dispositif=facet.dispositif)
    return RowContext(vague=facet.vague)


def facet_name(facet: Facet) -> str:
    if facet.name == DISPOSITIF_FACET:
        return facet.dispositif or facet.label
    return f"Vague {facet.vague}"


def expected_pages(announced: int, rows_on_first_page: int) -> int:
    if announced <= 0 or rows_on_first_page <= 0:
        return 1
    return math.ceil(announced / rows_on_first_page)
