"""Rendering 13, "headlink": the next page is announced only by `<link rel="next">` in <head>.

Stresses: no visible pager at all (only "Page 2 sur 12" as plain text), the next page named
only by a `<link rel="next">` in <head> whose query changes order and encoding from one page
to the next (tricky.scrambled_query); a table whose rows carry neither couloir nor dispositif
(a sync must walk the dispositif facets: opaque term ids, listed after the couloir facets),
with the vague in a different form on each row ("Vague 1", "V1", "1"); dispositif facet
counts that are stale (one more than the facet page finds: the contract only promises that
the link text names the dispositif); the result line BELOW the table, while a row above it
reads "10 RÉSULTATS & ANALYSES" (a numeric version column followed by the editor column); a
solution called "Suivant" whose name links to its own page; "1 résultat" on the DUI MS3 AHI
facet page. Candidate tables: each folded in `<details><summary>Liste MS2 PDE</summary>`
(the summary is the text just above the table), header cells `<td><strong>` in <thead>.
"""

from __future__ import annotations

from .articles import TableStyle, as_typed, candidate_table
from .common import (
    COULOIR_OFFICIAL,
    COULOIRS,
    DISPOSITIF_TEXT,
    DISPOSITIF_TEXTS,
    LISTING_PATH,
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

TERM_IDS = {text.name: str(3000 + 11 * index) for index, text in enumerate(DISPOSITIF_TEXTS)}
COULOIR_IDS = {name: str(40 + index) for index, name in enumerate(COULOIRS)}
VAGUE_STYLES = ("long", "short", "bare")

COLUMNS = (
    "Solution", "Numéro de version", "Éditeur", "Vague", "Date de décision",
    "Numéro de référencement", "Distributeurs", "Premières installations réussies",
)  # fmt: skip

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Éditeur",
        "solution": "Solution",
        "version": "Version",
        "dispositif": "Dispositif",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    heading="none",
)


class HeadLink(Rendering):
    name = "headlink"
    page_size = 20
    news_page_size = 7

    def select(self, solutions):
        return with_extras(solutions)

    def dispositif_value(self, name: str) -> str:
        return TERM_IDS[name]

    def couloir_value(self, name: str) -> str:
        return COULOIR_IDS[name]

    def listing_page(self, view: ListingView) -> str:
        head = "".join(f"<th>{label}</th>" for label in COLUMNS)
        rows = "\n".join(
            self.row(record, view.start + index) for index, record in enumerate(view.rows)
        )
        couloirs = "".join(
            self.facet(f, COULOIR_OFFICIAL[f.name], f.count) for f in view.couloir_facets
        )
        dispositifs = "".join(
            self.facet(f, DISPOSITIF_TEXT[f.name].title_with_code, f.count + 1)
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<h1>Solutions référencées Ségur</h1>
<nav class="facets"><h2>Affiner par couloir</h2><ul>{couloirs}</ul>
<h2>Affiner par dispositif</h2><ul>{dispositifs}</ul></nav>
<table class="views-table">
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<footer class="view-footer"><p>{results_text(view.total)}</p>
<p>Page {view.page + 1} sur {max(view.page_count, 1)}</p></footer>
</main>"""
        return document("Solutions référencées Ségur", body, view.lang, head=next_link(view))

    @staticmethod
    def facet(facet: FacetLink, text: str, count: int) -> str:
        href = esc(f"{LISTING_PATH}?f[0]={facet.field}:{facet.value}")
        return f'<li><a href="{href}">{esc(text)} ({count})</a></li>'

    @staticmethod
    def row(record, position: int) -> str:
        cells = (
            f'<a href="/solutions/{position}">{esc(record.solution)}</a>',
            esc(record.version),
            esc(record.editor),
            esc(vague_text(record.vague, VAGUE_STYLES[position % len(VAGUE_STYLES)])),
            esc(french_date(record.referenced_on, "words")),
            esc(record.reference_number),
            esc(record.distributors),
            esc(record.pilots),
        )
        return "<tr>\n" + "".join(f"<td>{cell}</td>\n" for cell in cells) + "</tr>"

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<article><h2><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></h2>'
            f"<p>{esc(a.summary)}</p></article>"
            for a in view.rows
        )
        body = f"<main><h1>Actualités</h1>{items}</main>"
        return document("Actualités", body, view.lang, head=next_link(view))

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        tables = "\n".join(
            folded(table.heading, strong_header(candidate_table(table, ARTICLE_TABLES, index)))
            for index, table in enumerate(article.tables)
        )
        body = f"<main><h1>{esc(article.title)}</h1>{paragraphs}{as_typed(tables, article)}</main>"
        return document(article.title, body, lang)


def next_link(view: ListingView) -> str:
    if not view.has_next:
        return ""
    return f'<link rel="next" href="{esc(scrambled_query(view, view.page + 1))}">\n'


def strong_header(table: str) -> str:
    head, rest = table.split("</thead>", 1)
    head = head.replace('<th scope="col">', "<td><strong>").replace("</th>", "</strong></td>")
    return head + "</thead>" + rest


def folded(heading: str | None, table: str) -> str:
    if not heading:
        return table
    text = heading if heading.startswith("Liste") else f"Liste {heading}"
    return f"<details open><summary>{esc(text)}</summary>\n{table}\n</details>"
