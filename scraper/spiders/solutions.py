"""Spider `solutions`: the referenced-solutions listing (contract 4.1).

It reads the entry page (the unfiltered listing), then either follows its pager
(rows carry their dispositif) or visits every dispositif facet and follows each
facet's pager (rows lack it: the facet used to reach them tells it). Whichever
way, each page is fetched once and its facts are reported for the completeness
check.
"""

from __future__ import annotations

import math

from scraper.items import PageReport
from scraper.parsers import RowContext, parse_listing
from scraper.settings import LISTING_PATH
from scraper.spiders.base import SiteSpider

DISPOSITIF_FACET = "dsr_solutions"
UNREADABLE = "page illisible : aucune ligne « N résultats » (maintenance ou mise en page inconnue)"


class SolutionsSpider(SiteSpider):
    name = "solutions"

    def __init__(self, base_url: str, collector, listing_path: str = LISTING_PATH, **kwargs):
        super().__init__(base_url, collector, listing_path, **kwargs)
        self.dispositif_facets = []
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
        if kind == "listing" and page.page_number == 0:
            self.dispositif_facets = [f for f in page.facets if f.name == DISPOSITIF_FACET]
        lacks_dispositif = any(record.dispositif is None for record in page.records)
        if kind == "listing" and lacks_dispositif and self.dispositif_facets:
            yield from self.follow_facets(page.vague)
            if page.page_number == 0:
                return
        if page.page_number == 0:
            self.collector.plan_pages(expected_pages(page.announced, len(page.records)) - 1)
        if self.on_site(page.next_url):
            yield self.page_request(
                page.next_url, self.parse_page, kind, context=context, facet=facet
            )

    def follow_facets(self, vague: int | None):
        if self.facets_followed:
            return
        self.facets_followed = True
        self.collector.plan_pages(len(self.dispositif_facets))
        for facet in self.dispositif_facets:
            if not self.on_site(facet.url):
                continue
            context = RowContext(couloir=facet.couloir, dispositif=facet.dispositif, vague=vague)
            yield self.page_request(
                facet.url,
                self.parse_page,
                "facet",
                context=context,
                facet=facet.dispositif or facet.label,
            )


def expected_pages(announced: int, rows_on_first_page: int) -> int:
    if announced <= 0 or rows_on_first_page <= 0:
        return 1
    return math.ceil(announced / rows_on_first_page)
