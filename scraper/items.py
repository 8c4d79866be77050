"""The records the scraper produces: one dataclass per kind, with its identity key.

Identity keys (documented in the README, "Data model") use only what every
rendering of the site gives (docs/ans-site.md, section 4.1):

* solution: `ref:<numéro unique de référencement>` when the row prints one, else
  `sol:<editor>|<solution>|<version>|<dispositif>`, each part in `loose_key` form
  (case, accents and punctuation ignored), the dispositif at the level every
  rendering knows ("DUI", never its domain "DUI MS1 PA/PH/DOM"); the vague,
  which some renderings print only in a heading, is not part of it. ANS
  references per version, so two versions of a product are two entries. When
  the site starts or stops printing referencing numbers, the store matches
  the entry by this natural key (`natural_key`).
* candidate: `cand:<editor>|<solution>|<dispositif>`, same normalisation; a
  candidature is for a product, not a version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from scraper.normalize import fold, loose_key
from scraper.vocabulary import dispositif_level

REFERENCE_NUMBER = re.compile(r"^[0-9a-f]{10}$")


def _key_part(value: object) -> str:
    return "" if value is None else loose_key(str(value))


@dataclass(frozen=True)
class SolutionRecord:
    """One referenced solution, as read from one row of the listing."""

    editor: str
    solution: str
    version: str
    couloir: str | None = None
    dispositif: str | None = None
    vague: int | None = None
    referenced_on: str | None = None  # ISO yyyy-mm-dd
    reference_number: str | None = None
    distributors: str | None = None
    pilots: str | None = None
    source_url: str | None = None

    REQUIRED = ("editor", "solution", "version")

    @property
    def key(self) -> str:
        number = fold(self.reference_number)
        if number and REFERENCE_NUMBER.match(number):
            return f"ref:{number}"
        return self.natural_key

    @property
    def natural_key(self) -> str:
        """The key without the referencing number: editor, solution, version, dispositif."""
        parts = (self.editor, self.solution, self.version, dispositif_level(self.dispositif))
        return "sol:" + "|".join(_key_part(p) for p in parts)

    @property
    def product_key(self) -> str:
        """Same product whatever its version: used to spot version changes."""
        parts = (self.editor, self.solution, dispositif_level(self.dispositif))
        return "|".join(_key_part(p) for p in parts)

    def missing_fields(self) -> list[str]:
        return [name for name in self.REQUIRED if not getattr(self, name)]


@dataclass(frozen=True)
class CandidateRecord:
    """One editor's candidature, as read from one row of a candidate article."""

    editor: str
    solution: str
    version: str | None = None
    dispositif: str | None = None
    status: str | None = None  # "Candidat", "En cours d'instruction", "Référencé"
    applied_on: str | None = None  # ISO yyyy-mm-dd
    source_url: str | None = None

    REQUIRED = ("editor", "solution")

    @property
    def key(self) -> str:
        parts = (self.editor, self.solution, self.dispositif)
        return "cand:" + "|".join(_key_part(p) for p in parts)

    def missing_fields(self) -> list[str]:
        return [name for name in self.REQUIRED if not getattr(self, name)]


SOLUTION_FIELDS = tuple(f.name for f in fields(SolutionRecord))
CANDIDATE_FIELDS = tuple(f.name for f in fields(CandidateRecord))


# Why a sync could not read the site, in one word (runs.failure_kind).
TRANSIENT = "transient"  # timeouts, dropped connections, 5xx, 429 after the retries
BLOCKED = "blocked"  # 401/403, or robots.txt forbids the page
LAYOUT = "layout"  # no result line, fewer rows than announced, unreadable rows or articles
NOT_FOUND = "not_found"  # 404 on a page of the lists
STORAGE = "storage"  # the catalogue could not be written
INTERRUPTED = "interrupted"  # stopped (SIGTERM, Ctrl-C, a killed process)
FAILURE_KINDS = (TRANSIENT, BLOCKED, LAYOUT, NOT_FOUND, STORAGE, INTERRUPTED)


@dataclass(frozen=True)
class PageReport:
    """What the crawl learnt about one page, read or not.

    `kind` is "listing" (the unfiltered solutions listing), "facet" (a listing
    filtered on one dispositif), "news" (the news listing) or "article" (a
    candidate article). `announced` is the "N résultats" count (None when the
    page had no result line); `rows` the records read from it; `error` is set
    when the page could not be fetched or read, and `failure` then says why in
    one word (one of `FAILURE_KINDS`).
    """

    url: str
    kind: str
    rows: int = 0
    announced: int | None = None
    facet: str | None = None
    error: str | None = None
    invalid_rows: int = 0
    page_number: int = 0
    failure: str | None = None


@dataclass
class CrawlResult:
    """Everything one sync read, handed from the scraper to the catalogue."""

    base_url: str
    solutions: list[SolutionRecord] = field(default_factory=list)
    candidates: list[CandidateRecord] = field(default_factory=list)
    pages: list[PageReport] = field(default_factory=list)
    rows_expected: int | None = None
    status: str = "failed"  # complete | partial | failed
    reason: str = ""
    failure_kind: str | None = None  # one of FAILURE_KINDS when not complete
