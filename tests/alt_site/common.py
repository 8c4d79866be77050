"""What every alternative rendering shares: the contract's vocabulary as printed text, date
forms, the views a rendering turns into HTML, and the base class of a rendering.

Written from docs/ans-site.md (sections 2 and 4) only, never from the replica's own themes, so that
the scraper meets markup nobody tuned it to.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from replica.dataset import Article
from scraper.items import SolutionRecord

LISTING_PATH = "/segur-du-numerique-en-sante/solutions-referencees-segur"
NEWS_PATH = "/actualites"


@dataclass(frozen=True)
class DispositifText:
    """How a dispositif may be printed (docs/ans-site.md section 2)."""

    name: str  # the canonical name the catalogue stores (the truth)
    title: str  # the official long title, without its code
    code: str | None  # the code printed in parentheses after the title, when there is one

    @property
    def title_with_code(self) -> str:
        return f"{self.title} ({self.code})" if self.code else self.title


def _dui(domain: str) -> DispositifText:
    return DispositifText(f"DUI {domain}", f"Dossier Usager Informatisé {domain}", None)


DISPOSITIF_TEXTS: tuple[DispositifText, ...] = (
    DispositifText("DPI", "Dossier Patient Informatisé", "DPI"),
    DispositifText("PFI", "Plateforme d'Intermédiation", "PFI"),
    DispositifText("RI", "Référentiel Identité", "RI"),
    DispositifText("LGC", "Logiciel de Gestion de Cabinet", "LGC"),
    DispositifText("SGL", "Système de Gestion de Laboratoire", "SGL"),
    DispositifText("Transcodeur LOINC", "Transcodeur LOINC", None),
    DispositifText("RIS", "Radiology Information System", "RIS"),
    DispositifText("DRIMbox", "DRIMbox", None),
    DispositifText("LGO", "Logiciel de Gestion d'Officine", "LGO"),
    _dui("MS1 PA/PH/DOM"),
    _dui("MS2 PDE"),
    _dui("MS2 PDS"),
    _dui("MS3 AHI"),
    _dui("MS3 PJM"),
    DispositifText("Opérateurs MSS", "Opérateurs MSS", None),
    DispositifText("SAS Agenda", "SAS Agenda", None),
    DispositifText("LGC SF", "LGC SF", None),
    DispositifText("LGC paramédicaux", "LGC paramédicaux", None),
    DispositifText("LGC CD", "LGC CD", None),
)
DISPOSITIF_TEXT = {text.name: text for text in DISPOSITIF_TEXTS}

# Canonical couloir (the truth) -> the form section 2's table prints.
COULOIR_OFFICIAL = {
    "Hôpital": "Hôpital",
    "Médecin de ville": "Médecin de ville",
    "Biologie médicale": "Biologie médicale",
    "Radiologie": "Imagerie (Radiologie)",
    "Officine": "Officine",
    "Social et médico-social": "Social et médico-social",
    "Opérateurs MSSanté": "Opérateurs MSSanté",
    "Service d'accès aux soins": "Service d'accès aux soins",
    "Sages-femmes et paramédicaux": "Sages-femmes & paramédicaux",
    "Chirurgien-dentiste": "Chirurgien-dentiste",
}
COULOIRS = tuple(COULOIR_OFFICIAL)

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
NBSP = "\u00a0"


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in plain).split())


def upper_ascii(text: str) -> str:
    """ "Numéro de version" -> "NUMERO DE VERSION" (labels printed by a careless theme)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.upper()


def french_date(iso: str | None, style: str) -> str:
    """`iso` printed as "15/06/2022" (slash), "15 juin 2022" / "1er juin 2022" (words) or
    "2022-06-15" (iso)."""
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    if style == "slash":
        return day.strftime("%d/%m/%Y")
    if style == "words":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {MONTHS[day.month - 1]} {day.year}"
    if style == "iso":
        return day.isoformat()
    raise ValueError(f"unknown date style {style!r}")


def grouped(number: int, separator: str) -> str:
    """1234 -> "1<sep>234"."""
    return f"{number:,}".replace(",", separator)


