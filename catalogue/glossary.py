"""The glossary people read: what each couloir and dispositif of the Ségur
referencing is, in plain French (the public page `/glossaire`).

The list itself is the official vocabulary (`scraper.vocabulary`): every
dispositif there must have its explanation here (tests/test_glossary.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.pages import slug
from scraper.vocabulary import COULOIRS, DISPOSITIFS, Dispositif, find_dispositifs

# What each dispositif is for, and for whom, in one or two sentences.
EXPLANATIONS = {
    "DPI": "Le logiciel qui tient le dossier médical des patients d'un établissement de santé "
    "(hôpital, clinique).",
    "PFI": "Le logiciel qui relie les logiciels d'un établissement de santé aux services "
    "nationaux (Mon espace santé, messagerie sécurisée de santé, identité nationale de santé).",
    "RI": "Le logiciel qui gère l'identité des patients d'un établissement de santé, dont "
    "l'identité nationale de santé (INS).",
    "LGC": "Le logiciel de gestion du cabinet des médecins de ville : dossier des patients, "
    "ordonnances, échanges avec les autres professionnels.",
    "LGC SF": "Le logiciel de gestion du cabinet des sages-femmes.",
    "LGC paramédicaux": "Le logiciel de gestion du cabinet des professions paramédicales "
    "(infirmiers, masseurs-kinésithérapeutes…).",
    "LGC CD": "Le logiciel de gestion du cabinet des chirurgiens-dentistes.",
    "SGL": "Le logiciel des laboratoires de biologie médicale, qui gère les analyses et leurs "
    "comptes rendus.",
    "Transcodeur LOINC": "L'outil qui traduit les codes d'analyses d'un laboratoire dans la "
    "terminologie commune LOINC, pour que les résultats se lisent partout de la même façon.",
    "RIS": "Le système d'information des services et cabinets d'imagerie médicale (radiologie) : "
    "rendez-vous, examens, comptes rendus.",
    "DRIMbox": "La solution qui permet aux professionnels d'imagerie de partager et de consulter "
    "les images médicales d'un patient.",
    "LGO": "Le logiciel de gestion des pharmacies d'officine.",
    "DUI": "Le dossier usager informatisé : le logiciel qui tient le dossier des personnes "
    "accompagnées par un établissement ou un service social ou médico-social. Il est référencé "
    "par domaine, selon le public accompagné.",
    "DUI MS1 PA/PH/DOM": "Le dossier usager des établissements et services pour personnes âgées "
    "(PA, par exemple les EHPAD), pour personnes en situation de handicap (PH) et des services "
    "à domicile (DOM).",
    "DUI MS2 PDE": "Le dossier usager des établissements et services de la protection de "
    "l'enfance (PDE).",
    "DUI MS2 PDS": "Le dossier usager des établissements et services pour personnes en "
    "difficulté spécifique (PDS), par exemple en addictologie.",
    "DUI MS3 AHI": "Le dossier usager des structures d'accueil, d'hébergement et d'insertion "
    "(AHI).",
    "DUI MS3 PJM": "Le dossier usager des services de protection juridique des majeurs (PJM).",
    "Opérateurs MSS": "Les opérateurs de messagerie sécurisée de santé (MSSanté), qui permettent "
    "aux professionnels d'échanger des données de santé par courriel en toute sécurité.",
    "SAS Agenda": "Les logiciels d'agenda qui publient les disponibilités des professionnels "
    "pour le service d'accès aux soins (SAS).",
}


@dataclass(frozen=True)
class Term:
    """One dispositif of the glossary."""

    dispositif: Dispositif
    explanation: str
    domains: tuple[Term, ...] = ()  # a dispositif's domains (DUI: MS1, MS2…)

    @property
    def anchor(self) -> str:
        return anchor_of(self.dispositif.name)


@dataclass(frozen=True)
class CouloirSection:
    couloir: str
    terms: tuple[Term, ...]

    @property
    def anchor(self) -> str:
        return anchor_of(self.couloir)


def anchor_of(name: str) -> str:
    """The glossary anchor of a couloir or dispositif: "DUI MS2 PDE" -> "dui-ms2-pde"."""
    return slug(name)


def anchor_of_value(value: str) -> str:
    """The glossary anchor of a stored dispositif, which may name a dispositif with
    several domains ("DUI MS1 PA/PH/DOM + MS2 PDE": the first one's)."""
    found = find_dispositifs(value)
    return anchor_of(found[0].name if found else value)


def glossary() -> list[CouloirSection]:
    """Couloirs in the official order, each with its dispositifs (domains under theirs)."""
    sections = []
    for couloir in COULOIRS:
        terms = tuple(
            Term(
                dispositif,
                EXPLANATIONS[dispositif.name],
                tuple(_domain_term(d) for d in DISPOSITIFS if d.family == dispositif.name),
            )
            for dispositif in DISPOSITIFS
            if dispositif.couloir == couloir and dispositif.family is None
        )
        if terms:
            sections.append(CouloirSection(couloir, terms))
    return sections


def _domain_term(dispositif: Dispositif) -> Term:
    return Term(dispositif, EXPLANATIONS[dispositif.name])
