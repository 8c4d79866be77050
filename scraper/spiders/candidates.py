"""Spider `candidates`: the candidate-editor articles (contract 4.2).

It walks the news listing (paged) and opens every article whose title says
"candidats au référencement"; the parser reads each table by its headers.
"""

from __future__ import annotations

from scraper.items import LAYOUT, PageReport
from scraper.parsers import parse_candidate_article, parse_news_listing
from scraper.settings import NEWS_PATH
from scraper.spiders.base import SiteSpider


class CandidatesSpider(SiteSpider):
    name = "candidates"

    def __init__(self, base_url: str, collector, news_path: str = NEWS_PATH, **kwargs):
        super().__init__(base_url, collector, news_path, **kwargs)

    async def start(self):
        self.collector.plan_pages(1)
        yield self.page_request(self.entry_url, self.parse_news, "news")

    def parse_news(self, response):
        page = parse_news_listing(response.text, response.url)
        readable = page.announced is not None or page.news_items or page.next_url
        yield PageReport(
            url=response.url,
            kind="news",
            rows=len(page.articles),
            announced=page.announced,
            page_number=page.page_number,
            error=None if readable else "page d'actualités illisible",
            failure=None if readable else LAYOUT,
        )
        if not readable:
            return
        self.collector.plan_pages(len(page.articles) + (1 if page.next_url else 0))
        for article in page.articles:
            if self.on_site(article.url):
                yield self.page_request(article.url, self.parse_article, "article")
        if self.on_site(page.next_url):
            yield self.page_request(page.next_url, self.parse_news, "news")

    def parse_article(self, response):
        article = parse_candidate_article(response.text, response.url)
        yield PageReport(
            url=response.url,
            kind="article",
            rows=len(article.records),
            invalid_rows=article.invalid_rows,
            error=None if article.tables else "article sans tableau de candidats lisible",
            failure=None if article.tables else LAYOUT,
        )
        yield from article.records