def results_text(total: int, separator: str = NNBSP) -> str:
    """The contract's result line: "Aucun résultat", "1 résultat", "N résultats"."""
    if total == 0:
        return "Aucun résultat"
    if total == 1:
        return "1 résultat"
    return f"{grouped(total, separator)} résultats"


def vague_text(vague: int | None, style: str) -> str:
    if vague is None:
        return ""
    return {"long": f"Vague {vague}", "short": f"V{vague}", "bare": str(vague)}[style]


@dataclass(frozen=True)
class FacetLink:
    field: str  # "dsr_solutions", "couloir" or "vague"
    value: str  # what follows "field:" in the href
    name: str  # canonical dispositif or couloir, or the vague number
    count: int
    active: bool


@dataclass(frozen=True)
class ListingView:
    """One page of the solutions listing (or of the news listing), ready to print."""

    lang: str
    path: str
    params: tuple[tuple[str, str], ...]  # the query without `page`
    page: int
    page_size: int
    total: int
    rows: tuple  # SolutionRecord or Article
    dispositif_facets: tuple[FacetLink, ...] = ()
    couloir_facets: tuple[FacetLink, ...] = ()
    vague_facets: tuple[FacetLink, ...] = ()
    active_dispositif: str | None = None
    active_couloir: str | None = None
    active_vague: int | None = None

    @property
    def start(self) -> int:
        return self.page * self.page_size

    @property
    def page_count(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.page_count

    @property
    def last_page(self) -> int:
        return max(self.page_count - 1, 0)

    def query(self, page: int, omit_first: bool = True) -> str:
        """The query string of `page` (Drupal keeps the other parameters), with its "?"."""
        params = list(self.params)
        if page or not omit_first:
            params.append(("page", str(page)))
        return "?" + urlencode(params) if params else "?"

    def href(self, page: int, absolute: str = "", omit_first: bool = True) -> str:
        prefix = absolute + ("/en" if self.lang == "en" else "") + self.path if absolute else ""
        return prefix + self.query(page, omit_first)


class Rendering:
    """One complete alternative site. Subclasses print the pages; the site routes requests."""

    name = "base"
    page_size = 25
    news_page_size = 10
    robots_extra = ""

    def __init__(self, page_size: int | None = None) -> None:
        if page_size is not None:
            self.page_size = page_size

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}, {self.page_size} per page>"

    # ---------------------------------------------------------------- data

    def select(self, solutions: list[SolutionRecord]) -> list[SolutionRecord]:
        """The rows this rendering publishes (all of them unless it documents a subset)."""
        return list(solutions)

    def listing_page_size(self, dispositif: str | None, couloir: str | None) -> int:
        return self.page_size

    def dispositif_value(self, name: str) -> str:
        """What follows `dsr_solutions:` in this rendering's facet hrefs."""
        return ascii_slug(name)

    def couloir_value(self, name: str) -> str:
        return ascii_slug(name)

    offers_vague_facet = False

    def vague_value(self, vague: int) -> str:
        return str(vague)

    def shows_empty_facets(self) -> bool:
        """Whether facets of dispositifs with no row (MS3 AHI, PJM) are printed."""
        return False

    # ---------------------------------------------------------------- pages

    def robots_txt(self) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /admin/\nDisallow: /user/\nDisallow: /search/\nDisallow: /node/add/\n"
            + self.robots_extra
        )

    def home_page(self, lang: str) -> str:
        return document(
            "Espace industriels",
            f'<h1>Espace industriels</h1><p><a href="{LISTING_PATH}">Solutions référencées '
            f'Ségur</a> · <a href="{NEWS_PATH}">Actualités</a></p>',
            lang=lang,
        )

    def not_found_page(self, lang: str) -> str:
        return document("Page introuvable", "<h1>Page introuvable</h1><p>Erreur 404.</p>", lang)

    def listing_page(self, view: ListingView) -> str:
        raise NotImplementedError

    def news_page(self, view: ListingView) -> str:
        raise NotImplementedError

    def article_page(self, article: Article, lang: str) -> str:
        raise NotImplementedError


def document(title: str, body: str, lang: str = "fr", head: str = "", body_class: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)} | Agence du Numérique en Santé</title>\n{head}</head>\n"
        f'<body class="{body_class}">\n{body}\n</body>\n</html>\n'
    )
