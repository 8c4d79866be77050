"""The French README.md of a bundle: what the data is, where it comes from, how often and
how completely it is read, what to be careful about, and every column of every file
(read from the descriptor, so the README never says something the schema does not)."""

from __future__ import annotations

from typing import Any

from catalogue.french import french_date, french_datetime, french_number, run_status
from catalogue.opendata.facts import Facts
from catalogue.opendata.package import ABOUT, DataFile

TYPES = {
    "string": "texte",
    "integer": "nombre entier",
    "date": "date",
    "datetime": "date et heure",
    "object": "objet JSON",
}


def render_readme(facts: Facts, descriptor: dict[str, Any], files: list[DataFile]) -> str:
    sections = [
        "\n\n".join([f"# {descriptor['title']}", *ABOUT]),
        _summary(facts, descriptor),
        _files(files),
        _origin(descriptor),
        _method(facts),
        _caveats(facts),
        _columns(descriptor),
        _reuse(facts, descriptor),
    ]
    return "\n\n".join(sections) + "\n"


def _summary(facts: Facts, descriptor: dict[str, Any]) -> str:
    start, end = facts.coverage
    licence = descriptor["licenses"][0]
    complete = (
        french_datetime(facts.last_complete.finished_at)
        if facts.last_complete
        else "aucune pour l'instant"
    )
    return "\n".join(
        [
            "## En bref",
            "",
            f"- **Données du** {french_date(facts.data_day)} (synchronisation n° "
            f"{facts.last_run.id}, {run_status(facts.last_run.status)}).",
            f"- **Dernière synchronisation complète** : {complete}.",
            f"- **Période couverte** : du {french_date(start)} au {french_date(end)}"
            " (premières dates de référencement publiées, jusqu'au jour des données).",
            "- **Mise à jour** : quotidienne, après chaque synchronisation complète.",
            f"- **Licence** : [{licence['title']}]({licence['path']}).",
            f"- **Contenu** : {french_number(facts.referenced)} solutions référencées"
            f" aujourd'hui, {french_number(facts.withdrawn)} retirées depuis de la liste,"
            f" {french_number(facts.candidatures)} candidatures publiées par l'ANS.",
        ]
    )


def _files(files: list[DataFile]) -> str:
    lines = ["## Fichiers", "", "| Fichier | Contenu | Lignes |", "|---|---|---|"]
    lines += [_file_line(file) for file in files]
    lines += [
        "",
        "Tous sont encodés en UTF-8, séparés par des virgules, avec une ligne d'en-tête"
        " (les noms des colonnes ci-dessous) ; une cellule vide est une valeur absente."
        " `datapackage.json` décrit le paquet au format Frictionless Data Package : le"
        " schéma de chaque fichier (titres et descriptions en français, types, clés,"
        " valeurs permises), la licence, les sources et les dates.",
    ]
    return "\n".join(lines)


def _file_line(file: DataFile) -> str:
    table = file.table
    return f"| `{table.filename}` | {_cell(table.description)} | {french_number(file.rows)} |"


def _origin(descriptor: dict[str, Any]) -> str:
    lines = [
        "## D'où viennent les données",
        "",
        "Des pages publiques de l'Agence du Numérique en Santé (ANS), lues chaque nuit :",
        "",
    ]
    lines += [f"- [{source['title']}]({source['path']})" for source in descriptor["sources"]]
    lines += [
        "",
        "Chaque solution et chaque candidature garde l'adresse de la page où elle a été"
        " lue (colonne `source_url`).",
    ]
    return "\n".join(lines)


