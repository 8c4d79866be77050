"""What one crawl gathered: the collector fed by the pipelines, the merge of
rows reached by several paths, and the `CrawlResult` handed to the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from scraper.completeness import assess
from scraper.items import CandidateRecord, CrawlResult, PageReport, SolutionRecord

Progress = Callable[[int, int], None]


@dataclass
class RunCollector:
    """Gathers the items of every spider of one run, and reports progress."""

    progress: Progress | None = None
    solutions: list[SolutionRecord] = field(default_factory=list)
    candidates: list[CandidateRecord] = field(default_factory=list)
    pages: list[PageReport] = field(default_factory=list)
    invalid_records: int = 0
    pages_expected: int = 0
    close_reasons: dict[str, str] = field(default_factory=dict)
    stopped_by_signal: bool = False

    def add(self, item) -> None:
        if isinstance(item, SolutionRecord):
            self.solutions.append(item)
        elif isinstance(item, CandidateRecord):
            self.candidates.append(item)
        elif isinstance(item, PageReport):
            self.pages.append(item)
            if self.progress:
                self.progress(len(self.pages), max(len(self.pages), self.pages_expected))

    def plan_pages(self, count: int) -> None:
        """The spiders announce pages they now know they will fetch."""
        self.pages_expected += max(0, count)

    def spider_closed(self, name: str, reason: str) -> None:
        self.close_reasons[name] = reason

    @property
    def interrupted(self) -> bool:
        closed_early = any(reason == "shutdown" for reason in self.close_reasons.values())
        return self.stopped_by_signal or closed_early


def build_result(base_url: str, collector: RunCollector, errors: list[str]) -> CrawlResult:
    result = CrawlResult(
        base_url=base_url,
        solutions=merge_solutions(collector.solutions),
        candidates=merge_candidates(collector.candidates),
        pages=list(collector.pages),
        interrupted=collector.interrupted,
    )
    for message in errors:
        result.pages.append(PageReport(url=base_url, kind="crawl", error=message))
    assessment = assess(
        result.pages,
        result.solutions,
        result.candidates,
        invalid_records=collector.invalid_records,
        interrupted=collector.interrupted,
    )
    result.status, result.reason, result.rows_expected = assessment
    return result


def _identity(record: SolutionRecord) -> tuple:
    """Who a row is, whatever the path that reached it: a row read on the
    unfiltered listing (no dispositif) and the same row read through its
    dispositif facet are one solution."""
    if record.key.startswith("ref:"):
        return (record.key,)
    return (record.editor.casefold(), record.solution.casefold(), record.version.casefold())


def merge_solutions(records: list[SolutionRecord]) -> list[SolutionRecord]:
    """One record per solution: rows reached by several paths are merged, the
    rows that know their dispositif absorbing those that do not."""
    groups: dict[tuple, list[SolutionRecord]] = {}
    for record in records:
        groups.setdefault(_identity(record), []).append(record)
    merged: dict[str, SolutionRecord] = {}
    for group in groups.values():
        located = [r for r in group if r.dispositif] or group
        unlocated = [r for r in group if not r.dispositif] if located is not group else []
        for record in located:
            for other in unlocated:
                record = fill_missing(record, other)
            previous = merged.get(record.key)
            merged[record.key] = fill_missing(previous, record) if previous else record
    return list(merged.values())


def merge_candidates(records: list[CandidateRecord]) -> list[CandidateRecord]:
    merged: dict[str, CandidateRecord] = {}
    for record in records:
        previous = merged.get(record.key)
        merged[record.key] = fill_missing(previous, record) if previous else record
    return list(merged.values())


def fill_missing(record, other):
    """`record` with its empty fields taken from `other`."""
    updates = {
        name: getattr(other, name)
        for name in record.__dataclass_fields__
        if getattr(record, name) in (None, "") and getattr(other, name) not in (None, "")
    }
    return replace(record, **updates) if updates else record
