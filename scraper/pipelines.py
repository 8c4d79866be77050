"""Item pipelines: validate every record, then hand it to the run's collector."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from scraper.items import CandidateRecord, SolutionRecord


class ValidationPipeline:
    """Drop records lacking a required field, and count them: the completeness
    check turns any such drop into a run that is not complete."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, SolutionRecord | CandidateRecord):
            missing = item.missing_fields()
            if missing:
                self.crawler.spider.collector.invalid_records += 1
                raise DropItem(f"record without {', '.join(missing)}: {item!r}")
        return item


class CollectPipeline:
    """Hand every item to the collector of the running sync."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        self.crawler.spider.collector.add(item)
        return item
