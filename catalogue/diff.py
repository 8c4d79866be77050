"""The diff report: what a sync changed, read from the STORED changes.

A report is a query over the `changes` table (written by `catalogue.store` in
the run's own transaction), never a diff recomputed at display time.

`run_report(db, run_id)` returns the JSON-ready report of one run (the latest
finished run by default; its changes are against the catalogue as the previous
runs left it, i.e. the previous complete run plus what later partial runs read):

    {"run": {...the runs row...},
     "solutions": {"added": [...], "removed": [...], "changed": [...]},
     "candidates": {"added": [...], "removed": [...], "changed": [...]}}

Solution elements carry key, editor, solution, version, couloir, dispositif,
vague, referenced_on. Added ones also carry `reappeared` (true for a removed
entry that is back), `replaces` (key of the version it replaces, removed in the
same run), `new_version_of` (key of an earlier version of the product that was
not removed in that run), `previous_version` (the version string of either) and
`was_candidate` ({"key", "dispositif", "applied_on", "status"} of the
candidature a new product matches); removed ones carry `replaced_by`; changed
ones (and reappeared ones whose fields changed) carry `changes`
{field: [before, after]}. Candidate elements carry key, editor, solution,
version, dispositif, status, applied_on, and the same `reappeared` / `changes`.
Lists are sorted by key.

`since_report(db, since)` merges the changes of every run started on or after a
date. Its "run" is a summary: {"since": "yyyy-mm-dd", "status": the worst status
among the runs, "first_run": id, "last_run": id, "runs": [runs rows]}. Per entry
the stored changes are composed: absent before and present after is added,
present before and absent after is removed, present at both ends is changed with
each field's first "before" and last "after" (dropped when equal), added then
removed within the period is left out.

`render_markdown(report)` renders either report in French, for people.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from catalogue.french import french_date, french_datetime, run_status
from catalogue.history import ADDED, CHANGED, REAPPEARED, REMOVED, SOLUTION
from catalogue.versions import version_sort_key
from scraper.normalize import clean_text, fold, parse_date
from scraper.vocabulary import COULOIRS

SOLUTION_ELEMENT = (
    "key",
    "editor",
    "solution",
    "version",
    "couloir",
    "dispositif",
    "vague",
    "referenced_on",
)
CANDIDATE_ELEMENT = ("key", "editor", "solution", "version", "dispositif", "status", "applied_on")
GROUPS = ("added", "removed", "changed")
STATUS_ORDER = ("complete", "partial", "running", "failed")


class ReportError(Exception):
    """No report can be built (message for people, in French, one line)."""


# ---------------------------------------------------------------- reading


def latest_run_id(db: sqlite_utils.Database) -> int:
    row = next(
        db.query("SELECT id FROM runs WHERE status != 'running' ORDER BY id DESC LIMIT 1"), None
    )
    if row is None:
        raise ReportError("aucune synchronisation terminée dans ce catalogue")
    return row["id"]


def run_report(db: sqlite_utils.Database, run_id: int | None = None) -> dict[str, Any]:
    """The report of one run (default: the latest finished run)."""
    if run_id is None:
        run_id = latest_run_id(db)
    run = next(db.query("SELECT * FROM runs WHERE id = ?", [run_id]), None)
    if run is None:
        raise ReportError(f"aucune synchronisation n° {run_id} dans ce catalogue")
    changes = [_parsed(row) for row in _change_rows(db, [run_id])]
    return _report(run, changes)


def parse_since(text: str) -> str:
    """A date given on the command line ("2024-06-01", "01/06/2024") to ISO."""
    iso = parse_date(text)
    if iso is None:
        raise ReportError(f"date illisible : « {text} » (attendu : AAAA-MM-JJ)")
    return iso


def since_report(db: sqlite_utils.Database, since: str) -> dict[str, Any]:
    """The changes of every finished run started on or after `since` (ISO date), composed."""
    runs = list(
        db.query(
            "SELECT * FROM runs WHERE started_at >= ? AND status != 'running' ORDER BY id",
            [since],
        )
    )
    if not runs:
        raise ReportError(f"aucune synchronisation depuis le {since}")
    changes = [_parsed(row) for row in _change_rows(db, [run["id"] for run in runs])]
    summary = {
        "since": since,
        "status": max((run["status"] for run in runs), key=_status_rank),
        "first_run": runs[0]["id"],
        "last_run": runs[-1]["id"],
        "runs": runs,
    }
    return _report(summary, compose_changes(changes))


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _change_rows(db: sqlite_utils.Database, run_ids: list[int]) -> Iterable[dict[str, Any]]:
    return db.query(
        "SELECT * FROM changes WHERE run_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY run_id, id",
        [json.dumps(run_ids)],
    )


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "fields": json.loads(row["fields"]) if row.get("fields") else {},
        "was_candidate": json.loads(row["was_candidate"]) if row.get("was_candidate") else None,
    }


def compose_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The net change of each entry over consecutive runs (see the module docstring)."""
    sequences: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        sequences[(change["entity"], change["key"])].append(change)
    composed = []
    for sequence in sequences.values():
        net = _net_change(sequence)
        if net is not None:
            composed.append(net)
    return composed


