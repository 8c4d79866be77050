"""What the three renderings share: the site's texts and display names, small
formatters, the view models the site fills, the candidate articles and the
`Theme` every rendering subclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode

from replica.dataset import Article, CandidateTable
from scraper.items import CandidateRecord, SolutionRecord

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


def result_count_words(total: int, separator: str) -> tuple[str, str]:
    """("137", "résultats"); ("1", "résultat")."""
    return group_digits(total, separator), "résultat" if total == 1 else "résultats"


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
