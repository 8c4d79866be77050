"""The official couloir -> dispositif vocabulary and the candidature statuses."""

from __future__ import annotations

import re

import pytest

from scraper.vocabulary import (
    BY_NAME,
    DISPOSITIFS,
    combine_dispositifs,
    couloir_of,
    find_dispositifs,
    only_dispositif_of,
    resolve_couloir,
    resolve_dispositif,
    resolve_status,
    stored_dispositif_pattern,
    within_dispositif,
)


@pytest.mark.parametrize("dispositif", DISPOSITIFS, ids=lambda d: d.name)
def test_every_canonical_name_and_title_resolves_to_itself(dispositif):
    assert resolve_dispositif(dispositif.name) is dispositif
    assert resolve_dispositif(f"{dispositif.title} ({dispositif.name})") is dispositif


@pytest.mark.parametrize(
    "text, name",
    [
        ("Dossier Patient Informatisé (DPI)", "DPI"),
        ("Dossier Usager Informatisé (DUI) (59)", "DUI"),
        ("MS1 PA/PH/DOM", "DUI MS1 PA/PH/DOM"),
        ("MS2 PDE", "DUI MS2 PDE"),
        ("DUI – MS2 PDS", "DUI MS2 PDS"),
        ("Logiciel de Gestion de Cabinet Sages-femmes", "LGC SF"),
        ("LGC", "LGC"),
        ("Système de Gestion de Laboratoire", "SGL"),
        ("DRIM-box", "DRIMbox"),
    ],
)
def test_resolve_dispositif_spellings(text, name):
    assert resolve_dispositif(text).name == name


@pytest.mark.parametrize("text", ["DPI et RI", "LGC et LGO", "Hôpital", "", None])
def test_text_naming_none_or_several_dispositifs_resolves_to_none(text):
    assert resolve_dispositif(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "MS2",
        "MS3",
        "MS1 et MS2",
        "DUI MS1 PA/PH/DOM, MS2 PDE, MS2 PDS (62)",
        "DUI MS1 PA/PH/DOM + MS2 PDE",
    ],
)
def test_several_domains_of_one_dispositif_name_that_dispositif(text):
    assert resolve_dispositif(text).name == "DUI"


def test_group_name_names_all_its_members():
    assert [d.name for d in find_dispositifs("MS1 et MS2")] == [
        "DUI MS1 PA/PH/DOM",
        "DUI MS2 PDE",
        "DUI MS2 PDS",
    ]


@pytest.mark.parametrize(
    "text, couloir",
    [
        ("Imagerie", "Radiologie"),
        ("Imagerie (Radiologie)", "Radiologie"),
        ("Médecine de ville", "Médecin de ville"),
        ("Sages-femmes & paramédicaux", "Sages-femmes et paramédicaux"),
        ("Service d'accès aux soins", "Service d'accès aux soins"),
        ("Social et médico-social", "Social et médico-social"),
    ],
)
def test_resolve_couloir(text, couloir):
    assert resolve_couloir(text) == couloir


def test_couloir_of_and_only_dispositif_of():
    assert couloir_of("DRIMbox") == "Radiologie"
    assert couloir_of("Unknown") is None
    assert only_dispositif_of("Officine") is BY_NAME["LGO"]
    assert only_dispositif_of("Hôpital") is None


@pytest.mark.parametrize(
    "text, status",
    [
        ("Candidat", "Candidat"),
        ("candidat(e)", "Candidat"),
        ("Candidature déposée", "Candidat"),
        ("En cours d'instruction", "En cours d'instruction"),
        ("Instruction en cours", "En cours d'instruction"),
        ("Référencée", "Référencé"),
        ("Referencé", "Référencé"),
    ],
)
def test_resolve_status(text, status):
    assert resolve_status(text) == status


@pytest.mark.parametrize("text", ["Non référencé", "Refusé", "Abandon", "", None, "Autre"])
def test_unknown_or_refused_status_is_none(text):
    assert resolve_status(text) is None


@pytest.mark.parametrize(
    ("stored", "wanted", "within"),
    [
        ("DUI MS1 PA/PH/DOM", "DUI", True),
        ("DUI MS1 PA/PH/DOM + MS2 PDE", "DUI", True),
        ("DUI", "dui", True),
        ("DUI MS1 PA/PH/DOM", "dui-ms1-pa-ph-dom", True),
        ("DUI MS1 PA/PH/DOM + MS2 PDE", "DUI MS2 PDE", True),
        ("DUI MS2 PDS", "DUI MS2 PDE", False),
        ("DUI", "DUI MS1 PA/PH/DOM", False),  # the domain is not known
        ("LGC SF", "LGC", False),
        ("LGC CD", "LGC", False),
        ("LGC", "LGC", True),
        ("DPI", "DUI", False),
        (None, "DUI", False),
        ("DUI MS1 PA/PH/DOM", "", False),
        ("Logiciel inconnu", "logiciel-inconnu", True),
        ("Logiciel inconnu", "Logiciel", False),
    ],
)
def test_within_dispositif(stored, wanted, within):
    assert within_dispositif(stored, wanted) is within


def test_the_stored_dispositif_pattern_matches_what_the_catalogue_stores():
    """Every canonical name, and every combination of DUI domains, but nothing else."""
    pattern = re.compile(stored_dispositif_pattern())
    domains = [d.name for d in DISPOSITIFS if d.family]
    stored = {d.name for d in DISPOSITIFS}
    stored |= {combine_dispositifs(a, b) for a in domains for b in domains}
    stored.add(combine_dispositifs(combine_dispositifs(domains[0], domains[1]), domains[2]))
    assert "DUI MS1 PA/PH/DOM + MS2 PDE + MS2 PDS" in stored
    assert all(pattern.fullmatch(name) for name in stored)
    for other in ("DUI + MS2 PDE", "LGC SF + MS2 PDE", "DPIX", "dpi", "MS2 PDE", "DUI MS2 PDE +"):
        assert not pattern.fullmatch(other), other
