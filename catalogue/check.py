"""`segur check`: "is my software referenced?", answered from the catalogue.

Matching: the name is compared in compact form (`compact_key`: case, accents,
punctuation and spaces ignored) with each entry's editor, solution, and
editor+solution; a substring is enough ("netsoins", "Net Soins" and "NETSOINS"
find the same entries). `--dispositif` is resolved with the official vocabulary,
a generic dispositif covering its sub-programmes ("DUI" finds "DUI MS1
PA/PH/DOM"). When nothing matches the name, close editor and solution names are
suggested (difflib on compact forms of names and of their words).

`check(...)` returns a `CheckResult`; `result_json(result)` gives, for scripts:

    {"query": {"name": str, "version": str | null, "dispositif": str | null},
     "referenced": bool,              # exit code 0 when true, 1 when false
     "version_referenced": bool | null,  # null when no version was given
     "products": [{"product_key", "editor", "solution", "couloir", "dispositif", "vague",
                   "referenced": bool,
                   "referenced_versions": [str, ...],   # natural version order
                   "entries": [{"key", "version", "status" ("referenced" | "removed"),
                                "referenced_on", "reference_number",
                                "removed_on"}]}],     # date of the run that removed it
     "candidates": [{"key", "editor", "solution", "version", "dispositif", "status",
                     "applied_on", "removed_on", "only_candidate": bool}],
     "other_dispositifs": [str, ...],   # the name exists, but not for --dispositif
     "suggestions": [str, ...]}         # "did you mean", when the name matched nothing

`referenced` is true when a matching entry is referenced (with `--version`: a
referenced entry of that version, spellings such as "V2"/"2" or "05.02"/"5.2"
being equal).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from catalogue.french import french_date
from catalogue.history import REMOVED_STATUS, compact_editors_match, dispositifs_compatible
from catalogue.versions import same_version, version_sort_key
from scraper.normalize import clean_text, compact_key, fold, loose_key
from scraper.vocabulary import resolve_dispositif

SUGGESTION_CUTOFF = 0.75
MAX_SUGGESTIONS = 5
MIN_SUGGESTION_TERM = 3


class CheckError(Exception):
    """The question cannot be asked (message for people, in French, one line)."""


@dataclass
class Product:
    product_key: str
    entries: list[dict[str, Any]]  # solutions rows, natural version order

    @property
    def shown(self) -> dict[str, Any]:
        """The entry whose names represent the product: the latest referenced version."""
        referenced = [e for e in self.entries if e["status"] != REMOVED_STATUS]
        return (referenced or self.entries)[-1]

    @property
    def referenced_versions(self) -> list[str]:
        return [e["version"] for e in self.entries if e["status"] != REMOVED_STATUS]


@dataclass
class CheckResult:
    name: str
    version: str | None
    dispositif: str | None
    products: list[Product] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    other_dispositifs: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    @property
    def version_referenced(self) -> bool | None:
        if self.version is None:
            return None
        return any(
            same_version(version, self.version)
            for product in self.products
            for version in product.referenced_versions
        )

    @property
    def referenced(self) -> bool:
        if self.version is not None:
            return bool(self.version_referenced)
        return any(product.referenced_versions for product in self.products)


def check(
    db: sqlite_utils.Database,
    name: str,
    *,
    version: str | None = None,
    dispositif: str | None = None,
) -> CheckResult:
    query = compact_key(name)
    if not query:
        raise CheckError(f"nom à chercher vide ou illisible : « {clean_text(name)} »")
    if version is not None and not clean_text(version):
        raise CheckError("version vide")
    wanted = dispositif_matcher(dispositif)
    result = CheckResult(
        clean_text(name), clean_text(version) or None, clean_text(dispositif) or None
    )
    solutions = _rows(db, "solutions")
    candidates = _rows(db, "candidates")
    named_solutions = [row for row in solutions if matches_name(query, row)]
    named_candidates = [row for row in candidates if matches_name(query, row)]
    if not named_solutions and not named_candidates:
        result.suggestions = suggestions(query, _names(solutions + candidates))
        return result
    kept_solutions = [row for row in named_solutions if wanted(row.get("dispositif"))]
    kept_candidates = [row for row in named_candidates if wanted(row.get("dispositif"))]
    result.products = _products(kept_solutions)
    referenced = [row for row in solutions if row["status"] != REMOVED_STATUS]
    result.candidates = [
        {**row, "only_candidate": not _has_referenced_solution(row, referenced)}
        for row in sorted(kept_candidates, key=lambda r: (fold(r["solution"]), r["key"]))
    ]
    if not kept_solutions and not kept_candidates:
        result.other_dispositifs = sorted(
            {row["dispositif"] for row in named_solutions + named_candidates if row["dispositif"]},
            key=fold,
        )
    return result


def matches_name(query: str, row: dict[str, Any]) -> bool:
    """`query` (compact form) inside the row's editor, solution, or both (see `_rows`)."""
    editor, solution = row["_editor"], row["_solution"]
    return any(query in text for text in (editor, solution, editor + solution, solution + editor))


