"""Run one crawl of the site (both spiders, one after the other) and return
what it read as a `CrawlResult`. Scrapy's reactor cannot restart, so call
`crawl` once per process: `segur sync` does, and long-lived callers (the
scheduler) run `segur sync` in a subprocess."""

from __future__ import annotations

import sys

from scrapy.crawler import CrawlerProcess

from scraper.collect import Progress, RunCollector, build_result
from scraper.items import CrawlResult
from scraper.settings import scrapy_settings
from scraper.spiders.candidates import CandidatesSpider
from scraper.spiders.solutions import SolutionsSpider


def crawl(
    base_url: str,
    delay: float = 1.0,
    timeout: float = 30.0,
    retries: int = 3,
    progress: Progress | None = None,
    extra_settings: dict | None = None,
) -> CrawlResult:
    """Crawl the referenced solutions, then the candidate articles."""
    collector = RunCollector(progress=progress)
    settings = {**scrapy_settings(delay=delay, timeout=timeout, retries=retries)}
    settings.update(extra_settings or {})
    process = CrawlerProcess(settings=settings)

    def crawl_candidates(_):
        if collector.interrupted:
            return None
        return process.crawl(CandidatesSpider, base_url=base_url, collector=collector)

    finished = process.crawl(SolutionsSpider, base_url=base_url, collector=collector)
    finished.addCallback(crawl_candidates)
    errors: list[str] = []
    finished.addErrback(lambda failure: errors.append(failure.getErrorMessage()))
    process.start()
    return build_result(base_url, collector, errors)


def print_progress(done: int, expected: int) -> None:
    end = "\r" if sys.stderr.isatty() else "\n"
    if sys.stderr.isatty() or done == 1 or done % 10 == 0 or done == expected:
        print(f"pages : {done}/{max(done, expected)}", end=end, file=sys.stderr, flush=True)
