"""Label synonyms of contract 4.1/4.2 and how printed labels map to fields."""

from __future__ import annotations

import pytest

from scraper.parsers.labels import (
    CANDIDATE,
    CANDIDATE_LABELS,
    LISTING,
    LISTING_LABELS,
    LabelTable,
    field_for_header,
    field_for_label,
    label_form,
)

CONTRACT_LISTING = {
    "editor": ["Éditeur", "Raison sociale", "Fournisseur"],
    "solution": ["Solution", "Nom du logiciel", "Nom commercial", "Logiciel"],
    "version": ["Version", "Numéro de version", "Version technique"],
    "couloir": ["Couloir", "Catégorie"],
    "dispositif": ["Dispositif", "DSR", "Type de logiciel"],
    "vague": ["Vague"],
    "referenced_on": ["Date de référencement", "Référencé le", "Date de décision"],
    "reference_number": [
        "Numéro de référencement",
        "N° de référencement",
        "Identifiant de référencement",
    ],
    "distributors": ["Distributeur", "Distributeurs"],
    "pilots": ["Premières installations réussies", "Installations pilotes"],
}
CONTRACT_CANDIDATE_ONLY = {
    "status": ["Statut"],
    "applied_on": ["Date de candidature", "Date de dépôt"],
}


@pytest.mark.parametrize(
    "label, field", [(label, f) for f, labels in CONTRACT_LISTING.items() for label in labels]
)
def test_every_contract_label_maps_in_both_tables(label, field):
    assert field_for_label(label) == field
    assert field_for_label(label, CANDIDATE) == field


@pytest.mark.parametrize(
    "label, field",
    [(label, f) for f, labels in CONTRACT_CANDIDATE_ONLY.items() for label in labels],
)
def test_candidate_only_labels(label, field):
    assert field_for_label(label, CANDIDATE) == field
    assert field_for_label(label, LISTING) is None


@pytest.mark.parametrize(
    "printed",
    ["ÉDITEUR", "editeur", "Éditeur :", "Éditeur:", "  Éditeur\u00a0: ", "Éditeurs", "Éditeur*"],
)
def test_case_accents_colon_and_plural_do_not_count(printed):
    assert field_for_label(printed) == "editor"


@pytest.mark.parametrize(
    "printed",
    [
        "Nº de référencement",
        "No de référencement",
        "N°de référencement",
        "numéro de référencement :",
    ],
)
def test_numero_abbreviations(printed):
    assert field_for_label(printed) == "reference_number"


def test_parenthesised_precision_is_ignored():
    assert field_for_label("Éditeur (raison sociale)") == "editor"
    assert field_for_label("Distributeur(s)") == "distributors"


def test_labels_match_whole_not_by_substring():
    assert field_for_label("Type de logiciel") == "dispositif"
    assert field_for_label("Logiciel") == "solution"
    assert field_for_label("Description du logiciel") is None
    assert field_for_label("Éditeur : ACME") is None


@pytest.mark.parametrize("text", [None, "", "Producteur", "Description", "x" * 200])
def test_unknown_text_is_no_label(text):
    assert field_for_label(text) is None


def test_label_form_folds_spelling():
    assert label_form("N° de référencement :") == label_form("Numéro de référencement")


def test_tables_list_their_fields():
    assert set(LISTING.fields) == set(LISTING_LABELS)
    assert set(CANDIDATE.fields) == set(CANDIDATE_LABELS) >= {"status", "applied_on"}


def test_a_label_naming_two_fields_is_refused():
    with pytest.raises(ValueError, match="names both"):
        LabelTable.build("bad", {"editor": ("Éditeur",), "solution": ("Editeurs",)})


@pytest.mark.parametrize(
    "header, field",
    [
        ("Date de dépôt du dossier", "applied_on"),
        ("Numéro de version technique du logiciel", "version"),
        ("Raison sociale de l'éditeur", "editor"),
        ("Éditeur du logiciel médical", "editor"),
        ("Couloir de référencement", "couloir"),
        ("Versions antérieures", None),
        ("Solution alternative", None),
        ("Solutionneur", None),
    ],
)
def test_column_header_may_lengthen_a_label_of_several_words(header, field):
    assert field_for_header(header, CANDIDATE) == field
