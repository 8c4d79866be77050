"""Keep every exchange of a crawl as a WARC file (ISO 28500), written with warcio.

    recorder = WarcRecorder(Path("archive/run-7.warc.gz"), {"segur-run": "7"})
    crawl(base_url, archive=recorder)       # ArchiveMiddleware records through it
    archived = recorder.finish()            # ArchivedFile(path, size, sha256), or ArchiveError

`ArchiveMiddleware` sits next to the network (downloader middleware order 950,
after every other one), so it sees what was really sent and received: robots.txt,
each attempt of a retried page, redirects. An answer is kept as a `response`
record followed by its `request` record; a request that got no answer (timeout,
dropped connection) as a `request` record followed by a `metadata` record that
says why (`segur-fetch-error`). Requests refused before they left (robots.txt,
off-site) were never sent and are not archived.

The file is written under a temporary name and moved into place by `finish`:
a crawl that stops half-way never leaves a truncated archive under its final
name. Archiving never breaks a crawl: the first write error stops the
recording, and `finish` then raises `ArchiveError` with that error.
"""

from __future__ import annotations

import hashlib
import http.client
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_VERSION = "1.1"
FETCH_ERROR_FIELD = "segur-fetch-error"
# The body is kept as Scrapy received it: de-chunked, still content-encoded.
# Headers that describe the transfer, not the content, would then be false.
TRANSFER_HEADERS = frozenset({"transfer-encoding"})


class ArchiveError(Exception):
    """The archive could not be written (one-line message)."""


@dataclass(frozen=True)
class ArchivedFile:
    path: Path
    size: int
    sha256: str


def partial_path(target: Path) -> Path:
    """Where the archive `target` is written until it is complete."""
    return target.with_name(f".{target.name}.partial")


class WarcRecorder:
    """Writes the exchanges of one crawl into `target` (see the module docstring)."""

    def __init__(self, target: Path, warcinfo: dict[str, str]):
        self.target = Path(target)
        self.partial = partial_path(self.target)
        self.responses = 0
        self.failures = 0
        self.error: str | None = None
        self._file = None
        self._writer: WARCWriter | None = None
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.partial, "wb")  # closed by finish() or discard()
            self._writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
            info = self._writer.create_warcinfo_record(self.target.name, warcinfo)
            self._writer.write_record(info)
        except OSError as error:
            self._stop(error)

    def _live_writer(self) -> WARCWriter | None:
        """The writer while recording goes on: None once closed or after an error."""
        return self._writer if self.error is None else None

    def record_response(self, request, response) -> None:
        """One answer received for `request` (Scrapy objects)."""
        writer = self._live_writer()
        if writer is None:
            return
        try:
            answer = writer.create_warc_record(
                request.url,
                "response",
                payload=BytesIO(response.body),
                length=len(response.body),
                http_headers=response_headers(response),
            )
            sent = self._request_record(writer, request)
            writer.write_request_response_pair(sent, answer)
            self.responses += 1
        except Exception as error:  # whatever it is, the crawl goes on; finish() reports it
            self._stop(error)

    def record_failure(self, request, reason: str) -> None:
        """`request` was sent and got no answer, for `reason`."""
        writer = self._live_writer()
        if writer is None:
            return
        try:
            sent = self._request_record(writer, request)
            writer.write_record(sent)
            fields = f"{FETCH_ERROR_FIELD}: {one_line(reason)}\r\n".encode()
            why = writer.create_warc_record(
                request.url,
                "metadata",
                payload=BytesIO(fields),
                length=len(fields),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Concurrent-To": sent.rec_headers.get_header("WARC-Record-ID")
                },
            )
            writer.write_record(why)
            self.failures += 1
        except Exception as error:  # as in record_response
            self._stop(error)

    def finish(self) -> ArchivedFile:
        """Close the file and move it to `target`; its size and SHA-256.

        Raises `ArchiveError` (and leaves no partial file) when anything failed."""
        try:
            self._close(sync=True)
            if self.error is None:
                os.replace(self.partial, self.target)
                return ArchivedFile(self.target, *size_and_sha256(self.target))
        except OSError as error:
            self._stop(error)
        self.discard()
        raise ArchiveError(self.error)

    def discard(self) -> None:
        """Close and delete the unfinished file (the crawl did not happen)."""
        self._close(sync=False)
        try:
            self.partial.unlink(missing_ok=True)
        except OSError:
            pass  # nothing more can be done; the next retention removes it

    def _request_record(self, writer: WARCWriter, request):
        return writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            http_headers=request_headers(request),
        )

    def _close(self, sync: bool) -> None:
        file, self._file, self._writer = self._file, None, None
        if file is None or file.closed:
            return
        try:
            if sync and self.error is None:
                file.flush()
                os.fsync(file.fileno())
        finally:
            file.close()

    def _stop(self, error: Exception) -> None:
        if self.error is None:
            reason = getattr(error, "strerror", None) or error
            self.error = one_line(f"{self.partial}: {reason}")
        self._writer = None

    def __repr__(self) -> str:
        return f"WarcRecorder({str(self.target)!r})"


def response_headers(response) -> StatusAndHeaders:
    reason = http.client.responses.get(response.status, "")
    headers = [
        (name, value)
        for name, value in scrapy_headers(response.headers)
        if name.lower() not in TRANSFER_HEADERS
    ]
    protocol = response.protocol or "HTTP/1.1"
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=protocol)


def request_headers(request) -> StatusAndHeaders:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Scrapy's HTTP client adds Host itself; the request record shows it as sent.
    headers = [("Host", parts.netloc), *scrapy_headers(request.headers)]
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)


def scrapy_headers(headers) -> list[tuple[str, str]]:
    return [
        (header_text(name), header_text(value))
        for name, values in headers.items()
        for value in values
    ]


def header_text(value: bytes) -> str:
    """Scrapy sends and receives str headers as UTF-8; anything else is Latin-1.
    (warcio writes non-ASCII values percent-encoded, RFC 8187.)"""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def size_and_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def one_line(text: str) -> str:
    return " ".join(str(text).split())


class ArchiveMiddleware:
    """Hands every request sent and every answer or failure to the run's
    `WarcRecorder` (`collector.archive` of the crawling spider; nothing is
    recorded when it has none)."""

    def __init__(self, crawler):
        self.crawler = crawler
        # Requests that passed this middleware, hence left for the network. A
        # failure of any other request (refused by robots.txt, off-site) was
        # raised before it was sent: it reaches process_exception too.
        self._sent: dict[int, object] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def recorder(self) -> WarcRecorder | None:
        collector = getattr(self.crawler.spider, "collector", None)
        return getattr(collector, "archive", None)

    def process_request(self, request):
        if self.recorder() is not None:
            self._sent[id(request)] = request
        return None

    def process_response(self, request, response):
        recorder = self.recorder()
        if self._sent.pop(id(request), None) is not None and recorder is not None:
            recorder.record_response(request, response)
        return response

    def process_exception(self, request, exception):
        recorder = self.recorder()
        if self._sent.pop(id(request), None) is not None and recorder is not None:
            recorder.record_failure(request, f"{type(exception).__name__}: {exception}")
        return None
