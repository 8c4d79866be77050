"""Rendering 4, "plaintext": each row is one <p> of "Label : valeur" lines split by <br>.

Stresses: no element marks a label, only the text before " : "; the label synonyms "Nom
commercial", "Numéro de version", "Date de décision", "Identifiant de référencement",
"Distributeurs", "Installations pilotes"; ISO dates; rows carry the vague but neither couloir nor
dispositif, so a sync must walk the dispositif facets, including the announced dispositifs with
no row yet ("DUI MS3 AHI (0)") whose page says "Aucun résultat"; a full Drupal pager with no
rel at all, where "›" is the next page and "»" the LAST one ("«" first, "‹" previous, a window
of page numbers with "…"). Candidate tables: the status column first, the dispositif under
"Couloir", ISO dates, headings in <h2> with words around the dispositif.
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    NEWS_PATH,
    ListingView,
    Rendering,
    ascii_slug,
    document,
    esc,
    french_date,
    results_text,
    vague_text,
)

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Éditeur",
        "solution": "Solution",
        "version": "Version",
        "dispositif": "Couloir",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    order=("status", "editor", "solution", "version", "dispositif", "applied_on"),
    heading="h2",
    heading_text=lambda text: f"Éditeurs candidats {text}" if text.startswith("MS") else text,
    date_style="iso",
)

WINDOW = 4  # page numbers shown each side of the current one


class PlainText(Rendering):
    name = "plaintext"
    page_size = 25
    news_page_size = 5

    def shows_empty_facets(self) -> bool:
        return True

    def dispositif_value(self, name: str) -> str:
        return ascii_slug(name).upper()

    def listing_page(self, view: ListingView) -> str:
        rows = "\n".join(self.row(record) for record in view.rows)
        facets = "".join(
            f'<li><a href="?f%5B0%5D=dsr_solutions%3A{f.value}">{esc(f.name)} ({f.count})</a></li>'
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<h1>Solutions référencées</h1>
<div class="block-facets"><h2>Dispositifs</h2><ul>{facets}</ul></div>
<div class="view-header"><p>La recherche a retourné {results_text(view.total)}</p></div>
<div class="view-content">{rows}</div>
{self.pager(view)}
</main>"""
        return document("Solutions référencées", body, view.lang)

    def row(self, record) -> str:
        lines = [
            ("Éditeur", record.editor),
            ("Nom commercial", record.solution),
            ("Numéro de version", record.version),
            ("Vague", vague_text(record.vague, "bare")),
            ("Date de décision", french_date(record.referenced_on, "iso")),
            ("Identifiant de référencement", record.reference_number),
            ("Distributeurs", record.distributors),
            ("Installations pilotes", record.pilots),
        ]
        text = "<br>\n".join(f"{label} : {esc(value)}" for label, value in lines if value)
        return f'<div class="views-row"><p>{text}</p></div>'

    @staticmethod
    def pager(view: ListingView) -> str:
        if view.page_count <= 1:
            return ""

        def link(page: int, text: str) -> str:
            return f'<li class="pager__item"><a href="{esc(view.query(page))}">{text}</a></li>'

        items = []
        if view.page > 0:
            items += [link(0, "«"), link(view.page - 1, "‹")]
        low, high = max(0, view.page - WINDOW), min(view.last_page, view.page + WINDOW)
        if low > 0:
            items.append('<li class="pager__item pager__item--ellipsis">…</li>')
        for number in range(low, high + 1):
            if number == view.page:
                items.append(f'<li class="pager__item is-active">{number + 1}</li>')
            else:
                items.append(link(number, str(number + 1)))
        if high < view.last_page:
            items.append('<li class="pager__item pager__item--ellipsis">…</li>')
        if view.has_next:
            items += [link(view.page + 1, "›"), link(view.last_page, "»")]
        return f'<nav class="pager"><ul class="pager__items">{"".join(items)}</ul></nav>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<li><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a> '
            f"({french_date(a.published_on, 'iso')}) — "
            f'<a href="{NEWS_PATH}/{a.slug}">Lire la suite</a></li>'
            for a in view.rows
        )
        body = f"<main><h1>Actualités</h1><ul>{items}</ul>{self.pager(view)}</main>"
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f"<main><h1>{esc(article.title)}</h1>{paragraphs}"
            f"{candidate_tables(article, ARTICLE_TABLES)}</main>"
        )
        return document(article.title, body, lang)
