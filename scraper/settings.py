"""Polite crawl defaults, in one place. The CLI overrides a few (delay, timeouts).

Every URL of the site is configuration: the listing and news paths below are
joined to `--base-url`, and may be overridden through the environment
(SEGUR_LISTING_PATH, SEGUR_NEWS_PATH) when the ANS moves its pages again.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

PROJECT_URL = "https://github.com/segur-catalogue/segur-catalogue"
USER_AGENT = f"segur-catalogue/0.1 (+{PROJECT_URL}; miroir public des listes Ségur)"

LISTING_PATH = os.environ.get(
    "SEGUR_LISTING_PATH", "/segur-du-numerique-en-sante/solutions-referencees-segur"
)
NEWS_PATH = os.environ.get("SEGUR_NEWS_PATH", "/actualites")


class BadBaseUrl(ValueError):
    """A site root that is not an http(s) URL of a host (one-line message)."""


def check_base_url(base_url: str) -> str:
    """`base_url` stripped, when it is an `http(s)://host[:port][/prefix]` URL.

    Anything else (a bare word, `file:`, `ftp:`, a URL with credentials, a query
    or a fragment) raises `BadBaseUrl`: the crawl would read nothing, or read
    what it must not (local files)."""
    text = base_url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise BadBaseUrl(f"not a URL: {base_url!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadBaseUrl(f"not an http(s) URL: {base_url!r}")
    if not parts.hostname:
        raise BadBaseUrl(f"no host in {base_url!r}")
    if parts.username is not None or parts.password is not None:
        raise BadBaseUrl(f"credentials are not allowed in the base URL: {parts.hostname}")
    if parts.query or parts.fragment:
        raise BadBaseUrl(f"the base URL takes no query or fragment: {base_url!r}")
    if port == 0:
        raise BadBaseUrl(f"port 0 in {base_url!r}")
    return text


# Seconds a `Retry-After` may ask us to wait before we give the page up instead.
MAX_RETRY_AFTER = 120
# Pause before retrying a 429/503 that did not say how long to wait.
DEFAULT_RETRY_PAUSE = 2.0


def scrapy_settings(delay: float = 1.0, timeout: float = 30.0, retries: int = 3) -> dict:
    """The Scrapy settings of one sync."""
    return {
        "BOT_NAME": "segur-catalogue",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "CONCURRENT_REQUESTS": 1,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": timeout,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": retries,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 408, 522, 524],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "scraper.middlewares.SharedRobotsTxtMiddleware": 100,
            "scraper.middlewares.RetryAfterMiddleware": 550,
            "scraper.middlewares.StayOnSiteMiddleware": 50,
            # Next to the network, after every other middleware: it sees each
            # request as sent and each answer as received (scraper/archive.py).
            "scraper.archive.ArchiveMiddleware": 950,
        },
        "ITEM_PIPELINES": {
            "scraper.pipelines.ValidationPipeline": 100,
            "scraper.pipelines.CollectPipeline": 900,
        },
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "REDIRECT_ENABLED": True,
        "LOG_LEVEL": "ERROR",
        "LOG_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "SEGUR_MAX_RETRY_AFTER": MAX_RETRY_AFTER,
        "SEGUR_DEFAULT_RETRY_PAUSE": DEFAULT_RETRY_PAUSE,
    }