def dispositif_matcher(text: str | None) -> Callable[[str | None], bool]:
    """A test on stored dispositifs for `--dispositif TEXT` (everything when None)."""
    if text is None:
        return lambda stored: True
    resolved = resolve_dispositif(text)
    if resolved is not None:
        return lambda stored: dispositifs_compatible(resolved.name, stored)
    wanted = loose_key(text)
    if not wanted:
        raise CheckError(f"dispositif illisible : « {clean_text(text)} »")
    return lambda stored: bool(stored) and wanted in loose_key(stored)


def _rows(db: sqlite_utils.Database, table: str) -> list[dict[str, Any]]:
    """Every row with the date of the run that removed it and its compact names
    (`_editor`, `_solution`), computed once."""
    rows = db.query(
        f"SELECT t.*, r.started_at AS removed_at FROM [{table}] t "
        "LEFT JOIN runs r ON r.id = t.removed_run ORDER BY t.key"
    )
    return [
        {**row, "_editor": compact_key(row["editor"]), "_solution": compact_key(row["solution"])}
        for row in rows
    ]


def _products(rows: list[dict[str, Any]]) -> list[Product]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["product_key"]].append(row)
    products = [
        Product(key, sorted(entries, key=lambda e: version_sort_key(e["version"])))
        for key, entries in grouped.items()
    ]
    return sorted(
        products,
        key=lambda p: (not p.referenced_versions, fold(p.shown["solution"]), p.product_key),
    )


def _has_referenced_solution(candidate: dict[str, Any], referenced: list[dict[str, Any]]) -> bool:
    """Whether a referenced solution is the candidature's product (`names_match`)."""
    return bool(candidate["_solution"]) and any(
        row["_solution"] == candidate["_solution"]
        and compact_editors_match(row["_editor"], candidate["_editor"])
        and dispositifs_compatible(candidate.get("dispositif"), row.get("dispositif"))
        for row in referenced
    )


def _names(rows: Iterable[dict[str, Any]]) -> list[str]:
    by_compact: dict[str, str] = {}
    for row in rows:
        for name in (row.get("editor"), row.get("solution")):
            if name and compact_key(name):
                by_compact.setdefault(compact_key(name), clean_text(name))
    return list(by_compact.values())


