"""The "cards" rendering: one <article> per solution (see replica/render/__init__.py)."""

from __future__ import annotations

from replica.dataset import Article
from replica.render.common import (
    ACTIVE_CLASS,
    ARIA_PAGE,
    DISPOSITIF_DISPLAY,
    LISTING_PATH,
    LOGIN_PATH,
    NNBSP,
    SITE_NAME,
    Context,
    FacetItem,
    Listing,
    Pager,
    Theme,
    date_words,
    esc,
    result_count_words,
)
from scraper.items import SolutionRecord


class CardsTheme(Theme):
    """Olivero-like: one card per solution with a <dl> of synonym labels; no couloir, no
    dispositif (the facets tell); mini pager without rel."""

    name = "cards"
    page_size = 20

    def document(self, ctx: Context, title: str, main: str, sidebar: str = "") -> str:
        nav = "".join(
            f'<li class="primary-nav__menu-item"><a href="{esc(href)}" '
            f'class="primary-nav__menu-link">{esc(label)}</a></li>'
            for href, label in self.nav_items(ctx)
        )
        languages = "".join(
            f'<li><a href="{esc(href)}" hreflang="{code}" lang="{code}"'
            f"{ARIA_PAGE if active else ''}>{code.upper()}"
            f'<span class="visually-hidden"> – {esc(label)}</span></a></li>'
            for href, code, label, active in self.language_links(ctx)
        )
        footer = "".join(
            f'<a class="footer-link" href="{esc(href)}">{esc(label)}</a> '
            for href, label in self.footer_links()
        )
        region = f'<div class="region region--sidebar">{sidebar}</div>\n' if sidebar else ""
        return (
            f'<!DOCTYPE html>\n<html lang="{ctx.lang}" dir="ltr" class="js">\n<head>\n'
            f"{self.head(ctx, title)}</head>\n"
            '<body class="path-view page-view-solutions-referencees">\n'
            f'<a href="#main-content" class="skip-link">{esc(ctx.text("skip"))}</a>\n'
            '<div class="page-wrapper">\n'
            '<header class="site-header" id="header">\n'
            f'<div class="site-branding__inner"><a href="{esc(ctx.link("/"))}" '
            f'class="site-branding__logo" rel="home">{esc(SITE_NAME)}</a></div>\n'
            f'<div class="language-switcher"><ul>{languages}</ul></div>\n'
            f'<nav class="primary-nav" aria-label="Navigation principale"><ul>{nav}</ul></nav>\n'
            f'<div class="secondary-nav"><a href="{esc(LOGIN_PATH)}">'
            f"{esc(ctx.text('login'))}</a></div>\n"
            "</header>\n"
            '<div id="main-wrapper" class="layout-main-wrapper">'
            '<div class="main-content" id="main-content" tabindex="-1">\n'
            f'<div class="region region--content-above"><h1 class="title">{esc(title)}</h1></div>\n'
            f'<main class="region region--content grid-full">{main}</main>\n'
            f"{region}</div></div>\n"
            f'<footer class="site-footer"><div class="site-footer__inner">{footer}'
            f'<p class="site-footer__copyright">© Agence du Numérique en Santé</p></div>'
            "</footer>\n</div>\n</body>\n</html>\n"
        )

    def result_line(self, total: int, start: int, shown: int) -> str:
        if total == 0:
            return '<p class="results-count">Aucun résultat</p>\n'
        number, word = result_count_words(total, NNBSP)
        return f'<p class="results-count"><strong class="count">{number}</strong> {word}</p>\n'

    def listing_intro(self, ctx: Context, listing: Listing) -> str:
        editor = esc(listing.filters.get("field_raison_sociale_value", ""))
        name = esc(listing.filters.get("field_logiciel_nom_value", ""))
        return (
            f'<form class="views-exposed-form" action="{esc(ctx.link(LISTING_PATH))}" '
            'method="get" id="views-exposed-form-solutions-referencees">\n'
            '<div class="form-item"><label for="edit-field-raison-sociale-value">'
            'Raison sociale</label><input type="text" id="edit-field-raison-sociale-value" '
            f'name="field_raison_sociale_value" value="{editor}" size="30" maxlength="128">'
            "</div>\n"
            '<div class="form-item"><label for="edit-field-logiciel-nom-value">Nom commercial'
            '</label><input type="text" id="edit-field-logiciel-nom-value" '
            f'name="field_logiciel_nom_value" value="{name}" size="30" maxlength="128"></div>\n'
            '<div class="form-actions"><input type="submit" value="Filtrer" '
            'class="button js-form-submit"></div></form>\n'
        )

    def card(self, record: SolutionRecord) -> str:
        fields = [
            ("Raison sociale", record.editor),
            ("Nom commercial", record.solution),
            ("Version technique", record.version),
            ("Vague", str(record.vague)),
            ("Référencé le", date_words(record.referenced_on)),
            ("Numéro de référencement", record.reference_number),
            ("Distributeur", record.distributors),
            ("Installations pilotes", record.pilots),
        ]
        items = "".join(
            f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in fields if value
        )
        return (
            '<div class="views-row"><article class="solution-card">'
            f'<h3 class="solution-card__title">{esc(record.solution)}</h3>'
            f'<dl class="solution-card__fields">{items}</dl></article></div>\n'
        )

    def solutions(self, rows: list[SolutionRecord]) -> str:
        if not rows:
            return '<div class="view-empty">Aucune solution trouvée.</div>\n'
        return f'<div class="view-content cards-grid">{"".join(map(self.card, rows))}</div>\n'

    def pager(self, pager: Pager) -> str:
        if pager.page_count <= 1:
            return ""
        items = []
        if pager.page > 0:
            previous = min(pager.page - 1, pager.page_count - 1)
            items.append(
                f'<li class="pager__item pager__item--previous"><a href="'
                f'{self.page_href(pager, previous)}">‹ Page précédente</a></li>'
            )
        items.append(
            f'<li class="pager__item is-active">Page {pager.page + 1} sur {pager.page_count}</li>'
        )
        if pager.has_next:
            items.append(
                f'<li class="pager__item pager__item--next"><a href="'
                f'{self.page_href(pager, pager.page + 1)}">Page suivante ›</a></li>'
            )
        return (
            '<nav class="pager pager--mini" aria-label="Pagination">'
            f'<ul class="pager__items">{"".join(items)}</ul></nav>\n'
        )

    def facet_block(self, ctx: Context, title: str, items: list[FacetItem]) -> str:
        entries = "".join(
            f"<li{ACTIVE_CLASS if item.active else ''}>"
            f'<a href="{self.facet_href(ctx, item)}">'
            f"{esc(DISPOSITIF_DISPLAY[item.dispositif].card)} "
            f'<span class="count">({item.count})</span></a></li>'
            for item in items
        )
        return (
            f'<section class="block block-facets"><h2 class="block__title">{esc(title)}</h2>'
            f'<ul class="facet-list">{entries}</ul></section>\n'
        )

    def news_items(self, ctx: Context, items: list[Article]) -> str:
        cards = "".join(
            '<div class="views-row"><article class="teaser">'
            f'<h3 class="teaser__title"><a href="{esc(ctx.link(item.path))}">{esc(item.title)}'
            f'</a></h3><p class="teaser__date">{esc(date_words(item.published_on))}</p>'
            f'<div class="teaser__summary">{esc(item.summary)}</div></article></div>\n'
            for item in items
        )
        return f'<div class="view-content">{cards}</div>\n'
