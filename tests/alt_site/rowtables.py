"""Rendering 12, "rowtables": one small two-column table per solution.

Stresses: each row is its own `<table>` with no header row, a `<th scope="row">` label in the
first column and the value in the second, under an unlabelled `<h3>` "Solution version" title;
the label synonyms "Raison sociale", "Nom du logiciel", "Version technique", "Type de
logiciel" (the dispositif's long title only: "Système de Gestion de Laboratoire"), "N° de
référencement", "Distributeur" (singular, its values as a `<ul><li>` list) and "Installations
pilotes"; optional rows of the small table present on some solutions and absent on others;
vague as a bare number ("2"); dates in a different form from one row to the next
("15/06/2022", "1er juin 2022", "2022-06-15"); the extra rows of tricky.py ("Suivant" linked
to its own page, "RÉSULTATS & ANALYSES" after a numeric version). Facets: couloir facets
listed before the dispositif facets, both on opaque term ids, their text led by screen-reader
help (`<span class="visually-hidden">Filtrer par </span>`) and the count in its own
`<span class="count">(59)</span>`. Pager: numbered page links whose query changes order and
encoding from one page to the next (tricky.scrambled_query); the next link has no rel and no
visible text, only `aria-label`, a visually hidden "Page suivante" and an SVG icon.
Candidate tables: "Raison sociale", "Nom du logiciel", "Version technique", "DSR", "Statut",
"Date de dépôt" under a two-row <thead> (a grouping row "Candidature" above the labels),
headings in <h4>.
"""

from __future__ import annotations

from .articles import TableStyle, as_typed, candidate_table
from .common import (
    COULOIRS,
    DISPOSITIF_TEXT,
    DISPOSITIF_TEXTS,
    NEWS_PATH,
    FacetLink,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    results_text,
    vague_text,
)
from .tricky import scrambled_query, with_extras

TERM_IDS = {text.name: str(1200 + 7 * index) for index, text in enumerate(DISPOSITIF_TEXTS)}
COULOIR_IDS = {name: str(80 + index) for index, name in enumerate(COULOIRS)}
DATE_STYLES = ("slash", "words", "iso")

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Raison sociale",
        "solution": "Nom du logiciel",
        "version": "Version technique",
        "dispositif": "DSR",
        "status": "Statut",
        "applied_on": "Date de dépôt",
    },
    heading="h4",
    table_class="table table--grouped",
)

ICON = (
    '<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 16 16">'
    '<path d="M5 2l6 6-6 6"/></svg>'
)
BACK_ICON = (
    '<svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 16 16">'
    '<path d="M11 2l-6 6 6 6"/></svg>'
)


