"""Rendering 9, "dsfr": the French State design system (DSFR) that government sites use.

Stresses: each row is an `fr-card` whose unlabelled title is the solution and whose unlabelled
`fr-tag`s name the couloir and dispositif in short forms; the labelled values are
`<p class="fr-card__detail">Label : valeur</p>` lines ("Éditeur", "Solution", "Version",
"Vague", "Date de référencement", "N° de référencement", "Distributeurs"); since the row has no
labelled dispositif, a sync must walk the facets (`fr-tag` links, "DPI (48)"). The DSFR pager
prints its first/previous links on the first page and its next/last links on the last page as
`<a>` without href (`aria-disabled="true"`), labelled "Page suivante" / "Dernière page" like the
live ones. Candidate tables are folded in DSFR accordions: each table sits in
`<div class="fr-collapse"><div class="fr-table">` under the accordion's heading, whose text is
inside the toggle button (`<h3 class="fr-accordion__title"><button class="fr-accordion__btn">
Liste des candidats MS1 PA/PH/DOM</button></h3>`): the heading just above the table.
"""

from __future__ import annotations

from .articles import TableStyle, as_typed, candidate_table
from .common import (
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
    heading_text=lambda text: f"Liste des candidats {text}" if text.startswith("MS") else text,
    date_style="words",
    table_class="fr-table--bordered",
)

TERM_IDS = {name: str(400 + i) for i, name in enumerate(sorted(t.name for t in DISPOSITIF_TEXTS))}

SKIP_LINKS = (
    '<div class="fr-skiplinks"><nav role="navigation" aria-label="Accès rapide">'
    '<ul class="fr-skiplinks__list"><li><a class="fr-link" href="#contenu">Contenu</a></li>'
    '<li><a class="fr-link" href="#footer">Pied de page</a></li></ul></nav></div>'
    '<header role="banner" class="fr-header"><p class="fr-logo">République<br>Française</p>'
    '<a href="/" title="Accueil - Agence du Numérique en Santé">ANS</a></header>'
)


class Dsfr(Rendering):
    name = "dsfr"
    page_size = 21
    news_page_size = 10

    def dispositif_value(self, name: str) -> str:
        return TERM_IDS[name]

    def listing_page(self, view: ListingView) -> str:
        cards = "\n".join(self.card(record) for record in view.rows)
        tags = "".join(
            f'<li><a class="fr-tag" href="?f%5B0%5D=dsr_solutions%3A{f.value}"'
            f"{' aria-pressed=true' if f.active else ''}>{esc(f.name)} ({f.count})</a></li>"
            for f in view.dispositif_facets
        )
        body = f"""{SKIP_LINKS}
<main id="contenu" class="fr-container">
<nav class="fr-breadcrumb"><ol class="fr-breadcrumb__list"><li><a class="fr-breadcrumb__link"
 href="/">Accueil</a></li><li><a class="fr-breadcrumb__link" aria-current="page">Solutions
 référencées</a></li></ol></nav>
<h1>Solutions référencées Ségur</h1>
<ul class="fr-tags-group">{tags}</ul>
<h2 class="fr-h6">{results_text(view.total)}</h2>
<div class="fr-grid-row fr-grid-row--gutters">{cards}</div>
{self.pager(view)}
</main>
<footer class="fr-footer" id="footer"><a href="https://www.gouvernement.fr">gouvernement.fr</a>
</footer>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def card(record) -> str:
        details = (
            ("Éditeur", record.editor),
            ("Solution", record.solution),
            ("Version", record.version),
            ("Vague", vague_text(record.vague, "bare")),
            ("Date de référencement", french_date(record.referenced_on, "slash")),
            ("N° de référencement", record.reference_number),
            ("Distributeurs", record.distributors),
            ("Premières installations réussies", record.pilots),
        )
        lines = "".join(
            f'<p class="fr-card__detail">{label} : {esc(value)}</p>'
            for label, value in details
            if value
        )
        return (
            '<div class="fr-col-12 fr-col-md-4"><div class="fr-card"><div class="fr-card__body">'
            f'<div class="fr-card__content"><h3 class="fr-card__title">{esc(record.solution)}</h3>'
            f'<div class="fr-card__start"><ul class="fr-tags-group">'
            f'<li><p class="fr-tag">{esc(record.couloir)}</p></li>'
            f'<li><p class="fr-tag">{esc(record.dispositif)}</p></li></ul></div>'
            f'<div class="fr-card__end">{lines}</div></div></div></div></div>'
        )

    @staticmethod
    def pager(view: ListingView) -> str:
        def link(kind: str, text: str, page: int | None) -> str:
            classes = f"fr-pagination__link fr-pagination__link--{kind}"
            if page is None:
                return f'<li><a class="{classes}" aria-disabled="true" role="link">{text}</a></li>'
            return f'<li><a class="{classes}" href="{esc(view.query(page))}">{text}</a></li>'

        first = view.page == 0
        last = not view.has_next
        items = [
            link("first", "Première page", None if first else 0),
            link("prev", "Page précédente", None if first else view.page - 1),
        ]
        for number in range(max(0, view.page - 2), min(view.page_count, view.page + 3)):
            if number == view.page:
                items.append(
                    f'<li><a class="fr-pagination__link" aria-current="page" '
                    f'title="Page {number + 1}">{number + 1}</a></li>'
                )
            else:
                items.append(
                    f'<li><a class="fr-pagination__link" href="{esc(view.query(number))}" '
                    f'title="Page {number + 1}">{number + 1}</a></li>'
                )
        items += [
            link("next", "Page suivante", None if last else view.page + 1),
            link("last", "Dernière page", None if last else view.last_page),
        ]
        return (
            '<nav role="navigation" class="fr-pagination" aria-label="Pagination">'
            f'<ul class="fr-pagination__list">{"".join(items)}</ul></nav>'
        )

    def news_page(self, view: ListingView) -> str:
        cards = "\n".join(
            f'<div class="fr-card fr-enlarge-link"><div class="fr-card__body">'
            f'<h3 class="fr-card__title"><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></h3>'
            f'<p class="fr-card__desc">{esc(a.summary)}</p>'
            f'<p class="fr-card__detail">{french_date(a.published_on, "words")}</p></div></div>'
            for a in view.rows
        )
        body = f'{SKIP_LINKS}<main class="fr-container"><h1>Actualités</h1>{cards}'
        return document("Actualités", body + self.pager(view) + "</main>", view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        accordions = "".join(
            self.accordion(table, index) for index, table in enumerate(article.tables)
        )
        body = (
            f'{SKIP_LINKS}<main class="fr-container"><h1>{esc(article.title)}</h1>'
            f'{paragraphs}<div class="fr-accordions-group">{as_typed(accordions, article)}</div>'
            "</main>"
        )
        return document(article.title, body, lang)

    @staticmethod
    def accordion(table, index: int) -> str:
        title = ARTICLE_TABLES.heading_text(table.heading or "Liste des candidats")
        return (
            '<section class="fr-accordion"><h3 class="fr-accordion__title">'
            f'<button class="fr-accordion__btn" aria-expanded="false" aria-controls="acc-{index}">'
            f'{esc(title)}</button></h3><div class="fr-collapse" id="acc-{index}">'
            f'<div class="fr-table">{candidate_table(table, ARTICLE_TABLES, index)}</div>'
            "</div></section>"
        )
