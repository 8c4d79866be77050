"""The open-data bundle (catalogue/opendata): a package `frictionless validate` accepts,
files that hold every row of the catalogue, a schema documented in French, `segur
export`, a bundle that is replaced whole or not at all, and rebuilt after each
complete sync only. Serving it: tests/test_serve_opendata.py."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import frictionless
import pytest
from click.testing import CliRunner

import catalogue.opendata.bundle as bundle_module
import catalogue.sync
from catalogue.opendata.bundle import (
    ARCHIVE,
    BUNDLE_FILES,
    DESCRIPTOR,
    README,
    ExportError,
    bundle_folder,
    export_catalogue,
    read_bundle,
)
from catalogue.opendata.tables import TABLES
from catalogue.schema import open_db
from catalogue.store import record_run, start_run
from cli import cli
from scraper.items import CrawlResult, SolutionRecord, field_info, field_names
from tests.serve_support import (
    NET_SOINS,
    build_catalogue,
    crawl_result,
    store_failed_run,
    store_run,
)

SOLUTION_COLUMNS = [
    "key",
    "editor",
    "solution",
    "version",
    "couloir",
    "dispositif",
    "vague",
    "referenced_on",
    "reference_number",
    "distributors",
    "pilots",
    "source_url",
    "status",
    "first_seen_run",
    "last_seen_run",
    "removed_run",
    "product_key",
    "page_id",
]
# The catalogue's columns a file does not carry as such, and why.
LEFT_OUT = {
    "changes": {"key"},  # split into solution_key and candidate_key, one per entity
    "runs": {"archive_path", "archive_size", "archive_sha256"},  # the operator's files
}
ADDED_COLUMNS = {"changes": {"solution_key", "candidate_key"}}


@pytest.fixture(scope="module")
def catalogue_path(tmp_path_factory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("opendata") / "catalogue.db")


@pytest.fixture(scope="module")
def package(catalogue_path) -> Path:
    folder = catalogue_path.parent / "paquet"
    export(catalogue_path, folder)
    return folder


def export(db_path: Path, folder: Path):
    db = open_db(db_path)
    try:
        return export_catalogue(db, folder)
    finally:
        db.conn.close()


def validated(folder: Path) -> frictionless.Report:
    return frictionless.validate(str(folder / DESCRIPTOR))


def errors_of(report: frictionless.Report) -> list[str]:
    return [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]


def descriptor_of(folder: Path) -> dict:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# The package --------------------------------------------------------------------------


def test_frictionless_accepts_the_package(package):
    report = validated(package)
    assert report.valid, errors_of(report)
    assert sorted(path.name for path in package.iterdir()) == sorted(BUNDLE_FILES)


def test_frictionless_refuses_a_value_outside_the_schema(package, tmp_path):
    """The constraints are checked: a couloir the vocabulary does not have is an error."""
    copy = tmp_path / "paquet"
    shutil.copytree(package, copy)
    rows = csv_rows(copy / "solutions.csv")
    rows[1][rows[0].index("couloir")] = "Lune"
    with (copy / "solutions.csv").open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\r\n").writerows(rows)
    descriptor = descriptor_of(copy)
    for resource in descriptor["resources"]:
        del resource["bytes"], resource["hash"]
    (copy / DESCRIPTOR).write_text(json.dumps(descriptor), encoding="utf-8")
    report = validated(copy)
    assert not report.valid
    assert any("Lune" in message for message in errors_of(report))


def test_frictionless_refuses_a_file_changed_after_the_export(package, tmp_path):
    copy = tmp_path / "paquet"
    shutil.copytree(package, copy)
    with (copy / "runs.csv").open("a", encoding="utf-8") as file:
        file.write("\r\n")
    assert not validated(copy).valid


# Each file's rows, counted in the catalogue, and their keys.
ENTRIES = {
    "solutions": "SELECT key FROM solutions",
    "candidates": "SELECT key FROM candidates",
    "changes": "SELECT id FROM changes",
    "runs": "SELECT id FROM runs WHERE status != 'running'",
}


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_file_has_one_row_per_entry_of_the_catalogue(package, catalogue_path, table):
    rows = csv_rows(package / table.filename)
    with sqlite3.connect(catalogue_path) as conn:
        keys = sorted(str(key) for (key,) in conn.execute(ENTRIES[table.name]))
    assert rows[0] == list(table.columns)
    assert sorted(row[0] for row in rows[1:]) == keys
    assert len(keys) > 1


def test_columns_keep_the_catalogue_names_in_a_stable_order(package):
    assert csv_rows(package / "solutions.csv")[0] == SOLUTION_COLUMNS
    schema = descriptor_of(package)["resources"][0]["schema"]
    assert [field["name"] for field in schema["fields"]] == SOLUTION_COLUMNS


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_every_column_is_exported_or_left_out_on_purpose(catalogue_path, table):
    with sqlite3.connect(catalogue_path) as conn:
        stored = {row[1] for row in conn.execute(f"PRAGMA table_info([{table.source}])")}
    exported = set(table.columns) - ADDED_COLUMNS.get(table.name, set())
    assert exported <= stored
    assert stored - exported == LEFT_OUT.get(table.name, set())


def test_the_same_catalogue_gives_the_same_bytes(package, catalogue_path, tmp_path):
    again = tmp_path / "encore"
    export(catalogue_path, again)
    assert snapshot(again) == snapshot(package)


# The schema, in French -----------------------------------------------------------------


def fields_of(folder: Path):
    for resource in descriptor_of(folder)["resources"]:
        for field in resource["schema"]["fields"]:
            yield resource["name"], field


def test_every_field_has_a_french_title_and_description(package):
    for resource, field in fields_of(package):
        assert field["title"] and field["title"] != field["name"], (resource, field)
        assert len(field["description"]) > 5 and field["description"].endswith("."), field
    resources = descriptor_of(package)["resources"]
    assert all(resource["title"] and resource["description"] for resource in resources)


def test_record_fields_take_their_label_from_the_record(package):
    titles = {
        field["name"]: field["title"]
        for resource, field in fields_of(package)
        if resource == "solutions"
    }
    for name in field_names(SolutionRecord):
        assert titles[name] == field_info(SolutionRecord, name).label


def test_types_keys_and_constraints(package):
    resources = {resource["name"]: resource for resource in descriptor_of(package)["resources"]}
    solutions = {field["name"]: field for field in resources["solutions"]["schema"]["fields"]}
    assert solutions["referenced_on"]["type"] == "date"
    assert solutions["vague"]["type"] == "integer"
    assert "Hôpital" in solutions["couloir"]["constraints"]["enum"]
    assert "DUI" in solutions["dispositif"]["constraints"]["pattern"]
    assert solutions["status"]["constraints"]["enum"] == ["referenced", "removed"]
    runs = {field["name"]: field for field in resources["runs"]["schema"]["fields"]}
    assert runs["started_at"]["type"] == "datetime"
    assert runs["status"]["constraints"]["enum"] == ["complete", "partial", "failed"]
    changes = resources["changes"]["schema"]
    assert {field["name"]: field["type"] for field in changes["fields"]}["fields"] == "object"
    assert [resources[name]["schema"]["primaryKey"] for name in resources] == [
        ["key"],
        ["key"],
        ["id"],
        ["id"],
    ]
    references = {
        (key["fields"][0], key["reference"]["resource"], key["reference"]["fields"][0])
        for key in changes["foreignKeys"]
    }
    assert {
        ("run_id", "runs", "id"),
        ("solution_key", "solutions", "key"),
        ("candidate_key", "candidates", "key"),
    } <= references


def test_changes_name_their_entry_in_the_column_of_its_kind(package):
    rows = csv_rows(package / "changes.csv")
    header = rows[0]
    entity, solution, candidate = (
        header.index(name) for name in ("entity", "solution_key", "candidate_key")
    )
    kinds = {(row[entity], bool(row[solution]), bool(row[candidate])) for row in rows[1:]}
    assert kinds == {("solution", True, False), ("candidate", False, True)}


def test_licence_dates_sources_and_what_data_gouv_fr_asks(package, catalogue_path):
    descriptor = descriptor_of(package)
    assert descriptor["licenses"] == [
        {
            "name": "etalab-2.0",
            "title": "Licence Ouverte / Open Licence version 2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        }
    ]
    with sqlite3.connect(catalogue_path) as conn:
        first, last = conn.execute("SELECT min(finished_at), max(finished_at) FROM runs").fetchone()
        earliest = conn.execute("SELECT min(referenced_on) FROM solutions").fetchone()[0]
    assert (descriptor["created"], descriptor["lastModified"]) == (first, last)
    assert descriptor["datagouv"]["license"] == "lov2"
    assert descriptor["datagouv"]["frequency"] == "daily"
    assert descriptor["datagouv"]["temporal_coverage"]["start"] == earliest
    assert "industriels.esante.gouv.fr" in descriptor["sources"][0]["path"]
    assert "la liste de l'ANS fait foi" in descriptor["description"]


def test_the_readme_says_what_where_how_often_and_every_column(package):
    readme = (package / README).read_text(encoding="utf-8")
    for said in (
        "la liste de l'ANS fait foi",
        "Mise à jour** : quotidienne",
        "Licence Ouverte",
        "industriels.esante.gouv.fr",
        "synchronisation complète",
        "272 |",  # solutions.csv's rows
    ):
        assert said in readme, said
    for resource, field in fields_of(package):
        assert f"| `{field['name']}` | {field['title']} |" in readme, (resource, field["name"])


def test_stored_values_outside_the_vocabulary_keep_the_package_valid(tmp_path):
    """The scraper keeps a couloir it does not know as printed, and one version may name
    two DUI domains: the package admits both, and its README names the unknown one."""
    odd = replace(NET_SOINS, couloir="Télésanté", dispositif="DUI MS1 PA/PH/DOM + MS2 PDE")
    store_run(tmp_path / "catalogue.db", crawl_result(1, extra=(odd,)))
    folder = tmp_path / "paquet"
    export(tmp_path / "catalogue.db", folder)
    report = validated(folder)
    assert report.valid, errors_of(report)
    assert "« Télésanté »" in (folder / README).read_text(encoding="utf-8")


def test_no_package_before_a_sync_wrote_data(tmp_path):
    store_failed_run(tmp_path / "catalogue.db", "Le site ne répond pas.")
    with pytest.raises(ExportError, match="aucune synchronisation"):
        export(tmp_path / "catalogue.db", tmp_path / "paquet")
    assert not (tmp_path / "paquet").exists()


# Never half a bundle ----------------------------------------------------------------------


def test_a_failed_export_leaves_the_previous_bundle_whole(catalogue_path, tmp_path, monkeypatch):
    folder = tmp_path / "paquet"
    export(catalogue_path, folder)
    before = snapshot(folder)

    def broken(*arguments):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "write_archive", broken)
    with pytest.raises(ExportError, match="No space left on device"):
        export(catalogue_path, folder)
    assert snapshot(folder) == before
    assert [path.name for path in tmp_path.iterdir()] == ["paquet"]


def test_a_new_bundle_replaces_the_previous_one(tmp_path):
    db_path = build_catalogue(tmp_path / "catalogue.db", states=(1,))
    folder = tmp_path / "paquet"
    export(db_path, folder)
    store_run(db_path, crawl_result(2), now="2025-06-02T02:00:00+00:00")
    export(db_path, folder)
    assert len(csv_rows(folder / "runs.csv")) - 1 == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["catalogue.db", "paquet"]


def test_leftovers_of_a_killed_export_are_removed(catalogue_path, tmp_path):
    dead = tmp_path / ".paquet.new-999999999-abcd"  # no process has this pid
    dead.mkdir()
    (dead / "solutions.csv").write_text("à moitié", encoding="utf-8")
    export(catalogue_path, tmp_path / "paquet")
    assert not dead.exists()


def test_a_folder_holding_other_files_is_never_replaced(catalogue_path, tmp_path):
    (tmp_path / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(ExportError, match="notes.txt"):
        export(catalogue_path, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "à garder"


# segur export ---------------------------------------------------------------------------


def segur_export(*args: str):
    return CliRunner().invoke(cli, ["export", *args])


def test_segur_export_writes_the_package(catalogue_path, tmp_path):
    result = segur_export(str(tmp_path / "donnees"), "--db", str(catalogue_path))
    assert result.exit_code == 0, result.output
    assert "solutions.csv 272 rows" in result.stdout
    assert validated(tmp_path / "donnees").valid


@pytest.mark.parametrize(
    "target, db, said",
    [
        ("donnees", "absent.db", "catalogue introuvable"),
        ("un-fichier", None, "est un fichier, pas un dossier"),
        ("un-fichier/donnees", None, "écriture impossible"),
    ],
)
def test_segur_export_fails_in_one_line_and_writes_nothing(
    catalogue_path, tmp_path, target, db, said
):
    (tmp_path / "un-fichier").write_text("", encoding="utf-8")
    database = str(tmp_path / db) if db else str(catalogue_path)
    result = segur_export(str(tmp_path / target), "--db", database)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("segur export: ")
    assert said in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["un-fichier"]


# After each complete sync -------------------------------------------------------------------


def stored_by_a_crawl(result: CrawlResult):
    """`crawl_and_store` that stores `result` instead of crawling (no Scrapy here)."""

    def crawl_and_store(db_path, base_url, delay, timeout, retries, progress):
        db = open_db(db_path)
        try:
            return record_run(db, start_run(db, base_url), result)
        finally:
            db.conn.close()

    return crawl_and_store


def sync(monkeypatch, db_path: Path, result: CrawlResult):
    monkeypatch.setattr(catalogue.sync, "crawl_and_store", stored_by_a_crawl(result))
    return catalogue.sync.run_sync(str(db_path), result.base_url)


def test_a_complete_sync_rebuilds_the_bundle_beside_the_catalogue(tmp_path, monkeypatch):
    db_path = tmp_path / "catalogue.db"
    summary = sync(monkeypatch, db_path, crawl_result(1))
    assert (summary.status, summary.notices) == ("complete", [])
    folder = bundle_folder(db_path)
    assert folder == tmp_path / "donnees"
    assert validated(folder).valid
    sync(monkeypatch, db_path, crawl_result(2))
    assert len(csv_rows(folder / "runs.csv")) - 1 == 2


@pytest.mark.parametrize("status", ["failed", "partial"])
def test_a_sync_that_is_not_complete_leaves_the_bundle_as_it_was(tmp_path, monkeypatch, status):
    db_path = tmp_path / "catalogue.db"
    sync(monkeypatch, db_path, crawl_result(1))
    before = snapshot(bundle_folder(db_path))
    summary = sync(monkeypatch, db_path, crawl_result(2, status=status))
    assert summary.status == status
    assert snapshot(bundle_folder(db_path)) == before


def test_a_bundle_that_cannot_be_written_never_fails_the_sync(tmp_path, monkeypatch):
    db_path = tmp_path / "catalogue.db"
    (tmp_path / "donnees").write_text("un fichier à cette place", encoding="utf-8")
    summary = sync(monkeypatch, db_path, crawl_result(1))
    assert summary.status == "complete"
    assert len(summary.notices) == 1
    assert "open-data bundle could not be rebuilt" in summary.notices[0]
    assert "est un fichier" in summary.notices[0]


@pytest.mark.slow
def test_a_real_sync_rebuilds_the_bundle(replica, segur, tmp_path):
    server = replica()
    db_path = tmp_path / "catalogue" / "segur.db"
    result = segur("sync", "--base-url", server.url, "--db", str(db_path), "--delay", "0", "-q")
    assert result.returncode == 0, result.stderr
    bundle = read_bundle(bundle_folder(db_path))
    assert bundle is not None and (bundle.folder / ARCHIVE).is_file()
    assert {file.table.name: file.rows for file in bundle.files}["solutions"] == 266
    report = validated(bundle.folder)
    assert report.valid, errors_of(report)
