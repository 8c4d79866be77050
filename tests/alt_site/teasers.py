"""Rendering 15, "teasers": hierarchical facets, a grouped table header, "Lire la suite" news.

Stresses: a table whose <thead> has two rows, a grouping row ("Produit", "Référencement") above
the labels; rows with neither couloir nor dispositif, so a sync must walk the dispositif
facets, which Drupal's hierarchical facets nest under the couloir facets (`<li><a
couloir:…>Hôpital (90)</a><ul><li><a dsr_solutions:…>DPI (48)</a></li></ul></li>`), the
médico-social children named as section 2 names them ("MS1 PA/PH/DOM (59)", "MS2 PDE (14)"),
the announced MS3 ones with "(0)" and an "Aucun résultat" page; the result line in an <h2>
("270 résultats"); the pager's "Page suivante" link (no rel) carries the search view's exposed
filters (`search_api_fulltext=&field_categorie=All`) and a fragment (`#resultats`). News: each
teaser's title is an unlinked <h2>, the only link is "Lire la suite". Candidate tables under
<h3> headings "DUI MS1 PA/PH/DOM", dates in words.
"""

from __future__ import annotations

from urllib.parse import urlencode

from scraper.vocabulary import couloir_of

from .articles import TableStyle, candidate_tables
from .common import (
    COULOIR_OFFICIAL,
    COULOIRS,
    DISPOSITIF_TEXTS,
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

TERM_IDS = {text.name: str(500 + index) for index, text in enumerate(DISPOSITIF_TEXTS)}
COULOIR_IDS = {name: str(20 + index) for index, name in enumerate(COULOIRS)}
EXPOSED = (("search_api_fulltext", ""), ("field_categorie", "All"))

GROUPS = (("Produit", 3), ("Référencement", 5))
COLUMNS = (
    "Éditeur", "Nom du logiciel", "Version", "Vague", "Date de référencement",
    "N° de référencement", "Distributeurs", "Installations pilotes",
)  # fmt: skip

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Éditeur",
        "solution": "Solution",
        "version": "Version",
        "dispositif": "DSR",
        "status": "Statut",
        "applied_on": "Date de dépôt",
    },
    heading="h3",
    heading_text=lambda text: f"DUI {text}" if text.startswith("MS") else text,
    date_style="words",
)


def child_text(name: str) -> str:
    """How a dispositif facet nested under its couloir names it."""
    return name.removeprefix("DUI ")


class Teasers(Rendering):
    name = "teasers"
    page_size = 28
    news_page_size = 9

    def select(self, solutions):
        return with_extras(solutions)

    def dispositif_value(self, name: str) -> str:
        return TERM_IDS[name]

    def couloir_value(self, name: str) -> str:
        return COULOIR_IDS[name]

    def shows_empty_facets(self) -> bool:
        return True

    def listing_page(self, view: ListingView) -> str:
        groups = "".join(f'<th colspan="{span}">{label}</th>' for label, span in GROUPS)
        labels = "".join(f"<th>{label}</th>" for label in COLUMNS)
        rows = "\n".join(self.row(record) for record in view.rows)
        body = f"""
<main>
<h1>Solutions référencées Ségur</h1>
<div class="facets"><h2>Couloirs et dispositifs</h2>{self.facet_tree(view)}</div>
<h2 id="resultats">{results_text(view.total)}</h2>
<table>
<thead><tr>{groups}</tr><tr>{labels}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
{self.pager(view)}
</main>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def facet_tree(view: ListingView) -> str:
        children: dict[str, list[str]] = {}
        for facet in view.dispositif_facets:
            children.setdefault(couloir_of(facet.name), []).append(
                f'<li><a href="?f%5B0%5D=dsr_solutions%3A{facet.value}">'
                f"{esc(child_text(facet.name))} ({facet.count})</a></li>"
            )
        items = []
        for facet in view.couloir_facets:
            nested = "".join(children.get(facet.name, []))
            items.append(
                f'<li><a href="?f%5B0%5D=couloir%3A{facet.value}">'
                f"{esc(COULOIR_OFFICIAL[facet.name])} ({facet.count})</a>"
                f"<ul>{nested}</ul></li>"
            )
        return f'<ul class="facet-tree">{"".join(items)}</ul>'

    @staticmethod
    def row(record) -> str:
        cells = (
            record.editor,
            record.solution,
            record.version,
            vague_text(record.vague, "long"),
            french_date(record.referenced_on, "slash"),
            record.reference_number,
            record.distributors,
            record.pilots,
        )
        return "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>"

    @staticmethod
    def pager(view: ListingView) -> str:
        if not view.has_next:
            return ""
        params = list(view.params)
        names = {name for name, _ in params}
        params += [pair for pair in EXPOSED if pair[0] not in names]
        href = "?" + urlencode([*params, ("page", view.page + 1)]) + "#resultats"
        return f'<p class="pager"><a href="{esc(href)}">Page suivante</a></p>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<div class="teaser"><h2>{esc(a.title)}</h2><p>{esc(a.summary)}</p>'
            f"<p><time>{french_date(a.published_on, 'slash')}</time> "
            f'<a href="{NEWS_PATH}/{a.slug}">Lire la suite</a></p></div>'
            for a in view.rows
        )
        body = f"<main><h1>Actualités</h1>{items}{self.pager(view)}</main>"
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f"<main><h1>{esc(article.title)}</h1>{paragraphs}"
            f"{candidate_tables(article, ARTICLE_TABLES)}</main>"
        )
        return document(article.title, body, lang)
