"""One source per field: the record types (scraper/items.py) describe every field, and the
labels, the schema, the public view and its descriptions follow them (CONTRIBUTING.md,
"Adding a field")."""

from __future__ import annotations

import pytest
import sqlite_utils

from catalogue.schema import PUBLIC_VIEW, ensure_schema
from catalogue.serve.app import load_metadata
from catalogue.serve.served import DATABASE_NAME
from scraper.items import (
    CANDIDATE_FACTS,
    SOLUTION_FACTS,
    CandidateRecord,
    SolutionRecord,
    field_info,
    field_names,
)
from scraper.parsers.labels import CANDIDATE_LABELS, LISTING_LABELS

COLUMN_TYPES = {"str": str, "int": int}


@pytest.fixture(scope="module")
def db():
    database = sqlite_utils.Database(memory=True)
    ensure_schema(database)
    return database


def record_types(record_type) -> dict[str, type]:
    """Each field's stored type: the type its annotation names besides None."""
    annotations = {}
    for cls in reversed(record_type.__mro__):
        annotations.update(getattr(cls, "__annotations__", {}))
    return {
        name: COLUMN_TYPES[annotations[name].split("|")[0].strip()]
        for name in field_names(record_type)
    }


def test_every_fact_has_labels_and_every_label_a_fact():
    assert tuple(LISTING_LABELS) == SOLUTION_FACTS
    assert set(CANDIDATE_LABELS) >= set(CANDIDATE_FACTS)
    assert set(CANDIDATE_LABELS) - set(CANDIDATE_FACTS) <= set(SOLUTION_FACTS)


@pytest.mark.parametrize(
    "record_type, tables",
    [
        (SolutionRecord, ("solutions", "solution_versions")),
        (CandidateRecord, ("candidates", "candidate_versions")),
    ],
)
def test_every_field_is_stored_with_its_type(db, record_type, tables):
    for table in tables:
        columns = db[table].columns_dict
        missing = {
            name: wanted
            for name, wanted in record_types(record_type).items()
            if columns.get(name) is not wanted
        }
        assert not missing, f"{table}: add a migration for {missing}"


def test_every_change_repeats_the_summary_fields(db):
    columns = db["changes"].columns_dict
    summary = field_names(SolutionRecord, summary=True) + field_names(CandidateRecord, summary=True)
    assert set(summary) <= set(columns)


def test_the_public_view_shows_every_field_under_its_french_name(db):
    columns = list(db[PUBLIC_VIEW].columns_dict)
    expected = [field_info(SolutionRecord, name).column for name in field_names(SolutionRecord)]
    assert sorted(columns) == sorted(["rowid", "fiche", *expected])
    assert columns[1] == "solution"


def test_every_public_column_has_a_french_description(db):
    tables = load_metadata()["databases"][DATABASE_NAME]["tables"]
    for table, names in (
        (PUBLIC_VIEW, list(db[PUBLIC_VIEW].columns_dict)),
        ("solutions", field_names(SolutionRecord)),
        ("candidates", field_names(CandidateRecord)),
    ):
        described = tables[table]["columns"]
        assert not [name for name in names if not described.get(name)], table


def test_public_column_names_are_distinct():
    columns = [field_info(SolutionRecord, name).column for name in field_names(SolutionRecord)]
    assert len(set(columns)) == len(columns)


def test_required_fields_are_what_a_record_cannot_lack():
    assert field_names(SolutionRecord, required=True) == ("editor", "solution", "version")
    assert SolutionRecord("Éditeur", "", "1.0").missing_fields() == ["solution"]
    assert CandidateRecord("Éditeur", "Solution").missing_fields() == []
