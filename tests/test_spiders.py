import math
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse

from replica.dataset import build_dataset
from replica.server import Fault, ReplicaServer
from replica.site import NEWS_PAGE_SIZE, Site
from scraper.collect import RunCollector
from scraper.spiders.base import entry_url
from scraper.spiders.solutions import SolutionsSpider, expected_pages
from tests.alt_site import RENDERINGS, AltSite
from tests.alt_site import dataset as alt_dataset
from tests.spider_harness import SITE_URL, Downloader, crawl_site
from tests.sync_support import CANDIDATE_FIELDS, SOLUTION_FIELDS, by_key, crawl_of_rendering

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


# ---------------------------------------------------------------- the spiders, in-process
# The real spiders follow their own requests over a site in memory (tests/spider_harness.py).

NEWS = "/actualites"
# What each replica theme's rows say (replica/render): "cards" rows name no dispositif, so
# only the dispositif facets tell it; "table" and "lines" rows say everything.
ROWS_LACK_THE_DISPOSITIF = {"table": False, "cards": True, "lines": False}
REPLICA_RENDERINGS = sorted(ROWS_LACK_THE_DISPOSITIF)


@dataclass(frozen=True)
class Visit:
    """What a request target asked for."""

    kind: str  # "robots", "listing", "news", "article" or "other"
    facets: tuple[str, ...] = ()  # the listing's `f[N]` filters, e.g. ("dsr_solutions:DPI",)
    page: int = 0
    slug: str | None = None


def visit_of(target: str) -> Visit:
    parts = urlsplit(target)
    params = parse_qsl(parts.query)
    page = int(dict(params).get("page", 0))
    facets = tuple(value for name, value in params if name.startswith("f["))
    if parts.path == "/robots.txt":
        return Visit("robots")
    if parts.path == LISTING:
        return Visit("listing", facets, page)
    if parts.path == NEWS:
        return Visit("news", page=page)
    if parts.path.startswith(NEWS + "/"):
        return Visit("article", slug=parts.path[len(NEWS) + 1 :])
    return Visit("other")


def listing_pages(crawl) -> dict[tuple[str, ...], list[int]]:
    """The listing pages fetched, by facet filters (() for the unfiltered listing)."""
    pages: dict[tuple[str, ...], list[int]] = {}
    for visit in map(visit_of, crawl.requests):
        if visit.kind == "listing":
            pages.setdefault(visit.facets, []).append(visit.page)
    return {facets: sorted(numbers) for facets, numbers in pages.items()}


def pages_of(count: int, page_size: int) -> list[int]:
    return list(range(math.ceil(count / page_size)))


def replica_crawl(rendering: str, **options):
    site = Site(build_dataset(1), rendering, **options)
    return site, crawl_site(site)


@pytest.fixture(scope="module", params=REPLICA_RENDERINGS)
def replica_crawled(request):
    return request.param, *replica_crawl(request.param)


def test_the_replica_is_read_completely_and_exactly(replica_crawled):
    _, site, crawl = replica_crawled
    result = crawl.result
    assert result.status == "complete", result.reason
    assert by_key(result.solutions, SOLUTION_FIELDS) == by_key(
        site.dataset.solutions, SOLUTION_FIELDS
    )
    assert by_key(result.candidates, CANDIDATE_FIELDS) == by_key(
        site.dataset.candidates, CANDIDATE_FIELDS
    )


def test_the_listing_is_walked_by_its_pager_or_by_the_facets_rows_need(replica_crawled):
    rendering, site, crawl = replica_crawled
    rows = site.dataset.solutions
    if ROWS_LACK_THE_DISPOSITIF[rendering]:
        counts = Counter(record.dispositif for record in rows)
        expected = {(): [0]} | {
            (f"dsr_solutions:{site.dispositif_value(name)}",): pages_of(count, site.page_size)
            for name, count in counts.items()
        }
    else:
        expected = {(): pages_of(len(rows), site.page_size)}
    assert listing_pages(crawl) == expected


def test_facets_are_followed_only_when_rows_lack_what_they_tell(replica_crawled):
    rendering, site, crawl = replica_crawled
    followed = {page.facet for page in crawl.result.pages if page.kind == "facet"}
    if ROWS_LACK_THE_DISPOSITIF[rendering]:
        assert followed == {record.dispositif for record in site.dataset.solutions}
    else:
        assert followed == set()


def test_every_news_page_and_only_the_candidate_articles_are_read(replica_crawled):
    _, site, crawl = replica_crawled
    visits = [visit_of(target) for target in crawl.requests]
    news = site.dataset.news
    assert sorted(v.page for v in visits if v.kind == "news") == pages_of(len(news), NEWS_PAGE_SIZE)
    candidate_articles = {article.slug for article in news if article.tables}
    assert len(candidate_articles) < len(news)
    assert {v.slug for v in visits if v.kind == "article"} == candidate_articles
    article_pages = [page for page in crawl.result.pages if page.kind == "article"]
    assert sum(page.rows for page in article_pages) == len(site.dataset.candidates)


def test_robots_txt_first_no_page_twice_and_no_english_copy(replica_crawled):
    _, _, crawl = replica_crawled
    assert crawl.requests[0] == "/robots.txt"
    assert not [target for target in crawl.requests if target.startswith("/en")]
    assert len(crawl.requests) == len(set(crawl.requests)), "a page was fetched twice"
    assert crawl.duplicates == [], "a page was asked for twice"
    assert {visit_of(target).kind for target in crawl.requests} == {
        "robots", "listing", "news", "article"
    }  # fmt: skip


