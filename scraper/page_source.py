"""One page's HTML for `segur inspect`: from the site (one request, the crawl's
User-Agent), a saved file, or a WARC archive a sync wrote (no request)."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from scraper.settings import USER_AGENT

TIMEOUT_SECONDS = 30
WARC_SUFFIXES = (".warc", ".warc.gz")


class PageSourceError(Exception):
    """The page cannot be had (one-line message)."""


def read_page(target: str, url: str | None = None) -> tuple[str, str]:
    """(html, the page's URL) of `target`: an http(s) URL, an HTML file or a WARC archive."""
    if urlsplit(target).scheme in ("http", "https"):
        return fetch(target), target
    path = Path(target)
    if not path.is_file():
        raise PageSourceError(f"no such file, and not an http(s) URL: {target}")
    if path.name.endswith(WARC_SUFFIXES):
        return from_archive(path, url)
    return _decoded(path.read_bytes()), url or path.resolve().as_uri()


def fetch(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PageSourceError(f"not an http(s) URL of a host: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return _decoded(response.read())
    except urllib.error.HTTPError as error:
        raise PageSourceError(f"{url}: HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PageSourceError(f"{url}: {reason}") from None


def from_archive(path: Path, url: str | None) -> tuple[str, str]:
    """The response recorded for `url` (compared without scheme and host)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    recorded: list[str] = []
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                target = record.rec_headers.get_header("WARC-Target-URI") or ""
                recorded.append(target)
                if url is not None and _same_page(target, url):
                    return _decoded(record.content_stream().read()), target
    except (ArchiveLoadFailed, OSError, gzip.BadGzipFile, ValueError) as error:
        raise PageSourceError(f"{path} is not a readable WARC archive: {error}") from None
    pages = ", ".join(recorded[:10]) + (" ..." if len(recorded) > 10 else "")
    if url is None:
        raise PageSourceError(f"choose a page of {path} with --url: {pages or 'none recorded'}")
    raise PageSourceError(f"{url} is not in {path}; recorded: {pages or 'none'}")


def _same_page(recorded: str, wanted: str) -> bool:
    left, right = urlsplit(recorded), urlsplit(wanted)
    return (left.path or "/", left.query) == (right.path or "/", right.query)


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
