"""Rendering 1, "bootstrap": Bootstrap cards, upper-case unaccented labels.

Stresses: every label in UPPER CASE without accents ("EDITEUR", "NUMERO DE VERSION"); the
solution printed twice (an unlabelled card title, and its labelled line); the couloir under
"CATEGORIE" in section 2's official forms ("Imagerie (Radiologie)", "Sages-femmes &
paramédicaux"); dispositifs as "Long title (CODE)"; vague "V1"; dates in words ("1er mars
2023"); the result line grouped with a narrow no-break space ("1 234 résultats"); a pager whose
next link is only `<a href="?page=1">›</a>` (no rel, relative href, query kept on facets).
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    COULOIR_OFFICIAL,
    DISPOSITIF_TEXT,
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
        "dispositif": "Dispositif",
        "status": "Statut",
        "applied_on": "Date de candidature",
    },
    heading="h3",
    date_style="words",
    table_class="table table-striped",
)


class Bootstrap(Rendering):
    name = "bootstrap"
    page_size = 30

    def dispositif_value(self, name: str) -> str:
        return ascii_slug(name).replace("-", "_")

    def listing_page(self, view: ListingView) -> str:
        cards = "\n".join(self.card(record) for record in view.rows)
        facets = "\n".join(
            f'<a class="list-group-item{" active" if f.active else ""}" '
            f'href="?f%5B0%5D=dsr_solutions%3A{esc(f.value)}">'
            f"{esc(DISPOSITIF_TEXT[f.name].title_with_code)} "
            f'<span class="badge bg-secondary">({f.count})</span></a>'
            for f in view.dispositif_facets
        )
        body = f"""
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">ANS</a>
 <a class="nav-link" href="{NEWS_PATH}">Actualités</a></nav>
<div class="container"><div class="row">
 <aside class="col-md-3"><div class="list-group">{facets}</div></aside>
 <main class="col-md-9">
  <h1 class="display-5">Solutions référencées Ségur</h1>
  <div class="view-header"><p class="lead">{results_text(view.total)}</p></div>
  {cards}
  {self.pager(view)}
 </main>
</div></div>"""
        return document("Solutions référencées Ségur", body, view.lang)

    def card(self, record) -> str:
        text = DISPOSITIF_TEXT[record.dispositif]
        items = [
            ("EDITEUR", record.editor),
            ("NOM DU LOGICIEL", record.solution),
            ("NUMERO DE VERSION", record.version),
            ("CATEGORIE", COULOIR_OFFICIAL[record.couloir]),
            ("DSR", text.title_with_code),
            ("VAGUE", vague_text(record.vague, "short")),
            ("DATE DE REFERENCEMENT", french_date(record.referenced_on, "words")),
            ("N° DE REFERENCEMENT", record.reference_number),
            ("DISTRIBUTEURS", record.distributors),
            ("PREMIERES INSTALLATIONS REUSSIES", record.pilots),
        ]
        lines = "".join(
            f"<li><strong>{label} :</strong> {esc(value)}</li>" for label, value in items if value
        )
        return (
            f'<div class="card mb-3"><div class="card-body">'
            f'<h3 class="card-title">{esc(record.solution)}</h3>'
            f'<h6 class="card-subtitle text-muted">{esc(record.editor)}</h6>'
            f'<ul class="list-unstyled">{lines}</ul></div></div>'
        )

    def pager(self, view: ListingView) -> str:
        if view.page_count <= 1:
            return ""
        items = []
        if view.page > 0:
            items.append(f'<a class="page-link" href="{esc(view.query(view.page - 1))}">‹</a>')
        for number in range(view.page_count):
            if number == view.page:
                items.append(f'<span class="page-link active">{number + 1}</span>')
            else:
                items.append(
                    f'<a class="page-link" href="{esc(view.query(number))}">{number + 1}</a>'
                )
        if view.has_next:
            items.append(f'<a class="page-link" href="{esc(view.query(view.page + 1))}">›</a>')
        lis = "".join(f'<li class="page-item">{item}</li>' for item in items)
        return f'<nav aria-label="pagination"><ul class="pagination">{lis}</ul></nav>'

    def news_page(self, view: ListingView) -> str:
        links = "\n".join(
            f'<a class="list-group-item list-group-item-action" href="{NEWS_PATH}/{a.slug}">'
            f'<small class="text-muted">{french_date(a.published_on, "words")}</small> '
            f"{esc(a.title)}</a>"
            for a in view.rows
        )
        body = (
            f'<div class="container"><h1>Actualités</h1><div class="list-group">{links}</div>'
            f"{self.pager(view)}</div>"
        )
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f'<div class="container"><article><h1>{esc(article.title)}</h1>'
            f'<p class="text-muted">Publié le {french_date(article.published_on, "words")}</p>'
            f"{paragraphs}{candidate_tables(article, ARTICLE_TABLES)}</article></div>"
        )
        return document(article.title, body, lang)
