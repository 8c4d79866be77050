"""Rendering 5, "multilingual": a site with English copies, off-site links and a couloir facet.

Stresses: a table (thead/th) with a "Catégorie" (couloir) column but no dispositif column, so a
sync must walk the dispositif facets while a couloir facet (`couloir:12`, "Social et
médico-social (85)") sits next to them and must not be taken for one; dispositif facet links
with no count at all (the contract says "often"); a page size that differs per page type and
per dispositif (50 unfiltered, 40 per couloir, 20/25/30 per dispositif); the active facet's
link toggles back to the unfiltered listing ("(-) DPI"); a language switcher to `/en/...`
copies whose listing prints English labels ("Publisher", "Software", "3 results") and whose
articles repeat the French text; off-site links in the header, the footer and the body,
one of them the real site's own DUI facet URL (another host: never to be followed); a result
line inside a sentence ("Il y a 48 résultats"); a pager next link with rel="next", text
"Suivant", path-absolute href. Candidate tables: "Raison sociale", "Nom du logiciel", "Statut",
"Date de dépôt", the dispositif in a <caption> or in a `<p><strong>` line above the table.
"""

from __future__ import annotations

from .articles import TableStyle, candidate_tables
from .common import (
    COULOIRS,
    DISPOSITIF_TEXTS,
    LISTING_PATH,
    NEWS_PATH,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    results_text,
    vague_text,
)

COULOIR_IDS = {name: str(10 + index) for index, name in enumerate(COULOIRS)}
DISPOSITIF_INDEX = {text.name: index for index, text in enumerate(DISPOSITIF_TEXTS)}
REAL_DUI_FACET = (
    "https://industriels.esante.gouv.fr/segur-du-numerique-en-sante/"
    "solutions-referencees-segur?f%5B0%5D=dsr_solutions%3ADUI"
)

ARTICLE_TABLES = TableStyle(
    labels={
        "editor": "Raison sociale",
        "solution": "Nom du logiciel",
        "version": "Version",
        "dispositif": "Dispositif",
        "status": "Statut",
        "applied_on": "Date de dépôt",
    },
    heading=("caption", "p-strong"),
    heading_text=lambda text: f"DUI {text}" if text.startswith("MS") else text,
    date_style="slash",
)

FRENCH = {
    "editor": "Éditeur",
    "solution": "Solution",
    "version": "Version",
    "couloir": "Catégorie",
    "vague": "Vague",
    "referenced_on": "Date de référencement",
    "reference_number": "N° de référencement",
    "distributors": "Distributeur",
    "pilots": "Premières installations réussies",
}
ENGLISH = {
    "editor": "Publisher",
    "solution": "Software",
    "version": "Release",
    "couloir": "Category",
    "vague": "Wave",
    "referenced_on": "Listed on",
    "reference_number": "Listing number",
    "distributors": "Reseller",
    "pilots": "Pilot sites",
}