def _method(facts: Facts) -> str:
    counted = ", ".join(
        f"{french_number(count)} {run_status(status)}{'s' if count > 1 else ''}"
        for status, count in sorted(facts.runs.items())
    )
    return "\n".join(
        [
            "## Comment elles sont relevées, et jusqu'où elles sont complètes",
            "",
            "Chaque nuit, une synchronisation lit la liste des solutions référencées et les"
            " articles des éditeurs candidats, et compare les lignes lues au nombre de"
            " résultats que le site annonce. Le fichier `runs.csv` garde chacune, avec son"
            " statut :",
            "",
            "- **complete** : toutes les lignes annoncées ont été lues, aucune page n'a échoué ;",
            "- **partial** : une partie seulement a pu être lue ; ce qui a été lu est"
            " enregistré, mais rien n'est marqué retiré ;",
            "- **failed** : rien n'a pu être lu ; le catalogue reste tel qu'il était"
            " (`failure_kind` dit pourquoi).",
            "",
            "Une solution n'est marquée retirée (`status` = `removed`) que par une"
            " synchronisation complète, et une synchronisation qui retirerait plus de la"
            " moitié des solutions est enregistrée comme partielle : une page illisible"
            " n'est jamais prise pour un retrait. Les lignes ne sont jamais effacées ;"
            " `changes.csv` garde chaque ajout, retrait, modification et réapparition.",
            "",
            f"Synchronisations enregistrées : {counted}.",
        ]
    )


def _caveats(facts: Facts) -> str:
    lines = [
        "## Précautions",
        "",
        "- **La liste de l'ANS fait foi.** Ce jeu de données n'est pas publié par l'ANS ;"
        " en cas de doute sur un référencement, consultez sa liste.",
        "- L'ANS référence chaque version d'un logiciel séparément : une ligne de"
        " `solutions.csv` est une version. Les versions d'un même produit partagent"
        " `product_key`.",
        "- Les dates sont au format AAAA-MM-JJ ; les dates et heures des synchronisations"
        " sont en temps universel (UTC).",
        "- Une solution référencée dans plusieurs domaines du DUI a un seul dispositif"
        " qui les nomme tous : « DUI MS1 PA/PH/DOM + MS2 PDE ».",
        "- `page_id` désigne la fiche de l'entrée sur le site du catalogue :"
        " `/solution/<page_id>` ou `/candidature/<page_id>`.",
    ]
    for file, columns in facts.unknown.items():
        for column, values in columns.items():
            shown = ", ".join(f"« {value} »" for value in values)
            lines.append(
                f"- Valeurs de `{column}` dans `{file}.csv` absentes du vocabulaire connu,"
                f" publiées telles que l'ANS les écrit : {shown}."
            )
    return "\n".join(lines)


def _columns(descriptor: dict[str, Any]) -> str:
    parts = ["## Colonnes"]
    for resource in descriptor["resources"]:
        lines = [
            f"### `{resource['path']}` : {resource['title']}",
            "",
            "| Colonne | Titre | Type | Description |",
            "|---|---|---|---|",
        ]
        lines += [_column_line(field) for field in resource["schema"]["fields"]]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _column_line(field: dict[str, Any]) -> str:
    description = field["description"]
    values = field.get("constraints", {}).get("enum")
    if values:
        description += " Valeurs : " + ", ".join(f"`{value}`" for value in values) + "."
    return (
        f"| `{field['name']}` | {_cell(field['title'])} | {TYPES[field['type']]}"
        f" | {_cell(description)} |"
    )


def _reuse(facts: Facts, descriptor: dict[str, Any]) -> str:
    licence = descriptor["licenses"][0]
    return "\n".join(
        [
            "## Réutiliser ces données",
            "",
            f"Sous [{licence['title']}]({licence['path']}) : libre réutilisation, y compris"
            " commerciale, en mentionnant la source et la date des données, par exemple :",
            "",
            f"> Agence du Numérique en Santé, listes du Ségur du numérique en santé, via"
            f" {descriptor['contributors'][0]['title']} ; données du"
            f" {french_date(facts.data_day)}.",
            "",
            "Pour vérifier le paquet : `frictionless validate datapackage.json`.",
        ]
    )


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")
