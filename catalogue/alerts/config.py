"""The alerts file (`segur sync --notify FILE`, `$SEGUR_NOTIFY`): who is told what.

    site_url = "https://segur.example.org"   # optional: messages link to the entries' pages

    [[alert]]
    url = "mailto://user:pass@smtp.example.org:587/?to=dsi@ehpad.example"
    dispositifs = ["DUI"]     # optional: these dispositifs, with their domains
    couloirs = []             # optional
    names = ["netsoins"]      # optional: an editor or a solution, found as /verifier finds it
    kinds = ["added", "removed", "new_version", "changed"]   # optional, default all

    [[alert]]
    url = "json://hooks.example.org/segur"
    on_failure = true         # the syncs have not completed two nights in a row

The file is read strictly: an unknown key, a URL Apprise cannot use, an unknown
kind, a dispositif or couloir the vocabulary does not know, a name a look-up
refuses: `AlertsFileError`, one line that never repeats a URL (it may hold a
password).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue.alerts.deliver import private_target
from catalogue.lookup import LookupRefused, name_query
from scraper.settings import BadBaseUrl, check_base_url
from scraper.vocabulary import COULOIRS, DISPOSITIFS, resolve_couloir, resolve_dispositif

ADDED = "added"
NEW_VERSION = "new_version"
REMOVED = "removed"
CHANGED = "changed"
KINDS = (ADDED, NEW_VERSION, REMOVED, CHANGED)
FILTERS = ("dispositifs", "couloirs", "names", "kinds")
ALERT_KEYS = ("url", *FILTERS, "on_failure")
FILE_KEYS = ("site_url", "alert")


class AlertsFileError(Exception):
    """An alerts file that cannot be used (one line, no URL in it)."""


@dataclass(frozen=True)
class Alert:
    number: int  # its place in the file, from 1
    url: str = field(repr=False)  # may hold a secret: never printed
    target: str  # the URL with its secrets masked (catalogue/alerts/deliver.py)
    dispositifs: tuple[str, ...] = ()  # canonical names ("DUI", "DUI MS2 PDE")
    couloirs: tuple[str, ...] = ()  # canonical names
    names: tuple[str, ...] = ()  # as written
    kinds: tuple[str, ...] = KINDS
    on_failure: bool = False

    @property
    def name_queries(self) -> tuple[str, ...]:
        return tuple(name_query(name) for name in self.names)


@dataclass(frozen=True)
class AlertsConfig:
    path: Path
    site_url: str | None  # without a final slash; None: messages carry no links
    alerts: tuple[Alert, ...]

    @property
    def change_alerts(self) -> tuple[Alert, ...]:
        return tuple(alert for alert in self.alerts if not alert.on_failure)

    @property
    def failure_alerts(self) -> tuple[Alert, ...]:
        return tuple(alert for alert in self.alerts if alert.on_failure)


def read_alerts_file(path: str | Path) -> AlertsConfig:
    """The alerts of a TOML file; raises `AlertsFileError` (see the module docstring)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise AlertsFileError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise AlertsFileError(f"{path} is not valid TOML: {error}") from None
    try:
        _check_keys(data, FILE_KEYS, "the file")
        tables = data.get("alert")
        if not isinstance(tables, list) or not tables:
            raise AlertsFileError("expected at least one [[alert]] table")
        alerts = tuple(_alert(number, table) for number, table in enumerate(tables, start=1))
        return AlertsConfig(path, _site_url(data.get("site_url")), alerts)
    except AlertsFileError as error:
        raise AlertsFileError(f"{path}: {error}") from None


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise AlertsFileError(f"unknown key {unknown[0]!r} in {where} (keys: {', '.join(allowed)})")


def _site_url(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise AlertsFileError("site_url must be a string")
    try:
        return check_base_url(value).rstrip("/")
    except BadBaseUrl as error:
        raise AlertsFileError(f"site_url: {error}") from None


def _alert(number: int, table: object) -> Alert:
    where = f"alert {number}"
    if not isinstance(table, dict):
        raise AlertsFileError(f"{where} must be an [[alert]] table")
    try:
        _check_keys(table, ALERT_KEYS, "[[alert]]")
        target = _target(table.get("url"))
        on_failure = table.get("on_failure", False)
        if not isinstance(on_failure, bool):
            raise AlertsFileError("on_failure must be true or false")
        if on_failure and set(table) & set(FILTERS):
            raise AlertsFileError(f"an on_failure alert takes no {', '.join(FILTERS)}")
        return Alert(
            number,
            table["url"],
            target,
            dispositifs=tuple(_dispositif(text) for text in _strings(table, "dispositifs")),
            couloirs=tuple(_couloir(text) for text in _strings(table, "couloirs")),
            names=tuple(_name(text) for text in _strings(table, "names")),
            kinds=_kinds(table),
            on_failure=on_failure,
        )
    except AlertsFileError as error:
        raise AlertsFileError(f"{where}: {error}") from None


def _target(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        raise AlertsFileError("url is missing")
    target = private_target(url.strip())
    if target is None:
        scheme = url.partition("://")[0] if "://" in url else "?"
        raise AlertsFileError(f"Apprise cannot use its url (scheme {scheme!r}; see its wiki)")
    return target


def _strings(table: dict[str, Any], key: str) -> list[str]:
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise AlertsFileError(f"{key} must be a list of strings")
    return values


def _dispositif(text: str) -> str:
    found = resolve_dispositif(text)
    if found is None:
        known = ", ".join(dispositif.name for dispositif in DISPOSITIFS)
        raise AlertsFileError(f"unknown dispositif {text!r} (dispositifs: {known})")
    return found.name


def _couloir(text: str) -> str:
    found = resolve_couloir(text)
    if found is None:
        raise AlertsFileError(f"unknown couloir {text!r} (couloirs: {', '.join(COULOIRS)})")
    return found


def _name(text: str) -> str:
    try:
        name_query(text)
    except LookupRefused:
        raise AlertsFileError(
            f"name {text!r} cannot be looked up (2 to 200 characters, 2 letters or digits at least)"
        ) from None
    return text.strip()


def _kinds(table: dict[str, Any]) -> tuple[str, ...]:
    if "kinds" not in table:
        return KINDS
    kinds = _strings(table, "kinds")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        said = f"unknown kind {unknown[0]!r}" if unknown else "kinds is empty"
        raise AlertsFileError(f"{said} (kinds: {', '.join(KINDS)})")
    return tuple(kind for kind in KINDS if kind in kinds)