class RowTables(Rendering):
    name = "rowtables"
    page_size = 22
    news_page_size = 8

    def select(self, solutions):
        return with_extras(solutions)

    def dispositif_value(self, name: str) -> str:
        return TERM_IDS[name]

    def couloir_value(self, name: str) -> str:
        return COULOIR_IDS[name]

    def listing_page(self, view: ListingView) -> str:
        tables = "\n".join(
            self.row(record, view.start + index) for index, record in enumerate(view.rows)
        )
        couloirs = "".join(self.facet(f, f.name) for f in view.couloir_facets)
        dispositifs = "".join(
            self.facet(f, DISPOSITIF_TEXT[f.name].title) for f in view.dispositif_facets
        )
        body = f"""
<main id="main-content">
<h1>Solutions référencées Ségur</h1>
<aside class="facets">
  <section><h2>Couloir</h2><ul>{couloirs}</ul></section>
  <section><h2>Dispositif</h2><ul>{dispositifs}</ul></section>
</aside>
<div class="view-header"><p role="status">{results_text(view.total)}</p></div>
<div class="view-content">
{tables}
</div>
{self.pager(view)}
</main>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def facet(facet: FacetLink, text: str) -> str:
        href = esc(f"?f%5B0%5D={facet.field}%3A{facet.value}")
        return (
            f'<li><a href="{href}"><span class="visually-hidden">Filtrer par </span>'
            f'{esc(text)} <span class="count">({facet.count})</span></a></li>'
        )

    @staticmethod
    def row(record, position: int) -> str:
        date_style = DATE_STYLES[position % len(DATE_STYLES)]
        distributors = ""
        if record.distributors:
            items = "".join(f"<li>{esc(d)}</li>" for d in record.distributors.split(", "))
            distributors = f"<ul>{items}</ul>"
        slug = f"/solutions/{position}"
        lines = (
            ("Raison sociale", esc(record.editor)),
            ("Nom du logiciel", f'<a href="{slug}">{esc(record.solution)}</a>'),
            ("Version technique", esc(record.version)),
            ("Type de logiciel", esc(DISPOSITIF_TEXT[record.dispositif].title)),
            ("Vague", esc(vague_text(record.vague, "bare"))),
            ("Date de référencement", esc(french_date(record.referenced_on, date_style))),
            ("N° de référencement", esc(record.reference_number)),
            ("Distributeur", distributors),
            ("Installations pilotes", esc(record.pilots)),
        )
        cells = "".join(
            f'\n  <tr><th scope="row">{label}</th><td>{value}</td></tr>'
            for label, value in lines
            if value
        )
        return (
            f'<section class="solution"><h3>{esc(record.solution)} {esc(record.version)}</h3>'
            f'<table class="solution-details"><tbody>{cells}\n</tbody></table></section>'
        )

    @staticmethod
    def pager(view: ListingView) -> str:
        if view.page_count <= 1:
            return ""
        items = []
        if view.page > 0:
            items.append(
                f'<li><a href="{esc(scrambled_query(view, view.page - 1))}" '
                'aria-label="Page précédente"><span class="visually-hidden">Page précédente'
                f"</span>{BACK_ICON}</a></li>"
            )
        for number in range(view.page_count):
            if number == view.page:
                items.append(f'<li><span aria-current="page">{number + 1}</span></li>')
            else:
                href = esc(scrambled_query(view, number))
                items.append(f'<li><a href="{href}">{number + 1}</a></li>')
        if view.has_next:
            items.append(
                f'<li><a href="{esc(scrambled_query(view, view.page + 1))}" '
                'aria-label="Page suivante"><span class="visually-hidden">Page suivante'
                f"</span>{ICON}</a></li>"
            )
        return f'<nav aria-label="Pagination"><ul class="pagination">{"".join(items)}</ul></nav>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<li><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a> '
            f"<time>{french_date(a.published_on, 'words')}</time></li>"
            for a in view.rows
        )
        body = (
            f"<main><h1>Actualités</h1><p>{results_text(view.total)}</p><ul>{items}</ul>"
            f"{self.pager(view)}</main>"
        )
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        tables = "\n".join(
            grouped_header(candidate_table(table, ARTICLE_TABLES, index))
            for index, table in enumerate(article.tables)
        )
        body = f"<main><h1>{esc(article.title)}</h1>{paragraphs}{as_typed(tables, article)}</main>"
        return document(article.title, body, lang)


def grouped_header(table: str) -> str:
    """A grouping row above the labels, inside the same <thead>."""
    columns = table.split("</thead>", 1)[0].count("<th ")
    group = f'<tr><th colspan="{columns}" scope="colgroup">Candidature</th></tr>'
    return table.replace("<thead>", f"<thead>{group}", 1)


class RowTablesBare(RowTables):
    """Rendering 16, "rowtables-bare": "rowtables" whose small tables lack the dispositif.

    A sync must then walk the dispositif facets, whose text leads with screen-reader help and
    names the dispositif code first: `<span class="visually-hidden">Filtrer par </span>DPI –
    Dossier Patient Informatisé <span class="count">(48)</span>` ("DUI – Dossier Usager
    Informatisé MS1 PA/PH/DOM" for the médico-social ones, the bare name when there is no code).
    """

    name = "rowtables-bare"
    page_size = 21

    @staticmethod
    def facet(facet: FacetLink, text: str) -> str:
        if facet.field == "dsr_solutions":
            dispositif = DISPOSITIF_TEXT[facet.name]
            code = dispositif.code or ("DUI" if facet.name.startswith("DUI ") else None)
            text = f"{code} – {dispositif.title}" if code else dispositif.title
        return RowTables.facet(facet, text)

    @staticmethod
    def row(record, position: int) -> str:
        full = RowTables.row(record, position)
        title = esc(DISPOSITIF_TEXT[record.dispositif].title)
        line = f'\n  <tr><th scope="row">Type de logiciel</th><td>{title}</td></tr>'
        assert line in full
        return full.replace(line, "")
