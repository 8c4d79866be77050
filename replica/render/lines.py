"""The "lines" rendering: DSFR-like "Label : valeur" lines (see replica/render/__init__.py)."""

from __future__ import annotations

from replica.dataset import Article
from replica.render.common import (
    ARIA_PAGE,
    ARIA_TRUE,
    DISPOSITIF_DISPLAY,
    LOGIN_PATH,
    SITE_NAME,
    Context,
    FacetItem,
    Listing,
    Pager,
    Theme,
    esc,
    group_digits,
    result_count_words,
)
from scraper.items import SolutionRecord


class LinesTheme(Theme):
    """DSFR-like: "Label : valeur" lines split by <br> in one <li> per solution; pager "»"."""

    name = "lines"
    page_size = 25
    raw_brackets = True

    def document(self, ctx: Context, title: str, main: str, sidebar: str = "") -> str:
        nav = "".join(
            f'<li class="fr-nav__item"><a class="fr-nav__link" href="{esc(href)}" '
            f'target="_self">{esc(label)}</a></li>'
            for href, label in self.nav_items(ctx)
        )
        languages = "".join(
            f'<a class="fr-translate__language fr-nav__link" hreflang="{code}" lang="{code}" '
            f'href="{esc(href)}"{ARIA_TRUE if active else ""}>'
            f'<span class="short-label">{code.upper()}</span> - {esc(label)}</a>'
            for href, code, label, active in self.language_links(ctx)
        )
        footer = "".join(
            f'<li class="fr-footer__content-item"><a class="fr-footer__content-link" '
            f'target="_blank" rel="noopener" href="{esc(href)}">{esc(label)}</a></li>'
            for href, label in self.footer_links()
        )
        side = (
            f'<div class="fr-col-12 fr-col-md-4"><nav class="fr-sidemenu" '
            f'aria-labelledby="fr-sidemenu-title">{sidebar}</nav></div>\n'
            if sidebar
            else ""
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{ctx.lang}" data-fr-scheme="system">\n<head>\n'
            f"{self.head(ctx, title)}</head>\n<body>\n"
            '<div class="fr-skiplinks"><nav class="fr-container" aria-label="Accès rapide">'
            f'<ul class="fr-skiplinks__list"><li><a class="fr-link" href="#contenu">'
            f"{esc(ctx.text('skip'))}</a></li></ul></nav></div>\n"
            '<header role="banner" class="fr-header"><div class="fr-header__body">'
            '<div class="fr-container"><div class="fr-header__brand">'
            '<p class="fr-logo">République<br>Française</p>'
            f'<div class="fr-header__service"><a href="{esc(ctx.link("/"))}" '
            f'title="Accueil - {esc(SITE_NAME)}"><p class="fr-header__service-title">'
            f"{esc(SITE_NAME)}</p></a></div></div>\n"
            '<div class="fr-header__tools"><ul class="fr-btns-group">'
            f'<li><a class="fr-btn fr-icon-lock-line" href="{esc(LOGIN_PATH)}">'
            f"{esc(ctx.text('login'))}</a></li></ul>"
            f'<nav role="navigation" class="fr-translate fr-nav"><div class="fr-nav__item">'
            f'<div class="fr-collapse fr-translate__menu fr-menu">{languages}</div></div></nav>'
            "</div></div></div>\n"
            '<div class="fr-header__menu"><div class="fr-container">'
            f'<nav class="fr-nav" role="navigation" aria-label="Menu principal">'
            f'<ul class="fr-nav__list">{nav}</ul></nav></div></div></header>\n'
            '<main role="main" id="contenu"><div class="fr-container fr-my-6w">'
            '<div class="fr-grid-row fr-grid-row--gutters">\n'
            f"{side}"
            f'<div class="fr-col-12 fr-col-md-8"><h1>{esc(title)}</h1>\n{main}</div>\n'
            "</div></div></main>\n"
            '<footer class="fr-footer" role="contentinfo"><div class="fr-container">'
            f'<ul class="fr-footer__content-list">{footer}</ul></div></footer>\n'
            "</body>\n</html>\n"
        )

    def result_line(self, total: int, start: int, shown: int) -> str:
        if total == 0 or shown == 0:
            text = (
                "Aucun résultat"
                if total == 0
                else (f"Affichage de 0 sur {group_digits(total, ' ')} résultats")
            )
            return f'<p class="fr-text--sm fr-mb-2w">{text}</p>\n'
        number, word = result_count_words(total, " ")
        return (
            f'<p class="fr-text--sm fr-mb-2w">Affichage de {start + 1} à {start + shown} sur '
            f"{number} {word}</p>\n"
        )

    def line_block(self, record: SolutionRecord) -> str:
        lines = [
            ("Fournisseur", record.editor),
            ("Logiciel", record.solution),
            ("Numéro de version", record.version),
            ("Type de logiciel", DISPOSITIF_DISPLAY[record.dispositif].short),
            ("Vague", f"V{record.vague}"),
            ("Date de décision", record.referenced_on),
            ("Identifiant de référencement", record.reference_number),
            ("Distributeurs", record.distributors),
            ("Premières installations réussies", record.pilots),
        ]
        text = "<br>\n".join(f"{esc(label)} : {esc(value)}" for label, value in lines if value)
        return f'<li class="fr-mb-3w">{text}</li>\n'

    def solutions(self, rows: list[SolutionRecord]) -> str:
        if not rows:
            return '<p class="fr-mb-2w">Aucune solution ne correspond à votre recherche.</p>\n'
        return (
            f'<ul class="fr-raw-list liste-solutions">\n{"".join(map(self.line_block, rows))}'
            "</ul>\n"
        )

    def pager(self, pager: Pager) -> str:
        if pager.page_count <= 1:
            return ""
        items = []
        if pager.page > 0:
            previous = min(pager.page - 1, pager.page_count - 1)
            items.append(
                f'<li><a class="fr-pagination__link fr-pagination__link--prev" '
                f'href="{self.page_href(pager, previous)}" title="Aller à la page précédente">«'
                "</a></li>"
            )
        for number in pager.window(5):
            if number == pager.page:
                items.append(
                    f'<li><a class="fr-pagination__link" aria-current="page" '
                    f'title="Page {number + 1}">{number + 1}</a></li>'
                )
            else:
                items.append(
                    f'<li><a class="fr-pagination__link" href="{self.page_href(pager, number)}" '
                    f'title="Page {number + 1}">{number + 1}</a></li>'
                )
        if pager.has_next:
            items.append(
                f'<li><a class="fr-pagination__link fr-pagination__link--next" '
                f'href="{self.page_href(pager, pager.page + 1)}" '
                'title="Aller à la page suivante">»</a></li>'
            )
        return (
            '<nav role="navigation" class="fr-pagination" aria-label="Pagination">'
            f'<ul class="fr-pagination__list">{"".join(items)}</ul></nav>\n'
        )

    def facet_block(self, ctx: Context, title: str, items: list[FacetItem]) -> str:
        entries = "".join(
            f'<li class="fr-sidemenu__item"><a class="fr-sidemenu__link" '
            f'href="{self.facet_href(ctx, item)}"'
            f"{ARIA_PAGE if item.active else ''}>"
            f"{esc(DISPOSITIF_DISPLAY[item.dispositif].short)} ({item.count})</a></li>"
            for item in items
        )
        return (
            f'<div class="fr-sidemenu__inner"><div class="fr-sidemenu__title" '
            f'id="fr-sidemenu-title">{esc(title)}</div>'
            f'<ul class="fr-sidemenu__list">{entries}</ul></div>\n'
        )

    def listing_sidebar(self, ctx: Context, listing: Listing) -> str:
        return self.facet_block(ctx, "Type de logiciel", listing.facets)

    def news_items(self, ctx: Context, items: list[Article]) -> str:
        entries = "".join(
            f'<li class="fr-mb-2w"><a href="{esc(ctx.link(item.path))}">{esc(item.title)}</a>'
            f"<br>\nPublié le : {esc(item.published_on)}</li>\n"
            for item in items
        )
        return f'<ul class="fr-raw-list">\n{entries}</ul>\n'
