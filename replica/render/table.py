"""The "table" rendering: classic Drupal views table (see replica/render/__init__.py)."""

from __future__ import annotations

from replica.dataset import Article
from replica.render.common import (
    COULOIR_DISPLAY,
    DISPOSITIF_DISPLAY,
    LOGIN_PATH,
    NBSP,
    SITE_NAME,
    Context,
    FacetItem,
    Listing,
    Pager,
    Theme,
    date_slash,
    esc,
    query_href,
    result_count_words,
)
from scraper.items import SolutionRecord


class TableTheme(Theme):
    """Classic Drupal (Bartik-like ids), a views table and the full pager."""

    name = "table"
    page_size = 50
    facet_path = True
    COLUMNS = (
        ("Éditeur", "editeur"),
        ("Solution", "solution"),
        ("Version", "version"),
        ("Couloir", "couloir"),
        ("Dispositif", "dispositif"),
        ("Vague", "vague"),
        ("Date de référencement", "date-referencement"),
        ("N° de référencement", "numero-referencement"),
        ("Distributeurs", "distributeurs"),
        ("Premières installations réussies", "premieres-installations"),
    )

    def document(self, ctx: Context, title: str, main: str, sidebar: str = "") -> str:
        nav = "".join(
            f'<li class="menu-item"><a href="{esc(href)}">{esc(label)}</a></li>'
            for href, label in self.nav_items(ctx)
        )
        languages = "".join(
            f'<li hreflang="{code}" class="{"is-active" if active else ""}">'
            f'<a href="{esc(href)}" class="language-link" hreflang="{code}">{esc(label)}</a></li>'
            for href, code, label, active in self.language_links(ctx)
        )
        footer = "".join(
            f'<li><a href="{esc(href)}">{esc(label)}</a></li>'
            for href, label in self.footer_links()
        )
        aside = (
            f'<aside id="sidebar-first" class="column sidebar" role="complementary">'
            f'<div class="region region-sidebar-first">{sidebar}</div></aside>\n'
            if sidebar
            else ""
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{ctx.lang}" dir="ltr">\n<head>\n'
            f"{self.head(ctx, title)}</head>\n"
            '<body class="layout-one-sidebar layout-sidebar-first path-frontpage">\n'
            f'<a href="#main-content" class="visually-hidden focusable skip-link">'
            f"{esc(ctx.text('skip'))}</a>\n"
            '<div class="dialog-off-canvas-main-canvas"><div id="page-wrapper"><div id="page">\n'
            '<header id="header" class="header" role="banner">\n'
            f'<div class="site-branding"><a href="{esc(ctx.link("/"))}" rel="home">'
            f"{esc(SITE_NAME)}</a></div>\n"
            f'<nav role="navigation" aria-label="Menu principal" id="block-mainnavigation">'
            f'<ul class="clearfix menu">{nav}'
            f'<li class="menu-item"><a href="{esc(LOGIN_PATH)}">{esc(ctx.text("login"))}</a>'
            "</li></ul></nav>\n"
            f'<div class="language-switcher-language-url" role="navigation" '
            f'aria-label="{esc(ctx.text("language"))}"><ul class="links">{languages}</ul></div>\n'
            "</header>\n"
            '<div id="main-wrapper" class="layout-main-wrapper clearfix">'
            '<div id="main" class="layout-main clearfix">\n'
            '<main id="content" class="column main-content" role="main">'
            '<section class="section"><a id="main-content" tabindex="-1"></a>\n'
            f'<h1 class="title page-title">{esc(title)}</h1>\n{main}</section></main>\n'
            f"{aside}</div></div>\n"
            f'<footer class="site-footer" role="contentinfo"><ul class="menu">{footer}</ul>'
            "</footer>\n</div></div></div>\n</body>\n</html>\n"
        )

    def result_line(self, total: int, start: int, shown: int) -> str:
        if total == 0:
            return '<div class="view-header"><p>Aucun résultat</p></div>\n'
        number, word = result_count_words(total, NBSP)
        return f'<div class="view-header"><p>{number} {word}</p></div>\n'

    def header_cell(self, label: str, ident: str) -> str:
        cell_id = f"view-{ident}-table-column"
        if ident in ("editeur", "date-referencement"):  # Drupal click-sort columns
            order = "field_editeur" if ident == "editeur" else "field_date_referencement"
            href = query_href([("order", order), ("sort", "asc")])
            return (
                f'<th id="{cell_id}" class="views-field views-field-{ident}" scope="col">'
                f'<a href="{href}" title="Trier par {esc(label)}" rel="nofollow">'
                f"{esc(label)}</a></th>"
            )
        return (
            f'<th id="{cell_id}" class="views-field views-field-{ident}" scope="col">'
            f"{esc(label)}</th>"
        )

    def cells(self, record: SolutionRecord) -> tuple[str, ...]:
        display = DISPOSITIF_DISPLAY[record.dispositif]
        return (
            record.editor,
            record.solution,
            record.version,
            COULOIR_DISPLAY[record.couloir][0],
            display.long,
            f"Vague {record.vague}",
            date_slash(record.referenced_on),
            record.reference_number or "",
            record.distributors or "",
            record.pilots or "",
        )

    def solutions(self, rows: list[SolutionRecord]) -> str:
        if not rows:
            return (
                '<div class="view-empty"><p>Aucune solution ne correspond à ces critères.</p>'
                "</div>\n"
            )
        headers = "".join(self.header_cell(label, ident) for label, ident in self.COLUMNS)
        body = []
        for index, record in enumerate(rows):
            parity = "odd" if index % 2 == 0 else "even"
            cells = "".join(
                f'<td headers="view-{ident}-table-column" class="views-field '
                f'views-field-{ident}">{esc(value)}</td>'
                for (_, ident), value in zip(self.COLUMNS, self.cells(record), strict=True)
            )
            body.append(f'<tr class="{parity}">{cells}</tr>\n')
        return (
            '<div class="view-content"><table class="views-table views-view-table cols-10">\n'
            f"<thead><tr>{headers}</tr></thead>\n<tbody>\n{''.join(body)}</tbody>\n"
            "</table></div>\n"
        )

    def pager(self, pager: Pager) -> str:
        if pager.page_count <= 1:
            return ""
        items = []
        if pager.page > 0:
            items.append(
                f'<li class="pager__item pager__item--first"><a href="{self.page_href(pager, 0)}"'
                ' title="Aller à la première page"><span class="visually-hidden">Première page'
                '</span>\n<span aria-hidden="true">« Premier</span></a></li>'
            )
            previous = min(pager.page - 1, pager.page_count - 1)
            items.append(
                '<li class="pager__item pager__item--previous">'
                f'<a href="{self.page_href(pager, previous)}" title="Aller à la page précédente"'
                ' rel="prev"><span class="visually-hidden">Page précédente</span>\n'
                '<span aria-hidden="true">‹ Précédent</span></a></li>'
            )
        for number in pager.window():
            if number == pager.page:
                items.append(
                    '<li class="pager__item is-active">'
                    f'<a href="{self.page_href(pager, number)}" title="Page courante" '
                    f'aria-current="page"><span class="visually-hidden">Page courante</span>\n'
                    f"{number + 1}</a></li>"
                )
            else:
                items.append(
                    f'<li class="pager__item"><a href="{self.page_href(pager, number)}" '
                    f'title="Aller à la page {number + 1}"><span class="visually-hidden">Page'
                    f"</span>\n{number + 1}</a></li>"
                )
        if pager.has_next:
            items.append(
                '<li class="pager__item pager__item--next">'
                f'<a href="{self.page_href(pager, pager.page + 1)}" '
                'title="Aller à la page suivante" rel="next"><span class="visually-hidden">'
                'Page suivante</span>\n<span aria-hidden="true">Suivant ›</span></a></li>'
            )
            items.append(
                '<li class="pager__item pager__item--last">'
                f'<a href="{self.page_href(pager, pager.page_count - 1)}" '
                'title="Aller à la dernière page"><span class="visually-hidden">Dernière page'
                '</span>\n<span aria-hidden="true">Dernier »</span></a></li>'
            )
        return (
            '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
            '<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>'
            f'<ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>\n'
        )

    def facet_label(self, item: FacetItem) -> str:
        if item.dispositif:
            return DISPOSITIF_DISPLAY[item.dispositif].long
        return COULOIR_DISPLAY[item.couloir][0]

    def facet_block(self, ctx: Context, title: str, items: list[FacetItem]) -> str:
        entries = []
        for item in items:
            status = (
                '<span class="facet-item__status js-facet-deactivate">(-)</span> '
                if item.active
                else ""
            )
            active = " is-active" if item.active else ""
            entries.append(
                f'<li class="facet-item{active}"><a href="{self.facet_href(ctx, item)}" '
                f'rel="nofollow" class="facet-item__link{active}" '
                f'data-drupal-facet-item-id="{esc(item.field)}-{esc(item.value.lower())}">'
                f'{status}<span class="facet-item__value">{esc(self.facet_label(item))}</span> '
                f'<span class="facet-item__count">({item.count})</span></a></li>'
            )
        ident = "dsr-solutions" if title == "Dispositif" else "couloir"
        return (
            f'<div class="block-facets block-facet--links" id="block-{ident}">'
            f'<h2 class="block-title">{esc(title)}</h2>'
            f'<ul data-drupal-facet-id="{ident}" class="facets-widget-links item-list__links">'
            f"{''.join(entries)}</ul></div>\n"
        )

    def listing_sidebar(self, ctx: Context, listing: Listing) -> str:
        return self.facet_block(ctx, "Dispositif", listing.facets) + self.facet_block(
            ctx, "Couloir", listing.couloir_facets
        )

    def news_items(self, ctx: Context, items: list[Article]) -> str:
        rows = "".join(
            '<div class="views-row"><article class="node node--type-actualite node--teaser">'
            f'<h2><a href="{esc(ctx.link(item.path))}" rel="bookmark">{esc(item.title)}</a></h2>'
            f'<span class="date">{esc(date_slash(item.published_on))}</span>'
            f"<p>{esc(item.summary)}</p></article></div>\n"
            for item in items
        )
        return f'<div class="view-content">{rows}</div>\n'
