"""HTML renderings of the replica: three Drupal-like themes that all satisfy the contract
(docs/ans-site.md section 4) with different markup, so the scraper cannot lean on one of them.

* "table"  -- classic Drupal: one views table per page (every field, long couloir/dispositif
  names, dates "15/06/2022"), full pager with rel="next", facet links on codes
  (`dsr_solutions:DPI`, `couloir:hopital`), "137 résultats".
* "cards"  -- one <article> per solution with a <dl> of synonym labels (Raison sociale, Nom
  commercial, ...), no couloir nor dispositif (only the facets tell), dates "15 juin 2022" /
  "1er juin 2022", mini pager "Page suivante ›" without rel, facets on opaque term ids
  (`dsr_solutions:372`), exposed filter form with <label>s, counts with a narrow no-break space.
* "lines"  -- DSFR-like: one <li> per solution of "Label : valeur" lines split by <br>, the
  dispositif as "Type de logiciel" (short name), no couloir, dates "2022-06-15", vague "V1",
  pager "»" with only title="Aller à la page suivante", unencoded facet links
  `?f[0]=dsr_solutions:lgc`, "Affichage de 1 à 25 sur 250 résultats".

Every value goes through `html.escape`. Display names of dispositifs and couloirs are written
out here rather than taken from the scraper's vocabulary, so that the replica stays an
independent rendering of the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode

from scraper.items import CandidateRecord, SolutionRecord
from scraper.replica.dataset import Article, CandidateTable

RENDERINGS = ("table", "cards", "lines")

LISTING_PATH = "/segur-du-numerique-en-sante/solutions-referencees-segur"
NEWS_PATH = "/actualites"
LOGIN_PATH = "/user/login"
SITE_NAME = "Industriels eSanté"

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NBSP, NNBSP = "\u00a0", "\u202f"
ARIA_PAGE = ' aria-current="page"'
ARIA_TRUE = ' aria-current="true"'
ACTIVE_CLASS = ' class="is-active"'


@dataclass(frozen=True)
class DispositifDisplay:
    long: str  # table column and table facet: "Dossier Patient Informatisé (DPI)"
    card: str  # cards facet link text
    short: str  # lines "Type de logiciel" and lines facet
    code: str  # table facet value
    term_id: int  # cards facet value (an opaque Drupal taxonomy term id)

    @property
    def slug(self) -> str:  # lines facet value
        return "-".join("".join(c if c.isalnum() else " " for c in self.code.lower()).split())


DUI = "Dossier Usager Informatisé"
DISPOSITIF_DISPLAY: dict[str, DispositifDisplay] = {
    "DPI": DispositifDisplay(
        "Dossier Patient Informatisé (DPI)", "Dossier Patient Informatisé", "DPI", "DPI", 341
    ),
    "PFI": DispositifDisplay(
        "Plateforme d'Intermédiation (PFI)", "Plateforme d'Intermédiation", "PFI", "PFI", 342
    ),
    "RI": DispositifDisplay("Référentiel Identité (RI)", "Référentiel Identité", "RI", "RI", 343),
    "LGC": DispositifDisplay(
        "Logiciel de Gestion de Cabinet (LGC)",
        "Logiciel de Gestion de Cabinet",
        "LGC",
        "LGC",
        351,
    ),
    "SGL": DispositifDisplay(
        "Système de Gestion de Laboratoire (SGL)",
        "Système de Gestion de Laboratoire",
        "SGL",
        "SGL",
        356,
    ),
    "Transcodeur LOINC": DispositifDisplay(
        "Transcodeur LOINC", "Transcodeur LOINC", "Transcodeur LOINC", "LOINC", 357
    ),
    "RIS": DispositifDisplay(
        "Radiology Information System (RIS)", "Radiology Information System", "RIS", "RIS", 361
    ),
    "DRIMbox": DispositifDisplay("DRIMbox", "DRIMbox", "DRIMbox", "DRIMBOX", 389),
    "LGO": DispositifDisplay(
        "Logiciel de Gestion d'Officine (LGO)",
        "Logiciel de Gestion d'Officine",
        "LGO",
        "LGO",
        366,
    ),
    "DUI MS1 PA/PH/DOM": DispositifDisplay(
        f"{DUI} (DUI) – MS1 PA/PH/DOM",
        f"{DUI} – MS1 PA/PH/DOM",
        "DUI MS1 PA/PH/DOM",
        "DUI_MS1",
        372,
    ),
    "DUI MS2 PDE": DispositifDisplay(
        f"{DUI} (DUI) – MS2 PDE", f"{DUI} – MS2 PDE", "DUI MS2 PDE", "DUI_MS2_PDE", 373
    ),
    "DUI MS2 PDS": DispositifDisplay(
        f"{DUI} (DUI) – MS2 PDS", f"{DUI} – MS2 PDS", "DUI MS2 PDS", "DUI_MS2_PDS", 374
    ),
    "Opérateurs MSS": DispositifDisplay(
        "Opérateurs MSSanté", "Opérateurs MSSanté", "Opérateurs MSS", "MSS", 378
    ),
    "SAS Agenda": DispositifDisplay(
        "Agenda du Service d'accès aux soins (SAS Agenda)",
        "SAS Agenda",
        "SAS Agenda",
        "SAS_AGENDA",
        381,
    ),
    "LGC SF": DispositifDisplay(
        "Logiciel de Gestion de Cabinet Sages-femmes (LGC SF)",
        "LGC Sages-femmes",
        "LGC SF",
        "LGC_SF",
        402,
    ),
    "LGC paramédicaux": DispositifDisplay(
        "Logiciel de Gestion de Cabinet – paramédicaux (LGC paramédicaux)",
        "LGC paramédicaux",
        "LGC paramédicaux",
        "LGC_PARAMEDICAUX",
        403,
    ),
    "LGC CD": DispositifDisplay(
        "Logiciel de Gestion de Cabinet Chirurgiens-dentistes (LGC CD)",
        "LGC Chirurgiens-dentistes",
        "LGC CD",
        "LGC_CD",
        404,
    ),
}

# Canonical couloir -> (long form printed in the table rendering, couloir facet value).
COULOIR_DISPLAY: dict[str, tuple[str, str]] = {
    "Hôpital": ("Hôpital", "hopital"),
    "Médecin de ville": ("Médecine de ville", "medecine-de-ville"),
    "Biologie médicale": ("Biologie médicale", "biologie"),
    "Radiologie": ("Imagerie (Radiologie)", "imagerie"),
    "Officine": ("Pharmacie d'officine", "officine"),
    "Social et médico-social": ("Secteur social et médico-social", "medico-social"),
    "Opérateurs MSSanté": ("Opérateurs MSSanté", "operateurs-mss"),
    "Service d'accès aux soins": ("Service d'accès aux soins (SAS)", "sas"),
    "Sages-femmes et paramédicaux": ("Sages-femmes & paramédicaux", "paramedicaux"),
    "Chirurgien-dentiste": ("Chirurgiens-dentistes", "chirurgiens-dentistes"),
}

TEXTS = {
    "fr": {
        "home": "Accueil",
        "listing": "Solutions référencées Ségur",
        "news": "Actualités",
        "login": "Se connecter",
        "skip": "Aller au contenu principal",
        "language": "Choix de la langue",
        "not_found": "Page introuvable",
        "not_found_text": "La page demandée n'a pas pu être trouvée.",
        "published": "Publié le",
    },
    "en": {
        "home": "Home",
        "listing": "Ségur referenced solutions",
        "news": "News",
        "login": "Log in",
        "skip": "Skip to main content",
        "language": "Language switcher",
        "not_found": "Page not found",
        "not_found_text": "The requested page could not be found.",
        "published": "Published on",
    },
}


# ---------------------------------------------------------------- small formatters


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def date_slash(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def date_words(iso: str | None) -> str:
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def format_date(iso: str | None, style: str) -> str:
    if style == "slash":
        return date_slash(iso)
    if style == "words":
        return date_words(iso)
    return iso or ""


def group_digits(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


def query_href(params: list[tuple[str, str]], *, raw_brackets: bool = False) -> str:
    """A query-only href ("?page=1"), HTML-escaped for an attribute."""
    safe = "[]:" if raw_brackets else ""
    return esc("?" + urlencode(params, safe=safe))


# ---------------------------------------------------------------- view models


@dataclass(frozen=True)
class Context:
    """What every page needs to know about the request it answers."""

    lang: str  # "fr" or "en"
    path: str  # the French path ("/actualites"), without the /en prefix
    query: str = ""  # raw query string, kept by the language switcher

    @property
    def prefix(self) -> str:
        return "/en" if self.lang == "en" else ""

    def link(self, path: str) -> str:
        if not self.prefix:
            return path
        return self.prefix if path == "/" else self.prefix + path

    def text(self, name: str) -> str:
        return TEXTS[self.lang][name]


@dataclass(frozen=True)
class FacetItem:
    field: str  # "dsr_solutions" or "couloir"
    value: str  # what goes after the colon in f[0]
    dispositif: str | None  # canonical name (None for a couloir item)
    couloir: str | None
    count: int
    active: bool


@dataclass(frozen=True)
class Pager:
    page: int  # 0-based
    page_count: int
    params: tuple[tuple[str, str], ...]  # the other query parameters, kept by every link

    def params_for(self, page: int) -> list[tuple[str, str]]:
        return [*self.params, ("page", str(page))]

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.page_count

    def window(self, size: int = 9) -> range:
        last = max(self.page_count - 1, 0)
        current = min(self.page, last)
        start = max(0, min(current - size // 2, last - size + 1))
        return range(start, min(start + size, self.page_count))


@dataclass(frozen=True)
class Listing:
    """One page of the solutions listing, or of the news listing."""

    rows: list
    total: int
    start: int  # index of the first row shown, 0-based
    pager: Pager
    facets: list[FacetItem]
    couloir_facets: list[FacetItem]
    filters: dict[str, str]


# ---------------------------------------------------------------- candidate articles

CANDIDATE_DISPLAY = {  # how a dispositif is printed in a candidate table's Dispositif column
    "LGC SF": "LGC SF",
    "LGC paramédicaux": "LGC paramédicaux",
    "LGC CD": "LGC CD",
    "DUI MS1 PA/PH/DOM": "MS1 PA/PH/DOM",
    "DUI MS2 PDE": "MS2 PDE",
    "DUI MS2 PDS": "MS2 PDS",
}


def _curly(text: str, curly: bool) -> str:
    return text.replace("'", "\u2019") if curly else text


def candidate_cell(
    record: CandidateRecord, field_name: str, table: CandidateTable, curly: bool
) -> str:
    value = getattr(record, field_name)
    if field_name == "applied_on":
        return format_date(value, table.date_style)
    if field_name == "dispositif":
        return CANDIDATE_DISPLAY.get(value, value)
    if field_name == "status":
        return _curly(value or "", curly)
    return value or ""


def candidate_table(article: Article, table: CandidateTable) -> str:
    headers = "".join(f"<th>{esc(label)}</th>" for label, _ in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{esc(candidate_cell(record, name, table, article.curly_apostrophes))}</td>"
            for _, name in table.columns
        )
        + "</tr>\n"
        for record in table.candidates
    )
    if article.table_markup == "th-row":
        heading = f"<h2>{esc(table.heading)}</h2>\n" if table.heading else ""
        return (
            f'{heading}<table border="1" cellpadding="1" cellspacing="1" style="width:100%">'
            f"<tbody>\n<tr>{headers}</tr>\n{body}</tbody></table>\n"
        )
    if article.table_markup == "caption":
        caption = f"Candidatures déposées au {date_words(article.published_on)}"
        heading = f"<h3>{esc(table.heading)}</h3>\n" if table.heading else ""
        return (
            f'{heading}<table class="table table-striped"><caption>{esc(caption)}</caption>'
            f"<thead><tr>{headers}</tr></thead>\n<tbody>\n{body}</tbody></table>\n"
        )
    heading = f"<h3>{esc(table.heading)}</h3>\n" if table.heading else ""
    return (
        f'{heading}<figure class="table"><table><thead><tr>{headers}</tr></thead>\n'
        f"<tbody>\n{body}</tbody></table></figure>\n"
    )


def article_body(article: Article) -> str:
    parts = [
        f"<p>{esc(_curly(text, article.curly_apostrophes))}</p>" for text in article.paragraphs
    ]
    parts += [candidate_table(article, table) for table in article.tables]
    if article.calendar:
        rows = "".join(
            f"<tr><td>{esc(step)}</td><td>{esc(when)}</td></tr>" for step, when in article.calendar
        )
        parts.append(
            "<table><thead><tr><th>Étape</th><th>Date</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "\n".join(parts)


# ---------------------------------------------------------------- themes


class Theme:
    """The parts every rendering shares; subclasses give the markup."""

    name = ""
    page_size = 20
    raw_brackets = False  # facet and pager hrefs keep "[" and ":" unencoded
    facet_path = False  # facet hrefs carry the listing path, not only a query

    # -- pieces each theme defines
    def document(self, ctx: Context, title: str, main: str, sidebar: str = "") -> str:
        raise NotImplementedError

    def result_line(self, total: int, start: int, shown: int) -> str:
        raise NotImplementedError

    def solutions(self, rows: list[SolutionRecord]) -> str:
        raise NotImplementedError

    def pager(self, pager: Pager) -> str:
        raise NotImplementedError

    def facet_block(self, ctx: Context, title: str, items: list[FacetItem]) -> str:
        raise NotImplementedError

    def news_items(self, ctx: Context, items: list[Article]) -> str:
        raise NotImplementedError

    # -- shared
    def facet_href(self, ctx: Context, item: FacetItem) -> str:
        if item.active:  # Drupal's active item links to the page without the filter
            return esc(ctx.link(LISTING_PATH))
        query = query_href([("f[0]", f"{item.field}:{item.value}")], raw_brackets=self.raw_brackets)
        return esc(ctx.link(LISTING_PATH)) + query if self.facet_path else query

    def page_href(self, pager: Pager, page: int) -> str:
        return query_href(pager.params_for(page), raw_brackets=self.raw_brackets)

    def head(self, ctx: Context, title: str) -> str:
        settings = {
            "path": {
                "baseUrl": "/",
                "pathPrefix": ctx.prefix.lstrip("/") + ("/" if ctx.prefix else ""),
                "currentLanguage": ctx.lang,
            },
            "ajaxPageState": {"theme": f"ans_{self.name}"},
        }
        settings_json = json.dumps(settings).replace("</", "<\\/")
        return (
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">\n'
            f"<title>{esc(title)} | {esc(SITE_NAME)}</title>\n"
            f'<link rel="alternate" hreflang="fr" href="{esc(ctx.path)}">\n'
            f'<link rel="alternate" hreflang="en" href="/en{esc(ctx.path)}">\n'
            f'<link rel="stylesheet" href="/themes/custom/ans_{self.name}/css/style.css">\n'
            '<script type="application/json" data-drupal-selector="drupal-settings-json">'
            f"{settings_json}</script>\n"
        )

    def nav_items(self, ctx: Context) -> list[tuple[str, str]]:
        return [
            (ctx.link("/"), ctx.text("home")),
            (ctx.link(LISTING_PATH), ctx.text("listing")),
            (ctx.link(NEWS_PATH), ctx.text("news")),
        ]

    def language_links(self, ctx: Context) -> list[tuple[str, str, str, bool]]:
        """(href, hreflang, label, active) for the language switcher."""
        suffix = f"?{ctx.query}" if ctx.query else ""
        french = ctx.path + suffix
        english = ("/en" if ctx.path == "/" else "/en" + ctx.path) + suffix
        return [
            (french, "fr", "Français", ctx.lang == "fr"),
            (english, "en", "English", ctx.lang == "en"),
        ]

    def footer_links(self) -> list[tuple[str, str]]:
        return [
            ("https://esante.gouv.fr/segur", "Le Ségur du numérique en santé"),
            ("https://esante.gouv.fr/mentions-legales", "Mentions légales"),
            ("https://esante.gouv.fr/accessibilite", "Accessibilité : partiellement conforme"),
            ("https://www.legifrance.gouv.fr/", "Légifrance"),
            ("https://www.service-public.fr/", "service-public.fr"),
        ]

    # -- whole pages
    def listing_page(self, ctx: Context, listing: Listing) -> str:
        title = ctx.text("listing")
        main = (
            self.listing_intro(ctx, listing)
            + self.result_line(listing.total, listing.start, len(listing.rows))
            + self.solutions(listing.rows)
            + self.pager(listing.pager)
        )
        return self.document(ctx, title, main, self.listing_sidebar(ctx, listing))

    def listing_intro(self, ctx: Context, listing: Listing) -> str:
        return (
            "<p>Retrouvez ci-dessous les solutions logicielles référencées dans le cadre du "
            "Ségur du numérique en santé, par couloir et par dispositif (DSR).</p>\n"
        )

    def listing_sidebar(self, ctx: Context, listing: Listing) -> str:
        return self.facet_block(ctx, "Dispositif", listing.facets)

    def news_page(self, ctx: Context, listing: Listing) -> str:
        main = (
            self.result_line(listing.total, listing.start, len(listing.rows))
            + self.news_items(ctx, listing.rows)
            + self.pager(listing.pager)
        )
        return self.document(ctx, ctx.text("news"), main)

    def article_page(self, ctx: Context, article: Article) -> str:
        main = (
            f'<article class="node node--type-actualite" lang="fr">\n'
            f'<div class="field field--name-field-date">{esc(ctx.text("published"))} '
            f'<time datetime="{esc(article.published_on)}">'
            f"{esc(date_words(article.published_on))}</time></div>\n"
            f'<div class="field field--name-body">\n{article_body(article)}\n</div>\n'
            f'<p><a href="{esc(ctx.link(NEWS_PATH))}">Retour aux actualités</a></p>\n'
            "</article>\n"
        )
        return self.document(ctx, article.title, main)

    def home_page(self, ctx: Context) -> str:
        main = (
            "<p>L'espace industriels de l'Agence du Numérique en Santé accompagne les éditeurs "
            "dans le Ségur du numérique en santé.</p>\n"
            f'<ul><li><a href="{esc(ctx.link(LISTING_PATH))}">{esc(ctx.text("listing"))}</a></li>'
            f'<li><a href="{esc(ctx.link(NEWS_PATH))}">{esc(ctx.text("news"))}</a></li></ul>\n'
        )
        return self.document(ctx, SITE_NAME, main)

    def login_page(self, ctx: Context) -> str:
        main = (
            '<form class="user-login-form" method="post" action="/user/login">'
            '<label for="edit-name">Identifiant</label><input id="edit-name" name="name">'
            '<label for="edit-pass">Mot de passe</label>'
            '<input id="edit-pass" name="pass" type="password">'
            '<input type="submit" value="Se connecter"></form>\n'
        )
        return self.document(ctx, ctx.text("login"), main)

    def not_found_page(self, ctx: Context) -> str:
        main = f"<p>{esc(ctx.text('not_found_text'))}</p>\n"
        return self.document(ctx, ctx.text("not_found"), main)


def _result_count_words(total: int, separator: str) -> tuple[str, str]:
    """("137", "résultats"); ("1", "résultat")."""
    return group_digits(total, separator), "résultat" if total == 1 else "résultats"


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
        number, word = _result_count_words(total, NBSP)
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
        number, word = _result_count_words(total, NNBSP)
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
        number, word = _result_count_words(total, " ")
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


THEMES: dict[str, Theme] = {
    theme.name: theme for theme in (TableTheme(), CardsTheme(), LinesTheme())
}


def theme_for(rendering: str) -> Theme:
    try:
        return THEMES[rendering]
    except KeyError:
        raise ValueError(
            f"unknown rendering {rendering!r}; choose one of {', '.join(RENDERINGS)}"
        ) from None


def maintenance_page() -> str:
    """Drupal's maintenance page: a 200 with no result line at all."""
    return (
        '<!DOCTYPE html>\n<html lang="fr" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Site en maintenance | {esc(SITE_NAME)}</title>\n</head>\n"
        '<body class="maintenance-page">\n<main role="main"><h1>Site en maintenance</h1>\n'
        f"<p>{esc(SITE_NAME)} est en cours de maintenance. Nous serons de retour très bientôt. "
        "Merci de votre patience.</p></main>\n</body>\n</html>\n"
    )


def error_page(status: int, title: str, text: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{status} {esc(title)}</title>\n</head>\n<body>\n<h1>{esc(title)}</h1>\n"
        f"<p>{esc(text)}</p>\n</body>\n</html>\n"
    )
