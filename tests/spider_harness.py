"""Run the real spiders in-process, without Scrapy's engine (docs/style.md, habit 12).

    crawl = crawl_site(Site(build_dataset(1), "table"))   # or an AltSite, or a ReplicaServer
    crawl.result     # the CrawlResult a sync of that site stores (scraper.collect.build_result)
    crawl.requests   # every request target fetched, in order, as ReplicaServer.requests logs them
    summary = store_crawl(db_path, crawl.result)          # stored as `segur sync` stores it

A site is anything with `respond(target) -> replica.site.Page`: the replica's `Site`, a
`tests.alt_site.AltSite`, or a `ReplicaServer` / `AltServer`, started or not (its faults that
are pages then apply, and its request log fills). Both spiders run one after the other, as in
scraper/crawl.py, and what stands in for Scrapy's machinery does what Scrapy does:

* scheduler: last in, first out (Scrapy's default memory queue), behind a dupefilter on
  request fingerprints (`scrapy.utils.request.fingerprint`), one per spider;
* downloader middlewares: the project's StayOnSiteMiddleware, then robots.txt, fetched once
  per site for both spiders (SharedRobotsTxtMiddleware) and read by Scrapy's Protego parser;
  a request they refuse reaches its errback with the IgnoreRequest, and is never fetched;
* download: the page answered to the request's target, as an HtmlResponse with its request;
* HttpErrorMiddleware: a non-2xx answer reaches the errback as a Failure(HttpError);
* item pipelines: the project's own (scraper/settings.py ITEM_PIPELINES), in their order.

An exception in a callback fails the test at once (Scrapy would log it and crawl on).

What only the real downloader or a real process does is not here, and is tested end to end
in subprocesses (tests/test_sync.py and others): retries and Retry-After pauses (an error
answer is final here), timeouts, dropped connections, redirects, signals, the sync lock, the
WARC archive, exit codes and printed summaries.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Protocol
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import load_object
from scrapy.utils.request import fingerprint
from twisted.python.failure import Failure

from catalogue.schema import open_db
from catalogue.store import RunSummary, record_run, start_run
from replica.site import Page
from scraper.collect import RunCollector, build_result
from scraper.items import CrawlResult
from scraper.middlewares import StayOnSiteMiddleware
from scraper.settings import USER_AGENT, scrapy_settings
from scraper.spiders.candidates import CandidatesSpider
from scraper.spiders.solutions import SolutionsSpider

# Never contacted: every page comes from the site object. ".invalid" cannot be a real host,
# so the real site's absolute links stay off-site.
SITE_URL = "http://site.invalid"
SPIDERS = (SolutionsSpider, CandidatesSpider)


class PageSite(Protocol):
    def respond(self, target: str) -> Page: ...


@dataclass
class InProcessCrawl:
    """One crawl of a site by both spiders, and what it asked of the site."""

    result: CrawlResult
    requests: list[str]  # targets fetched, in order, robots.txt first
    refused: list[str]  # URLs the middlewares refused (off-site, English, robots.txt)
    duplicates: list[str]  # URLs yielded again, dropped by the dupefilter


def crawl_site(site: PageSite, base_url: str = SITE_URL) -> InProcessCrawl:
    """Crawl `site` as `segur sync --base-url base_url` would, in this process."""
    collector = RunCollector()
    downloader = Downloader(site)
    runs = [
        SpiderRun(spider(base_url=base_url, collector=collector), downloader) for spider in SPIDERS
    ]
    for run in runs:
        run.run()
    return InProcessCrawl(
        result=build_result(base_url, collector, errors=[]),
        requests=downloader.requests,
        refused=downloader.refused,
        duplicates=[url for run in runs for url in run.duplicates],
    )


def store_crawl(db_path: str | Path, result: CrawlResult) -> RunSummary:
    """Store `result` as one run of the catalogue at `db_path`, with the store's own
    functions, as `segur sync` does (catalogue/sync.py `crawl_and_store`)."""
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    db = open_db(db_path)
    try:
        run_id = start_run(db, result.base_url)
        return record_run(db, run_id, result)
    finally:
        db.conn.close()


def sync_site(
    db_path: str | Path, site: PageSite, base_url: str = SITE_URL
) -> tuple[RunSummary, InProcessCrawl]:
    """Crawl `site` in-process and store the run: (the run's summary, the crawl)."""
    crawl = crawl_site(site, base_url)
    return store_crawl(db_path, crawl.result), crawl


class Downloader:
    """Answers the spiders' requests from `site`, once the downloader middlewares let them
    through; shared by both spiders of a crawl, like SharedRobotsTxtMiddleware's robots.txt."""

    def __init__(self, site: PageSite) -> None:
        self.site = site
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.robots: dict[str, ProtegoRobotParser] = {}

    def fetch(self, request: Request, spider) -> Response:
        """The response to `request`; raises IgnoreRequest when a middleware refuses it."""
        try:
            StayOnSiteMiddleware(SimpleNamespace(spider=spider)).process_request(request)
            self.obey_robots(request)
        except IgnoreRequest:
            self.refused.append(request.url)
            raise
        return self.download(request)

    def obey_robots(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.netloc not in self.robots:
            robots = self.download(Request(f"{parts.scheme}://{parts.netloc}/robots.txt"))
            self.robots[parts.netloc] = ProtegoRobotParser(robots.body, None)
        if not self.robots[parts.netloc].allowed(request.url, USER_AGENT):
            raise IgnoreRequest("Forbidden by robots.txt")  # RobotsTxtMiddleware's words

    def download(self, request: Request) -> Response:
        target = request_target(request.url)
        self.requests.append(target)
        page = self.site.respond(target)
        if 300 <= page.status < 400:
            raise NotImplementedError(f"{target}: redirects need the real downloader")
        return response_for(request, page)


def request_target(url: str) -> str:
    """What an HTTP client sends on its request line for `url`: path and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def response_for(request: Request, page: Page) -> Response:
    headers = {"Content-Type": page.content_type, "Content-Language": page.language}
    body = page.body.encode("utf-8")
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return response_class(
        url=request.url, status=page.status, headers=headers, body=body, request=request
    )


class SpiderRun:
    """One spider, its requests followed in a loop until none is left."""

    def __init__(self, spider, downloader: Downloader) -> None:
        self.spider = spider
        self.downloader = downloader
        self.duplicates: list[str] = []
        self.pipelines = item_pipelines(SimpleNamespace(spider=spider))
        self.queue: list[Request] = []
        self.seen: set[bytes] = set()

    def run(self) -> None:
        for request in asyncio.run(start_requests(self.spider)):
            self.schedule(request)
        while self.queue:
            self.handle(self.answer(self.queue.pop()))

    def schedule(self, request: Request) -> None:
        key = fingerprint(request)
        if key in self.seen and not request.dont_filter:
            self.duplicates.append(request.url)
            return
        self.seen.add(key)
        self.queue.append(request)

    def answer(self, request: Request):
        """What the spider makes of `request`'s response: its callback's output, or its
        errback's when the request was refused or answered with an error."""
        try:
            response = self.downloader.fetch(request, self.spider)
        except IgnoreRequest as refusal:
            return call_errback(request, refusal)
        if not 200 <= response.status < 300:
            return call_errback(request, HttpError(response, "Ignoring non-200 response"))
        return request.callback(response, **request.cb_kwargs)

    def handle(self, output) -> None:
        for element in output or ():
            if isinstance(element, Request):
                self.schedule(element)
            else:
                self.process_item(element)

    def process_item(self, item) -> None:
        for pipeline in self.pipelines:
            try:
                item = pipeline.process_item(item)
            except DropItem:
                return


async def start_requests(spider) -> list[Request]:
    return [request async for request in spider.start()]


def call_errback(request: Request, error: Exception):
    failure = Failure(error)
    failure.request = request  # as Scrapy hands failures to errbacks
    return request.errback(failure)


def item_pipelines(crawler) -> list:
    """The project's item pipelines, in their order, built for `crawler`."""
    configured = scrapy_settings()["ITEM_PIPELINES"]
    paths = sorted(configured, key=configured.get)
    return [load_object(path).from_crawler(crawler) for path in paths]
