"""Downloader middlewares: honour `Retry-After`, stay on the French site."""

from __future__ import annotations

import email.utils
import time
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

PAUSED_STATUSES = {429, 503}


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds asked by a `Retry-After` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


async def pause(seconds: float) -> None:
    from twisted.internet import reactor  # the one Scrapy installed: import it late

    if seconds > 0:
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, plus what it lacks (scrapy issue 3849): a 429 or 503
    is retried only after the pause the server asked for in `Retry-After`
    (or a default pause when it named none). A pause longer than
    SEGUR_MAX_RETRY_AFTER gives the page up at once: it is then reported as
    failed, never silently dropped."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_retry_after = settings.getfloat("SEGUR_MAX_RETRY_AFTER", 120.0)
        self.default_pause = settings.getfloat("SEGUR_DEFAULT_RETRY_PAUSE", 2.0)

    # Scrapy awaits a coroutine process_response; the base class's is a plain method.
    async def process_response(self, request, response):  # type: ignore[override]
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        reason = f"HTTP {response.status}"
        if response.status in PAUSED_STATUSES:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None and asked > self.max_retry_after:
                request.meta["segur_gave_up"] = (
                    f"HTTP {response.status}, Retry-After de {asked:.0f} s, au-delà des "
                    f"{self.max_retry_after:.0f} s que nous attendons"
                )
                return response
            retry = self._retry(request, reason)
            if retry is None:
                return response
            await pause(self.default_pause if asked is None else asked)
            return retry
        return self._retry(request, reason) or response


class StayOnSiteMiddleware:
    """Never request another host, nor the English copies under /en/."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        allowed = getattr(spider, "site_netloc", None)
        parts = urlsplit(request.url)
        if allowed and parts.netloc != allowed:
            raise IgnoreRequest(f"off-site: {request.url}")
        if is_english_path(parts.path):
            raise IgnoreRequest(f"English copy: {request.url}")
        return None


def is_english_path(path: str) -> bool:
    return path == "/en" or path.startswith("/en/")


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with one robots.txt fetch per site for
    the whole process: the two spiders of a sync run as two crawlers, and
    each would otherwise fetch robots.txt again."""

    parsers_by_netloc: dict = {}

    def __init__(self, crawler):
        super().__init__(crawler)
        self._parsers = self.parsers_by_netloc
