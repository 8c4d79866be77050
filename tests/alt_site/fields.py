"""Rendering 7, "fields": Drupal entity fields, each value after its label element.

Stresses: every row is a block of Drupal fields
(`<div class="field field--label-inline"><div class="field__label">Éditeur</div>
<div class="field__item">…</div></div>`), values padded with newlines and indentation, labels
without colon; an unlabelled row title that joins solution and version ("HospiDPI 10.4.0");
the dispositif under the label "Dispositif" as "Long title (CODE)"; vague "Vague 2"; dates
"15/06/2022"; facet hrefs not percent-encoded (`?f[0]=dsr_solutions:DPI`); Drupal 10's real
mini pager (`rel="next"`, a visually hidden "Page suivante" and a visible "Suivant ›");
news links relative to a `<base href="/">`. Candidate tables: header row of <th> inside
<tbody>, the dispositif heading in <h2> with a paragraph between it and its table.
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    COULOIR_OFFICIAL,
    DISPOSITIF_TEXT,
    NEWS_PATH,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    results_text,
    vague_text,
)

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
    heading="h2",
    intro="Liste arrêtée à la date de publication, mise à jour au fil de l'instruction.",
)


class Fields(Rendering):
    name = "fields"
    page_size = 24
    news_page_size = 9

    def dispositif_value(self, name: str) -> str:
        text = DISPOSITIF_TEXT[name]
        return (text.code or name).replace(" ", "_")

    def listing_page(self, view: ListingView) -> str:
        rows = "\n".join(self.row(record) for record in view.rows)
        facets = "\n".join(
            f'<li><a href="?f[0]=dsr_solutions:{f.value}">\n  '
            f"{esc(DISPOSITIF_TEXT[f.name].title_with_code)}\n  <span>({f.count})</span>\n</a></li>"
            for f in view.dispositif_facets
        )
        body = f"""
<div class="dialog-off-canvas-main-canvas">
<main id="main-content">
<h1 class="title">Solutions référencées Ségur</h1>
<div class="block-facets"><h2 class="block-title">Dispositif (DSR)</h2><ul>{facets}</ul></div>
<div class="view-header">
  <p>{results_text(view.total)}</p>
</div>
<div class="view-content">{rows}</div>
{self.pager(view)}
</main></div>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def row(record) -> str:
        fields = (
            ("raison-sociale", "Éditeur", record.editor),
            ("logiciel", "Solution", record.solution),
            ("version", "Version", record.version),
            ("couloir", "Couloir", COULOIR_OFFICIAL[record.couloir]),
            ("dsr", "Dispositif", DISPOSITIF_TEXT[record.dispositif].title_with_code),
            ("vague", "Vague", vague_text(record.vague, "long")),
            ("date", "Date de référencement", french_date(record.referenced_on, "slash")),
            ("numero", "Numéro de référencement", record.reference_number),
            ("distributeurs", "Distributeurs", record.distributors),
            ("pilotes", "Premières installations réussies", record.pilots),
        )
        items = "".join(
            f'\n  <div class="field field--name-field-{name} field--label-inline">\n'
            f'    <div class="field__label">{label}</div>\n'
            f'    <div class="field__item">\n      {esc(value)}\n    </div>\n  </div>'
            for name, label, value in fields
            if value
        )
        title = f"{esc(record.solution)} {esc(record.version)}"
        return (
            f'<div class="views-row"><article class="node node--type-solution">'
            f'<h2 class="node__title"><a href="/node/1">{title}</a></h2>{items}\n'
            f"</article></div>"
        )

    @staticmethod
    def pager(view: ListingView) -> str:
        items = []
        previous, following = esc(view.query(view.page - 1)), esc(view.query(view.page + 1))
        if view.page > 0:
            items.append(
                f'<li class="pager__item pager__item--previous"><a href="{previous}" '
                'title="Aller à la page précédente" rel="prev">'
                '<span class="visually-hidden">Page précédente</span>'
                '<span aria-hidden="true">‹ Précédent</span></a></li>'
            )
        items.append(f'<li class="pager__item is-active">Page {view.page + 1}</li>')
        if view.has_next:
            items.append(
                f'<li class="pager__item pager__item--next"><a href="{following}" '
                'title="Aller à la page suivante" rel="next">'
                '<span class="visually-hidden">Page suivante</span>'
                '<span aria-hidden="true">Suivant ›</span></a></li>'
            )
        return (
            '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
            '<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>'
            f'<ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>'
        )

    def news_page(self, view: ListingView) -> str:
        relative = NEWS_PATH.lstrip("/")
        items = "\n".join(
            f'<div class="views-row"><article><h2><a href="{relative}/{a.slug}">'
            f"<span>{esc(a.title)}</span></a></h2>"
            f'<div class="field--name-created">{french_date(a.published_on, "slash")}</div>'
            f"</article></div>"
            for a in view.rows
        )
        # Pager links stay relative to the listing itself, hence absolute paths here.
        pager = self.pager(view).replace('href="?', f'href="{NEWS_PATH}?')
        body = f'<main><h1>Actualités</h1><div class="view-content">{items}</div>{pager}</main>'
        return document("Actualités", body, view.lang, head='<base href="/">\n')

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f'<main><article class="node--type-article"><h1 class="page-title">'
            f"<span>{esc(article.title)}</span></h1>"
            f'<div class="clearfix text-formatted field field--name-body">{paragraphs}'
            f"{candidate_tables(article, ARTICLE_TABLES)}</div></article></main>"
        )
        return document(article.title, body, lang)
