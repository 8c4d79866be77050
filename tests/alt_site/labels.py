"""Rendering 14, "labels": each row is a block of `<label>` elements, each followed by its value.

Stresses: rows as `<article>` blocks of `<div class="form-item"><label>Raison sociale&nbsp;:
</label> <span>…</span></div>` (the colon after a no-break space, inside the label); every
field printed on every row, optional ones as "—" when the solution has none; the label
synonyms "Raison sociale", "Nom commercial", "Numéro de version", "Catégorie" (the couloir in
section 2's official form, "Imagerie (Radiologie)"), "DSR" ("Dossier Patient Informatisé
(DPI)"), "Référencé le" (dates in words, "1er juin 2022"), "Identifiant de référencement",
"Premières installations réussies"; vague "V2"; the result line "270 résultats trouvés" inside
a sentence-like banner at the top; tricky.py's extra rows (a solution "Suivant" whose name
links to its own page). Pager: "«" first page, numbered links, "»" the NEXT page (no rel, no
last-page link), hrefs relative "?page=3". Candidate tables: Drupal tablesort headers (each
`<th>` holds `<a href="?order=…&sort=asc" title="Trier par Raison sociale">Raison sociale</a>`),
dates in words, headings in <h2> with the couloir's words around the dispositif ("Couloir
médico-social : DUI MS2 PDE").
"""

from __future__ import annotations

from urllib.parse import quote

from .articles import TableStyle, candidate_tables
from .common import (
    COULOIR_OFFICIAL,
    DISPOSITIF_TEXT,
    NBSP,
    NEWS_PATH,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    results_text,
    vague_text,
)
from .tricky import with_extras

MISSING = "—"

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Raison sociale",
        "solution": "Nom du logiciel",
        "version": "Version",
        "dispositif": "Dispositif",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    heading="h2",
    heading_text=lambda text: (
        f"Couloir médico-social : DUI {text}" if text.startswith("MS") else text
    ),
    date_style="words",
)


class Labels(Rendering):
    name = "labels"
    page_size = 26
    news_page_size = 12

    def select(self, solutions):
        return with_extras(solutions)

    def dispositif_value(self, name: str) -> str:
        return quote(DISPOSITIF_TEXT[name].code or name, safe="")

    def listing_page(self, view: ListingView) -> str:
        rows = "\n".join(self.row(record, view.start + i) for i, record in enumerate(view.rows))
        facets = "".join(
            f'<li><a href="?f%5B0%5D=dsr_solutions%3A{esc(f.value)}">'
            f"{esc(DISPOSITIF_TEXT[f.name].title_with_code)}</a> "
            f'<span class="facet-count">({f.count})</span></li>'
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<div class="banner"><h1>Solutions référencées Ségur</h1>
<p>Votre recherche : {results_text(view.total)} trouvés</p></div>
<aside><h2>Filtrer par dispositif</h2><ul>{facets}</ul></aside>
<section class="results">
{rows}
</section>
{self.pager(view)}
</main>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def row(record, position: int) -> str:
        fields = (
            ("Raison sociale", esc(record.editor)),
            ("Nom commercial", f'<a href="/solutions/{position}">{esc(record.solution)}</a>'),
            ("Numéro de version", esc(record.version)),
            ("Catégorie", esc(COULOIR_OFFICIAL[record.couloir])),
            ("DSR", esc(DISPOSITIF_TEXT[record.dispositif].title_with_code)),
            ("Vague", esc(vague_text(record.vague, "short"))),
            ("Référencé le", esc(french_date(record.referenced_on, "words"))),
            ("Identifiant de référencement", esc(record.reference_number or MISSING)),
            ("Distributeurs", esc(record.distributors or MISSING)),
            ("Premières installations réussies", esc(record.pilots or MISSING)),
        )
        items = "".join(
            f'\n  <div class="form-item"><label>{label}{NBSP}:</label> <span>{value}</span></div>'
            for label, value in fields
        )
        return f'<article class="solution">{items}\n</article>'

    @staticmethod
    def pager(view: ListingView) -> str:
        if view.page_count <= 1:
            return ""
        links = []
        if view.page > 0:
            links.append(f'<a href="{esc(view.query(0))}" title="Première page">«</a>')
        for number in range(view.page_count):
            if number == view.page:
                links.append(f"<strong>{number + 1}</strong>")
            else:
                links.append(f'<a href="{esc(view.query(number))}">{number + 1}</a>')
        if view.has_next:
            links.append(f'<a href="{esc(view.query(view.page + 1))}">»</a>')
        return f'<div class="pager">{" ".join(links)}</div>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<li><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></li>' for a in view.rows
        )
        body = f"<main><h1>Actualités</h1><ul>{items}</ul>{self.pager(view)}</main>"
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        tables = sortable_headers(candidate_tables(article, ARTICLE_TABLES))
        body = f"<main><article><h1>{esc(article.title)}</h1>{paragraphs}{tables}</article></main>"
        return document(article.title, body, lang)


def sortable_headers(html: str) -> str:
    """Drupal tablesort: each header label becomes a link that sorts on its column."""
    for field, label in ARTICLE_TABLES.labels.items():
        html = html.replace(
            f'<th scope="col">{esc(label)}</th>',
            f'<th scope="col"><a href="?order={field}&amp;sort=asc" '
            f'title="Trier par {esc(label)}">{esc(label)}</a></th>',
        )
    return html
