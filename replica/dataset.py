"""The data the offline replica of the ANS site serves, and the truth tests compare against.

Everything here is deterministic: the synthetic rows come from a `random.Random` with a fixed
seed, so `build_dataset(state, scale)` always returns the same records in the same order.

Solutions are the real rows of docs/ans-site.md section 3 (6 Transcodeur LOINC, 7 SGL, DESMOS 3.3),
hand-written edge cases (a `<script>` in a name, one product referenced at two versions, rows
with distributors, vague 2 rows with pilots, 10-hex reference numbers, ...) and synthetic rows
spread over the dispositifs like the real figures. Together the real and hand-written rows are
the *fixed* rows: `scale=N` replaces only the synthetic part by N generated rows, so a scaled
dataset has `N + len(fixed rows)` solutions and keeps every edge case. State 1 has 266
solutions (14 real, 24 hand-written, 228 synthetic) and 40 candidates in three articles.

Values are canonical: dispositif and couloir names from `scraper.vocabulary`, ISO dates, vague
as an int, `source_url` None. Solutions are listed newest referencing first, ties broken by key.

State 2 differs from state 1 exactly as follows (tests check every line; nothing else changes,
whatever the scale):

Solutions (editor / solution / version, dispositif, vague):
* added, newly referenced products (3):
  - KINÉ'ASSIST / KinéAgenda / 3.2, LGC paramédicaux, vague 2, referenced 2025-06-02, pilots
    "Cabinet de kinésithérapie du Lac (Annecy)" -- the former candidate of the vague 2 article;
  - NOUVELLE ÈRE SANTÉ / Enfance Connect / 1.0, DUI MS2 PDE, vague 1, referenced 2025-05-20;
  - HÉLIANTHE SYSTÈMES / Héliantis DPI / 2025.1, DPI, vague 2, referenced 2025-06-10, reference
    number 5e1a7c03b9, pilots "CH de Vienne ; Clinique des Alpes (Grenoble)".
* version replaced: OFFICINA SOFT / Officina / 7.2 (LGO, vague 1) disappears and
  OFFICINA SOFT / Officina / 7.3 (LGO, vague 1, referenced 2025-04-15) appears.
* version added: MÉDISOCIAL+ / Médisocial Dossier / 3.1 (DUI MS1 PA/PH/DOM, vague 1,
  referenced 2025-05-05) is referenced while 3.0 stays.
* date corrected: L'ATELIER DU SOIN / Atelier PFI / 2.1 (PFI, vague 1): referenced_on
  2023-02-14 becomes 2023-03-14 (same key).
* removed: RADIOLOGIE & IMAGERIE DU SUD-OUEST / RadiOuest RIS / 4.2.1 (RIS, vague 1).
So by key: 5 added (3 products, Officina 7.3, Médisocial Dossier 3.1), 2 removed (Officina 7.2,
RadiOuest RIS 4.2.1), 1 changed (Atelier PFI).

Candidates (editor / solution, dispositif):
* status changed: KINÉ'ASSIST / KinéAgenda (LGC paramédicaux): "En cours d'instruction" becomes
  "Référencé" (vague 2 article);
* added: ACCUEIL & PARCOURS / Parcours+ PDS (DUI MS2 PDS), "Candidat", applied 2023-01-16
  (médico-social article, MS2 PDS table);
* removed: CABINET CONNECTÉ SAS / Consult'Express (LGC) (médecine de ville article).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from scraper.items import CandidateRecord, SolutionRecord
from scraper.vocabulary import BY_NAME, couloir_of

STATES = (1, 2)

# How many solutions each dispositif lists in state 1 (real figures, docs/ans-site.md section 3).
# Also the weights that spread `scale` synthetic rows.
DISPOSITIF_TARGETS: dict[str, int] = {
    "DPI": 48,
    "PFI": 22,
    "RI": 20,
    "LGC": 43,
    "SGL": 7,
    "Transcodeur LOINC": 6,
    "RIS": 10,
    "DRIMbox": 3,
    "LGO": 11,
    "DUI MS1 PA/PH/DOM": 59,
    "DUI MS2 PDE": 14,
    "DUI MS2 PDS": 12,
    "Opérateurs MSS": 3,
    "SAS Agenda": 2,
    "LGC SF": 2,
    "LGC paramédicaux": 2,
    "LGC CD": 2,
}
VAGUE_2_ONLY = frozenset({"DRIMbox", "LGC SF", "LGC paramédicaux", "LGC CD"})


@dataclass(frozen=True)
class CandidateTable:
    """One table of a candidate article.

    `columns` pairs each printed header with the CandidateRecord field it shows. When the
    table has no dispositif column, `heading` (printed just above it) or the article title
    names the dispositif.
    """

    heading: str | None
    columns: tuple[tuple[str, str], ...]
    candidates: tuple[CandidateRecord, ...]
    date_style: str = "slash"  # slash "15/06/2022" | words "15 juin 2022" | iso "2022-06-15"


@dataclass(frozen=True)
class Article:
    """A news item listed on /actualites; a candidate article when it has tables."""

    slug: str
    title: str
    published_on: str  # ISO
    summary: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[CandidateTable, ...] = ()
    # How the body's HTML was produced by the site's editor (see render.article_body):
    # "figure" (<figure class="table"><table><thead>), "th-row" (header row of <th> inside
    # <tbody>), "caption" (<table> with <caption> and <thead>).
    table_markup: str = "figure"
    curly_apostrophes: bool = False  # the editor typed ’ instead of '
    calendar: tuple[tuple[str, str], ...] = ()  # an ordinary "Étape | Date" table

    @property
    def path(self) -> str:
        return f"/actualites/{self.slug}"

    @property
    def candidates(self) -> list[CandidateRecord]:
        return [c for table in self.tables for c in table.candidates]


@dataclass(frozen=True)
class Dataset:
    state: int
    scale: int | None
    solutions: list[SolutionRecord]
    candidates: list[CandidateRecord]
    articles: list[Article]
    news: list[Article]
    fixed_count: int = 0


def solution(
    editor: str,
    name: str,
    version: str,
    dispositif: str,
    vague: int,
    referenced_on: str,
    reference_number: str | None = None,
    distributors: str | None = None,
    pilots: str | None = None,
) -> SolutionRecord:
    if dispositif not in BY_NAME:
        raise ValueError(f"unknown dispositif {dispositif!r}")
    return SolutionRecord(
        editor=editor,
        solution=name,
        version=version,
        couloir=couloir_of(dispositif),
        dispositif=dispositif,
        vague=vague,
        referenced_on=referenced_on,
        reference_number=reference_number,
        distributors=distributors,
        pilots=pilots,
    )


REAL_SOLUTIONS: tuple[SolutionRecord, ...] = (
    solution("ONAOS SAS", "LOINC-Mapper", "1.0", "Transcodeur LOINC", 1, "2023-05-22"),
    solution(
        "MY HEALTH-LA SANTÉ DANS LA POCHE",
        "Kaducée",
        "1.32.0",
        "Transcodeur LOINC",
        1,
        "2023-06-01",
    ),
    solution("Medicus AI France", "Lingua", "2.0.0", "Transcodeur LOINC", 1, "2023-06-12"),
    solution("Kiro", "KIRO LOINC MAPPER", "1.0.0", "Transcodeur LOINC", 1, "2023-04-03"),
    solution(
        "Bio Logbook",
        "Bio Logbook – Transcodification",
        "1.0",
        "Transcodeur LOINC",
        1,
        "2023-07-10",
    ),
    solution("PHAST", "PHAST Mapping Ségur", "3.1", "Transcodeur LOINC", 1, "2023-03-15"),
    solution("Dedalus", "Kalisil", "4.0", "SGL", 1, "2023-09-01"),
    solution("Dedalus", "Hexalis", "5.0", "SGL", 1, "2023-09-01"),
    solution("Histone", "Lamweb", "05.02", "SGL", 1, "2023-09-08"),
    solution("Technidata", "Tdnexlabs", "V2", "SGL", 1, "2023-09-08"),
    solution("Inlog", "Edgelab", "7.0.1", "SGL", 1, "2023-09-15"),
    solution("MIPS", "Glims", "10", "SGL", 1, "2023-09-15"),
    solution("CGM", "Molis", "441-SP6", "SGL", 1, "2023-09-22"),
    solution(
        "ORISHA HEALTH & SAFETY",
        "DESMOS",
        "3.3",
        "LGC",
        1,
        "2022-11-17",
        reference_number="27f99871b4",
    ),
)

SCRIPT_NAME = "Planning Soins <script>alert('x')</script>"

# Hand-written edge cases.
EDGE_SOLUTIONS: tuple[SolutionRecord, ...] = (
    solution("SOFT'IN SANTÉ", SCRIPT_NAME, "2.4", "DUI MS1 PA/PH/DOM", 1, "2023-01-09"),
    # One product referenced at two versions, both listed.
    solution(
        "HOSPILINK SAS", "HospiDPI", "10.3.1", "DPI", 1, "2022-06-15", reference_number="a3f09c5e21"
    ),
    solution(
        "HOSPILINK SAS", "HospiDPI", "10.4.0", "DPI", 1, "2023-12-01", reference_number="b47d1e0f93"
    ),
    solution(
        "PHARMA & OFFICINE DÉVELOPPEMENT",
        "Officéa",
        "05.02",
        "LGO",
        1,
        "2022-07-01",
        distributors="PHARMADIS, OFFICINE SERVICES & CO",
    ),
    solution(
        "L'ÉDITEUR MÉDICAL FRANÇAIS",
        "Cabinet Sérénité",
        "V2",
        "LGC",
        1,
        "2022-12-20",
        distributors="MÉDI-DISTRIBUTION",
    ),
    solution(
        "IMAGERIE NUMÉRIQUE – GROUPE ESTUAIRE",
        "DrimEstuaire",
        "1.2",
        "DRIMbox",
        2,
        "2025-02-03",
        reference_number="c90b2d4e77",
        pilots="Centre d'imagerie de l'Estuaire (Nantes) ; CH de Saint-Nazaire",
    ),
    solution(
        "SAGE & FEMME LOGICIELS",
        "Maïa Cabinet",
        "2.0.3",
        "LGC SF",
        2,
        "2025-03-01",
        pilots="Cabinet de sages-femmes des Tilleuls (Rennes)",
    ),
    solution(
        "DENTALIS",
        "Dentalis Praticien",
        "441-SP6",
        "LGC CD",
        2,
        "2025-01-20",
        distributors="ORTHO-DIFFUSION",
        pilots="Cabinet dentaire du Port (La Rochelle)",
    ),
    solution("MSS'ÉCHANGES", "Messagerie Ségur", "2023.2", "Opérateurs MSS", 1, "2023-06-26"),
    solution("AGENDA DES TERRITOIRES", "Agenda SAS+", "1.0.12", "SAS Agenda", 1, "2023-10-02"),
    solution(
        "CENTRE RÉGIONAL D'INFORMATIQUE HOSPITALIÈRE",
        "Identité Pivot",
        "10.3.1",
        "RI",
        1,
        "2022-09-12",
        reference_number="0d4c8b2a6f",
    ),
    solution(
        "ALLIANCE DOMICILE – SERVICES",
        "Domicile Liaison",
        "V3",
        "DUI MS1 PA/PH/DOM",
        1,
        "2023-05-02",
    ),
    solution("ENFANCE & FAMILLES NUMÉRIQUE", "Protégé", "1.4", "DUI MS2 PDE", 1, "2023-03-27"),
    # The candidates whose status is "Référencé" in the articles are listed too (the vague 2
    # ones, Maïa Cabinet and Dentalis Praticien, are above).
    solution("SÉNIORS CONNECTÉS", "Résidence+", "2.2", "DUI MS1 PA/PH/DOM", 1, "2023-02-06"),
    solution("EHPAD NUMÉRIQUE SAS", "Ehpadia", "5.0.1", "DUI MS1 PA/PH/DOM", 1, "2023-02-20"),
    solution("TERRE D'ACCUEIL LOGICIELS", "Accueillir", "V4", "DUI MS1 PA/PH/DOM", 1, "2023-03-01"),
    solution("FAMILLES & TERRITOIRES", "Famili'Suivi", "1.0.4", "DUI MS2 PDE", 1, "2023-03-13"),
    solution("CSAPA CONNECT", "Csapa Suivi", "3.1", "DUI MS2 PDS", 1, "2023-04-03"),
    solution("L'OMNIPRATICIEN", "Omnidoc", "V5", "LGC", 1, "2022-06-01"),
    solution(
        "VILLE-SANTÉ INFORMATIQUE",
        "Ville Santé Pro",
        "11.2",
        "LGC",
        1,
        "2022-06-27",
        reference_number="e5c2f81a04",
    ),
    # Médisocial Dossier gains a version in state 2; the next three rows change in state 2.
    solution("MÉDISOCIAL+", "Médisocial Dossier", "3.0", "DUI MS1 PA/PH/DOM", 1, "2023-04-17"),
    solution("OFFICINA SOFT", "Officina", "7.2", "LGO", 1, "2022-08-29"),
    solution("L'ATELIER DU SOIN", "Atelier PFI", "2.1", "PFI", 1, "2023-02-14"),
    solution(
        "RADIOLOGIE & IMAGERIE DU SUD-OUEST", "RadiOuest RIS", "4.2.1", "RIS", 1, "2022-10-03"
    ),
)

STATE_2_ADDED: tuple[SolutionRecord, ...] = (
    solution(
        "KINÉ'ASSIST",
        "KinéAgenda",
        "3.2",
        "LGC paramédicaux",
        2,
        "2025-06-02",
        pilots="Cabinet de kinésithérapie du Lac (Annecy)",
    ),
    solution("NOUVELLE ÈRE SANTÉ", "Enfance Connect", "1.0", "DUI MS2 PDE", 1, "2025-05-20"),
    solution(
        "HÉLIANTHE SYSTÈMES",
        "Héliantis DPI",
        "2025.1",
        "DPI",
        2,
        "2025-06-10",
        reference_number="5e1a7c03b9",
        pilots="CH de Vienne ; Clinique des Alpes (Grenoble)",
    ),
    solution("OFFICINA SOFT", "Officina", "7.3", "LGO", 1, "2025-04-15"),
    solution("MÉDISOCIAL+", "Médisocial Dossier", "3.1", "DUI MS1 PA/PH/DOM", 1, "2025-05-05"),
)
STATE_2_REMOVED = (
    ("OFFICINA SOFT", "Officina", "7.2"),
    ("RADIOLOGIE & IMAGERIE DU SUD-OUEST", "RadiOuest RIS", "4.2.1"),
)
STATE_2_REDATED = {("L'ATELIER DU SOIN", "Atelier PFI", "2.1"): "2023-03-14"}


# ---------------------------------------------------------------- synthetic solutions

EDITOR_CORES = (
    "ALTIMÉDIA",
    "BÉRÉNICE",
    "CALYPSO",
    "DORIANE",
    "ÉCLIPSE",
    "FÉLICITÉ",
    "GALIEN",
    "HÉLIOS",
    "IROISE",
    "JADÉO",
    "KÉRYS",
    "LUMIÈRE",
    "MÉRIDIEN",
    "NÉOLANE",
    "OCÉANE",
    "PÉGASE",
    "QUIÉTUDE",
    "RÉSÉDA",
    "SÉQUOIA",
    "TÉLÉMAQUE",
    "URSULINE",
    "VÉGA",
    "WAÏMÉA",
    "XÉNIA",
    "YSÉE",
    "ZÉPHYR",
)
EDITOR_FORMS = (
    "{core} SANTÉ",
    "{core} INFORMATIQUE MÉDICALE",
    "L'ATELIER {core}",
    "{core} & ASSOCIÉS",
    "{core} – SOLUTIONS DE SANTÉ",
    "SOCIÉTÉ D'ÉDITION {core}",
    "{title} Systèmes SAS",
    "GROUPE {core}",
    "{core} LOGICIELS D'ÉTABLISSEMENT",
)
PRODUCT_ROOTS = {
    "Hôpital": ("Hospi", "Clini", "Soin", "Cura", "Dossia", "Patiens", "Médi", "Sani"),
    "Médecin de ville": ("Médi", "Cabi", "Doc", "Consult", "Prati", "Généra"),
    "Biologie médicale": ("Bio", "Labo", "Analy", "Sérum"),
    "Radiologie": ("Radio", "Imago", "Scan", "Rayon"),
    "Officine": ("Pharma", "Offi", "Galé", "Dispens"),
    "Social et médico-social": ("Usager", "Accomp", "Domi", "Éduc", "Résid", "Parcours"),
    "Opérateurs MSSanté": ("Messa", "Sécu", "Liaison"),
    "Service d'accès aux soins": ("Agenda", "Planni", "Rendez"),
    "Sages-femmes et paramédicaux": ("Kiné", "Ortho", "Podo", "Natal"),
    "Chirurgien-dentiste": ("Denti", "Stoma", "Sourire"),
}
PRODUCT_SUFFIXES = (
    "plus",
    "connect",
    "soft",
    "line",
    "net",
    "care",
    "ware",
    "lis",
    "sys",
    "flow",
    "nova",
    "gest",
    " Expert",
    " Ségur",
    " 360",
    " One",
    " Pro",
    " Web",
    " Suite",
    " Évolution",
)
CITIES = (
    "Angers",
    "Besançon",
    "Brest",
    "Colmar",
    "Dijon",
    "Grenoble",
    "Limoges",
    "Lorient",
    "Metz",
    "Nîmes",
    "Orléans",
    "Pau",
    "Poitiers",
    "Quimper",
    "Reims",
    "Saint-Étienne",
    "Tours",
    "Valence",
)
DISTRIBUTORS = (
    "MÉDI-DISTRIBUTION",
    "SANTÉ SERVICES OUEST",
    "INFORMATIQUE & SANTÉ NORD",
    "DIGITAL'SOINS",
    "RÉSEAU PHARMA-INFO",
    "ALLIANCE LOGICIELS SANTÉ",
)

VAGUE_1_DATES = (date(2022, 3, 1), date(2024, 6, 28))
VAGUE_2_DATES = (date(2024, 10, 1), date(2025, 4, 30))


def _synthetic_version(rng: random.Random) -> str:
    major, minor, patch = rng.randint(1, 12), rng.randint(0, 9), rng.randint(0, 20)
    forms = (
        f"{major}.{minor}",
        f"{major}.{minor}.{patch}",
        f"{major:02d}.{minor:02d}",
        f"V{major}",
        f"{major}{minor}{rng.randint(0, 9)}-SP{rng.randint(1, 9)}",
        f"{rng.randint(2021, 2025)}.{rng.randint(1, 4)}",
        f"{major}.{minor} R{patch}",
    )
    return rng.choice(forms)


def _synthetic_date(rng: random.Random, vague: int) -> str:
    start, end = VAGUE_1_DATES if vague == 1 else VAGUE_2_DATES
    day = start + timedelta(days=rng.randrange((end - start).days + 1))
    if rng.random() < 0.12:
        day = day.replace(day=1)  # "1er juin 2022" must show up in the word renderings
    return day.isoformat()


def _synthetic_editor(rng: random.Random) -> str:
    core = rng.choice(EDITOR_CORES)
    return rng.choice(EDITOR_FORMS).format(core=core, title=core.capitalize())


def _reference_number(seed: str) -> str:
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:10]


def _synthetic_solution(rng: random.Random, dispositif: str) -> SolutionRecord:
    couloir = couloir_of(dispositif)
    editor = _synthetic_editor(rng)
    name = rng.choice(PRODUCT_ROOTS[couloir]) + rng.choice(PRODUCT_SUFFIXES)
    if dispositif in VAGUE_2_ONLY:
        vague = 2
    else:
        vague = 2 if rng.random() < 0.1 else 1
    pilots = None
    if vague == 2 and rng.random() < 0.75:
        first, second = rng.sample(CITIES, 2)
        pilots = f"CH de {first} ; Clinique du Parc ({second})"
    distributors = None
    if rng.random() < 0.15:
        distributors = ", ".join(rng.sample(DISTRIBUTORS, rng.randint(1, 2)))
    version = _synthetic_version(rng)
    number = None
    if rng.random() < 0.3:
        number = _reference_number(f"{editor}|{name}|{version}|{dispositif}")
    return solution(
        editor,
        name,
        version,
        dispositif,
        vague,
        _synthetic_date(rng, vague),
        reference_number=number,
        distributors=distributors,
        pilots=pilots,
    )


def _synthetic_counts(scale: int | None) -> dict[str, int]:
    """Rows to generate per dispositif: the state-1 figures minus the state-1 fixed rows, or
    `scale` rows spread like the figures (largest remainders)."""
    if scale is None:
        fixed_per = {name: 0 for name in DISPOSITIF_TARGETS}
        for record in fixed_solutions(1):
            fixed_per[record.dispositif] += 1
        return {
            name: max(target - fixed_per[name], 0) for name, target in DISPOSITIF_TARGETS.items()
        }
    total = sum(DISPOSITIF_TARGETS.values())
    shares = {name: scale * target / total for name, target in DISPOSITIF_TARGETS.items()}
    counts = {name: int(share) for name, share in shares.items()}
    by_remainder = sorted(shares, key=lambda name: (counts[name] - shares[name], name))
    for name in by_remainder[: scale - sum(counts.values())]:
        counts[name] += 1
    return counts


def _product(record: SolutionRecord) -> tuple:
    return (record.editor, record.solution, record.dispositif, record.vague)


def synthetic_solutions(scale: int | None) -> list[SolutionRecord]:
    """Generated rows whose products and reference numbers collide with no fixed row of either
    state, nor with each other. They never depend on the state.

    Uniqueness is checked on the raw names (cheap at scale 10000); the pools are chosen so that
    distinct raw names also have distinct `loose_key` forms, which the tests check.
    """
    rng = random.Random(20220615 if scale is None else 20220615 + scale)
    reserved = fixed_solutions(1) + list(STATE_2_ADDED)
    numbers = {record.reference_number for record in reserved if record.reference_number}
    products = {_product(record) for record in reserved}
    generated: list[SolutionRecord] = []
    for dispositif, count in _synthetic_counts(scale).items():
        made = 0
        while made < count:
            record = _synthetic_solution(rng, dispositif)
            if _product(record) in products or (
                record.reference_number and record.reference_number in numbers
            ):
                continue
            products.add(_product(record))
            if record.reference_number:
                numbers.add(record.reference_number)
            generated.append(record)
            made += 1
    return generated


def listing_order(records: list[SolutionRecord]) -> list[SolutionRecord]:
    """Newest referencing first; ties broken by key so the order is stable."""
    keyed = sorted(((record.key, record) for record in records), key=lambda pair: pair[0])
    keyed.sort(key=lambda pair: pair[1].referenced_on or "", reverse=True)
    return [record for _, record in keyed]


def _natural(record: SolutionRecord) -> tuple[str, str, str]:
    return (record.editor, record.solution, record.version)


def fixed_solutions(state: int) -> list[SolutionRecord]:
    fixed = list(REAL_SOLUTIONS) + list(EDGE_SOLUTIONS)
    if state == 1:
        return fixed
    kept = [record for record in fixed if _natural(record) not in STATE_2_REMOVED]
    redated = [
        replace(record, referenced_on=STATE_2_REDATED[_natural(record)])
        if _natural(record) in STATE_2_REDATED
        else record
        for record in kept
    ]
    return redated + list(STATE_2_ADDED)


# ---------------------------------------------------------------- candidates and news


def candidate(
    editor: str,
    name: str,
    dispositif: str,
    status: str,
    applied_on: str,
    version: str | None = None,
) -> CandidateRecord:
    if dispositif not in BY_NAME:
        raise ValueError(f"unknown dispositif {dispositif!r}")
    return CandidateRecord(
        editor=editor,
        solution=name,
        version=version,
        dispositif=dispositif,
        status=status,
        applied_on=applied_on,
    )


CANDIDAT, INSTRUCTION, REFERENCE = "Candidat", "En cours d'instruction", "Référencé"

MS1 = "DUI MS1 PA/PH/DOM"
MS2_PDE = "DUI MS2 PDE"
MS2_PDS = "DUI MS2 PDS"

MS1_CANDIDATES = (
    candidate("ACCOMPAGNEMENT NUMÉRIQUE & CIE", "Accomp'Dossier", MS1, CANDIDAT, "2022-09-05"),
    candidate("L'OUSTAL INFORMATIQUE", "Oustal Usagers", MS1, INSTRUCTION, "2022-09-07"),
    candidate("DOMISOFT", "Domisoft Planning", MS1, CANDIDAT, "2022-09-12"),
    candidate("SÉNIORS CONNECTÉS", "Résidence+", MS1, REFERENCE, "2022-09-13"),
    candidate("HANDI'LOGICIELS", "Handidoc", MS1, INSTRUCTION, "2022-09-15"),
    candidate("AIDE À DOMICILE – SOLUTIONS", "ADS Dossier Usager", MS1, CANDIDAT, "2022-09-19"),
    candidate("EHPAD NUMÉRIQUE SAS", "Ehpadia", MS1, REFERENCE, "2022-09-20"),
    candidate("CAP'AUTONOMIE", "Cap Usager", MS1, CANDIDAT, "2022-09-22"),
    candidate("MAISON & SOINS LOGICIELS", "Maison Soins DUI", MS1, INSTRUCTION, "2022-09-26"),
    candidate("GÉRONTO-INFO", "Gérontis", MS1, CANDIDAT, "2022-09-28"),
    candidate("ARCHIPEL MÉDICO-SOCIAL", "Archipel DUI", MS1, CANDIDAT, "2022-10-03"),
    candidate("SOLIDAIRE DATA", "Solidaire Usagers", MS1, INSTRUCTION, "2022-10-04"),
    candidate("ÉTABLISSEMENTS & SERVICES CONNECTÉS", "ESC Dossier", MS1, CANDIDAT, "2022-10-06"),
    candidate("TERRE D'ACCUEIL LOGICIELS", "Accueillir", MS1, REFERENCE, "2022-10-07"),
)
PDE_CANDIDATES = (
    candidate("ENFANCE CONNECTÉE", "Enfantia", MS2_PDE, CANDIDAT, "2022-10-10"),
    candidate("ASE SOLUTIONS", "Protection+", MS2_PDE, INSTRUCTION, "2022-10-11"),
    candidate("L'ÉCHELLE DES ENFANTS", "Échelle PDE", MS2_PDE, CANDIDAT, "2022-10-01"),
    candidate("FAMILLES & TERRITOIRES", "Famili'Suivi", MS2_PDE, REFERENCE, "2022-10-14"),
    candidate("PUPILLE INFORMATIQUE", "Pupille Dossier", MS2_PDE, CANDIDAT, "2022-10-17"),
)
PDS_CANDIDATES = (
    candidate("ADDICTIONS & PARCOURS", "Parcours Addicto", MS2_PDS, CANDIDAT, "2022-10-18"),
    candidate("HÉBERGEMENT SOLIDAIRE SI", "Héberge+", MS2_PDS, INSTRUCTION, "2022-10-19"),
    candidate("LITS HALTE SOINS SANTÉ", "LHSS Dossier", MS2_PDS, CANDIDAT, "2022-10-21"),
    candidate("CSAPA CONNECT", "Csapa Suivi", MS2_PDS, REFERENCE, "2022-10-24"),
)
STATE_2_NEW_CANDIDATE = candidate(
    "ACCUEIL & PARCOURS", "Parcours+ PDS", MS2_PDS, CANDIDAT, "2023-01-16"
)

LGC_CANDIDATES = (
    candidate(
        "CABINET CONNECTÉ SAS", "Consult'Express", "LGC", CANDIDAT, "2022-02-01", version="1.8"
    ),
    candidate(
        "MÉDECINS & LOGICIELS", "Médilog Cabinet", "LGC", INSTRUCTION, "2022-02-03", version="4.2"
    ),
    candidate("L'OMNIPRATICIEN", "Omnidoc", "LGC", REFERENCE, "2022-02-07", version="V5"),
    candidate("GÉNÉRALISTE NUMÉRIQUE", "Généra+", "LGC", CANDIDAT, "2022-02-10", version="2022.1"),
    candidate(
        "SANTÉ DE PROXIMITÉ – ÉDITIONS",
        "Proxi Cabinet",
        "LGC",
        INSTRUCTION,
        "2022-02-14",
        version="3.0.2",
    ),
    candidate("DOCTEUR & CO", "DocCo", "LGC", CANDIDAT, "2022-02-15", version="1.0"),
    candidate(
        "VILLE-SANTÉ INFORMATIQUE",
        "Ville Santé Pro",
        "LGC",
        REFERENCE,
        "2022-02-21",
        version="11.2",
    ),
    candidate("AXE MÉDICAL", "AxeMed", "LGC", CANDIDAT, "2022-02-24", version="05.01"),
    candidate(
        "PRATICIENS ASSOCIÉS LOGICIELS",
        "PraticAssoc",
        "LGC",
        INSTRUCTION,
        "2022-03-01",
        version="2.7",
    ),
)
STATE_2_REMOVED_CANDIDATE = ("CABINET CONNECTÉ SAS", "Consult'Express", "LGC")

VAGUE_2_CANDIDATES = (
    candidate(
        "SAGE & FEMME LOGICIELS", "Maïa Cabinet", "LGC SF", REFERENCE, "2024-11-04", version="2.0.3"
    ),
    candidate("NATALIS", "Natalis Suivi", "LGC SF", INSTRUCTION, "2024-11-18", version="1.1"),
    candidate("L'ÉCOUTE PÉRINATALE", "Périnatal+", "LGC SF", CANDIDAT, "2025-01-06", version="0.9"),
    candidate(
        "KINÉ'ASSIST", "KinéAgenda", "LGC paramédicaux", INSTRUCTION, "2024-12-02", version="3.2"
    ),
    candidate(
        "ORTHOPHONIE & CABINET",
        "OrthoCab",
        "LGC paramédicaux",
        CANDIDAT,
        "2025-01-13",
        version="2.4",
    ),
    candidate("PODO-SOFT", "Podologis", "LGC paramédicaux", CANDIDAT, "2025-02-03", version="V1"),
    candidate(
        "DENTALIS", "Dentalis Praticien", "LGC CD", REFERENCE, "2024-10-21", version="441-SP6"
    ),
    candidate(
        "SOURIRE NUMÉRIQUE", "Sourire Cabinet", "LGC CD", INSTRUCTION, "2025-02-17", version="1.0.0"
    ),
)
STATE_2_PROMOTED_CANDIDATE = ("KINÉ'ASSIST", "KinéAgenda", "LGC paramédicaux")

MEDICO_SOCIAL_SLUG = (
    "segur-du-numerique-en-sante-pour-le-medico-social-liste-des-editeurs-ms1-et-ms2-candidats-au"
)
MEDECINE_DE_VILLE_SLUG = (
    "segur-du-numerique-en-sante-pour-la-medecine-de-ville-liste-des-editeurs-candidats-au-"
    "referencement"
)
VAGUE_2_SLUG = (
    "segur-vague-2-liste-des-editeurs-sages-femmes-paramedicaux-et-chirurgiens-dentistes-"
    "candidats-au-referencement"
)

SHORT_COLUMNS = (
    ("Raison sociale", "editor"),
    ("Nom du logiciel", "solution"),
    ("Statut", "status"),
    ("Date de candidature", "applied_on"),
)
LGC_COLUMNS = (
    ("Éditeur", "editor"),
    ("Solution", "solution"),
    ("Version", "version"),
    ("Statut", "status"),
    ("Date de candidature", "applied_on"),
)
VAGUE_2_COLUMNS = (
    ("Éditeur", "editor"),
    ("Solution", "solution"),
    ("Version", "version"),
    ("Dispositif", "dispositif"),
    ("Statut", "status"),
    ("Date de dépôt", "applied_on"),
)


def _state_2_candidates(rows: tuple[CandidateRecord, ...]) -> tuple[CandidateRecord, ...]:
    def natural(record: CandidateRecord) -> tuple[str, str, str | None]:
        return (record.editor, record.solution, record.dispositif)

    kept = tuple(r for r in rows if natural(r) != STATE_2_REMOVED_CANDIDATE)
    return tuple(
        replace(r, status=REFERENCE) if natural(r) == STATE_2_PROMOTED_CANDIDATE else r
        for r in kept
    )


def candidate_articles(state: int) -> list[Article]:
    pds = PDS_CANDIDATES + ((STATE_2_NEW_CANDIDATE,) if state == 2 else ())
    lgc, vague_2 = LGC_CANDIDATES, VAGUE_2_CANDIDATES
    if state == 2:
        lgc, vague_2 = _state_2_candidates(lgc), _state_2_candidates(vague_2)
    medico_social = Article(
        slug=MEDICO_SOCIAL_SLUG,
        title=(
            "Ségur du numérique en santé pour le médico-social : liste des éditeurs MS1 et MS2 "
            "candidats au référencement"
        ),
        published_on="2022-10-12",
        summary=(
            "Retrouvez la liste des éditeurs qui ont déposé un dossier de candidature au "
            "référencement Ségur pour les DUI des ESMS."
        ),
        paragraphs=(
            "Dans le cadre du Ségur du numérique en santé, les éditeurs de Dossiers Usagers "
            "Informatisés (DUI) du secteur social et médico-social ont pu déposer leur dossier "
            "de candidature au référencement.",
            "Les listes ci-dessous sont mises à jour au fil de l'instruction des dossiers.",
        ),
        tables=(
            CandidateTable("MS1 PA/PH/DOM", SHORT_COLUMNS, MS1_CANDIDATES, "slash"),
            CandidateTable("MS2 PDE", SHORT_COLUMNS, PDE_CANDIDATES, "words"),
            CandidateTable("MS2 PDS", SHORT_COLUMNS, pds, "words"),
        ),
        table_markup="figure",
        curly_apostrophes=True,
    )
    medecine_de_ville = Article(
        slug=MEDECINE_DE_VILLE_SLUG,
        title=(
            "Ségur du numérique en santé pour la médecine de ville : liste des éditeurs "
            "candidats au référencement"
        ),
        published_on="2022-03-08",
        summary="Les éditeurs de logiciels de médecins de ville candidats au référencement.",
        paragraphs=(
            "Voici la liste des éditeurs ayant candidaté au référencement Ségur pour le couloir "
            "médecine de ville.",
        ),
        tables=(CandidateTable("Liste des éditeurs candidats", LGC_COLUMNS, lgc, "words"),),
        table_markup="th-row",
    )
    vague_2_article = Article(
        slug=VAGUE_2_SLUG,
        title=(
            "Ségur vague 2 : liste des éditeurs sages-femmes, paramédicaux et "
            "chirurgiens-dentistes candidats au référencement"
        ),
        published_on="2025-03-03",
        summary="Les dossiers déposés pour la vague 2 (sages-femmes, paramédicaux, dentistes).",
        paragraphs=(
            "La vague 2 du Ségur ouvre le référencement aux logiciels des sages-femmes, des "
            "auxiliaires médicaux et des chirurgiens-dentistes.",
        ),
        tables=(CandidateTable(None, VAGUE_2_COLUMNS, vague_2, "iso"),),
        table_markup="caption",
    )
    return [medico_social, medecine_de_ville, vague_2_article]


ORDINARY_NEWS = (
    (
        "2025-05-12",
        "Ségur vague 2 : calendrier des prochaines fenêtres de référencement",
        (("Ouverture des dépôts", "2 juin 2025"), ("Clôture des dépôts", "30 septembre 2025")),
    ),
    ("2025-04-02", "Ségur vague 2 : ouverture des candidatures au référencement DRIMbox", ()),
    ("2025-01-28", "Webinaire : les nouveautés du DSR LGC vague 2", ()),
    ("2024-12-16", "Financement à l'équipement : publication de l'arrêté vague 2", ()),
    ("2024-10-07", "Le Ségur du numérique en santé lance sa vague 2", ()),
    ("2024-06-24", "Fin de la vague 1 : bilan du référencement Ségur", ()),
    ("2024-03-11", "Référencement Ségur : 167 solutions référencées pour le sanitaire", ()),
    ("2023-12-14", "Clôture de la vague 1 pour le secteur sanitaire", ()),
    ("2023-11-06", "Mise à jour du guide de référencement (version 3.1)", ()),
    ("2023-09-25", "Biologie médicale : sept SGL référencés Ségur", ()),
    ("2023-07-17", "Transcodeurs LOINC : six solutions référencées", ()),
    ("2023-05-30", "Médico-social : premiers DUI référencés", ()),
    ("2023-03-20", "Opérateurs MSSanté : ouverture du référencement", ()),
    ("2023-01-23", "Programme ESMS numérique : appel à projets 2023", ()),
    ("2022-12-05", "Radiologie : publication du DSR RIS vague 1", ()),
    ("2022-11-14", "Officine : le DSR LGO en consultation", ()),
    ("2022-09-01", "Médico-social : ouverture des candidatures MS1 et MS2", ()),
    ("2022-06-20", "Hôpital : premières solutions DPI référencées", ()),
    ("2022-04-19", "Service d'accès aux soins : le DSR SAS Agenda publié", ()),
    ("2022-01-31", "Médecine de ville : ouverture du référencement LGC", ()),
    ("2021-11-08", "Convergence : la doctrine du numérique en santé 2021", ()),
    ("2021-09-13", "Lancement du Ségur du numérique en santé pour les industriels", ()),
)


def _slugify(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)[:90].rstrip("-")


def ordinary_news() -> list[Article]:
    return [
        Article(
            slug=_slugify(title),
            title=title,
            published_on=published_on,
            summary=f"{title}. Toutes les informations pour les industriels.",
            paragraphs=(
                "Cette actualité s'adresse aux éditeurs de logiciels engagés dans le Ségur du "
                "numérique en santé.",
                "Pour toute question, contactez l'équipe Ségur de l'Agence du Numérique en Santé.",
            ),
            calendar=calendar,
        )
        for published_on, title, calendar in ORDINARY_NEWS
    ]


def build_dataset(state: int = 1, scale: int | None = None) -> Dataset:
    """The solutions, candidates and news the replica serves in `state` (1 or 2).

    `scale=N` replaces the synthetic rows by N generated ones (the fixed rows stay).
    """
    if state not in STATES:
        raise ValueError(f"state must be 1 or 2, not {state!r}")
    if scale is not None and scale < 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    fixed = fixed_solutions(state)
    synthetic = synthetic_solutions(scale)
    solutions = listing_order(fixed + synthetic)
    articles = candidate_articles(state)
    news = sorted(articles + ordinary_news(), key=lambda a: a.published_on, reverse=True)
    return Dataset(
        state=state,
        scale=scale,
        solutions=solutions,
        candidates=[c for article in articles for c in article.candidates],
        articles=articles,
        news=news,
        fixed_count=len(fixed),
    )
