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
