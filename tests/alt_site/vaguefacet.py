"""Rendering 8, "vaguefacet": the vague is known only from a vague facet.

Stresses: rows carry their dispositif ("DUI MS2 PDE") but neither couloir nor vague; the page
heading never names a vague; a "Vague" facet (`f[0]=vague:1`, "Vague 1 (240)") filters the
listing, and on a vague page the dispositif facet links keep it (`f[0]=vague:1&f[1]=
dsr_solutions:DPI`) with counts within that vague (Drupal facets). Contract 4.1: "Couloir,
dispositif and vague may be missing from rows: then they are known only from the facet used to
reach the page ... and the vague from the page heading or facet." The listing table's first
cell of each body row is a `<th scope="row">` (the editor); the next link is a bare "›" with
rel="next". Candidate tables: "DSR" column, headings in <h3> such as "Dossier Usager Informatisé
(DUI) — MS1 PA/PH/DOM".
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    NEWS_PATH,
    FacetLink,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    results_text,
)

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Éditeur",
        "solution": "Solution",
        "version": "Version",
        "dispositif": "DSR",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    heading="h3",
    heading_text=lambda text: (
        f"Dossier Usager Informatisé (DUI) — {text}" if text.startswith("MS") else text
    ),
)

COLUMNS = (
    "Éditeur", "Logiciel", "Version", "Dispositif", "Date de référencement",
    "N° de référencement", "Distributeurs", "Installations pilotes",
)  # fmt: skip


class VagueFacet(Rendering):
    name = "vaguefacet"
    page_size = 35
    offers_vague_facet = True

    def dispositif_value(self, name: str) -> str:
        return name.replace(" ", "-").replace("/", "-")

    def listing_page(self, view: ListingView) -> str:
        head = "".join(f'<th scope="col">{label}</th>' for label in COLUMNS)
        rows = "\n".join(self.row(record) for record in view.rows)
        vagues = "".join(self.facet(view, f, f"Vague {f.name}") for f in view.vague_facets)
        dispositifs = "".join(self.facet(view, f, f.name) for f in view.dispositif_facets)
        body = f"""
<main>
<h1>Catalogue des solutions référencées</h1>
<aside><h2>Vague</h2><ul>{vagues}</ul><h2>Dispositif</h2><ul>{dispositifs}</ul></aside>
<p class="summary">{results_text(view.total)}</p>
<table><thead><tr>{head}</tr></thead><tbody>
{rows}
</tbody></table>
{self.pager(view)}
</main>"""
        return document("Catalogue des solutions référencées", body, view.lang)

    @staticmethod
    def facet(view: ListingView, facet: FacetLink, text: str) -> str:
        """Drupal facets: a dispositif link keeps the active vague."""
        params = [f"f%5B0%5D={facet.field}%3A{esc(facet.value)}"]
        if facet.field == "dsr_solutions" and view.active_vague is not None:
            vague = next(f for f in view.vague_facets if f.active)
            params = [f"f%5B0%5D=vague%3A{vague.value}", f"f%5B1%5D=dsr_solutions%3A{facet.value}"]
        href = "?" + "&amp;".join(params)
        marker = ' class="is-active"' if facet.active else ""
        return f'<li{marker}><a href="{href}">{esc(text)} ({facet.count})</a></li>'

    @staticmethod
    def row(record) -> str:
        cells = (
            record.solution,
            record.version,
            record.dispositif,
            french_date(record.referenced_on, "iso"),
            record.reference_number,
            record.distributors,
            record.pilots,
        )
        return (
            f'<tr><th scope="row">{esc(record.editor)}</th>'
            + "".join(f"<td>{esc(value)}</td>" for value in cells)
            + "</tr>"
        )

    @staticmethod
    def pager(view: ListingView) -> str:
        links = []
        if view.page > 0:
            links.append(f'<a href="{esc(view.query(view.page - 1))}" rel="prev">‹</a>')
        links.append(f"<span>{view.page + 1} / {max(view.page_count, 1)}</span>")
        if view.has_next:
            links.append(f'<a href="{esc(view.query(view.page + 1))}" rel="next">›</a>')
        return f'<div class="pager">{" ".join(links)}</div>'

    def news_page(self, view: ListingView) -> str:
        items = "\n".join(
            f'<li><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></li>' for a in view.rows
        )
        body = (
            f"<main><h1>Actualités</h1><p>{results_text(view.total)}</p><ul>{items}</ul>"
            f"{self.pager(view)}</main>"
        )
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f"<main><h1>{esc(article.title)}</h1>{paragraphs}"
            f"{candidate_tables(article, ARTICLE_TABLES)}</main>"
        )
        return document(article.title, body, lang)


class VagueFacetBare(VagueFacet):
    """Rendering 11, "vaguefacet-bare": "vaguefacet" whose rows lack the dispositif too.

    Each row then says neither its dispositif nor its vague: the dispositif facets give the
    one, the vague facets the other, so every row is known only by combining two facets.
    """

    name = "vaguefacet-bare"
    page_size = 40

    def listing_page(self, view: ListingView) -> str:
        page = super().listing_page(view)
        return page.replace('<th scope="col">Dispositif</th>', "")

    @staticmethod
    def row(record) -> str:
        full = VagueFacet.row(record)
        return full.replace(f"<td>{esc(record.dispositif)}</td>", "", 1)
