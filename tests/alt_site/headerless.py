"""Rendering 2, "headerless": a table whose header is its first row of `<td><b>` cells.

Stresses: no <thead> and no <th> anywhere; columns in an unusual order with unknown ones
("Contact", "Site web") in between; the label synonyms "Raison sociale", "Nom du logiciel",
"Version technique", "Type de logiciel", "Référencé le"; values wrapped in `<a>`, `<span>`,
`<em>`, `<code>`; dispositifs by their long title only ("Logiciel de Gestion de Cabinet");
facet hrefs carrying opaque term ids (`f%5B0%5D=dsr_solutions%3A372`) whose text is the long
title and a count ("Logiciel de Gestion de Cabinet (43)"); a Drupal summary "Affichage de 31 à
60 sur 266 résultats" as the result line (the first number is not the total); a mini pager whose
next link is the bare word "Suivant". Candidate tables: the same `<td><b>` header row, an extra
"Contact" column, headings in <h2>.
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    DISPOSITIF_TEXTS,
    NEWS_PATH,
    ListingView,
    Rendering,
    ascii_slug,
    document,
    esc,
    french_date,
    results_text,
)

TERM_IDS = {text.name: str(361 + index) for index, text in enumerate(DISPOSITIF_TEXTS)}
LONG_TITLE = {text.name: text.title for text in DISPOSITIF_TEXTS}

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Raison sociale",
        "solution": "Nom du logiciel",
        "version": "Version",
        "dispositif": "DSR",
        "status": "Statut",
        "applied_on": "Date de dépôt",
    },
    order=("editor", "Contact", "solution", "version", "dispositif", "applied_on", "status"),
    header="td-bold",
    heading="h2",
    date_style="slash",
    extra={"Contact": "segur@editeur.example"},
    table_class="cke-table",
)

COLUMNS = (
    "Raison sociale", "Contact", "Nom du logiciel", "Type de logiciel", "Version technique",
    "Site web", "Référencé le", "Vague", "Couloir", "Numéro de référencement", "Distributeur",
    "Installations pilotes",
)  # fmt: skip


class Headerless(Rendering):
    name = "headerless"
    page_size = 30
    news_page_size = 6

    def dispositif_value(self, name: str) -> str:
        return TERM_IDS[name]

    def listing_page(self, view: ListingView) -> str:
        header = "<tr>" + "".join(f"<td><b>{label}</b></td>" for label in COLUMNS) + "</tr>"
        rows = "\n".join(self.row(record) for record in view.rows)
        first, last = view.start + 1, view.start + len(view.rows)
        summary = (
            f"Affichage de {first} à {last} sur {results_text(view.total, ' ')}"
            if view.rows
            else results_text(view.total)
        )
        facets = "".join(
            f'<li class="facet-item"><a href="{LISTING_PATH_QUERY}{esc(f.value)}" '
            f'rel="nofollow" data-drupal-facet-item-id="dsr-solutions-{f.value}">'
            f'<span class="facet-item__value">{esc(LONG_TITLE[f.name])}</span> '
            f'<span class="facet-item__count">({f.count})</span></a></li>'
            for f in view.dispositif_facets
        )
        body = f"""
<header role="banner"><a href="/" rel="home">Agence du Numérique en Santé</a></header>
<div class="region-sidebar"><h2>Type de logiciel</h2><ul class="facets-widget-links">{facets}</ul>
</div>
<main role="main"><h1 class="page-title">Liste des solutions référencées</h1>
<div class="view view-solutions-referencees">
<div class="view-header">{summary}</div>
<div class="view-content"><table class="views-table cols-12" width="100%">
<tbody>
{header}
{rows}
</tbody></table></div>
{self.pager(view)}
</div></main>"""
        return document("Liste des solutions référencées", body, view.lang)

    def row(self, record) -> str:
        slug = ascii_slug(record.editor)[:30] or "editeur"
        cells = (
            f'<a href="/annuaire/{slug}"><span class="raison">{esc(record.editor)}</span></a>',
            f'<a href="mailto:segur@{slug}.example">segur@{slug}.example</a>',
            f'<span class="nom"><em>{esc(record.solution)}</em></span>',
            f"<span>{esc(LONG_TITLE[record.dispositif])}</span>",
            f"<code>{esc(record.version)}</code>",
            f'<a href="https://www.{slug}.example/" target="_blank">www.{slug}.example</a>',
            f'<time datetime="{record.referenced_on}">'
            f"{french_date(record.referenced_on, 'slash')}</time>",
            esc(record.vague),
            esc(record.couloir),
            esc(record.reference_number),
            esc(record.distributors),
            esc(record.pilots),
        )
        return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"

    def pager(self, view: ListingView) -> str:
        items = []
        if view.page > 0:
            items.append(
                f'<li class="pager__item pager__item--previous">'
                f'<a href="{esc(view.query(view.page - 1))}">Précédent</a></li>'
            )
        items.append(f'<li class="pager__item is-active">Page {view.page + 1}</li>')
        if view.has_next:
            items.append(
                f'<li class="pager__item pager__item--next">'
                f'<a href="{esc(view.query(view.page + 1))}">Suivant</a></li>'
            )
        items_html = "".join(items)
        return (
            f'<nav class="pager" role="navigation"><ul class="pager__items">{items_html}</ul></nav>'
        )

    def news_page(self, view: ListingView) -> str:
        rows = "\n".join(
            f'<div class="views-row"><div class="views-field views-field-title">'
            f'<span class="field-content"><a href="{NEWS_PATH}/{a.slug}" hreflang="fr">'
            f"{esc(a.title)}</a></span></div>"
            f'<div class="views-field views-field-created">{french_date(a.published_on, "slash")}'
            f"</div></div>"
            for a in view.rows
        )
        body = (
            f'<main><h1>Actualités</h1><div class="view-content">{rows}</div>'
            f"{self.pager(view)}</main>"
        )
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f'<main><h1 class="page-title"><span>{esc(article.title)}</span></h1>'
            f'<div class="field--name-body">{paragraphs}'
            f"{candidate_tables(article, ARTICLE_TABLES)}</div></main>"
        )
        return document(article.title, body, lang)


LISTING_PATH_QUERY = (
    "/segur-du-numerique-en-sante/solutions-referencees-segur?f%5B0%5D=dsr_solutions%3A"
)
