import pytest

from scraper.spiders.base import entry_url
from scraper.spiders.solutions import expected_pages

LISTING = "/segur-du-numerique-en-sante/solutions-referencees-segur"


@pytest.mark.parametrize(
    "base, expected",
    [
        ("https://industriels.esante.gouv.fr", f"https://industriels.esante.gouv.fr{LISTING}"),
        ("https://industriels.esante.gouv.fr/", f"https://industriels.esante.gouv.fr{LISTING}"),
        ("http://127.0.0.1:8000", f"http://127.0.0.1:8000{LISTING}"),
        ("https://esante.gouv.fr/ens", f"https://esante.gouv.fr/ens{LISTING}"),
        (f"http://127.0.0.1:8000{LISTING}", f"http://127.0.0.1:8000{LISTING}"),
        ("http://127.0.0.1:8000/actualites", f"http://127.0.0.1:8000{LISTING}"),
    ],
)
def test_listing_url_under_the_base_url(base, expected):
    assert entry_url(base, LISTING) == expected


def test_news_url_under_a_base_given_as_the_listing():
    assert entry_url(f"http://127.0.0.1:8000{LISTING}/", "/actualites") == (
        "http://127.0.0.1:8000/actualites"
    )


@pytest.mark.parametrize(
    "announced, first_page_rows, pages", [(266, 50, 6), (50, 50, 1), (0, 0, 1), (7, 0, 1)]
)
def test_expected_pages(announced, first_page_rows, pages):
    assert expected_pages(announced, first_page_rows) == pages
