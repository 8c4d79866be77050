"""Pure parsers: HTML text (and the URL it came from) in, records and page facts out.

No network and no Scrapy here: spiders fetch, these functions read. Extraction rests
on meaning (field labels, table headers, the "N résultats" line, the pager, facet
hrefs), never on one theme's CSS classes.
"""

from scraper.parsers.candidates import (
    ArticleLink,
    CandidateArticle,
    NewsPage,
    parse_candidate_article,
    parse_news_listing,
)
from scraper.parsers.labels import CANDIDATE, LISTING, field_for_label
from scraper.parsers.listing import Facet, ListingPage, RowContext, parse_listing

__all__ = [
    "CANDIDATE",
    "LISTING",
    "ArticleLink",
    "CandidateArticle",
    "Facet",
    "ListingPage",
    "NewsPage",
    "RowContext",
    "field_for_label",
    "parse_candidate_article",
    "parse_listing",
    "parse_news_listing",
]
