"""Alerts after a sync (catalogue/alerts/): the file, which changes an alert
follows, the French messages, the failing nights, delivery through Apprise to
targets on loopback, and the command line that wires them.

Catalogues are written by the real store from the replica's dataset
(tests/serve_support.py): run 1 is state 1, run 2 state 2, a day apart.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalogue.alerts.config import (
    KINDS,
    Alert,
    AlertsConfig,
    AlertsFileError,
    read_alerts_file,
)
from catalogue.alerts.deliver import deliver
from catalogue.alerts.dispatch import compose, send_alerts
from catalogue.alerts.matching import element_kind, keeps
from catalogue.lookup import name_matches, name_query, named_entries
from catalogue.schema import open_db
from catalogue.store import fail_run, start_run
from cli import cli
from cli.demo import sync_replica
from scraper.vocabulary import within_dispositif
from tests.alerts_support import SECRET, WebhookSink
from tests.serve_support import crawl_result, store_run

SITE = "https://segur.example.org"
DAY_1 = "2025-06-01T01:30:00+00:00"
DAY_2 = "2025-06-02T01:30:00+00:00"


def write(tmp_path: Path, text: str, name: str = "alerts.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def alert(**choices) -> Alert:
    return Alert(1, "json://127.0.0.1:9/x", "json://127.0.0.1:9/x", **choices)


def config(*alerts: Alert, site_url: str | None = SITE) -> AlertsConfig:
    return AlertsConfig(Path("alerts.toml"), site_url, alerts)


def messages(path: Path, run_id: int | None, *alerts: Alert, site_url: str | None = SITE):
    return [message for _, message in compose(config(*alerts, site_url=site_url), path, run_id)]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "catalogue.db"
    store_run(path, crawl_result(1), now=DAY_1)
    store_run(path, crawl_result(2), now=DAY_2)
    return path


# ---------------------------------------------------------------- the file


def test_an_alerts_file_is_read_under_the_vocabulary_s_names(tmp_path):
    path = write(
        tmp_path,
        f"""
site_url = "{SITE}/"

[[alert]]
url = "mailto://segur:{SECRET}@smtp.example.org:587/?to=dsi@ehpad.example"
dispositifs = ["Dossier Usager Informatisé", "ms2 pde"]
couloirs = ["Imagerie"]
names = ["netsoins"]
kinds = ["removed", "added"]

