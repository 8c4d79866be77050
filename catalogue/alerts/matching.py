"""Which changes of a run an alert is about.

Each element of a run's report (catalogue/diff/build.py) is of one kind:

* `added`: a new product, or a version back on the list;
* `new_version`: a version added beside or in place of another of its product
  (and the removal of the version it replaces, said with it);
* `removed`: a version withdrawn from the list (and not replaced);
* `changed`: a field that changed (a date corrected…).

An alert keeps the solution changes of its kinds whose dispositif is within one
of its dispositifs (`scraper.vocabulary.within_dispositif`: "DUI" holds its
domains), whose couloir is one of its couloirs, and whose editor or solution a
look-up of one of its names finds (`catalogue.lookup.name_matches`, the rule of
/verifier). Candidatures are not alerted: they are in the run's report.
"""

from __future__ import annotations

from typing import Any

from catalogue.alerts.config import ADDED, CHANGED, NEW_VERSION, REMOVED, Alert
from catalogue.diff.build import filtered_report
from catalogue.lookup import name_matches
from scraper.normalize import compact_key
from scraper.vocabulary import within_dispositif


def element_kind(group: str, element: dict[str, Any]) -> str:
    """The kind of a solution element of a report's `group`."""
    if group == "added":
        is_new_version = element.get("replaces") or element.get("new_version_of")
        return NEW_VERSION if is_new_version and not element["reappeared"] else ADDED
    if group == "removed":
        return NEW_VERSION if element.get("replaced_by") else REMOVED
    return CHANGED


def keeps(alert: Alert, group: str, element: dict[str, Any]) -> bool:
    """Whether `alert` is about this solution element of a report's `group`."""
    return (
        element_kind(group, element) in alert.kinds
        and _within(alert.dispositifs, lambda d: within_dispositif(element.get("dispositif"), d))
        and _within(alert.couloirs, lambda c: compact_key(element.get("couloir")) == compact_key(c))
        and _within(
            alert.name_queries,
            lambda q: name_matches(q, element.get("editor"), element.get("solution")),
        )
    )


def _within(chosen: tuple[str, ...], holds) -> bool:
    """No choice keeps everything; otherwise one of the choices must hold."""
    return not chosen or any(holds(choice) for choice in chosen)


def alert_report(report: dict[str, Any], alert: Alert) -> dict[str, Any]:
    """The report with only the solution changes `alert` is about."""

    def keep(entity: str, group: str, element: dict[str, Any]) -> bool:
        return entity == "solutions" and keeps(alert, group, element)

    return filtered_report(report, keep)


def kept_count(report: dict[str, Any]) -> int:
    return sum(len(elements) for elements in report["solutions"].values())
