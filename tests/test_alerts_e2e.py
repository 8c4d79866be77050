"""Alerts end to end: real `segur sync --notify` subprocesses against the replica on
loopback, an e-mail to a local SMTP server, a webhook to a local HTTP server, and a
target that refuses every connection."""

from __future__ import annotations

import pytest

from replica.dataset import build_dataset
from scraper.vocabulary import within_dispositif
from tests.alerts_support import SECRET, SmtpSink, WebhookSink, free_port

pytestmark = pytest.mark.slow

SITE = "https://segur.example.org"


def dui_additions() -> list:
    """The DUI solutions the replica's state 2 adds to state 1."""
    before = {record.key for record in build_dataset(1).solutions}
    return [
        record
        for record in build_dataset(2).solutions
        if record.key not in before and within_dispositif(record.dispositif, "DUI")
    ]


def test_two_syncs_deliver_one_email_listing_the_new_dui_solutions(replica, segur, tmp_path):
    server = replica()
    db = tmp_path / "segur.db"
    with SmtpSink() as smtp, WebhookSink() as hook:
        alerts = tmp_path / "alerts.toml"
        alerts.write_text(
            f'site_url = "{SITE}"\n'
            f'[[alert]]\nurl = "{smtp.url("dsi@ehpad.example")}"\ndispositifs = ["DUI"]\n'
            f'[[alert]]\nurl = "{hook.url()}"\nnames = ["officina"]\nkinds = ["new_version"]\n'
            f'[[alert]]\nurl = "json://hook:{SECRET}@127.0.0.1:{free_port()}/down"\n'
            'couloirs = ["Radiologie"]\n',
            encoding="utf-8",
        )

        def sync():
            result = segur(
                "sync", "--base-url", server.url, "--db", str(db), "--delay", "0",
                "--notify", str(alerts),
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert SECRET not in result.stdout + result.stderr
            return result

        first = sync()
        assert [text.splitlines()[0] for text in smtp.texts()] == [
            f"Subject: Ségur : catalogue initialisé : "
            f"{sum(within_dispositif(r.dispositif, 'DUI') for r in build_dataset(1).solutions)}"
            " solutions référencées (DUI)"
        ]
        assert hook.bodies == []  # a first sync has no new version
        down = [line for line in first.stderr.splitlines() if "not delivered" in line]
        assert len(down) == 1 and "(2 attempts)" in down[0] and "json://hook:****@" in down[0]

        server.set_state(2)
        second = sync()
        assert len(smtp.messages) == 2
        assert smtp.messages[1].rcpt_tos == ["dsi@ehpad.example"]
        text = smtp.texts()[1]
        assert text.startswith(
            "Subject: Ségur : 1 nouvelle solution référencée, 1 nouvelle version (DUI)"
        )
        listed = [line for line in text.splitlines() if line.startswith("- ")]
        expected = [f"- {r.solution} {r.version} — {r.editor}" for r in dui_additions()]
        assert sorted(line.split(" (")[0].split(",")[0] for line in listed) == sorted(expected)
        assert f"  {SITE}/solution/" in text
        assert [body["title"] for body in hook.bodies] == [
            "Ségur : 1 nouvelle version (« officina »)"
        ]
        assert "remplace la version 7.2" in hook.bodies[0]["message"]
        sent = [line for line in second.stdout.splitlines() if line.startswith("alert sent to")]
        assert len(sent) == 2 and "mailto://segur:****@127.0.0.1" in sent[0]
        assert (
            "not delivered (2 attempts): Ségur : 1 solution retirée (Radiologie)" in second.stderr
        )