def suggestions(query: str, names: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Known names close to `query` (a compact key): whole names, and runs of
    one to three of their words, so that a typo in one word of a long name is found."""
    terms: dict[str, set[str]] = defaultdict(set)
    for name in names:
        words = loose_key(name).split()
        terms[compact_key(name)].add(name)
        for size in (1, 2, 3):
            for start in range(len(words) - size + 1):
                term = "".join(words[start : start + size])
                if len(term) >= MIN_SUGGESTION_TERM:
                    terms[term].add(name)
    close = difflib.get_close_matches(query, list(terms), n=limit * 3, cutoff=SUGGESTION_CUTOFF)
    found: list[str] = []
    for term in close:
        for name in sorted(terms[term], key=fold):
            if name not in found:
                found.append(name)
    return found[:limit]


# ---------------------------------------------------------------- output


def result_json(result: CheckResult) -> dict[str, Any]:
    return {
        "query": {"name": result.name, "version": result.version, "dispositif": result.dispositif},
        "referenced": result.referenced,
        "version_referenced": result.version_referenced,
        "products": [_product_json(product) for product in result.products],
        "candidates": [
            {
                **{
                    name: row.get(name)
                    for name in (
                        "key",
                        "editor",
                        "solution",
                        "version",
                        "dispositif",
                        "status",
                        "applied_on",
                    )
                },
                "removed_on": _day(row.get("removed_at")),
                "only_candidate": row["only_candidate"],
            }
            for row in result.candidates
        ],
        "other_dispositifs": result.other_dispositifs,
        "suggestions": result.suggestions,
    }


def _product_json(product: Product) -> dict[str, Any]:
    shown = product.shown
    return {
        "product_key": product.product_key,
        **{name: shown.get(name) for name in ("editor", "solution", "couloir", "dispositif")},
        "vague": shown.get("vague"),
        "referenced": bool(product.referenced_versions),
        "referenced_versions": product.referenced_versions,
        "entries": [
            {
                "key": entry["key"],
                "version": entry["version"],
                "status": entry["status"],
                "referenced_on": entry.get("referenced_on"),
                "reference_number": entry.get("reference_number"),
                "removed_on": _day(entry.get("removed_at")),
            }
            for entry in product.entries
        ],
    }


def _day(timestamp: str | None) -> str | None:
    return timestamp[:10] if timestamp else None


def _text(value: object) -> str:
    return clean_text(str(value)) if value is not None else ""


def render_text(result: CheckResult) -> str:
    """The answer in French, for people."""
    lines = [_query_line(result), ""]
    for product in result.products:
        lines += _product_lines(product, result.version) + [""]
    only_candidates = [row for row in result.candidates if row["only_candidate"]]
    if only_candidates:
        lines.append("Candidatures sans solution référencée :")
        lines += [f"  {_candidate_sentence(row)}" for row in only_candidates]
        lines.append("")
    lines += _verdict_lines(result)
    return "\n".join(lines) + "\n"


def _query_line(result: CheckResult) -> str:
    line = f"Recherche : « {result.name} »"
    if result.version:
        line += f", version {result.version}"
    if result.dispositif:
        line += f", dispositif {result.dispositif}"
    return line


def _product_lines(product: Product, version: str | None) -> list[str]:
    shown = product.shown
    lines = [f"{_text(shown['solution'])} — {_text(shown['editor'])}"]
    where = [_text(shown["dispositif"]) or "dispositif non précisé"]
    if shown.get("couloir"):
        where[0] += f" ({_text(shown['couloir'])})"
    if shown.get("vague") is not None:
        where.append(f"vague {shown['vague']}")
    lines.append(f"  Dispositif : {', '.join(where)}")
    for entry in product.entries:
        lines.append(f"  {_entry_sentence(entry)}")
    versions = product.referenced_versions
    if versions:
        lines.append(f"  Versions référencées : {', '.join(_text(v) for v in versions)}")
    else:
        lines.append("  Aucune version référencée.")
    return lines


def _entry_sentence(entry: dict[str, Any]) -> str:
    version = _text(entry["version"])
    number = f" (n° {_text(entry['reference_number'])})" if entry.get("reference_number") else ""
    if entry["status"] == REMOVED_STATUS:
        since = entry.get("removed_at")
        when = f" depuis la synchronisation du {french_date(_day(since))}" if since else ""
        return f"✘ version {version}{number} : plus référencée{when}"
    date = entry.get("referenced_on")
    when = f" le {french_date(date)}" if date else ""
    return f"✔ version {version}{number} : référencée{when}"


def _candidate_sentence(row: dict[str, Any]) -> str:
    name = f"{_text(row['solution'])} — {_text(row['editor'])}"
    if row.get("dispositif"):
        name += f" ({_text(row['dispositif'])})"
    since = f" depuis le {french_date(row['applied_on'])}" if row.get("applied_on") else ""
    status = f", statut : {_text(row['status'])}" if row.get("status") else ""
    if row.get("removed_at"):
        return (
            f"{name} : candidat{since}, ne figure plus sur la liste des candidats depuis la "
            f"synchronisation du {french_date(_day(row['removed_at']))}."
        )
    return f"{name} : seulement candidat au référencement{since}{status}."


def _verdict_lines(result: CheckResult) -> list[str]:
    if not result.products and not result.candidates:
        if result.other_dispositifs:
            return [
                f"Rien pour le dispositif « {result.dispositif} » ; « {result.name} » figure "
                f"pour : {', '.join(_text(d) for d in result.other_dispositifs)}.",
                "Résultat : non référencé.",
            ]
        lines = [f"Aucune solution ni candidature ne correspond à « {result.name} »."]
        if result.suggestions:
            lines.append(f"Vouliez-vous dire : {', '.join(result.suggestions)} ?")
        return lines + ["Résultat : non référencé."]
    if result.version is not None:
        verdict = "référencée" if result.version_referenced else "non référencée"
        return [f"Résultat : version {result.version} {verdict}."]
    return [f"Résultat : {'référencé' if result.referenced else 'non référencé'}."]
