"""Renderings 17 and 18: label blocks that are plain text, and definition lists with
several values per label.

17, "colonlines": each row is a `<ul>` of `<li>Label : valeur</li>` text lines (no element marks
the label) under an `<h3>` title linking to the solution's page; values that contain " : "
themselves ("Version Cabinet : édition Ségur", pilots "Maison de santé : site de Vannes") or
start with a label's words ("ÉDITEUR MÉDICAL DE L'OUEST", "Solution Dossier Patient"); the
label synonyms "Fournisseur", "Logiciel", "Version technique", "Couloir", "Type de logiciel"
(short names: "DUI MS2 PDE"), "Date de décision" ("2022-06-15"), "Vague" ("Vague 2"); a row
titled "Suivant" (tricky.py) and a pager whose next link is the word "Suivant" too, without
rel; the result line "270 résultats" inside an <h2> after the pager.

18, "dlmulti": one `<dl>` per row where a label may be followed by several `<dd>`
(`<dt>Distributeurs</dt><dd>MÉDI-DISTRIBUTION</dd><dd>SANTÉ SERVICES OUEST</dd>`), labels in
upper case with accents ("ÉDITEUR", "NOM DU LOGICIEL", "N° DE RÉFÉRENCEMENT"); no dispositif and
no couloir in rows, so a sync walks the dispositif facets whose hrefs put the facet parameter
after an unrelated one (`?items_per_page=30&f%5B0%5D=dsr_solutions%3ADUI-MS2-PDE`); next link
"Page suivante" with rel="next". Candidate tables: `<th>` header row in <tbody>, headings in
<h2>, dates ISO.
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
from .tricky import with_extras

COLON_ARTICLES = TableStyle(
    labels={
        "editor": "Raison sociale",
        "solution": "Solution",
        "version": "Version",
        "dispositif": "Couloir",
        "status": "Statut",
        "applied_on": "Date de dépôt",
    },
    heading="p-strong",
)
DL_ARTICLES = TableStyle(
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
    date_style="iso",
)


def simple_news(view: ListingView, pager: str) -> str:
    items = "\n".join(
        f'<li><a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></li>' for a in view.rows
    )
    return document("Actualités", f"<main><h1>Actualités</h1><ul>{items}</ul>{pager}</main>")


def simple_article(article, style: TableStyle, lang: str) -> str:
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    body = (
        f"<main><h1>{esc(article.title)}</h1>{paragraphs}{candidate_tables(article, style)}</main>"
    )
    return document(article.title, body, lang)


class ColonLines(Rendering):
    name = "colonlines"
    page_size = 23
    news_page_size = 11

    def select(self, solutions):
        return with_extras(solutions)

    def listing_page(self, view: ListingView) -> str:
        rows = "\n".join(self.row(record, view.start + i) for i, record in enumerate(view.rows))
        facets = "".join(
            f'<li><a href="?f%5B0%5D=dsr_solutions%3A{f.value}">{esc(f.name)} ({f.count})</a></li>'
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<h1>Solutions référencées Ségur</h1>
<ul class="facets">{facets}</ul>
<div class="results">
{rows}
</div>
{self.pager(view)}
<h2 class="total">{results_text(view.total)}</h2>
</main>"""
        return document("Solutions référencées Ségur", body, view.lang)

    @staticmethod
    def row(record, position: int) -> str:
        lines = (
            ("Fournisseur", record.editor),
            ("Logiciel", record.solution),
            ("Version technique", record.version),
            ("Couloir", COULOIR_OFFICIAL[record.couloir]),
            ("Type de logiciel", record.dispositif),
            ("Vague", vague_text(record.vague, "long")),
            ("Date de décision", french_date(record.referenced_on, "iso")),
            ("Numéro de référencement", record.reference_number),
            ("Distributeurs", record.distributors),
            ("Premières installations réussies", record.pilots),
        )
        items = "".join(f"<li>{label} : {esc(value)}</li>" for label, value in lines if value)
        title = f'<h3><a href="/solutions/{position}">{esc(record.solution)}</a></h3>'
        return f'<div class="solution">{title}<ul>{items}</ul></div>'

    @staticmethod
    def pager(view: ListingView) -> str:
        if not view.has_next:
            return ""
        return f'<p><a href="{esc(view.query(view.page + 1))}">Suivant</a></p>'

    def news_page(self, view: ListingView) -> str:
        return simple_news(view, self.pager(view))

    def article_page(self, article, lang: str) -> str:
        return simple_article(article, COLON_ARTICLES, lang)


