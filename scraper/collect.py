"""What one crawl gathered: the collector fed by the pipelines, the merge of
rows reached by several paths, and the `CrawlResult` handed to the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scraper.archive import WarcRecorder
from scraper.completeness import assess, failure_kind
from scraper.items import (
    CandidateRecord,
    CrawlResult,
    PageReport,
    SolutionRecord,
    fill_missing,
)
from scraper.normalize import loose_key
from scraper.vocabulary import dispositif_level

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
    interrupted: bool = False  # set when SIGTERM or Ctrl-C stopped the crawl
    archive: WarcRecorder | None = None  # records every exchange (scraper/archive.py)

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


def build_result(base_url: str, collector: RunCollector, errors: list[str]) -> CrawlResult:
    result = CrawlResult(
        base_url=base_url,
        solutions=merge_solutions(collector.solutions),
        candidates=merge_candidates(collector.candidates),
        pages=list(collector.pages),
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
    result.failure_kind = failure_kind(result.status, result.pages, collector.interrupted)
    return result


# What a row may say on one path and not on another; two rows that say
# different things here are two solutions.
CONTEXT_FIELDS = ("dispositif", "vague", "reference_number")


def _identity(record: SolutionRecord) -> tuple:
    """Who a row is, whatever the path that reached it."""
    return (loose_key(record.editor), loose_key(record.solution), loose_key(record.version))


def _known_context(record: SolutionRecord) -> int:
    return sum(getattr(record, name) is not None for name in CONTEXT_FIELDS)


def _compatible(record: SolutionRecord, other: SolutionRecord) -> bool:
    """Nothing known of one contradicts the other (None is "unknown"; a
    dispositif and one of its domains agree)."""
    return all(
        getattr(record, name) is None
        or getattr(other, name) is None
        or _context_value(record, name) == _context_value(other, name)
        for name in CONTEXT_FIELDS
    )


def _context_value(record: SolutionRecord, name: str):
    value = getattr(record, name)
    return dispositif_level(value) if name == "dispositif" else value


def merge_solutions(records: list[SolutionRecord]) -> list[SolutionRecord]:
    """One record per solution: rows reached by several paths are merged.

    A row that knows less of its context (read on the unfiltered listing, no
    dispositif or no vague) is absorbed by every row of the same identity that
    knows more and does not contradict it (read through a facet). Rows that
    contradict each other (the same product referenced for two dispositifs)
    stay apart."""
    groups: dict[tuple, list[SolutionRecord]] = {}
    for record in records:
        groups.setdefault(_identity(record), []).append(record)
    merged: dict[str, SolutionRecord] = {}
    for group in groups.values():
        kept: list[SolutionRecord] = []
        for record in sorted(group, key=_known_context, reverse=True):
            matches = [i for i, other in enumerate(kept) if _compatible(record, other)]
            for i in matches:
                kept[i] = fill_missing(kept[i], record)
            if not matches:
                kept.append(record)
        for record in kept:
            previous = merged.get(record.key)
            merged[record.key] = fill_missing(previous, record) if previous else record
    return list(merged.values())


def merge_candidates(records: list[CandidateRecord]) -> list[CandidateRecord]:
    merged: dict[str, CandidateRecord] = {}
    for record in records:
        previous = merged.get(record.key)
        merged[record.key] = fill_missing(previous, record) if previous else record
    return list(merged.values())
