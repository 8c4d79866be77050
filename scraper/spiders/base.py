"""What both spiders share: where the site is, how a page request is built and
how a failed page is reported. Spiders only navigate: reading a page is the
parsers' job (scraper/parsers)."""

from __future__ import annotations

from typing import TypeGuard
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from scraper.items import BLOCKED, NOT_FOUND, TRANSIENT, PageReport
from scraper.middlewares import is_english_path
from scraper.settings import LISTING_PATH, NEWS_PATH


class SiteSpider(scrapy.Spider):
    """A spider bound to one site root (`base_url`), fed a collector."""

    def __init__(self, base_url: str, collector, entry_path: str, **kwargs):
        super().__init__(**kwargs)
        self.entry_url = entry_url(base_url, entry_path)
        self.site_netloc = urlsplit(self.entry_url).netloc
        self.allowed_domains = [urlsplit(self.entry_url).hostname or ""]
        self.collector = collector

    def on_site(self, url: str | None) -> TypeGuard[str]:
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
            failure=failure_kind(failure),
        )


TIMEOUTS = (TimeoutError, TCPTimedOutError, DownloadTimeoutError)
DROPS = (
    ResponseNeverReceived,
    ResponseFailed,
    ConnectionLost,
    ResponseDataLossError,
    DownloadFailedError,
)
REFUSALS = (ConnectionRefusedError, DownloadConnectionRefusedError)
UNKNOWN_HOSTS = (DNSLookupError, CannotResolveHostError)


def entry_url(base_url: str, path: str) -> str:
    """The URL of the page at `path` under the site root `base_url`.

    The root may carry a prefix (mirrors such as `https://esante.gouv.fr/ens`);
    a base URL given as one of the known pages themselves (the listing or the
    news listing) counts as its site root."""
    parts = urlsplit(base_url.strip())
    prefix = parts.path.rstrip("/")
    for known in (LISTING_PATH, NEWS_PATH):
        known = "/" + known.strip("/")
        if prefix.endswith(known):
            prefix = prefix[: -len(known)]
            break
    return urlunsplit((parts.scheme, parts.netloc, prefix + "/" + path.lstrip("/"), "", ""))


def failure_kind(failure) -> str:
    """Why a page could not be fetched, in one word (scraper/items.py FAILURE_KINDS)."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        if status == 404:
            return NOT_FOUND
        return BLOCKED if status in (401, 403) else TRANSIENT
    if isinstance(error, IgnoreRequest):
        return BLOCKED
    return TRANSIENT


def describe_failure(failure) -> str:
    """One short French phrase for a page that could not be fetched (shown in
    the run's reason)."""
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        gave_up = response.request.meta.get("segur_gave_up") if response.request else None
        return gave_up or f"HTTP {response.status} malgré les nouvelles tentatives"
    if isinstance(error, IgnoreRequest):
        text = str(error)
        if "robots" in text.lower() or not text:
            return "interdite par robots.txt"
        return text
    if isinstance(error, TIMEOUTS):
        return "délai de réponse dépassé malgré les nouvelles tentatives"
    if isinstance(error, DROPS):
        return "connexion coupée malgré les nouvelles tentatives"
    if isinstance(error, REFUSALS):
        return "connexion refusée"
    if isinstance(error, UNKNOWN_HOSTS):
        return "hôte introuvable"
    return f"{type(error).__name__} : {error}".strip()