DL_LABELS = (
    ("ÉDITEUR", "editor"),
    ("NOM DU LOGICIEL", "solution"),
    ("VERSION", "version"),
    ("VAGUE", "vague"),
    ("DATE DE RÉFÉRENCEMENT", "referenced_on"),
    ("N° DE RÉFÉRENCEMENT", "reference_number"),
    ("DISTRIBUTEURS", "distributors"),
    ("INSTALLATIONS PILOTES", "pilots"),
)


class DlMulti(Rendering):
    name = "dlmulti"
    page_size = 30
    news_page_size = 10

    def select(self, solutions):
        return with_extras(solutions)

    def dispositif_value(self, name: str) -> str:
        return name.replace(" ", "-").replace("/", "-")

    def listing_page(self, view: ListingView) -> str:
        rows = "\n".join(self.row(record) for record in view.rows)
        facets = "".join(
            f'<li><a href="?items_per_page=30&amp;f%5B0%5D=dsr_solutions%3A{esc(f.value)}">'
            f"{esc(DISPOSITIF_TEXT[f.name].title_with_code)} ({f.count})</a></li>"
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<h1>Solutions référencées</h1>
<p>{results_text(view.total)}</p>
<nav><ul>{facets}</ul></nav>
{rows}
{self.pager(view)}
</main>"""
        return document("Solutions référencées", body, view.lang)

    @staticmethod
    def row(record) -> str:
        parts = []
        for label, field in DL_LABELS:
            value = getattr(record, field)
            if not value:
                continue
            if field == "distributors":
                values = value.split(", ")
            elif field == "vague":
                values = [vague_text(value, "short")]
            elif field == "referenced_on":
                values = [french_date(value, "words")]
            else:
                values = [value]
            parts.append(f"<dt>{label}</dt>" + "".join(f"<dd>{esc(v)}</dd>" for v in values))
        return f'<dl class="solution">{"".join(parts)}</dl>'

    @staticmethod
    def pager(view: ListingView) -> str:
        if not view.has_next:
            return ""
        href = esc(view.query(view.page + 1))
        return f'<p class="pager"><a href="{href}" rel="next">Page suivante</a></p>'

    def news_page(self, view: ListingView) -> str:
        return simple_news(view, self.pager(view))

    def article_page(self, article, lang: str) -> str:
        return simple_article(article, DL_ARTICLES, lang)


TYPESET_ARTICLES = TableStyle(labels=COLON_ARTICLES.labels, heading="p-strong", date_style="words")


class Typography(ColonLines):
    """Rendering 19, "typography": "colonlines" set in careful French typography.

    A no-break space before every colon ("Fournisseur&nbsp;: …"), dates in words with the
    ordinal in a superscript and no-break spaces ("1<sup>er</sup>&nbsp;juin&nbsp;2022",
    "15&nbsp;juin&nbsp;2022"), the result line "270&nbsp;résultats"; candidate dates set
    the same way ("1<sup>er</sup>&nbsp;octobre&nbsp;2022").
    """

    name = "typography"
    page_size = 27

    def listing_page(self, view: ListingView) -> str:
        html = super().listing_page(view)
        total = results_text(view.total)
        return html.replace(f">{total}<", f">{total.replace(' ', '&nbsp;')}<", 1)

    @staticmethod
    def row(record, position: int) -> str:
        html = ColonLines.row(record, position)
        html = html.replace(" : ", "\u00a0: ")
        iso = french_date(record.referenced_on, "iso")
        return html.replace(f"\u00a0: {iso}<", f"\u00a0: {typeset_date(record.referenced_on)}<")

    def article_page(self, article, lang: str) -> str:
        html = simple_article(article, TYPESET_ARTICLES, lang)
        for record in article.candidates:
            words = french_date(record.applied_on, "words")
            html = html.replace(f"<td>{words}</td>", f"<td>{typeset_date(record.applied_on)}</td>")
        return html


def typeset_date(iso: str) -> str:
    words = french_date(iso, "words").split(" ")
    if words[0] == "1er":
        words[0] = "1<sup>er</sup>"
    return "&nbsp;".join(words)