[[alert]]
url = "json://hooks.example.org/segur"
on_failure = true
""",
    )
    alerts = read_alerts_file(path)
    assert alerts.site_url == SITE
    first, second = alerts.alerts
    assert (first.dispositifs, first.couloirs, first.names) == (
        ("DUI", "DUI MS2 PDE"),
        ("Radiologie",),
        ("netsoins",),
    )
    assert first.kinds == ("added", "removed")
    assert first.target == "mailto://segur:****@smtp.example.org:587/dsi%40ehpad.example"
    assert SECRET not in repr(first) and SECRET not in repr(alerts)
    assert (second.on_failure, second.kinds) == (True, KINDS)
    assert alerts.change_alerts == (first,) and alerts.failure_alerts == (second,)


GOOD_URL = 'url = "json://127.0.0.1:9/x"\n'


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("colour = 1\n[[alert]]\n" + GOOD_URL, "unknown key 'colour' in the file"),
        ("[[alert]]\n" + GOOD_URL + "kind = []\n", "alert 1: unknown key 'kind' in [[alert]]"),
        ('site_url = "x"\n', "expected at least one [[alert]] table"),
        ("[[alert]]\nnames = []\n", "alert 1: url is missing"),
        (f'[[alert]]\nurl = "nope://segur:{SECRET}@host/"\n', "Apprise cannot use its url"),
        ("[[alert]]\n" + GOOD_URL + 'kinds = ["new"]\n', "unknown kind 'new'"),
        ("[[alert]]\n" + GOOD_URL + "kinds = []\n", "kinds is empty"),
        ("[[alert]]\n" + GOOD_URL + 'dispositifs = ["DUU"]\n', "unknown dispositif 'DUU'"),
        ("[[alert]]\n" + GOOD_URL + 'dispositifs = "DUI"\n', "must be a list of strings"),
        ("[[alert]]\n" + GOOD_URL + 'couloirs = ["Lune"]\n', "unknown couloir 'Lune'"),
        ("[[alert]]\n" + GOOD_URL + 'names = ["é"]\n', "name 'é' cannot be looked up"),
        ("[[alert]]\n" + GOOD_URL + 'on_failure = "yes"\n', "on_failure must be true or false"),
        (
            "[[alert]]\n" + GOOD_URL + 'on_failure = true\ndispositifs = ["DUI"]\n',
            "an on_failure alert takes no",
        ),
        ('site_url = "ftp://x"\n[[alert]]\n' + GOOD_URL, "site_url: not an http(s) URL"),
        ("[[alert]\n", "is not valid TOML"),
    ],
)
def test_a_bad_alerts_file_is_one_line_that_never_shows_a_secret(tmp_path, text, said):
    with pytest.raises(AlertsFileError) as refused:
        read_alerts_file(write(tmp_path, text))
    message = str(refused.value)
    assert said in message
    assert "\n" not in message and SECRET not in message


def test_the_example_file_of_the_operations_guide_is_valid(tmp_path):
    guide = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text()
    example = re.search(r"```toml\n(# /etc/segur/alerts.toml.*?)```", guide, re.S).group(1)
    alerts = read_alerts_file(write(tmp_path, example)).alerts
    assert [a.target.partition("://")[0] for a in alerts] == [
        "mailto",
        "matrixs",
        "slack",
        "jsons",
        "mailto",
    ]


# ---------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("typed", "editor", "solution", "found"),
    [
        ("netsoins", "NET SOINS SAS", "Net Soins", True),
        ("NET SOINS", "NET SOINS SAS", "Net Soins", True),
        ("netsoins", "MAISON & SOINS LOGICIELS", "Maison Soins DUI", False),
        ("soins", "MAISON & SOINS LOGICIELS", "Maison Soins DUI", True),
        ("oins", "MAISON & SOINS LOGICIELS", "Maison Soins DUI", False),
        ("dedalus", "DEDALUS", "Kalisil", True),
        ("kalisil dedalus", "DEDALUS", "Kalisil", True),
    ],
)
def test_a_name_finds_what_verifier_finds(typed, editor, solution, found):
    assert name_matches(name_query(typed), editor, solution) is found


@pytest.mark.parametrize("typed", ["netsoins", "soins", "officina", "dedalus", "radio", "kine"])
def test_names_follow_the_look_up_index_exactly(catalogue, typed):
    query = name_query(typed)
    with closing(sqlite3.connect(catalogue)) as conn:
        indexed = {key for entity, key in named_entries(conn, query) if entity == "solution"}
        rows = conn.execute("SELECT key, editor, solution FROM solutions").fetchall()
    matched = {key for key, editor, solution in rows if name_matches(query, editor, solution)}
    assert matched == indexed and matched


def element(dispositif: str, **fields) -> dict:
    return {"dispositif": dispositif, "editor": "E", "solution": "S", "reappeared": False, **fields}


@pytest.mark.parametrize(
    ("chosen", "stored", "kept"),
    [
        ("DUI", "DUI MS1 PA/PH/DOM", True),
        ("DUI", "DUI MS1 PA/PH/DOM + MS2 PDE", True),
        ("DUI MS2 PDE", "DUI MS1 PA/PH/DOM + MS2 PDE", True),
        ("DUI MS2 PDE", "DUI MS1 PA/PH/DOM", False),
        ("LGC", "LGC SF", False),
        ("LGC", "LGC", True),
        ("DPI", "DUI", False),
    ],
)
def test_a_dispositif_holds_its_domains(chosen, stored, kept):
    assert keeps(alert(dispositifs=(chosen,)), "added", element(stored)) is kept
    assert kept is within_dispositif(stored, chosen)


@pytest.mark.parametrize(
    ("group", "fields", "kind"),
    [
        ("added", {}, "added"),
        ("added", {"reappeared": True, "replaces": None}, "added"),
        ("added", {"replaces": "sol:a"}, "new_version"),
        ("added", {"new_version_of": "sol:a"}, "new_version"),
        ("removed", {"replaced_by": "sol:b"}, "new_version"),
        ("removed", {"replaced_by": None}, "removed"),
        ("changed", {}, "changed"),
    ],
)
def test_each_change_has_one_kind(group, fields, kind):
    assert element_kind(group, element("DPI", **fields)) == kind
    assert keeps(alert(kinds=(kind,)), group, element("DPI", **fields))
    others = tuple(other for other in KINDS if other != kind)
    assert not keeps(alert(kinds=others), group, element("DPI", **fields))


# ---------------------------------------------------------------- messages


def items(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


def test_a_run_s_message_counts_its_changes_newly_referenced_first(catalogue):
    (message,) = messages(catalogue, 2, alert())
    assert message.title == (
        "Ségur : 3 nouvelles solutions référencées, 2 nouvelles versions, "
        "1 solution retirée, 1 modification"
    )
    body = message.body
    headings = [
        "Nouvelles solutions référencées (3)",
        "Nouvelles versions (2)",
        "Solutions retirées (1)",
        "Modifications (1)",
    ]
    assert [body.index(heading) for heading in headings] == sorted(
        body.index(heading) for heading in headings
    )
    assert body.startswith("Synchronisation n° 2 du 2 juin 2025 à 03 h 30 (heure de Paris)")
    assert (
        "Social et médico-social — DUI MS2 PDE\n- Enfance Connect 1.0 — NOUVELLE ÈRE SANTÉ" in body
    )
    assert "- Officina 7.3 — OFFICINA SOFT (LGO, vague 1), référencée le 15 avril 2025 : " in body
    assert "remplace la version 7.2" in body
    assert "- RadiOuest RIS 4.2.1 — RADIOLOGIE & IMAGERIE DU SUD-OUEST (RIS, vague 1)" in body
    assert "date de référencement : 14 février 2023 → 14 mars 2023" in body
    assert "Officina 7.2" not in body  # replaced: said with its new version, not withdrawn
    assert body.rstrip().endswith("la liste de l'ANS fait foi.")


def test_the_title_says_what_the_alert_follows(catalogue):
    (dui,) = messages(catalogue, 2, alert(dispositifs=("DUI",)))
    assert dui.title == "Ségur : 1 nouvelle solution référencée, 1 nouvelle version (DUI)"
    (named,) = messages(catalogue, 2, alert(names=("officina", "radiouest"), kinds=("removed",)))
    assert named.title == "Ségur : 1 solution retirée (« officina », « radiouest »)"
    assert [line.split(" (")[0] for line in items(named.body)] == [
        "- RadiOuest RIS 4.2.1 — RADIOLOGIE & IMAGERIE DU SUD-OUEST"
    ]


def test_every_change_links_to_its_page_when_the_site_is_known(catalogue):
    (message,) = messages(catalogue, 2, alert())
    lines = message.body.splitlines()
    with closing(sqlite3.connect(catalogue)) as conn:
        pages = {row[0] for row in conn.execute("SELECT page_id FROM solutions")}
    assert f"{SITE}/synchronisations/2" in lines
    listed = [index for index, line in enumerate(lines) if line.startswith("- ")]
    assert len(listed) == 7
    for index in listed:
        follower = next(line for line in lines[index + 1 :] if not line.startswith("  date"))
        assert follower.startswith(f"  {SITE}/solution/"), lines[index]
        assert follower.removeprefix(f"  {SITE}/solution/") in pages


def test_without_a_site_a_message_carries_no_link(catalogue):
    (message,) = messages(catalogue, 2, alert(), site_url=None)
    assert "http" not in message.body
    assert len(items(message.body)) == 7


def test_the_first_sync_sends_one_initialised_message_at_most(catalogue):
    dui = [r for r in crawl_result(1).solutions if within_dispositif(r.dispositif, "DUI")]
    found = messages(catalogue, 1, alert(dispositifs=("DUI",)), alert(names=("zzzz",)))
    assert [message.title for message in found] == [
        f"Ségur : catalogue initialisé : {len(dui)} solutions référencées (DUI)"
    ]
    assert not items(found[0].body)
    assert f"{SITE}/synchronisations/1" in found[0].body


def test_nothing_matched_sends_nothing(catalogue):
    assert messages(catalogue, 2, alert(names=("zzzz",))) == []
    assert messages(catalogue, 2, alert(dispositifs=("SGL",))) == []
    assert messages(catalogue, 2, alert(couloirs=("Biologie médicale",))) == []


def run_at(path: Path, when: str, *, kind: str | None = None, state: int = 2) -> int:
    """A complete run of `state` at `when`, or a failed one of failure `kind`."""
    if kind is None:
        return store_run(path, crawl_result(state), now=when)
    db = open_db(path)
    try:
        run_id = start_run(db, "http://127.0.0.1:9/", now=when)
        fail_run(db, run_id, "La liste n'a pas pu être lue.", failure_kind=kind, now=when)
        return run_id
    finally:
        db.conn.close()


def test_a_run_not_complete_or_without_change_sends_nothing(tmp_path):
    path = tmp_path / "catalogue.db"
    run_at(path, DAY_1, state=1)
    partial = store_run(path, crawl_result(2, status="partial"), now=DAY_2)
    failed = run_at(path, "2025-06-03T01:30:00+00:00", kind="transient")
    complete = run_at(path, "2025-06-04T01:30:00+00:00")
    again = run_at(path, "2025-06-05T01:30:00+00:00")  # what a replay into it would do
    with closing(sqlite3.connect(path)) as conn:
        added = conn.execute("SELECT added FROM runs WHERE id = ?", [partial]).fetchone()[0]
    assert added > 0  # the partial run recorded additions, which are not alerted
    assert messages(path, partial, alert()) == []
    assert messages(path, failed, alert()) == []
    # The removals the partial run could not record (Officina 7.3 came with the partial run).
    assert [m.title for m in messages(path, complete, alert())] == ["Ségur : 2 solutions retirées"]
    assert messages(path, again, alert()) == []


# ---------------------------------------------------------------- failing nights


def failure_titles(path: Path) -> list[str]:
    return [m.title for m in messages(path, None, alert(on_failure=True))]


def test_two_failed_nights_in_a_row_send_one_message(tmp_path):
    path = tmp_path / "catalogue.db"
    run_at(path, DAY_1, state=1)
    run_at(path, "2025-06-02T01:30:00+00:00", kind="layout")
    assert failure_titles(path) == []  # one failed night
    run_at(path, "2025-06-03T01:30:00+00:00", kind="transient")
    (message,) = messages(path, None, alert(on_failure=True))
    assert message.title == "Ségur : synchronisation en échec depuis 2 nuits (transient)"
    assert "Dernière synchronisation complète : n° 1 du 1er juin 2025" in message.body
    assert "le site de l'ANS ne répondait pas" in message.body
    assert "la mise en page a changé (layout)" in message.body
    assert message.body.index("n° 3") < message.body.index("n° 2 ")  # newest first
    run_at(path, "2025-06-03T02:30:00+00:00", kind="transient")  # the retry, same night
    assert failure_titles(path) == []
    run_at(path, "2025-06-04T01:30:00+00:00", kind="transient")
    assert failure_titles(path) == ["Ségur : synchronisation en échec depuis 3 nuits (transient)"]
    run_at(path, "2025-06-05T01:30:00+00:00")
    assert failure_titles(path) == []


def test_failure_alerts_ignore_changes_and_change_alerts_ignore_failures(tmp_path):
    path = tmp_path / "catalogue.db"
    run_at(path, "2025-06-01T01:30:00+00:00", kind="blocked")
    run_at(path, "2025-06-02T01:30:00+00:00", kind="blocked")
    assert messages(path, 2, alert()) == []
    (message,) = messages(path, 2, alert(on_failure=True), alert())
    assert message.title.endswith("depuis 2 nuits (blocked)")
    assert "Aucune synchronisation complète n'a encore eu lieu." in message.body


# ---------------------------------------------------------------- delivery


def test_a_message_reaches_its_target_once(caplog):
    caplog.set_level(logging.DEBUG)
    with WebhookSink() as hook:
        delivery = deliver(hook.url(), "Ségur : essai", "Corps\nhttps://x/")
    assert (delivery.sent, delivery.attempts, hook.requests) == (True, 1, 1)
    assert hook.bodies[0]["title"] == "Ségur : essai"
    assert hook.bodies[0]["message"] == "Corps\nhttps://x/"
    assert "****" in delivery.target and SECRET not in caplog.text


def test_a_failing_target_is_retried_once_then_given_up(caplog):
    caplog.set_level(logging.DEBUG)
    with WebhookSink(status=500) as hook:
        delivery = deliver(hook.url(), "Ségur : essai", "Corps", retry_seconds=0)
    assert (delivery.sent, delivery.attempts, hook.requests) == (False, 2, 2)
    assert SECRET not in caplog.text and SECRET not in repr(delivery)


def test_send_alerts_goes_on_past_a_failing_target(catalogue):
    with WebhookSink() as good, WebhookSink(status=503) as bad:
        alerts = AlertsConfig(
            Path("alerts.toml"),
            SITE,
            (
                Alert(1, bad.url(), "bad", dispositifs=("DUI",)),
                Alert(2, good.url(), "good", names=("officina",)),
            ),
        )
        deliveries = send_alerts(alerts, catalogue, 2, retry_seconds=0)
    assert [(d.sent, d.attempts) for d in deliveries] == [(False, 2), (True, 1)]
    assert [body["title"] for body in good.bodies] == ["Ségur : 1 nouvelle version (« officina »)"]


# ---------------------------------------------------------------- the command line


def test_sync_refuses_a_bad_alerts_file_before_anything(tmp_path):
    bad = write(tmp_path, f'[[alert]]\nurl = "nope://segur:{SECRET}@x/"\n')
    db = tmp_path / "data" / "segur.db"
    for args, env in (
        (["sync", "--db", str(db), "--notify", str(bad)], {}),
        (["sync", "--db", str(db)], {"SEGUR_NOTIFY": str(bad)}),
        (["schedule", "--db", str(db), "--notify", str(bad)], {}),
    ):
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "alert 1: Apprise cannot use its url" in lines[0]
        assert SECRET not in result.output
    assert not db.parent.exists()


def test_schedule_passes_the_alerts_file_to_each_sync(tmp_path, monkeypatch):
    good = write(tmp_path, "[[alert]]\n" + GOOD_URL)
    seen = []
    monkeypatch.setattr("cli.schedule.run_nightly", lambda settings, *a, **k: seen.append(settings))
    result = CliRunner().invoke(
        cli, ["schedule", "--db", str(tmp_path / "segur.db"), "--notify", str(good)]
    )
    assert result.exit_code == 0, result.output
    command = seen[0].command()
    assert command[command.index("--notify") + 1] == str(good.resolve())


def test_the_demo_s_sync_never_sends_the_operator_s_alerts(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setenv("SEGUR_NOTIFY", str(tmp_path / "alerts.toml"))
    monkeypatch.setattr("subprocess.call", lambda *a, **k: calls.append(k) or 0)
    sync_replica(tmp_path / "demo.db", echo=lambda line: None)
    assert "SEGUR_NOTIFY" not in calls[0]["env"] and "PATH" in calls[0]["env"]
