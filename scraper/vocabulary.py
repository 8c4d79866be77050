"""The official couloir -> dispositif tree (docs/ans-site.md, section 2).

Scraped labels come in many spellings ("Dossier Usager Informatisé (DUI) (59)",
"DUI", "MS1 PA/PH/DOM", "Logiciel de Gestion de Cabinet"); `resolve_dispositif`
maps them to one canonical `Dispositif`, and `resolve_couloir` does the same for
couloirs. The canonical names below are what the catalogue stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scraper.normalize import loose_key


@dataclass(frozen=True)
class Dispositif:
    name: str  # canonical short name stored in the catalogue: "DPI", "DUI MS2 PDE"
    title: str  # official long title: "Dossier Patient Informatisé"
    couloir: str  # canonical couloir name
    synonyms: tuple[str, ...] = ()
    family: str | None = None  # a domain's dispositif: "DUI" for "DUI MS2 PDE"

    @property
    def level(self) -> str:
        """What every rendering can know of it: the dispositif, not its domain."""
        return self.family or self.name


HOPITAL = "Hôpital"
MEDECIN_DE_VILLE = "Médecin de ville"
BIOLOGIE = "Biologie médicale"
RADIOLOGIE = "Radiologie"
OFFICINE = "Officine"
MEDICO_SOCIAL = "Social et médico-social"
MSSANTE = "Opérateurs MSSanté"
SAS = "Service d'accès aux soins"
PARAMEDICAUX = "Sages-femmes et paramédicaux"
DENTISTES = "Chirurgien-dentiste"

COULOIRS: dict[str, tuple[str, ...]] = {
    HOPITAL: ("Hôpital", "Hopital", "Établissements de santé", "Etablissement de santé", "ES"),
    MEDECIN_DE_VILLE: ("Médecin de ville", "Médecine de ville", "Médecins de ville", "MDV"),
    BIOLOGIE: ("Biologie médicale", "Biologie", "Biologistes", "BIO"),
    RADIOLOGIE: ("Radiologie", "Imagerie", "Imagerie (Radiologie)", "Imagerie médicale", "RAD"),
    OFFICINE: ("Officine", "Officines", "Pharmacie", "Pharmacie d'officine", "OFF"),
    MEDICO_SOCIAL: (
        "Social et médico-social",
        "Médico-social",
        "Medico social",
        "ESMS",
        "Secteur social et médico-social",
        "MS",
    ),
    MSSANTE: ("Opérateurs MSSanté", "Opérateurs MSS", "MSSanté", "Opérateurs de messagerie"),
    SAS: ("Service d'accès aux soins", "SAS"),
    PARAMEDICAUX: (
        "Sages-femmes et paramédicaux",
        "Sages-femmes & paramédicaux",
        "Sages-femmes",
        "Sage-femme",
        "Paramédicaux",
    ),
    DENTISTES: ("Chirurgien-dentiste", "Chirurgiens-dentistes", "Dentistes", "CD"),
}

DISPOSITIFS: tuple[Dispositif, ...] = (
    Dispositif("DPI", "Dossier Patient Informatisé", HOPITAL, ("DPI",)),
    Dispositif("PFI", "Plateforme d'Intermédiation", HOPITAL, ("PFI",)),
    Dispositif("RI", "Référentiel Identité", HOPITAL, ("RI", "Référentiel d'identité")),
    Dispositif(
        "LGC SF",
        "Logiciel de Gestion de Cabinet Sages-femmes",
        PARAMEDICAUX,
        ("LGC SF", "LGC sages-femmes", "LGC sage-femme"),
    ),
    Dispositif(
        "LGC paramédicaux",
        "Logiciel de Gestion de Cabinet paramédicaux",
        PARAMEDICAUX,
        ("LGC paramédicaux", "LGC paramedical", "LGC PARAMED"),
    ),
    Dispositif(
        "LGC CD",
        "Logiciel de Gestion de Cabinet Chirurgiens-dentistes",
        DENTISTES,
        ("LGC CD", "LGC chirurgiens-dentistes", "LGC chirurgien-dentiste", "LGC dentistes"),
    ),
    Dispositif(
        "LGC",
        "Logiciel de Gestion de Cabinet",
        MEDECIN_DE_VILLE,
        ("LGC", "Logiciel de gestion de cabinet médical"),
    ),
    Dispositif(
        "SGL",
        "Système de Gestion de Laboratoire",
        BIOLOGIE,
        ("SGL", "Système de gestion de laboratoire de biologie médicale", "SGL/SIL"),
    ),
    Dispositif(
        "Transcodeur LOINC",
        "Transcodeur LOINC",
        BIOLOGIE,
        ("Transcodeur LOINC", "Transcodage LOINC", "LOINC", "Transcodeur"),
    ),
    Dispositif("DRIMbox", "DRIMbox", RADIOLOGIE, ("DRIMbox", "DRIM box", "DRIM-box")),
    Dispositif(
        "RIS",
        "Radiology Information System",
        RADIOLOGIE,
        ("RIS", "Système d'information de radiologie"),
    ),
    Dispositif("LGO", "Logiciel de Gestion d'Officine", OFFICINE, ("LGO",)),
    Dispositif(
        "DUI MS1 PA/PH/DOM",
        "Dossier Usager Informatisé MS1 PA/PH/DOM",
        MEDICO_SOCIAL,
        ("MS1 PA/PH/DOM", "MS1 PA PH DOM", "MS1"),
        "DUI",
    ),
    Dispositif(
        "DUI MS2 PDE",
        "Dossier Usager Informatisé MS2 PDE",
        MEDICO_SOCIAL,
        ("MS2 PDE", "PDE", "Protection de l'enfance"),
        "DUI",
    ),
    Dispositif(
        "DUI MS2 PDS",
        "Dossier Usager Informatisé MS2 PDS",
        MEDICO_SOCIAL,
        ("MS2 PDS", "PDS", "Personnes en difficulté spécifique"),
        "DUI",
    ),
    Dispositif(
        "DUI MS3 AHI",
        "Dossier Usager Informatisé MS3 AHI",
        MEDICO_SOCIAL,
        ("MS3 AHI", "AHI"),
        "DUI",
    ),
    Dispositif(
        "DUI MS3 PJM",
        "Dossier Usager Informatisé MS3 PJM",
        MEDICO_SOCIAL,
        ("MS3 PJM", "PJM"),
        "DUI",
    ),
    Dispositif("DUI", "Dossier Usager Informatisé", MEDICO_SOCIAL, ("DUI", "Dossier usager")),
    Dispositif(
        "Opérateurs MSS",
        "Opérateurs MSSanté",
        MSSANTE,
        ("Opérateurs MSS", "Opérateur MSS", "Opérateurs MSSanté", "MSS", "Opérateur MSSanté"),
    ),
    Dispositif("SAS Agenda", "SAS Agenda", SAS, ("SAS Agenda", "Agenda SAS", "Logiciel d'agenda")),
)

BY_NAME = {d.name: d for d in DISPOSITIFS}


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    keys = sorted({loose_key(p) for p in phrases if loose_key(p)}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![a-z0-9])")


# Longest phrases first so that "LGC SF" wins over "LGC" and "MS2 PDE" over "DUI".
_DISPOSITIF_PATTERNS = [
    (d, _pattern([d.name, d.title, f"{d.title} ({d.name})", *d.synonyms])) for d in DISPOSITIFS
]
_COULOIR_PATTERNS = [(name, _pattern(list(synonyms))) for name, synonyms in COULOIRS.items()]

# Names of a group of dispositifs: a text saying only "MS2" names both MS2 PDE and MS2 PDS.
_GROUPS = (
    (_pattern(["MS2", "DUI MS2"]), ("DUI MS2 PDE", "DUI MS2 PDS")),
    (_pattern(["MS3", "DUI MS3"]), ("DUI MS3 AHI", "DUI MS3 PJM")),
)


def find_dispositifs(text: str | None) -> list[Dispositif]:
    """Every dispositif a text names, most specific first, without duplicates.

    A sub-programme ("MS2 PDE") hides the generic "DUI" it belongs to, and
    "LGC SF" hides "LGC". A group name alone ("MS2") names all its members, so
    "MS1 et MS2" names three dispositifs.
    """
    return list(_find_dispositifs(loose_key(text)))


@lru_cache(maxsize=4096)
def _find_dispositifs(key: str) -> tuple[Dispositif, ...]:
    found: list[Dispositif] = []
    spans: list[tuple[int, int]] = []

    def covered(match: re.Match[str]) -> bool:
        return any(start <= match.start() and match.end() <= end for start, end in spans)

    for dispositif, pattern in _DISPOSITIF_PATTERNS:
        for match in pattern.finditer(key):
            if covered(match):
                continue
            spans.append(match.span())
            if dispositif not in found:
                found.append(dispositif)
    for pattern, members in _GROUPS:
        for match in pattern.finditer(key):
            if covered(match):
                continue
            spans.append(match.span())
            found.extend(BY_NAME[name] for name in members if BY_NAME[name] not in found)
    if any(d.name.startswith("DUI ") for d in found):
        found = [d for d in found if d.name != "DUI"]
    return tuple(found)


def resolve_dispositif(text: str | None) -> Dispositif | None:
    """The one dispositif a label names, or None when it names none or several.

    A label naming several domains of one dispositif ("DUI MS1 PA/PH/DOM, MS2
    PDE, MS2 PDS") names that dispositif (DUI).
    """
    found = find_dispositifs(text)
    if len(found) == 1:
        return found[0]
    levels = {dispositif.level for dispositif in found}
    return BY_NAME[levels.pop()] if len(levels) == 1 else None


# A dispositif read with several of its domains, as stored: "DUI MS1 PA/PH/DOM + MS2 PDE".
DOMAIN_JOINER = " + "


def dispositif_level(name: str | None) -> str | None:
    """The dispositif at the level every rendering can know ("DUI MS2 PDE" -> "DUI",
    "DUI MS1 PA/PH/DOM + MS2 PDE" -> "DUI", "LGC" -> "LGC"); unknown names unchanged."""
    if not name:
        return name
    known = BY_NAME.get(name)
    if known is not None:
        return known.level
    resolved = resolve_dispositif(name)
    return resolved.level if resolved is not None else name


def domains_of(name: str | None) -> tuple[str, ...]:
    """The domain-level dispositifs a stored name carries, in vocabulary order."""
    if not name:
        return ()
    known = BY_NAME.get(name)
    if known is not None:
        return (known.name,) if known.family else ()
    return tuple(d.name for d in find_dispositifs(name) if d.family)


def within_dispositif(stored: str | None, wanted: str | None) -> bool:
    """Whether a stored dispositif is the one `wanted` names or one of its domains:
    "DUI" holds "DUI MS1 PA/PH/DOM" and "DUI MS1 PA/PH/DOM + MS2 PDE", "DUI MS2 PDE"
    holds the latter too, "LGC" holds neither "LGC SF" nor "LGC CD". A name the
    vocabulary does not know holds what is spelt like it (case, accents and
    punctuation aside); nothing holds a blank dispositif."""
    if not stored or not wanted:
        return False
    target = resolve_dispositif(wanted)
    if target is None:
        return loose_key(stored) == loose_key(wanted)
    if target.family is None:
        return dispositif_level(stored) == target.name
    return target.name in domains_of(stored)


def combine_dispositifs(first: str | None, second: str | None) -> str | None:
    """One dispositif from two readings of the same entry: the finer wins, and
    two different domains of one dispositif are both kept ("DUI MS1 PA/PH/DOM +
    MS2 PDE"). Readings of different dispositifs keep the first."""
    if not first or not second or first == second:
        return first or second
    if dispositif_level(first) != dispositif_level(second):
        return first
    domains = [d for d in DISPOSITIFS if d.name in domains_of(first) + domains_of(second)]
    if not domains:
        return first
    if len(domains) == 1:
        return domains[0].name
    family = domains[0].family
    shortened = [d.name.removeprefix(f"{family} ") for d in domains[1:]]
    return DOMAIN_JOINER.join([domains[0].name, *shortened])


def stored_dispositif_pattern() -> str:
    """A regular expression (to match whole) of every dispositif the vocabulary lets
    the catalogue store: a canonical name, or a dispositif with several of its
    domains as `combine_dispositifs` writes them ("DUI MS1 PA/PH/DOM + MS2 PDE")."""
    plain = [literal(d.name) for d in DISPOSITIFS if d.family is None]
    combined = []
    for family in dict.fromkeys(d.family for d in DISPOSITIFS if d.family):
        parts = "|".join(
            literal(d.name.removeprefix(f"{family} ")) for d in DISPOSITIFS if d.family == family
        )
        combined.append(f"{literal(family)} (?:{parts})(?:{literal(DOMAIN_JOINER)}(?:{parts}))*")
    return f"(?:{'|'.join([*plain, *combined])})"


def literal(text: str) -> str:
    """`text` as a regular expression matching itself, in any regex dialect (only the
    characters every dialect treats as special are escaped, never a space)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


def is_finer_reading(reading: str, stored: str | None) -> bool:
    """Whether `reading` adds a domain to a `stored` dispositif that had none
    ("DUI MS1 PA/PH/DOM" read where "DUI", or nothing, was known)."""
    if not (stored or "").strip():
        return True
    return not domains_of(stored) and dispositif_level(reading) == stored


def is_coarser_or_same(reading: str | None, stored: str | None) -> bool:
    """Whether `reading` says nothing `stored` does not already say: the same
    dispositif, or its dispositif level ("DUI") read where a domain is stored."""
    if not reading or reading == stored:
        return True
    return not domains_of(reading) and dispositif_level(stored) == reading


def resolve_couloir(text: str | None) -> str | None:
    """The canonical couloir a label names ("Imagerie" -> "Radiologie"), or None."""
    return _resolve_couloir(loose_key(text))


@lru_cache(maxsize=4096)
def _resolve_couloir(key: str) -> str | None:
    matches = [name for name, pattern in _COULOIR_PATTERNS if pattern.search(key)]
    return matches[0] if len(matches) == 1 else None


def couloir_of(dispositif_name: str | None) -> str | None:
    dispositif = BY_NAME.get(dispositif_name or "")
    return dispositif.couloir if dispositif else None


def only_dispositif_of(couloir: str | None) -> Dispositif | None:
    """The dispositif of a couloir that has exactly one (Officine -> LGO)."""
    if couloir in (MEDICO_SOCIAL,):
        return BY_NAME["DUI"]
    members = [d for d in DISPOSITIFS if d.couloir == couloir]
    return members[0] if len(members) == 1 else None


CANDIDATE = "Candidat"
UNDER_REVIEW = "En cours d'instruction"
REFERENCED = "Référencé"
_REFUSAL = re.compile(r"\b(?:non|pas|refus\w*|rejet\w*|retir\w*|abandon\w*)\b")
_STATUS_PATTERNS = (
    (UNDER_REVIEW, re.compile(r"\b(?:en cours|instruction|en instruction|en examen)\b")),
    (REFERENCED, re.compile(r"^(?:solution )?(?:referencee?s?|referenced)\b")),
    (CANDIDATE, re.compile(r"^(?:candidate?s?|candidat e(?: s)?|candidature(?: \w+)?)$")),
)


def resolve_status(text: str | None) -> str | None:
    """A candidature status to "Candidat", "En cours d'instruction" or "Référencé"
    ("candidat(e)", "En cours", "Référencée", "Referencé" ...); None when unknown,
    including refusals ("Non référencé") which are not one of the three."""
    key = loose_key(text)
    if not key or _REFUSAL.search(key):
        return None
    for status, pattern in _STATUS_PATTERNS:
        if pattern.search(key):
            return status
    return None
