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
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

from scraper.normalize import fold, is_blank, loose_key
from scraper.vocabulary import combine_dispositifs, dispositif_level

REFERENCE_NUMBER = re.compile(r"^[0-9a-f]{10}$")


def _key_part(value: object) -> str:
    return "" if value is None else loose_key(str(value))


@dataclass(frozen=True)
class FieldInfo:
    """What the project says of one field, besides its name and type: the one place a
    field is described (CONTRIBUTING.md, "Adding a field")."""

    label: str  # how people read it, as a row header: "Date de référencement"
    column: str  # its name in the public French view `solutions_referencees`
    agreement: str = ""  # the label's French agreement: "" masculine, "e", "s" or "es"
    is_date: bool = False  # ISO yyyy-mm-dd
    quoted: bool = False  # free text, shown « between guillemets » in a sentence
    multi_valued: bool = False  # a list printed as one text ("A, B")
    summary: bool = False  # repeated on each stored change (the `changes` table)
    fact: bool = True  # read from the page's text (source_url is where it was read)
    in_reports: str = ""  # its name in a list of changes, when not the label in lower case

    @property
    def report_name(self) -> str:
        return self.in_reports or self.label[0].lower() + self.label[1:]


_EDITOR = FieldInfo("Éditeur", "editeur", quoted=True, summary=True)
_SOLUTION = FieldInfo("Solution", "solution", quoted=True, summary=True)
_VERSION = FieldInfo("Version", "version", "e", summary=True)
_COULOIR = FieldInfo("Couloir", "couloir", quoted=True, summary=True)
_DISPOSITIF = FieldInfo("Dispositif", "dispositif", quoted=True, summary=True)
_VAGUE = FieldInfo("Vague", "vague", "e", summary=True)
_REFERENCED_ON = FieldInfo(
    "Date de référencement", "date_referencement", "e", is_date=True, summary=True
)
_REFERENCE_NUMBER = FieldInfo("Numéro de référencement", "numero_referencement")
_DISTRIBUTORS = FieldInfo("Distributeurs", "distributeurs", "s", quoted=True, multi_valued=True)
_PILOTS = FieldInfo(
    "Installations pilotes",
    "installations_pilotes",
    "es",
    quoted=True,
    multi_valued=True,
    in_reports="premières installations réussies",
)
_CANDIDATE_STATUS = FieldInfo(
    "Statut de la candidature", "statut", quoted=True, summary=True, in_reports="statut"
)
_APPLIED_ON = FieldInfo(
    "Date de dépôt du dossier",
    "date_depot",
    "e",
    is_date=True,
    summary=True,
    in_reports="date de candidature",
)
_SOURCE_URL = FieldInfo("Page de l'ANS", "source", "e", fact=False, in_reports="page source")


def described(info: FieldInfo, *, required: bool = False):
    """A record field described by `info`; a required one has no default."""
    metadata = {"info": info, "required": required}
    return field(metadata=metadata) if required else field(default=None, metadata=metadata)


@dataclass(frozen=True)
class SolutionRecord:
    """One referenced solution, as read from one row of the listing."""

    editor: str = described(_EDITOR, required=True)
    solution: str = described(_SOLUTION, required=True)
    version: str = described(_VERSION, required=True)
    couloir: str | None = described(_COULOIR)
    dispositif: str | None = described(_DISPOSITIF)
    vague: int | None = described(_VAGUE)
    referenced_on: str | None = described(_REFERENCED_ON)  # ISO yyyy-mm-dd
    reference_number: str | None = described(_REFERENCE_NUMBER)
    distributors: str | None = described(_DISTRIBUTORS)
    pilots: str | None = described(_PILOTS)
    source_url: str | None = described(_SOURCE_URL)

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
        return missing_fields(self)


@dataclass(frozen=True)
class CandidateRecord:
    """One editor's candidature, as read from one row of a candidate article."""

    editor: str = described(_EDITOR, required=True)
    solution: str = described(_SOLUTION, required=True)
    version: str | None = described(_VERSION)
    dispositif: str | None = described(_DISPOSITIF)
    status: str | None = described(_CANDIDATE_STATUS)  # "Candidat", "Référencé"...
    applied_on: str | None = described(_APPLIED_ON)  # ISO yyyy-mm-dd
    source_url: str | None = described(_SOURCE_URL)

    @property
    def key(self) -> str:
        parts = (self.editor, self.solution, self.dispositif)
        return "cand:" + "|".join(_key_part(p) for p in parts)

    def missing_fields(self) -> list[str]:
        return missing_fields(self)


Record = SolutionRecord | CandidateRecord
R = TypeVar("R", SolutionRecord, CandidateRecord)


def field_names(record_type: type[Record], **wanted: bool) -> tuple[str, ...]:
    """The record's fields in their order, those whose `FieldInfo` has every flag
    `wanted` says (`field_names(SolutionRecord, fact=True)`); `required=True`
    selects the fields a record cannot lack."""
    return tuple(
        f.name
        for f in fields(record_type)
        if all(
            (f.metadata["required"] if flag == "required" else getattr(f.metadata["info"], flag))
            == value
            for flag, value in wanted.items()
        )
    )


def field_info(record_type: type[Record], name: str) -> FieldInfo:
    return next(f.metadata["info"] for f in fields(record_type) if f.name == name)


def fill_missing(record: R, other: Record) -> R:
    """`record` with its blank fields taken from `other` (the same entry read
    elsewhere), and the domains of a dispositif read by either kept
    (`combine_dispositifs`)."""
    updates = {
        f.name: getattr(other, f.name)
        for f in fields(record)
        if is_blank(getattr(record, f.name)) and not is_blank(getattr(other, f.name))
    }
    combined = combine_dispositifs(record.dispositif, other.dispositif)
    if combined != record.dispositif:
        updates["dispositif"] = combined
    return replace(record, **updates) if updates else record


def missing_fields(record: Record) -> list[str]:
    return [name for name in field_names(type(record), required=True) if not getattr(record, name)]


SOLUTION_FIELDS = field_names(SolutionRecord)
CANDIDATE_FIELDS = field_names(CandidateRecord)
# What a page says of an entry (every field but where it was read).
SOLUTION_FACTS = field_names(SolutionRecord, fact=True)
CANDIDATE_FACTS = field_names(CandidateRecord, fact=True)
# Every field of either record, by name: the facts of a solution, then those only
# a candidature has, then where a record was read.
FIELD_INFO: dict[str, FieldInfo] = {
    **{name: field_info(SolutionRecord, name) for name in SOLUTION_FACTS},
    **{name: field_info(CandidateRecord, name) for name in CANDIDATE_FACTS},
    **{name: field_info(SolutionRecord, name) for name in SOLUTION_FIELDS},
}


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
