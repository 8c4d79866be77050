"""The diff report as people read it: one structured description for every writer.

`report_document(report)` turns a report of `catalogue.diff.build` (one run's,
or a period's) into a `Document`: a title, warnings, and a tree of sections
whose items keep their parts apart (name, version, editor, context, details, a
sentence, field changes) with the entity and key of the entry they are about.
The text in a document is plain, one line per part, never escaped; each writer
(catalogue/diff/markdown.py, html.py) escapes it for its format.

Order: newly referenced products (by couloir, then dispositif), new versions,
entries back on the list, withdrawals, field changes, then candidatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from catalogue.french import french_date, french_datetime, run_status
from catalogue.history import CANDIDATE, SOLUTION
from catalogue.pages import slug
from catalogue.versions import version_sort_key
from scraper.items import FIELD_INFO
from scraper.normalize import clean_text, fold
from scraper.vocabulary import COULOIRS

TITLE = "Référencement Ségur"
NO_CHANGE = "Aucun changement."
UNKNOWN_COULOIR = "Couloir non précisé"
UNKNOWN_DISPOSITIF = "Dispositif non précisé"
EMPTY_VALUE = "(vide)"
FIELD_NAMES = {name: info.report_name for name, info in FIELD_INFO.items()}
DATE_FIELDS = tuple(name for name, info in FIELD_INFO.items() if info.is_date)

# Section titles, and what one item of each is when said alone (a feed entry).
NEW_PRODUCTS = "Nouvelles solutions référencées"
NEW_VERSIONS = "Nouvelles versions"
BACK_ON_THE_LIST = "De nouveau référencées"
WITHDRAWN_SOLUTIONS = "Solutions retirées"
CHANGED_SOLUTIONS = "Modifications"
CANDIDATURES = "Candidatures"
NEW_CANDIDATES = "Nouveaux candidats"
NOW_REFERENCED = "Candidats devenus référencés"
CHANGED_CANDIDATURES = "Candidatures modifiées"
WITHDRAWN_CANDIDATURES = "Candidatures retirées"
ITEM_LABELS = {
    NEW_PRODUCTS: "nouvelle solution référencée",
    NEW_VERSIONS: "nouvelle version référencée",
    BACK_ON_THE_LIST: "de nouveau référencée",
    WITHDRAWN_SOLUTIONS: "retirée de la liste",
    CHANGED_SOLUTIONS: "modifiée",
    NEW_CANDIDATES: "nouvelle candidature",
    NOW_REFERENCED: "candidature devenue référencée",
    CHANGED_CANDIDATURES: "candidature modifiée",
    WITHDRAWN_CANDIDATURES: "candidature retirée de la liste",
}


# ---------------------------------------------------------------- the description


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Item:
    """One entry of the report: "**name** version — editor (context), details : sentence"."""

    entity: str  # SOLUTION or CANDIDATE (catalogue.history)
    key: str
    name: str
    editor: str
    version: str = ""
    context: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    sentence: str = ""
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    level: int  # 2 for the main sections; 3 and 4 below them
    items: tuple[Item, ...] = ()
    subsections: tuple[Section, ...] = ()
    counted: bool = True  # whether the Markdown title states its count

    @property
    def count(self) -> int:
        return len(self.items) + sum(section.count for section in self.subsections)

    @property
    def anchor(self) -> str | None:
        """The page anchor of a section whose title is fixed wording (not a couloir
        or dispositif, which may repeat)."""
        return slug(self.title) if self.counted or self.level == 2 else None


@dataclass(frozen=True)
class Document:
    title: str
    warnings: tuple[str, ...]
    sections: tuple[Section, ...]
    note: str = ""  # "Aucun changement." when a run that did not fail changed nothing

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from _section_items(section)


def _section_items(section: Section) -> Iterator[Item]:
    yield from section.items
    for subsection in section.subsections:
        yield from _section_items(subsection)


@dataclass(frozen=True)
class Placed:
    """An item with what it is ("retirée de la liste") and the headings above it
    that are not fixed wording (its couloir and dispositif, for new products)."""

    label: str
    where: tuple[str, ...]
    item: Item


def placed_items(document: Document) -> Iterator[Placed]:
    """Every item of the document, in order, each with its label and headings."""
    for section in document.sections:
        yield from _placed(section, "", ())


def _placed(section: Section, label: str, where: tuple[str, ...]) -> Iterator[Placed]:
    if section.title in ITEM_LABELS:
        label = ITEM_LABELS[section.title]
    elif section.level > 2:
        where = (*where, section.title)
    for item in section.items:
        yield Placed(label, where, item)
    for subsection in section.subsections:
        yield from _placed(subsection, label, where)


def report_document(report: dict[str, Any]) -> Document:
    run = report["run"]
    runs = run["runs"] if "runs" in run else [run]
    numbered = len(runs) > 1
    warnings = tuple(warning for each in runs if (warning := run_warning(each, numbered=numbered)))
    sections = _solution_sections(report) + _candidate_sections(report)
    note = NO_CHANGE if not sections and any(each["status"] != "failed" for each in runs) else ""
    return Document(_title(run), warnings, tuple(sections), note)


def _text(value: object) -> str:
    """Scraped text as one clean line ("" for None)."""
    return clean_text(str(value)) if value is not None else ""


def _day(value: object) -> str:
    return _text(french_date(str(value)))


def _title(run: dict[str, Any]) -> str:
    if "runs" in run:
        count = len(run["runs"])
        plural = "s" if count > 1 else ""
        return (
            f"{TITLE} : changements depuis le {_day(run['since'])} "
            f"({count} synchronisation{plural}, n° {run['first_run']} à n° {run['last_run']})"
        )
    return (
        f"{TITLE} : synchronisation n° {run['id']} du "
        f"{french_datetime(run['started_at'])} ({_text(run_status(run['status']))})"
    )


def run_warning(run: dict[str, Any], *, numbered: bool = False) -> str:
    """What a partial or failed run means for its report ("" for other runs)."""
    if run["status"] not in ("partial", "failed"):
        return ""
    which = f" n° {run['id']} du {_day(run['started_at'])}" if numbered else ""
    reason = _text(run.get("reason") or "")
    if reason and not reason.endswith((".", "!", "?", "…")):
        reason += "."
    if run["status"] == "partial":
        consequence = "aucune suppression n'a été enregistrée."
        label = "partielle"
    else:
        consequence = "aucune modification n'a été enregistrée."
        label = "échouée"
    tail = f"{reason} {consequence[0].upper()}{consequence[1:]}" if reason else consequence
    return f"⚠ Synchronisation{which} {label} : {tail}"


# Solutions.


def _solution_sections(report: dict[str, Any]) -> list[Section]:
    added = report["solutions"]["added"]
    new_products = [e for e in added if not e["reappeared"] and not _is_new_version(e)]
    new_versions = [e for e in added if not e["reappeared"] and _is_new_version(e)]
    back = [e for e in added if e["reappeared"]]
    replaced = {e["replaces"] for e in new_versions if e["replaces"]}
    removed = [e for e in report["solutions"]["removed"] if e["key"] not in replaced]
    changed = report["solutions"]["changed"]
    sections = []
    if new_products:
        sections.append(_new_products_section(new_products))
    groups = (
        (NEW_VERSIONS, new_versions, _new_version_item),
        (BACK_ON_THE_LIST, back, _item_with_changes),
        (WITHDRAWN_SOLUTIONS, removed, _listed_item),
        (CHANGED_SOLUTIONS, changed, _item_with_changes),
    )
    for title, elements, make_item in groups:
        if elements:
            items = tuple(make_item(e) for e in _ordered(elements))
            sections.append(Section(title, 2, items))
    return sections


def _is_new_version(element: dict[str, Any]) -> bool:
    return bool(element.get("replaces") or element.get("new_version_of"))


def _couloir_rank(couloir: str | None) -> tuple:
    official = list(COULOIRS)
    if couloir in official:
        return (0, official.index(couloir), "")
    return (1 if couloir else 2, 0, fold(couloir))


def _ordered(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        elements,
        key=lambda e: (
            _couloir_rank(e.get("couloir")),
            fold(e.get("dispositif")),
            fold(e.get("solution")),
            version_sort_key(e.get("version")),
            e["key"],
        ),
    )


def _new_products_section(elements: list[dict[str, Any]]) -> Section:
    by_couloir: dict[str | None, dict[str | None, list]] = defaultdict(lambda: defaultdict(list))
    for element in _ordered(elements):
        by_couloir[element.get("couloir")][element.get("dispositif")].append(element)
    couloirs = tuple(
        Section(
            _text(couloir) if couloir else UNKNOWN_COULOIR,
            3,
            subsections=tuple(
                Section(
                    _text(dispositif) if dispositif else UNKNOWN_DISPOSITIF,
                    4,
                    tuple(_new_product_item(e) for e in members),
                    counted=False,
                )
                for dispositif, members in by_dispositif.items()
            ),
            counted=False,
        )
        for couloir, by_dispositif in by_couloir.items()
    )
    return Section(NEW_PRODUCTS, 2, subsections=couloirs)


def _solution_item(element: dict[str, Any], **parts: Any) -> Item:
    return Item(
        SOLUTION,
        element["key"],
        _text(element.get("solution")),
        _text(element.get("editor")),
        _text(element.get("version")),
        **parts,
    )


def _listed_item(element: dict[str, Any]) -> Item:
    return _solution_item(element, context=_solution_context(element))


def _solution_context(element: dict[str, Any]) -> tuple[str, ...]:
    parts = (_text(element.get("dispositif")), _vague(element))
    return tuple(part for part in parts if part)


def _vague(element: dict[str, Any]) -> str:
    return f"vague {element['vague']}" if element.get("vague") is not None else ""


def _referenced_on(element: dict[str, Any]) -> tuple[str, ...]:
    if not element.get("referenced_on"):
        return ()
    return (f"référencée le {_day(element['referenced_on'])}",)


def _new_product_item(element: dict[str, Any]) -> Item:
    details = [_vague(element)] if _vague(element) else []
    details += _referenced_on(element)
    candidature = element.get("was_candidate")
    if candidature:
        since = candidature.get("applied_on")
        details.append(
            f"anciennement candidat depuis le {_day(since)}" if since else "anciennement candidat"
        )
    return _solution_item(element, details=tuple(details))


def _new_version_item(element: dict[str, Any]) -> Item:
    previous = _text(element.get("previous_version")) or "?"
    if element.get("replaces"):
        sentence = f"remplace la version {previous}"
    else:
        sentence = f"nouvelle version (version précédente : {previous})"
    return _solution_item(
        element,
        context=_solution_context(element),
        details=_referenced_on(element),
        sentence=sentence,
    )


def _item_with_changes(element: dict[str, Any]) -> Item:
    return _solution_item(
        element, context=_solution_context(element), changes=_field_changes(element)
    )


def _field_changes(element: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(FIELD_NAMES.get(name, _text(name)), _value(name, before), _value(name, after))
        for name, (before, after) in sorted(element.get("changes", {}).items())
    )


def _value(name: str, value: object) -> str:
    if value is None or value == "":
        return EMPTY_VALUE
    if name in DATE_FIELDS:
        return _day(value)
    return _text(value)


# Candidatures.


def _candidate_sections(report: dict[str, Any]) -> list[Section]:
    candidates = report["candidates"]
    now_referenced = _now_referenced(report)
    done = {key for key, _ in now_referenced}
    changed = [e for e in candidates["changed"] if e["key"] not in done]
    removed = [e for e in candidates["removed"] if e["key"] not in done]
    groups = (
        (
            NEW_CANDIDATES,
            [_candidate_item(e) for e in _ordered_candidates(candidates["added"])],
        ),
        (NOW_REFERENCED, [item for _, item in now_referenced]),
        (
            CHANGED_CANDIDATURES,
            [
                _candidate_item(e, with_status=False, changes=_field_changes(e))
                for e in _ordered_candidates(changed)
            ],
        ),
        (WITHDRAWN_CANDIDATURES, [_candidate_item(e) for e in _ordered_candidates(removed)]),
    )
    subsections = tuple(Section(title, 3, tuple(items)) for title, items in groups if items)
    return [Section(CANDIDATURES, 2, subsections=subsections, counted=False)] if subsections else []


def _ordered_candidates(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        elements,
        key=lambda e: (fold(e.get("dispositif")), fold(e.get("solution")), fold(e.get("editor"))),
    )


def _candidate_item(
    element: dict[str, Any], *, with_status: bool = True, changes: tuple[FieldChange, ...] = ()
) -> Item:
    details = []
    if element.get("applied_on"):
        details.append(f"candidat depuis le {_day(element['applied_on'])}")
    if with_status and element.get("status"):
        details.append(f"statut : {_text(element['status'])}")
    if element.get("reappeared"):
        details.append("de nouveau sur la liste")
    dispositif = _text(element.get("dispositif"))
    return Item(
        CANDIDATE,
        element["key"],
        _text(element.get("solution")),
        _text(element.get("editor")),
        context=(dispositif,) if dispositif else (),
        details=tuple(details),
        changes=changes,
    )


def _is_referenced_status(status: object) -> bool:
    return fold(str(status or "")).startswith("reference")


def _now_referenced(report: dict[str, Any]) -> list[tuple[str, Item]]:
    """(candidate key, item) for each candidature that became a referenced
    solution in this report: a new product matching it (the item is the
    solution), or its status turning to "Référencé" on the candidate list."""
    found: dict[str, Item] = {}
    for element in _ordered(report["solutions"]["added"]):
        candidature = element.get("was_candidate")
        if not candidature or candidature["key"] in found:
            continue
        since = candidature.get("applied_on")
        dispositif = _text(candidature.get("dispositif") or element.get("dispositif"))
        version = _text(element.get("version"))
        found[candidature["key"]] = Item(
            SOLUTION,
            element["key"],
            _text(element.get("solution")),
            _text(element.get("editor")),
            context=(dispositif,) if dispositif else (),
            details=(f"candidat depuis le {_day(since)}",) if since else (),
            sentence=f"référencée en version {version}" if version else "référencée",
        )
    for element in _ordered_candidates(report["candidates"]["changed"]):
        status = element.get("changes", {}).get("status")
        if element["key"] in found or not status or not _is_referenced_status(status[1]):
            continue
        found[element["key"]] = _candidate_item(element)
    return list(found.items())