def _net_change(sequence: list[dict[str, Any]]) -> dict[str, Any] | None:
    first, last = sequence[0], sequence[-1]
    present_before = first["kind"] in (REMOVED, CHANGED)
    present_after = last["kind"] != REMOVED
    fields = _composed_fields(sequence)
    if present_before and present_after:
        return {**last, "kind": CHANGED, "fields": fields} if fields else None
    if present_before:
        return {**last, "fields": {}}
    if not present_after:
        return None
    arrival = next(c for c in reversed(sequence) if c["kind"] in (ADDED, REAPPEARED))
    kind = REAPPEARED if first["kind"] == REAPPEARED else ADDED
    links = {name: arrival.get(name) for name in _LINKS}
    return {**last, **links, "kind": kind, "fields": fields if kind == REAPPEARED else {}}


_LINKS = ("replaces", "new_version_of", "previous_version", "was_candidate")


def _composed_fields(sequence: list[dict[str, Any]]) -> dict[str, list]:
    composed: dict[str, list] = {}
    for change in sequence:
        for name, (before, after) in change["fields"].items():
            composed[name] = [composed[name][0] if name in composed else before, after]
    return {name: pair for name, pair in composed.items() if pair[0] != pair[1]}


def _report(run: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "run": run,
        "solutions": {group: [] for group in GROUPS},
        "candidates": {group: [] for group in GROUPS},
    }
    for change in changes:
        entity = "solutions" if change["entity"] == SOLUTION else "candidates"
        group = ADDED if change["kind"] == REAPPEARED else change["kind"]
        report[entity][group].append(_element(change))
    replaced_by = {
        element["replaces"]: element["key"]
        for element in report["solutions"]["added"]
        if element["replaces"]
    }
    for element in report["solutions"]["removed"]:
        element["replaced_by"] = replaced_by.get(element["key"])
    for entity in ("solutions", "candidates"):
        for group in GROUPS:
            report[entity][group].sort(key=lambda element: element["key"])
    return report


def _element(change: dict[str, Any]) -> dict[str, Any]:
    names = SOLUTION_ELEMENT if change["entity"] == SOLUTION else CANDIDATE_ELEMENT
    element = {name: change.get(name) for name in names}
    kind = change["kind"]
    if kind in (ADDED, REAPPEARED):
        element["reappeared"] = kind == REAPPEARED
        if change["entity"] == SOLUTION:
            element.update({name: change.get(name) for name in _LINKS})
        if change["fields"]:
            element["changes"] = change["fields"]
    elif kind == CHANGED:
        element["changes"] = change["fields"]
    return element


