"""Shared by the second round of renderings ("rowtables", "headlink"): extra rows whose names
look like page furniture, and helpers that print queries the way careless themes do.

The extra rows are published by these renderings only (`select` adds them, in both states, so
the truth follows): an editor "RÉSULTATS & ANALYSES" printed right after a numeric version
("10 RÉSULTATS & ANALYSES" in the page text), a solution called "Suivant" whose name links to
its own page, a name with escaped markup ("Labo <b>Pro</b>"), values holding " : " or starting
with a label's words ("ÉDITEUR MÉDICAL DE L'OUEST", "Version Cabinet : édition Ségur",
"Solution Dossier Patient", a distributor "VAGUE NUMÉRIQUE") and the first row of an announced
dispositif (DUI MS3 AHI), whose facet page then says "1 résultat".
"""

from __future__ import annotations

from urllib.parse import quote

from scraper.items import SolutionRecord

from .common import ListingView


def _extra(editor, name, version, couloir, dispositif, vague, day, **more) -> SolutionRecord:
    return SolutionRecord(
        editor=editor,
        solution=name,
        version=version,
        couloir=couloir,
        dispositif=dispositif,
        vague=vague,
        referenced_on=day,
        **more,
    )


EXTRA_SOLUTIONS: tuple[SolutionRecord, ...] = (
    _extra(
        "RÉSULTATS & ANALYSES",
        "Résultats Labo",
        "10",
        "Biologie médicale",
        "SGL",
        1,
        "2023-06-01",
    ),
    _extra(
        "SUIVANT SANTÉ",
        "Suivant",
        "2",
        "Médecin de ville",
        "LGC",
        1,
        "2022-06-01",
        distributors="MÉDI-DISTRIBUTION, SANTÉ SERVICES OUEST",
    ),
    _extra("HTML & CO", "Labo <b>Pro</b>", "3.0", "Biologie médicale", "SGL", 1, "2023-02-01"),
    # Values with a colon and values that start with a label's words.
    _extra(
        "ÉDITEUR MÉDICAL DE L'OUEST",
        "Version Cabinet : édition Ségur",
        "4.1",
        "Médecin de ville",
        "LGC",
        1,
        "2023-01-02",
        pilots="Maison de santé : site de Vannes",
    ),
    _extra(
        "DISTRIBUTEUR SANTÉ NUMÉRIQUE",
        "Solution Dossier Patient",
        "2024.2",
        "Hôpital",
        "DPI",
        1,
        "2024-02-05",
        distributors="VAGUE NUMÉRIQUE",
    ),
    _extra(
        "NOUVEAUX HORIZONS MÉDICO-SOCIAUX",
        "Horizon AHI",
        "1.0",
        "Social et médico-social",
        "DUI MS3 AHI",
        2,
        "2025-04-01",
        pilots="Foyer d'accueil médicalisé des Pins (Tarbes)",
    ),
)


def with_extras(solutions: list[SolutionRecord]) -> list[SolutionRecord]:
    """The dataset's rows with the extra ones slotted in by date (newest first)."""
    rows = list(solutions)
    for extra in EXTRA_SOLUTIONS:
        index = next(
            (i for i, row in enumerate(rows) if (row.referenced_on or "") < extra.referenced_on),
            len(rows),
        )
        rows.insert(index, extra)
    return rows


def scrambled_query(view: ListingView, page: int) -> str:
    """The query of `page` with the parameters in an order and an encoding that change from one
    page to the next: `page` first on odd pages, last on even ones; brackets and colons
    percent-encoded on pages 1, 2, 4, 5, ... and raw (`f[0]=dsr_solutions:372`) on 0, 3, 6."""
    raw = page % 3 == 0
    parts = [_pair(name, value, raw) for name, value in view.params]
    numbered = f"page={page}"
    parts = [numbered, *parts] if page % 2 else [*parts, numbered]
    return "?" + "&".join(parts)


def _pair(name: str, value: str, raw: bool) -> str:
    if raw:
        return f"{name}={value}"
    return f"{quote(name, safe='')}={quote(value, safe='')}"
