"""Change detection: what one crawl changes in the catalogue. Pure: no database I/O.

Input: the catalogue's current rows (dicts keyed by entry key, as stored) and the
records one crawl read. Output: a list of `Change`, which `catalogue.store`
writes. Keys compare, never whole rows (items.py defines them).

Rules:
* added: a key never seen before; reappeared: a key marked removed that is back;
  changed: same key and some recorded field differs (field -> [before, after]);
  removed: a key missing from a complete crawl (never from a partial one).
* A value the crawl did not read (empty) never erases a stored one: renderings
  omit fields, and missing is not emptied. `source_url` is not compared (the
  same row read from another page is not a change); it is refreshed only when
  the entry is written for another reason.
* What one rendering prints and another omits never reads as a change
  (docs/ans-site.md, section 4.1): an optional fact read for the first time
  (`OPTIONAL_FACTS`) and a dispositif read more finely ("DUI" -> "DUI MS1
  PA/PH/DOM") are stored silently (`refined`, not recorded as changes); a
  dispositif read more coarsely is ignored. A different value where one was
  stored is a change.
* An entry whose key flips between `ref:` and `sol:` (the site starts or stops
  printing referencing numbers) is matched by its natural key
  (`rekey_by_natural_identity`) and keeps its stored key.
* An added solution whose product (`SolutionRecord.product_key`) loses a version
  in the same run `replaces` that version; otherwise, when the product already
  had a version in the catalogue, it is a `new_version_of` that version (one
  still referenced preferred, then the highest); otherwise it is a new product,
  and `was_candidate` records the candidature it matches, if any.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from catalogue.versions import version_sort_key
from scraper.items import (
    CANDIDATE_FIELDS,
    SOLUTION_FIELDS,
    CandidateRecord,
    SolutionRecord,
    fill_missing,
)
from scraper.normalize import compact_key, is_blank, loose_key
from scraper.vocabulary import (
    dispositif_level,
    domains_of,
    is_coarser_or_same,
    is_finer_reading,
)

SOLUTION = "solution"
CANDIDATE = "candidate"

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
REAPPEARED = "reappeared"
REFINED = "refined"  # finer facts stored silently: never written as a change

REFERENCED_STATUS = "referenced"
REMOVED_STATUS = "removed"

NOT_COMPARED = ("source_url",)
# Facts some renderings print and others omit (docs/ans-site.md, section 4.1).
OPTIONAL_FACTS = ("reference_number", "distributors", "pilots")
SOLUTION_COMPARED = tuple(name for name in SOLUTION_FIELDS if name not in NOT_COMPARED)
CANDIDATE_COMPARED = tuple(name for name in CANDIDATE_FIELDS if name not in NOT_COMPARED)

# Editors' legal names vary ("Dedalus", "DEDALUS FRANCE"): one contained in the other
# matches, provided the shorter is not a mere fragment.
MIN_EDITOR_FRAGMENT = 4

Record = TypeVar("Record", SolutionRecord, CandidateRecord)


@dataclass
class Change:
    """One detected change of one entry.

    `row` holds the entry's recorded fields (and its key) as they are after the
    change; for a removal, as they were stored. For solutions `row["status"]` is
    "referenced" or "removed"; for candidates it is the candidature status.
    """

    entity: str
    kind: str
    key: str
    row: dict[str, Any]
    fields: dict[str, list] = field(default_factory=dict)
    replaces: str | None = None
    new_version_of: str | None = None
    previous_version: str | None = None
    was_candidate: dict[str, Any] | None = None


def unique_by_key(records: Iterable[Record]) -> dict[str, Record]:
    """One record per key, in first-seen order; later duplicates fill the blanks
    of the first (the first non-empty value of each field wins).

    A solution read once with its referencing number (key `ref:…`) and once
    without (key `sol:…`, same editor, solution, version, dispositif, vague) is
    one entry too: the `sol:` reading is folded into the `ref:` one.
    Each record's key is computed once (it is not cached by the record).
    """
    keyed = [(record.key, record) for record in records]
    aliases = _natural_key_aliases(keyed)
    merged: dict[str, Record] = {}
    provisional: set[str] = set()  # entries whose base is still an unnumbered reading
    for own_key, record in keyed:
        key = aliases.get(own_key, own_key)
        kept = merged.get(key)
        if kept is None:
            merged[key] = record
            if own_key != key:
                provisional.add(key)
        elif key in provisional and own_key == key:  # the numbered reading becomes the base
            merged[key] = fill_missing(record, kept)
            provisional.discard(key)
        else:
            merged[key] = fill_missing(kept, record)
    return merged


def _natural_key_aliases(keyed: Sequence[tuple[str, Record]]) -> dict[str, str]:
    numbered = {
        record.natural_key: key
        for key, record in keyed
        if isinstance(record, SolutionRecord) and key.startswith("ref:")
    }
    if not numbered:
        return {}
    return {key: numbered[key] for key, _ in keyed if key in numbered}


def rekey_by_natural_identity(
    current: Mapping[str, Mapping[str, Any]], incoming: Mapping[str, SolutionRecord]
) -> dict[str, SolutionRecord]:
    """`incoming` with each unknown key replaced by the stored key of the same
    entry, matched by natural key, when that stored entry was not read under
    its own key: the site started or stopped printing referencing numbers."""
    unknown = [key for key in incoming if key not in current]
    if not unknown:
        return dict(incoming)
    stored_by_natural: dict[str, str] = {}
    for key, row in current.items():
        if key not in incoming:
            natural = _row_record(row).natural_key
            stored_by_natural.setdefault(natural, key)
    rekeyed: dict[str, SolutionRecord] = {}
    for key, record in incoming.items():
        stored_key = stored_by_natural.pop(record.natural_key, None) if key in unknown else None
        rekeyed[stored_key or key] = record
    return rekeyed


def _row_record(row: Mapping[str, Any]) -> SolutionRecord:
    # A row may lack columns (a change row has no reference_number): they read as None.
    values: dict[str, Any] = {name: row.get(name) for name in SOLUTION_FIELDS}
    return SolutionRecord(**values)


def solution_product_key(row: Mapping[str, Any]) -> str:
    """The product key of a row; the stored `product_key` column when present."""
    stored = row.get("product_key")
    if stored:
        return stored
    return _row_record(row).product_key


def merge_row(
    stored: Mapping[str, Any],
    incoming: Mapping[str, Any],
    recorded: Sequence[str],
    compared: Sequence[str],
) -> tuple[dict[str, Any], dict[str, list]]:
    """The stored row updated with the incoming non-empty values, and the
    compared fields that differ as {field: [before, after]}. Finer readings of
    what was stored (see the module doc) update the row without a difference."""
    merged = {name: stored.get(name) for name in recorded}
    merged["key"] = stored["key"]
    differences: dict[str, list] = {}
    for name in recorded:
        new, old = incoming.get(name), stored.get(name)
        if new is None or is_blank(new):
            continue
        if name == "dispositif":
            if is_coarser_or_same(new, old):
                continue
            if is_finer_reading(new, old):
                merged[name] = new
                continue
        elif name in OPTIONAL_FACTS and is_blank(old):
            merged[name] = new
            continue
        if name in compared and new != old:
            differences[name] = [old, new]
        merged[name] = new
    return merged, differences


def _unique(incoming: Mapping[str, Record] | Iterable[Record]) -> Mapping[str, Record]:
    return incoming if isinstance(incoming, Mapping) else unique_by_key(incoming)


def detect_solution_changes(
    current: Mapping[str, Mapping[str, Any]],
    incoming: Mapping[str, SolutionRecord] | Iterable[SolutionRecord],
    *,
    complete: bool,
    candidates: Iterable[Mapping[str, Any]] = (),
) -> list[Change]:
    """Changes of the solutions. `incoming` is the records read (or
    `unique_by_key` of them, re-keyed by `rekey_by_natural_identity` when the
    site may have started or stopped printing referencing numbers: the store
    does it once, before its mass-removal guard); `candidates` the candidature
    rows known (stored and read in this crawl) against which new products are
    matched. Each change row also gets its `status` and `product_key`."""
    changes = _detect(
        SOLUTION,
        current,
        _unique(incoming),
        complete=complete,
        recorded=SOLUTION_FIELDS,
        compared=SOLUTION_COMPARED,
        is_removed=lambda row: row.get("status") == REMOVED_STATUS,
    )
    for change in changes:
        change.row["status"] = REMOVED_STATUS if change.kind == REMOVED else REFERENCED_STATUS
        stored = current.get(change.key, {})
        unchanged_product = stored.get("product_key") and not (
            {"editor", "solution", "dispositif"} & set(change.fields)
        )
        change.row["product_key"] = (
            stored["product_key"] if unchanged_product else solution_product_key(change.row)
        )
    _link_versions(changes, current)
    index = CandidateIndex(candidates)
    for change in changes:
        if change.kind == ADDED and not (change.replaces or change.new_version_of):
            change.was_candidate = index.find(change.row)
    return changes


def detect_candidate_changes(
    current: Mapping[str, Mapping[str, Any]],
    incoming: Mapping[str, CandidateRecord] | Iterable[CandidateRecord],
    *,
    complete: bool,
) -> list[Change]:
    return _detect(
        CANDIDATE,
        current,
        _unique(incoming),
        complete=complete,
        recorded=CANDIDATE_FIELDS,
        compared=CANDIDATE_COMPARED,
        is_removed=lambda row: row.get("removed_run") is not None,
    )


def _detect(entity, current, incoming, *, complete, recorded, compared, is_removed):
    changes: list[Change] = []
    for key, record in incoming.items():
        row = {name: getattr(record, name) for name in recorded}
        row["key"] = key
        stored = current.get(key)
        if stored is None:
            changes.append(Change(entity, ADDED, key, row))
            continue
        merged, differences = merge_row(stored, row, recorded, compared)
        if is_removed(stored):
            changes.append(Change(entity, REAPPEARED, key, merged, differences))
        elif differences:
            changes.append(Change(entity, CHANGED, key, merged, differences))
        elif any(merged[name] != stored.get(name) for name in compared):
            changes.append(Change(entity, REFINED, key, merged))
    if complete:
        for key in sorted(set(current) - set(incoming)):
            stored = current[key]
            if not is_removed(stored):
                row = {name: stored.get(name) for name in recorded}
                row["key"] = key
                changes.append(Change(entity, REMOVED, key, row))
    return changes


def missing_referenced(current: Mapping[str, Mapping[str, Any]], incoming_keys: set[str]) -> int:
    """How many referenced solutions a complete run reading `incoming_keys` would remove."""
    return sum(
        1
        for key, row in current.items()
        if row.get("status") != REMOVED_STATUS and key not in incoming_keys
    )


def _link_versions(changes: list[Change], current: Mapping[str, Mapping[str, Any]]) -> None:
    added = [change for change in changes if change.kind == ADDED]
    if not added:
        return
    removed_now = [change.row for change in changes if change.kind == REMOVED]
    removed_keys = {row["key"] for row in removed_now}
    lost_by_product = _by_product(removed_now)
    known_by_product = _by_product(
        {**row, "key": key} for key, row in current.items() if key not in removed_keys
    )
    for change in added:
        product = change.row["product_key"]
        lost = lost_by_product.get(product)
        if lost:
            previous = max(lost, key=lambda row: version_sort_key(row.get("version")))
            change.replaces = previous["key"]
            change.previous_version = previous.get("version")
            continue
        known = [row for row in known_by_product.get(product, []) if row["key"] != change.key]
        if known:
            previous = max(known, key=_preference_as_previous_version)
            change.new_version_of = previous["key"]
            change.previous_version = previous.get("version")


def _preference_as_previous_version(row: Mapping[str, Any]) -> tuple:
    return (row.get("status") != REMOVED_STATUS, version_sort_key(row.get("version")))


def _by_product(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[solution_product_key(row)].append(row)
    return grouped


def candidate_pool(
    current: Mapping[str, Mapping[str, Any]],
    incoming: Mapping[str, CandidateRecord] | Iterable[CandidateRecord],
) -> list[dict[str, Any]]:
    """Every candidature known once this crawl is read: the stored rows, with the
    ones read now (as read, so not removed) in place of their stored version."""
    pool = {key: {**row, "key": key} for key, row in current.items()}
    for key, record in _unique(incoming).items():
        read = {name: getattr(record, name) for name in CANDIDATE_FIELDS}
        merged, _ = merge_row({**pool.get(key, {}), "key": key}, read, CANDIDATE_FIELDS, ())
        pool[key] = {**merged, "removed_run": None}
    return list(pool.values())


def compact_editors_match(left: str, right: str) -> bool:
    """Whether two editor names in `compact_key` form name one editor: equal, or
    the shorter (long enough to mean something) inside the longer."""
    if not left or not right:
        return False
    shorter, longer = sorted((left, right), key=len)
    return shorter == longer or (len(shorter) >= MIN_EDITOR_FRAGMENT and shorter in longer)


def dispositifs_compatible(a: str | None, b: str | None) -> bool:
    """Unknown is compatible with anything; a dispositif with its domains ("DUI"
    with "DUI MS1 PA/PH/DOM", not "LGC" with "LGC SF", another dispositif), and
    readings naming domains when they share one ("DUI MS1 PA/PH/DOM + MS2 PDE"
    with "DUI MS2 PDE")."""
    if is_blank(a) or is_blank(b) or a == b:
        return True
    if dispositif_level(a) != dispositif_level(b):
        return loose_key(a) == loose_key(b)
    left, right = set(domains_of(a)), set(domains_of(b))
    return not left or not right or bool(left & right)


class CandidateIndex:
    """Candidature rows indexed by compact solution name, for `find`."""

    def __init__(self, candidates: Iterable[Mapping[str, Any]]):
        self._by_solution: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
        for candidate in candidates:
            name = compact_key(candidate.get("solution"))
            if name:
                self._by_solution[name].append((compact_key(candidate.get("editor")), candidate))

    def find(self, solution: Mapping[str, Any]) -> dict[str, Any] | None:
        """The candidature a newly referenced solution matches, as stored in
        `changes.was_candidate`: {"key", "dispositif", "applied_on", "status"}.

        Same product by name (solution names equal in compact form, editors equal or
        one legal name containing the other) and compatible dispositifs.
        Preference: a candidature still listed, then the same dispositif
        exactly, then the earliest application."""
        same_name = self._by_solution.get(compact_key(solution.get("solution")), [])
        if not same_name:
            return None
        editor = compact_key(solution.get("editor"))
        dispositif = solution.get("dispositif")
        matches = [
            candidate
            for candidate_editor, candidate in same_name
            if compact_editors_match(candidate_editor, editor)
            and dispositifs_compatible(candidate.get("dispositif"), dispositif)
        ]
        if not matches:
            return None
        best = min(
            matches,
            key=lambda c: (
                c.get("removed_run") is not None,
                c.get("dispositif") != dispositif,
                c.get("applied_on") or "9999-99-99",
                c["key"],
            ),
        )
        return {
            "key": best["key"],
            "dispositif": best.get("dispositif"),
            "applied_on": best.get("applied_on"),
            "status": best.get("status"),
        }