def report_keys(report: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    """{"solutions": {"added": {keys}, "removed": {...}, "changed": {...}}, "candidates": ...}:
    the sets to compare with a known truth (end-to-end tests)."""
    return {
        entity: {group: {element["key"] for element in report[entity][group]} for group in GROUPS}
        for entity in ("solutions", "candidates")
    }


# ---------------------------------------------------------------- markdown

FIELD_NAMES = {
    "editor": "éditeur",
    "solution": "solution",
    "version": "version",
    "couloir": "couloir",
    "dispositif": "dispositif",
    "vague": "vague",
    "referenced_on": "date de référencement",
    "reference_number": "numéro de référencement",
    "distributors": "distributeurs",
    "pilots": "premières installations réussies",
    "status": "statut",
    "applied_on": "date de candidature",
    "source_url": "page source",
}
DATE_FIELDS = ("referenced_on", "applied_on")
UNKNOWN_COULOIR = "Couloir non précisé"
UNKNOWN_DISPOSITIF = "Dispositif non précisé"
TITLE = "Référencement Ségur"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md(text: object) -> str:
    """Scraped text made safe inline: one line, Markdown's active characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean_text(str(text)))


def french_day(value: str | None) -> str:
    """A stored date in French ("1er juin 2024"); scraped text that is no date
    is escaped."""
    return md(french_date(value))


def render_markdown(report: dict[str, Any]) -> str:
    run = report["run"]
    runs = run["runs"] if "runs" in run else [run]
    blocks: list[list[str]] = [[_title(run)]]
    blocks += [[_warning(each, numbered=len(runs) > 1)] for each in runs if _warning(each)]
    sections = _solution_sections(report) + _candidate_sections(report)
    if sections:
        blocks += sections
    elif any(each["status"] != "failed" for each in runs):
        blocks.append(["Aucun changement."])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _title(run: dict[str, Any]) -> str:
    if "runs" in run:
        count = len(run["runs"])
        plural = "s" if count > 1 else ""
        return (
            f"# {TITLE} : changements depuis le {french_day(run['since'])} "
            f"({count} synchronisation{plural}, n° {run['first_run']} à n° {run['last_run']})"
        )
    status = md(run_status(run["status"]))
    return (
        f"# {TITLE} : synchronisation n° {run['id']} du "
        f"{french_datetime(run['started_at'])} ({status})"
    )


def _warning(run: dict[str, Any], *, numbered: bool = False) -> str | None:
    if run["status"] not in ("partial", "failed"):
        return None
    which = f" n° {run['id']} du {french_day(run['started_at'])}" if numbered else ""
    reason = md(run.get("reason") or "").rstrip()
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


# Section builders return a list of blocks (each a list of lines).


def _solution_sections(report: dict[str, Any]) -> list[list[str]]:
    added = report["solutions"]["added"]
    new_products = [e for e in added if not e["reappeared"] and not _is_new_version(e)]
    new_versions = [e for e in added if not e["reappeared"] and _is_new_version(e)]
    back = [e for e in added if e["reappeared"]]
    replaced = {e["replaces"] for e in new_versions if e["replaces"]}
    removed = [e for e in report["solutions"]["removed"] if e["key"] not in replaced]
    changed = report["solutions"]["changed"]
    blocks: list[list[str]] = []
    if new_products:
        blocks += _grouped_new_products(new_products)
    if new_versions:
        blocks.append([f"## Nouvelles versions ({len(new_versions)})"])
        blocks.append([_new_version_line(e) for e in _ordered(new_versions)])
    if back:
        blocks.append([f"## De nouveau référencées ({len(back)})"])
        blocks.append([line for e in _ordered(back) for line in _item_with_changes(e)])
    if removed:
        blocks.append([f"## Solutions retirées ({len(removed)})"])
        blocks.append([_solution_line(e) for e in _ordered(removed)])
    if changed:
        blocks.append([f"## Modifications ({len(changed)})"])
        blocks.append([line for e in _ordered(changed) for line in _item_with_changes(e)])
    return blocks


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


def _grouped_new_products(elements: list[dict[str, Any]]) -> list[list[str]]:
    blocks = [[f"## Nouvelles solutions référencées ({len(elements)})"]]
    by_couloir: dict[str | None, dict[str | None, list]] = defaultdict(lambda: defaultdict(list))
    for element in _ordered(elements):
        by_couloir[element.get("couloir")][element.get("dispositif")].append(element)
    for couloir, by_dispositif in by_couloir.items():
        blocks.append([f"### {md(couloir) if couloir else UNKNOWN_COULOIR}"])
        for dispositif, members in by_dispositif.items():
            blocks.append([f"#### {md(dispositif) if dispositif else UNKNOWN_DISPOSITIF}"])
            blocks.append([_new_product_line(e) for e in members])
    return blocks


def _name(element: dict[str, Any]) -> str:
    version = f" {md(element['version'])}" if element.get("version") else ""
    return f"**{md(element.get('solution') or '')}**{version} — {md(element.get('editor') or '')}"


def _vague(element: dict[str, Any]) -> str:
    return f"vague {element['vague']}" if element.get("vague") is not None else ""


def _context(element: dict[str, Any]) -> str:
    parts = [md(element["dispositif"]) if element.get("dispositif") else "", _vague(element)]
    parts = [part for part in parts if part]
    return f" ({', '.join(parts)})" if parts else ""


def _referenced_on(element: dict[str, Any]) -> str:
    if not element.get("referenced_on"):
        return ""
    return f", référencée le {french_day(element['referenced_on'])}"


def _new_product_line(element: dict[str, Any]) -> str:
    parts = [f"- {_name(element)}"]
    if _vague(element):
        parts.append(f", {_vague(element)}")
    parts.append(_referenced_on(element))
    candidature = element.get("was_candidate")
    if candidature:
        since = candidature.get("applied_on")
        parts.append(
            f", anciennement candidat depuis le {french_day(since)}"
            if since
            else ", anciennement candidat"
        )
    return "".join(parts)


def _new_version_line(element: dict[str, Any]) -> str:
    line = f"- {_name(element)}{_context(element)}{_referenced_on(element)}"
    previous = md(element.get("previous_version") or "?")
    if element.get("replaces"):
        return f"{line} : remplace la version {previous}"
    return f"{line} : nouvelle version (version précédente : {previous})"


def _solution_line(element: dict[str, Any]) -> str:
    return f"- {_name(element)}{_context(element)}"


def _item_with_changes(element: dict[str, Any]) -> list[str]:
    lines = [f"- {_name(element)}{_context(element)}"]
    for name, (before, after) in sorted(element.get("changes", {}).items()):
        label = FIELD_NAMES.get(name, md(name))
        lines.append(f"  - {label} : {_value(name, before)} → {_value(name, after)}")
    return lines


def _value(name: str, value: object) -> str:
    if value is None or value == "":
        return "(vide)"
    if name in DATE_FIELDS:
        return french_day(str(value))
    return md(value)


def _candidate_sections(report: dict[str, Any]) -> list[list[str]]:
    candidates = report["candidates"]
    now_referenced = _now_referenced(report)
    done = {key for key, _ in now_referenced}
    added = candidates["added"]
    changed = [e for e in candidates["changed"] if e["key"] not in done]
    removed = [e for e in candidates["removed"] if e["key"] not in done]
    subsections = [
        ("Nouveaux candidats", [_candidate_line(e) for e in _ordered_candidates(added)]),
        ("Candidats devenus référencés", [line for _, line in now_referenced]),
        (
            "Candidatures modifiées",
            [line for e in _ordered_candidates(changed) for line in _candidate_changes(e)],
        ),
        ("Candidatures retirées", [_candidate_line(e) for e in _ordered_candidates(removed)]),
    ]
    blocks: list[list[str]] = []
    for title, lines in subsections:
        if lines:
            count = sum(1 for line in lines if line.startswith("- "))
            blocks.append([f"### {title} ({count})"])
            blocks.append(lines)
    return [["## Candidatures"], *blocks] if blocks else []


def _ordered_candidates(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        elements,
        key=lambda e: (fold(e.get("dispositif")), fold(e.get("solution")), fold(e.get("editor"))),
    )


def _candidate_line(element: dict[str, Any], *, with_status: bool = True) -> str:
    line = f"- **{md(element.get('solution') or '')}** — {md(element.get('editor') or '')}"
    if element.get("dispositif"):
        line += f" ({md(element['dispositif'])})"
    if element.get("applied_on"):
        line += f", candidat depuis le {french_day(element['applied_on'])}"
    if with_status and element.get("status"):
        line += f", statut : {md(element['status'])}"
    if element.get("reappeared"):
        line += ", de nouveau sur la liste"
    return line


def _candidate_changes(element: dict[str, Any]) -> list[str]:
    lines = [_candidate_line(element, with_status=False)]
    for name, (before, after) in sorted(element.get("changes", {}).items()):
        label = FIELD_NAMES.get(name, md(name))
        lines.append(f"  - {label} : {_value(name, before)} → {_value(name, after)}")
    return lines


def _is_referenced_status(status: object) -> bool:
    return fold(str(status or "")).startswith("reference")


def _now_referenced(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(candidate key, line) for each candidature that became a referenced
    solution in this report: a new product matching it, or its status turning
    to "Référencé" on the candidate list."""
    found: dict[str, str] = {}
    for element in _ordered(report["solutions"]["added"]):
        candidature = element.get("was_candidate")
        if not candidature or candidature["key"] in found:
            continue
        since = candidature.get("applied_on")
        since_text = f", candidat depuis le {french_day(since)}" if since else ""
        dispositif = candidature.get("dispositif") or element.get("dispositif")
        where = f" ({md(dispositif)})" if dispositif else ""
        found[candidature["key"]] = (
            f"- **{md(element['solution'])}** — {md(element['editor'])}{where}{since_text} : "
            f"référencée en version {md(element['version'])}"
        )
    for element in _ordered_candidates(report["candidates"]["changed"]):
        status = element.get("changes", {}).get("status")
        if element["key"] in found or not status or not _is_referenced_status(status[1]):
            continue
        found[element["key"]] = _candidate_line(element)
    return list(found.items())
