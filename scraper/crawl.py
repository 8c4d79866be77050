"""Run one crawl of the site (both spiders, one after the other) and return
what it read as a `CrawlResult`. Scrapy's reactor cannot restart, so call
`crawl` once per process: `segur sync` does, and long-lived callers (the
scheduler) run `segur sync` in a subprocess."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

from scrapy.crawler import CrawlerProcess

from scraper.archive import WarcRecorder
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
    archive: WarcRecorder | None = None,
) -> CrawlResult:
    """Crawl the referenced solutions, then the candidate articles; every
    exchange with the site goes to `archive` when given (the caller finishes it)."""
    collector = RunCollector(progress=progress, archive=archive)
    settings = {**scrapy_settings(delay=delay, timeout=timeout, retries=retries)}
    settings.update(extra_settings or {})
    process = CrawlerProcess(settings=settings)

    def crawl_candidates(_):
        if collector.interrupted:
            return None
        return process.crawl(CandidatesSpider, base_url=base_url, collector=collector)

    errors: list[str] = []
    # Caught from before process.crawl: an exception a signal raised in there would be
    # lost in one of Scrapy's Deferreds, and the crawl would go on.
    with stop_on_signals(collector):
        finished = process.crawl(SolutionsSpider, base_url=base_url, collector=collector)
        finished.addCallback(crawl_candidates)
        finished.addErrback(lambda failure: errors.append(failure.getErrorMessage()))
        if not collector.interrupted:
            process.start(install_signal_handlers=False)
    return build_result(base_url, collector, errors)


@contextmanager
def stop_on_signals(collector: RunCollector):
    """SIGTERM or Ctrl-C stops the crawl at once. Scrapy's own handlers (and a
    plain reactor.stop) wait for the pages in flight, possibly for minutes;
    an interrupted run is recorded as failed and stores nothing, so there is
    nothing to wait for: the reactor is crashed, not stopped, and the process
    ends right after recording the run. A signal that comes before Scrapy has
    installed its reactor only marks the crawl interrupted: it is not started."""

    def stop(signum, frame):
        collector.interrupted = True
        reactor = installed_reactor()
        if reactor is not None:
            reactor.callFromThread(stop_reactor)

    def stop_reactor():
        reactor = installed_reactor()
        if reactor is not None and reactor.running:
            reactor.crash()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reactor = installed_reactor()
        if collector.interrupted and reactor is not None and reactor.threadpool is not None:
            reactor.threadpool.stop()  # a crashed reactor leaves its threads running


def installed_reactor():
    """Twisted's reactor once Scrapy has installed it (in `process.crawl`), else None:
    importing `twisted.internet.reactor` before would install the default one instead."""
    return sys.modules.get("twisted.internet.reactor")


def print_progress(done: int, expected: int) -> None:
    """Pages done / expected: redrawn in place on a terminal, else one line
    every ten pages on stdout (stderr is kept for the one-line error)."""
    line = f"pages : {done}/{max(done, expected)}"
    if sys.stderr.isatty():
        print(line, end="\r", file=sys.stderr, flush=True)
    elif done == 1 or done % 10 == 0:
        print(line, flush=True)
