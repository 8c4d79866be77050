"""Text normalisation: cleaning, folding, dates, vagues, result counts."""

from __future__ import annotations

import pytest

from scraper.normalize import (
    clean_text,
    compact_key,
    find_vague,
    fold,
    label_key,
    loose_key,
    parse_date,
    parse_result_count,
    parse_vague,
    split_trailing_count,
    straight_apostrophes,
)


def test_clean_text_collapses_every_whitespace_and_normalises_to_nfc():
    assert clean_text(" A\u00a0\u202fB\u2009\tC\n") == "A B C"
    assert clean_text("E\u0301diteur") == "Éditeur"
    assert clean_text(None) == ""


def test_fold_ignores_case_and_accents():
    assert fold("  ÉDITEUR  Référencé ") == "editeur reference"


def test_label_key_drops_trailing_colon_and_star():
    assert label_key("Éditeur :") == label_key("EDITEUR*") == "editeur"


def test_loose_and_compact_keys():
    assert loose_key("Bio Logbook – Transcodification") == "bio logbook transcodification"
    assert loose_key("RADIOLOGIE & IMAGERIE") == "radiologie et imagerie"
    assert compact_key("Net Soins") == compact_key("NETSOINS")


@pytest.mark.parametrize(
    "text, iso",
    [
        ("15/06/2022", "2022-06-15"),
        ("15.06.2022", "2022-06-15"),
        ("15-06-2022", "2022-06-15"),
        ("15 juin 2022", "2022-06-15"),
        ("1er juin 2022", "2022-06-01"),
        ("1ᵉʳ juin 2022", "2022-06-01"),
        ("15 Février 2023", "2023-02-15"),
        ("3 août 2023", "2023-08-03"),
        ("15 sept. 2022", "2022-09-15"),
        ("2022-06-15", "2022-06-15"),
        ("2022-06-15T10:00:00", "2022-06-15"),
        ("Référencé le 14 décembre 2023", "2023-12-14"),
    ],
)
def test_parse_date_formats(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", [None, "", "juin 2022", "31/02/2022", "15 brumaire 2022", "-"])
def test_parse_date_rejects_non_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, vague",
    [
        ("Vague 1", 1),
        ("V1", 1),
        ("1", 1),
        ("vague2", 2),
        ("VAGUE 2", 2),
        ("Vague n°2", 2),
        ("Vague 1 (2021-2024)", 1),
        ("2e vague", 2),
        ("Vague II", 2),
    ],
)
def test_parse_vague(text, vague):
    assert parse_vague(text) == vague


@pytest.mark.parametrize("text", [None, "", "Version 2", "Vague", "2022"])
def test_parse_vague_rejects_other_text(text):
    assert parse_vague(text) is None


def test_find_vague_in_a_heading():
    assert find_vague("Solutions référencées – Vague 2") == 2
    assert find_vague("Ségur : deuxième vague") == 2
    assert find_vague("Solutions référencées") is None


@pytest.mark.parametrize(
    "text, count",
    [
        ("137 résultats", 137),
        ("1 résultat", 1),
        ("Aucun résultat", 0),
        ("1 234 résultats", 1234),
        ("1\u00a0234 résultats", 1234),
        ("1\u202f234 résultats", 1234),
        ("1.234 résultats", 1234),
        ("Affichage de 1 à 20 sur 137 résultats", 137),
        ("137 résultat(s)", 137),
    ],
)
def test_parse_result_count(text, count):
    assert parse_result_count(text) == count


@pytest.mark.parametrize("text", [None, "", "Résultats de la recherche", "50 résultats par page"])
def test_parse_result_count_none_when_nothing_announced(text):
    assert parse_result_count(text) is None


def test_split_trailing_count():
    assert split_trailing_count("Dossier Usager Informatisé (DUI) (59)") == (
        "Dossier Usager Informatisé (DUI)",
        59,
    )
    assert split_trailing_count("MS2 PDE (1\u00a0234)") == ("MS2 PDE", 1234)
    assert split_trailing_count("DRIMbox") == ("DRIMbox", None)


def test_straight_apostrophes_keeps_other_punctuation():
    assert straight_apostrophes("L’ATELIER – « SOIN » ‘x’") == "L'ATELIER – « SOIN » 'x'"
