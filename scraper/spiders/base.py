"""What both spiders share: where the site is, how a page request is built and
how a failed page is reported. Spiders only navigate: reading a page is the
parsers' job (scraper/parsers)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from scraper.items import PageReport
from scraper.middlewares import is_english_path


class SiteSpider(scrapy.Spider):
    """A spider bound to one site root (`base_url`), fed a collector."""

    def __init__(self, base_url: str, collector, entry_path: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/") + "/"
        self.entry_url = urljoin(self.base_url, entry_path.lstrip("/"))
        self.site_netloc = urlsplit(self.entry_url).netloc
        self.allowed_domains = [urlsplit(self.entry_url).hostname or ""]
        self.collector = collector

    def on_site(self, url: str | None) -> bool:
        if not url:
            return False
        parts = urlsplit(url)
        return parts.netloc == self.site_netloc and not is_english_path(parts.path)

    def page_request(self, url: str, callback, kind: str, **cb_kwargs) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.page_failed,
            cb_kwargs=cb_kwargs,
            meta={"segur_kind": kind, "segur_facet": cb_kwargs.get("facet")},
        )

    def page_failed(self, failure):
        request = failure.request
        yield PageReport(
            url=request.url,
            kind=request.meta.get("segur_kind", "page"),
            facet=request.meta.get("segur_facet"),
            error=describe_failure(failure),
        )

    def closed(self, reason: str) -> None:
        self.collector.spider_closed(self.name, reason)


def describe_failure(failure) -> str:
    """One short sentence for a page that could not be fetched."""
    error = failure.value
    if isinstance(error, HttpError):
        gave_up = error.response.request.meta.get("segur_gave_up") if error.response else None
        return gave_up or f"HTTP {error.response.status} after retries"
    if isinstance(error, IgnoreRequest):
        text = str(error)
        if "robots" in text.lower() or not text:
            return "forbidden by robots.txt"
        return text
    if isinstance(error, TimeoutError | TCPTimedOutError):
        return "timed out after retries"
    if isinstance(error, ResponseNeverReceived | ResponseFailed | ConnectionLost):
        return "connection dropped after retries"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, DNSLookupError):
        return "host not found"
    return f"{type(error).__name__}: {error}".strip()
