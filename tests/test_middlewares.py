import email.utils

import pytest

from scraper.middlewares import is_english_path, retry_after_seconds


@pytest.mark.parametrize(
    "value, expected", [(b"1", 1.0), ("120", 120.0), (None, None), (b"", None), (b"soon", None)]
)
def test_retry_after_in_seconds(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_as_http_date():
    header = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after_seconds(header, now=1_000_000) == pytest.approx(30)


def test_retry_after_date_in_the_past_means_now():
    header = email.utils.formatdate(1_000_000, usegmt=True)
    assert retry_after_seconds(header, now=1_000_100) == 0


@pytest.mark.parametrize(
    "path, english",
    [("/en", True), ("/en/actualites", True), ("/entreprises", False), ("/actualites", False)],
)
def test_english_copies_are_recognised(path, english):
    assert is_english_path(path) is english


def test_polite_settings():
    from scraper.settings import PROJECT_URL, scrapy_settings

    settings = scrapy_settings(delay=2.5)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert PROJECT_URL in settings["USER_AGENT"]
    assert settings["DOWNLOAD_DELAY"] == 2.5
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert {429, 503, 500}.issubset(settings["RETRY_HTTP_CODES"])


def retry_middleware(max_retry_after=120):
    from scrapy.settings import Settings

    from scraper.middlewares import RetryAfterMiddleware
    from scraper.settings import scrapy_settings

    settings = Settings(scrapy_settings())
    settings.set("SEGUR_MAX_RETRY_AFTER", max_retry_after)
    return RetryAfterMiddleware(settings)


def test_retry_after_beyond_the_limit_gives_the_page_up_at_once():
    import asyncio

    from scrapy import Request
    from scrapy.http import HtmlResponse

    request = Request("http://127.0.0.1/liste")
    response = HtmlResponse(
        request.url, status=503, headers={"Retry-After": "3600"}, request=request
    )
    answer = asyncio.run(retry_middleware().process_response(request, response))
    assert answer is response
    assert "Retry-After de 3600 s" in request.meta["segur_gave_up"]


def test_success_passes_through():
    import asyncio

    from scrapy import Request
    from scrapy.http import HtmlResponse

    request = Request("http://127.0.0.1/liste")
    response = HtmlResponse(request.url, status=200, request=request)
    assert asyncio.run(retry_middleware().process_response(request, response)) is response


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://127.0.0.1:8000/actualites", True),
        ("http://127.0.0.1:8000/en/actualites", False),
        ("https://esante.gouv.fr/segur/solutions-referencees", False),
        ("http://127.0.0.1:9999/actualites", False),
    ],
)
def test_requests_stay_on_the_french_site(url, allowed):
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from scraper.middlewares import StayOnSiteMiddleware

    crawler = SimpleNamespace(spider=SimpleNamespace(site_netloc="127.0.0.1:8000"))
    middleware = StayOnSiteMiddleware(crawler)
    if allowed:
        assert middleware.process_request(Request(url)) is None
    else:
        with pytest.raises(IgnoreRequest):
            middleware.process_request(Request(url))