class Multilingual(Rendering):
    name = "multilingual"
    page_size = 50
    news_page_size = 7

    def dispositif_value(self, name: str) -> str:
        return name.replace(" ", "-").replace("/", "-")

    def couloir_value(self, name: str) -> str:
        return COULOIR_IDS[name]

    def listing_page_size(self, dispositif: str | None, couloir: str | None) -> int:
        if dispositif in DISPOSITIF_INDEX:
            return 20 + 5 * (DISPOSITIF_INDEX[dispositif] % 3)
        if couloir is not None:
            return 40
        return self.page_size

    # ---------------------------------------------------------------- chrome

    @staticmethod
    def switcher(lang: str, path: str, query: str = "") -> str:
        french = f"{path}{query}"
        english = f"/en{path}{query}"
        return (
            '<ul class="language-switcher">'
            f"<li{' class=is-active' if lang == 'fr' else ''}>"
            f'<a href="{esc(french)}" hreflang="fr">Français</a></li>'
            f"<li{' class=is-active' if lang == 'en' else ''}>"
            f'<a href="{esc(english)}" hreflang="en">English</a></li></ul>'
        )

    @staticmethod
    def header() -> str:
        return (
            '<header><a href="https://esante.gouv.fr/">esante.gouv.fr</a> · '
            '<a href="https://gnius.esante.gouv.fr/">G_NIUS</a> · '
            f'<a href="{NEWS_PATH}">Actualités</a></header>'
        )

    @staticmethod
    def footer() -> str:
        return (
            '<footer><a href="https://www.linkedin.com/company/agence-du-numerique-en-sante/">'
            'LinkedIn</a> · <a href="https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043914441">'
            'Arrêté du 30 juillet 2021</a> · <a href="mailto:segur@esante.gouv.fr">Contact</a>'
            "</footer>"
        )

    # ---------------------------------------------------------------- listing

    def listing_page(self, view: ListingView) -> str:
        english = view.lang == "en"
        labels = ENGLISH if english else FRENCH
        prefix = "/en" if english else ""
        header = "".join(f'<th scope="col">{label}</th>' for label in labels.values())
        rows = "\n".join(self.row(record) for record in view.rows)
        dispositifs = "".join(self.facet(f, prefix) for f in view.dispositif_facets)
        couloirs = "".join(self.facet(f, prefix) for f in view.couloir_facets)
        count = f"{view.total} results" if english else f"Il y a {results_text(view.total)}"
        query = view.query(view.page) if view.params or view.page else ""
        body = f"""
{self.header()}
{self.switcher(view.lang, LISTING_PATH, query)}
<main>
<h1>{"Ségur listed software" if english else "Solutions référencées Ségur"}</h1>
<p>Les dispositifs médico-sociaux sont aussi présentés sur
<a href="{REAL_DUI_FACET}">la liste du DUI de l'espace industriels</a>.</p>
<div class="facets">
 <div class="facet"><h2>{"Category" if english else "Couloir"}</h2><ul>{couloirs}</ul></div>
 <div class="facet"><h2>{"Software type" if english else "Dispositif"}</h2><ul>{dispositifs}</ul>
 </div>
</div>
<h2 class="results-count">{count}</h2>
<table class="table"><thead><tr>{header}</tr></thead>
<tbody>
{rows}
</tbody></table>
{self.pager(view, prefix)}
</main>
{self.footer()}"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def facet(facet, prefix: str) -> str:
        name = esc(facet.name)
        if facet.active:
            return f'<li class="is-active"><a href="{prefix}{LISTING_PATH}">(-) {name}</a></li>'
        field = "dsr_solutions" if facet.field == "dsr_solutions" else "couloir"
        suffix = f" ({facet.count})" if field == "couloir" else ""
        return (
            f'<li><a href="{prefix}{LISTING_PATH}?f%5B0%5D={field}%3A{esc(facet.value)}">'
            f"{name}{suffix}</a></li>"
        )

    @staticmethod
    def row(record) -> str:
        cells = (
            record.editor,
            record.solution,
            record.version,
            record.couloir,
            vague_text(record.vague, "long"),
            french_date(record.referenced_on, "slash"),
            record.reference_number,
            record.distributors,
            record.pilots,
        )
        return "<tr>" + "".join(f"<td>{esc(value)}</td>" for value in cells) + "</tr>"

    @staticmethod
    def pager(view: ListingView, prefix: str) -> str:
        if not view.has_next and view.page == 0:
            return ""
        path = prefix + view.path
        parts = []
        if view.page > 0:
            parts.append(
                f'<a href="{esc(path + view.query(view.page - 1))}" rel="prev">Précédent</a>'
            )
        if view.has_next:
            parts.append(
                f'<a href="{esc(path + view.query(view.page + 1))}" rel="next">Suivant</a>'
            )
        return f'<nav class="pager">{" | ".join(parts)}</nav>'

    # ---------------------------------------------------------------- news

    def news_page(self, view: ListingView) -> str:
        prefix = "/en" if view.lang == "en" else ""
        items = "\n".join(
            f"<li><time>{french_date(a.published_on, 'slash')}</time> "
            f'<a href="{prefix}{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></li>'
            for a in view.rows
        )
        query = view.query(view.page) if view.page else ""
        body = (
            f"{self.header()}{self.switcher(view.lang, NEWS_PATH, query)}"
            f'<main><h1>Actualités</h1><ul class="news">{items}</ul>'
            f"{self.pager(view, prefix)}</main>{self.footer()}"
        )
        return document("Actualités", body, view.lang)

    def article_page(self, article, lang: str) -> str:
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = (
            f"{self.header()}{self.switcher(lang, article.path)}"
            f"<main><h1>{esc(article.title)}</h1>{paragraphs}"
            f"{candidate_tables(article, ARTICLE_TABLES)}"
            f'<p>Voir aussi <a href="https://esante.gouv.fr/segur">le Ségur sur esante.gouv.fr'
            f"</a>.</p></main>{self.footer()}"
        )
        return document(article.title, body, lang)
