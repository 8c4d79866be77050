from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem

from scraper.collect import RunCollector
from scraper.items import CandidateRecord, PageReport, SolutionRecord
from scraper.pipelines import CollectPipeline, ValidationPipeline


@pytest.fixture
def crawler():
    return SimpleNamespace(spider=SimpleNamespace(collector=RunCollector()))


def test_a_record_without_version_is_dropped_and_counted(crawler):
    with pytest.raises(DropItem):
        ValidationPipeline(crawler).process_item(SolutionRecord("ACME", "Suite", ""))
    assert crawler.spider.collector.invalid_records == 1


def test_a_candidate_without_solution_is_dropped(crawler):
    with pytest.raises(DropItem):
        ValidationPipeline(crawler).process_item(CandidateRecord("ACME", ""))
    assert crawler.spider.collector.invalid_records == 1


def test_valid_items_reach_the_collector(crawler):
    items = [SolutionRecord("ACME", "Suite", "1"), PageReport(url="u", kind="listing")]
    for item in items:
        CollectPipeline(crawler).process_item(ValidationPipeline(crawler).process_item(item))
    assert crawler.spider.collector.solutions == items[:1]
    assert crawler.spider.collector.pages == items[1:]
    assert crawler.spider.collector.invalid_records == 0
