"""The `datapackage.json` of a bundle: a Frictionless Tabular Data Package (v1).

Besides the resources and their Table Schemas (catalogue/opendata/tables.py) it says
what the package is (title, French description in Markdown, keywords, home page), its
licence (Licence Ouverte / Open Licence 2.0, SPDX `etalab-2.0`), where the data comes
from (`sources`: the ANS listing and the candidate articles read), who publishes it,
`created` (the first sync that wrote data) and `lastModified` (the latest one): both
come from the runs, so the same catalogue always gives the same file.

`datagouv` holds, under the names data.gouv.fr's API gives them, what its publishing
form asks and the rest does not say in its own terms: the licence id (`lov2`), the
update frequency (`daily`) and the temporal coverage (docs/operations.md, "Publishing
the open data").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalogue.opendata.facts import Facts
from catalogue.opendata.tables import Table
from catalogue.serve.metadata import about_url, source_url

NAME = "catalogue-segur"
TITLE = "Solutions référencées Ségur et candidatures, avec leur historique"
PUBLISHER = "segur-catalogue"
LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
DATAGOUV_LICENSE = "lov2"  # data.gouv.fr's id of the Licence Ouverte 2.0
FREQUENCY = "daily"  # data.gouv.fr's id of "Quotidienne"
KEYWORDS = (
    "Ségur du numérique en santé",
    "référencement Ségur",
    "Agence du Numérique en Santé",
    "logiciels de santé",
    "SONS",
    "DPI",
    "LGC",
    "DUI",
    "médico-social",
)
LISTING_TITLE = "Agence du Numérique en Santé : liste des solutions référencées Ségur"
ARTICLE_TITLE = "Agence du Numérique en Santé : article des éditeurs candidats au référencement"
# What the package is, in French Markdown: the README opens with it too.
ABOUT = (
    "Les listes publiques du **Ségur du numérique en santé**, recopiées chaque nuit depuis"
    " les pages de l'Agence du Numérique en Santé (ANS) : les solutions logicielles"
    " référencées Ségur (une ligne par version, avec son couloir, son dispositif, sa"
    " vague et sa date de référencement, y compris les versions retirées depuis de la"
    " liste), les éditeurs candidats au référencement, chaque changement constaté d'une"
    " nuit à l'autre et chaque synchronisation.",
    "Mise à jour quotidienne, après chaque synchronisation complète. Une synchronisation"
    " n'est complète que si elle a lu toutes les lignes que le site annonce ; seule une"
    " synchronisation complète peut constater qu'une solution a été retirée, de sorte"
    " qu'une page illisible n'est jamais prise pour un retrait.",
    "Ces données ne sont pas publiées par l'ANS : en cas de doute, **la liste de l'ANS fait foi**.",
)
DESCRIPTION = "\n\n".join(
    [*ABOUT, "Le fichier README.md décrit chaque fichier, chaque colonne et la méthode."]
)


def package_descriptor(facts: Facts, resources: list[dict[str, Any]]) -> dict[str, Any]:
    start, end = facts.coverage
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "homepage": about_url(),
        "keywords": list(KEYWORDS),
        "licenses": [LICENSE],
        "sources": sources(facts),
        "contributors": [{"title": PUBLISHER, "path": about_url(), "role": "publisher"}],
        "created": facts.created,
        "lastModified": facts.last_modified,
        "datagouv": {
            "license": DATAGOUV_LICENSE,
            "frequency": FREQUENCY,
            "temporal_coverage": {"start": start, "end": end},
        },
        "resources": resources,
    }


def sources(facts: Facts) -> list[dict[str, str]]:
    """The ANS listing the catalogue mirrors, and each article its candidatures come from."""
    return [
        {"title": LISTING_TITLE, "path": source_url() or ""},
        *({"title": ARTICLE_TITLE, "path": url} for url in facts.articles),
    ]


@dataclass(frozen=True)
class DataFile:
    """A CSV file as written: its table, rows (header aside), size and SHA-256."""

    table: Table
    rows: int
    bytes: int
    sha256: str


def data_resource(file: DataFile, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": file.table.name,
        "path": file.table.filename,
        "title": file.table.title,
        "description": file.table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": file.bytes,
        "hash": f"sha256:{file.sha256}",
        "schema": schema,
    }
