"""Rendering 3, "definitions": one `<dl>` per row, the vague only in the page heading.

Stresses: rows carry no couloir, no dispositif and no vague, so a sync must visit the
dispositif facets (their hrefs carry slugs of the long title, their text is "Long title
(CODE) (48)": two parenthesised groups) and take the vague from each facet page's <h1>
("Dossier Patient Informatisé (DPI) — Vague 1"); the unfiltered listing's <h1> names no vague.
Labels "Fournisseur", "Logiciel", "Version" with a trailing colon inside the <dt>; dates in
words; the next page is marked `rel="next"` only on a <link> in <head>, the visible link is
"Page suivante" without rel; the result line is split over elements
(`<strong>266</strong>&nbsp;résultats`). The news listing has no result line.

Data subset (documented, so that the heading can name one vague per facet page): only the
rows whose vague is the dispositif's own, i.e. vague 2 for the vague-2-only dispositifs
(DRIMbox, LGC SF, LGC paramédicaux, LGC CD) and vague 1 for every other one. Vague 2 rows of
vague 1 dispositifs (about 10 % of the synthetic rows, and Héliantis DPI in state 2) are left
out of this site and of its truth.
"""

from __future__ import annotations

from replica.dataset import VAGUE_2_ONLY

from .articles import TableStyle, candidate_tables
from .common import (
    DISPOSITIF_TEXT,
    NBSP,
    NEWS_PATH,
    ListingView,
    Rendering,
    ascii_slug,
    document,
    esc,
    french_date,
    grouped,
)


def own_vague(dispositif: str) -> int:
    return 2 if dispositif in VAGUE_2_ONLY else 1


def _heading_text(heading: str) -> str:
    return f"DUI {heading}" if heading.startswith("MS") else heading


ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Éditeur",
        "solution": "Nom du logiciel",
        "version": "Version",
        "dispositif": "Dispositif",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    header="th-row",
    heading="h4",
    heading_text=_heading_text,
)


class Definitions(Rendering):
    name = "definitions"
    page_size = 20
    news_page_size = 8

    def select(self, solutions):
        return [r for r in solutions if r.vague == own_vague(r.dispositif)]

    def dispositif_value(self, name: str) -> str:
        return ascii_slug(DISPOSITIF_TEXT[name].title)

    def listing_page(self, view: ListingView) -> str:
        heading = "Solutions référencées Ségur"
        if view.active_dispositif in DISPOSITIF_TEXT:
            text = DISPOSITIF_TEXT[view.active_dispositif]
            heading = f"{text.title_with_code} — Vague {own_vague(text.name)}"
        rows = "\n".join(self.row(record) for record in view.rows)
        facets = "".join(
            f'<li><a href="?f%5B0%5D=dsr_solutions%3A{f.value}">'
            f"{esc(DISPOSITIF_TEXT[f.name].title_with_code)} ({f.count})</a></li>"
            for f in view.dispositif_facets
        )
        count = "Aucun résultat"
        if view.total:
            word = "résultat" if view.total == 1 else "résultats"
            count = f"<strong>{grouped(view.total, NBSP)}</strong>{NBSP}{word}"
        body = f"""
<div class="layout-container"><main>
<h1>{esc(heading)}</h1>
<section class="filtres"><h2>Filtrer par dispositif</h2><ul>{facets}</ul></section>
<div class="compteur">{count}</div>
<div class="resultats">{rows}</div>
{self.visible_pager(view)}
</main></div>"""
        return document(heading, body, view.lang, head=self.head_links(view))

    def row(self, record) -> str:
        pairs = [
            ("Fournisseur :", record.editor),
            ("Logiciel :", record.solution),
            ("Version :", record.version),
            ("Date de référencement :", french_date(record.referenced_on, "words")),
            ("N° de référencement :", record.reference_number),
            ("Distributeurs :", record.distributors),
            ("Premières installations réussies :", record.pilots),
        ]
        items = "".join(f"<dt>{label}</dt><dd>{esc(value)}</dd>" for label, value in pairs if value)
        return f'<article class="fiche-solution"><dl>{items}</dl></article>'

    @staticmethod
    def head_links(view: ListingView) -> str:
        links = ""
        if view.page > 0:
            links += f'<link rel="prev" href="{esc(view.query(view.page - 1))}">\n'
        if view.has_next:
            links += f'<link rel="next" href="{esc(view.query(view.page + 1))}">\n'
        return links

    @staticmethod
    def visible_pager(view: ListingView) -> str:
        parts = []
        if view.page > 0:
            parts.append(f'<a href="{esc(view.query(view.page - 1))}">Page précédente</a>')
        if view.page_count > 1:
            parts.append(f"<span>Page {view.page + 1} sur {view.page_count}</span>")
        if view.has_next:
            parts.append(f'<a href="{esc(view.query(view.page + 1))}">Page suivante</a>')
        return f'<div class="navigation-pages">{" ".join(parts)}</div>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<div class="actu"><h3><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></h3>'
            f"<p>{esc(a.summary)}</p></div>"
            for a in view.rows
        )
        body = f"<main><h1>Toute l'actualité</h1>{items}{self.visible_pager(view)}</main>"
        return document("Actualités", body, view.lang, head=self.head_links(view))

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f"<main><article><header><h1>{esc(article.title)}</h1></header>"
            f'<div class="corps">{paragraphs}{candidate_tables(article, ARTICLE_TABLES)}</div>'
            f"</article></main>"
        )
        return document(article.title, body, lang)


class HeadingVague(Definitions):
    """Rendering 10, "headingvague": "definitions" with a labelled dispositif in every row.

    Rows now carry their dispositif ("Dispositif : DPI") but still no vague and no couloir; the
    unfiltered listing's heading names no vague (it mixes both), each facet page's heading
    names its one vague. Contract 4.1: the vague missing from rows "is known ... from the page
    heading or facet", so the rows of the unfiltered listing are not enough: the facet pages
    (same data subset as "definitions") give every row its vague.
    """

    name = "headingvague"
    news_page_size = 7  # its last news page lists a candidate article (unlike "definitions")

    def row(self, record) -> str:
        block = super().row(record)
        dispositif = f"<dt>Dispositif :</dt><dd>{esc(record.dispositif)}</dd>"
        return block.replace("</dl>", dispositif + "</dl>")
