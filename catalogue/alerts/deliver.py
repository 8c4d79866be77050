"""Sending one message to one alert's target, through Apprise.

Apprise reads a target from a URL (`mailto://`, `matrix://`, `slack://`,
`json://`…). Those URLs often carry a password or a token: only their private
form (`Apprise.instantiate(url).url(privacy=True)`, secrets masked) is ever
printed, and Apprise's own logging keeps to it (`secure_logging`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from apprise import Apprise, AppriseAsset, NotifyFormat

ASSET = AppriseAsset(
    app_id="Catalogue Ségur",
    app_desc="Catalogue des solutions référencées Ségur",
    secure_logging=True,
)
RETRY_SECONDS = 3.0  # pause before the one retry of a target that failed


def private_target(url: str) -> str | None:
    """The target's URL with its secrets masked and without its options
    (`mailto://user:****@smtp.example.org:587/…`), or None when Apprise cannot use it."""
    service = Apprise.instantiate(url, asset=ASSET)
    if service is None:
        return None
    return service.url(privacy=True).partition("?")[0]


@dataclass(frozen=True)
class Delivery:
    """How sending one message to one target went."""

    target: str  # private form
    title: str
    attempts: int
    sent: bool


def deliver(url: str, title: str, body: str, *, retry_seconds: float = RETRY_SECONDS) -> Delivery:
    """Send a plain-text message to the target of `url`; a failure is retried once
    after `retry_seconds`. Never raises for a target that fails."""
    target = private_target(url) or "?"
    for attempt in (1, 2):
        if attempt > 1:
            time.sleep(retry_seconds)
        if _send(url, title, body):
            return Delivery(target, title, attempt, sent=True)
    return Delivery(target, title, 2, sent=False)


def _send(url: str, title: str, body: str) -> bool:
    notifier = Apprise(asset=ASSET)
    service = Apprise.instantiate(url, asset=ASSET)
    if service is None or not notifier.add(service):
        return False
    try:
        return bool(notifier.notify(body=body, title=title, body_format=NotifyFormat.TEXT))
    except Exception:  # a plugin's bug must not fail the sync: the target failed
        return False