# Alternative renderings (tests/alt_site), each with the facets its rows need: the dispositif
# facets when rows name no dispositif, the vague facets when rows name no vague but the site
# offers such facets, none when rows say everything.
ALT_FACETS = {
    "definitions": "dsr_solutions",  # no dispositif, no vague (the facet page's heading tells)
    "vaguefacet": "vague",  # the dispositif, but no vague
    "rowtables": None,  # everything
    # the couloir, no dispositif; among a couloir facet, /en/ copies and the real site's links
    "multilingual": "dsr_solutions",
}


@pytest.fixture(scope="module", params=sorted(ALT_FACETS))
def alt_crawled(request):
    site = AltSite(RENDERINGS[request.param], alt_dataset(1))
    return request.param, site, crawl_of_rendering(request.param, 1)


def test_an_alternative_rendering_is_read_exactly(alt_crawled):
    _, site, crawl = alt_crawled
    assert crawl.result.status == "complete", crawl.result.reason
    assert by_key(crawl.result.solutions, SOLUTION_FIELDS) == by_key(
        site.solutions, SOLUTION_FIELDS
    )
    assert by_key(crawl.result.candidates, CANDIDATE_FIELDS) == by_key(
        site.dataset.candidates, CANDIDATE_FIELDS
    )


def test_an_alternative_rendering_is_walked_through_the_facets_its_rows_need(alt_crawled):
    name, site, crawl = alt_crawled
    entry = site.listing("fr", [])
    facets = {
        "dsr_solutions": entry.dispositif_facets,
        "vague": entry.vague_facets,
        None: (),
    }[ALT_FACETS[name]]
    expected = {
        (f"{facet.field}:{facet.value}",): list(range(facet_view(site, facet).page_count))
        for facet in facets
    }
    expected[()] = [0] if facets else list(range(entry.page_count))
    assert listing_pages(crawl) == expected
    assert len(crawl.requests) == len(set(crawl.requests)), "a page was fetched twice"
    assert crawl.duplicates == []


def facet_view(site: AltSite, facet):
    return site.listing("fr", [("f[0]", f"{facet.field}:{facet.value}")])


def test_english_copies_and_other_sites_are_never_asked_for():
    site = AltSite(RENDERINGS["multilingual"], alt_dataset(1))
    entry_page = site.respond(LISTING).body
    assert 'href="/en/' in entry_page and "https://industriels.esante.gouv.fr" in entry_page
    crawl = crawl_of_rendering("multilingual", 1)
    assert crawl.result.status == "complete", crawl.result.reason
    assert not [target for target in crawl.requests if target.startswith("/en")]
    assert crawl.refused == []  # the spiders never even yield them


# ---------------------------------------------------------------- the harness, as Scrapy does


def test_a_page_robots_txt_forbids_is_refused_and_reported_blocked():
    article = build_dataset(1).articles[0].slug
    _, crawl = replica_crawl("table", robots_disallow=(f"{NEWS}/{article}",))
    assert not [target for target in crawl.requests if article in target]
    assert [url for url in crawl.refused if article in url]
    refused = [page for page in crawl.result.pages if article in page.url]
    assert [(page.failure, page.error) for page in refused] == [
        ("blocked", "interdite par robots.txt")
    ]
    assert crawl.result.status != "complete"


def test_an_error_answer_reaches_the_errback_as_an_http_error():
    server = ReplicaServer(rendering="table", faults=[Fault("404", f"{NEWS}/", None)])
    crawl = crawl_site(server)
    articles = [page for page in crawl.result.pages if page.kind == "article"]
    assert articles and all(page.failure == "not_found" for page in articles)
    assert all(page.error == "HTTP 404 malgré les nouvelles tentatives" for page in articles)
    assert crawl.result.failure_kind == "not_found"


def test_requests_off_the_site_or_to_english_copies_are_refused_before_they_leave():
    site = Site(build_dataset(1), "table")
    downloader = Downloader(site)
    spider = SolutionsSpider(base_url=SITE_URL, collector=RunCollector())
    for url in (f"{SITE_URL}/en{LISTING}", f"http://elsewhere.invalid{LISTING}"):
        with pytest.raises(IgnoreRequest):
            downloader.fetch(Request(url), spider)
    assert downloader.requests == []
    response = downloader.fetch(Request(f"{SITE_URL}{LISTING}?page=1"), spider)
    assert isinstance(response, HtmlResponse) and response.status == 200
    assert downloader.requests == ["/robots.txt", f"{LISTING}?page=1"]


@pytest.mark.slow
def test_the_harness_asks_for_what_a_real_sync_asks_for(replica, segur, tmp_path):
    """The in-process crawl fetches the pages `segur sync` fetches (the order may differ:
    Scrapy's engine asks for the next page while a callback still runs)."""
    server = replica(rendering="cards")
    db = str(tmp_path / "segur.db")
    assert segur("sync", "--base-url", server.url, "--db", db, "--delay", "0").returncode == 0
    real = server.requests
    assert sorted(crawl_site(server, server.url).requests) == sorted(real)
