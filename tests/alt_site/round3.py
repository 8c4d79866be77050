"""Renderings 20-23 (third round): CSS-grid cards, news cards, articles mixing table kinds.

22, "duisection" and 23, "splitgrid": variants described on their classes.

20, "gridcards": each row is an `<article>` card whose values sit in a CSS grid, the label
`<div>` and the value `<div>` siblings with no colon; labels "Raison sociale", "Nom commercial",
"Numéro de version", "Vague", "Date de référencement", "Identifiant de référencement",
"Distributeurs", "Installations pilotes" (no couloir, no dispositif: a sync must walk the
facets); the result line split under a heading that says "Résultats" without a number
(`<h2>Résultats de la recherche</h2><p><span>270</span> résultats</p>`); facets as checkbox
links (`<a href="?f%5B0%5D=dsr_solutions%3A…"><input type="checkbox"> DPI (48)</a>`, couloir
facets the same way, listed first); a Bootstrap `<ul class="pagination">` whose next link's
text "Suivant" sits in a `<span>` inside the `<a>`, after numbered page links. News: cards whose
title is an `<h3>` link, with a separate "Lire la suite" link to the same article; the news
pager is only a "›" link. Candidate tables: a `<tfoot>` note row, "Date de dépôt" in words.

21, "mixedtables": a listing table with labels in `<th>` ending in a no-break space and a
colon ("Raison sociale&nbsp;:"), the dispositif printed as its code ("DPI", "SGL") or, for the
médico-social ones, as a long title with an en dash ("Dossier Usager Informatisé – MS2 PDE"),
the couloir under "Catégorie" in section 2's form, vague "V1", "Date de décision" in words; the
result line in the table's `<caption>`; the next link marked only by rel="next" with the text
"Plus de résultats". Articles: in the médico-social one, the MS1 table has a "Dispositif"
column with the long titles ("Dossier Usager Informatisé – MS1 PA/PH/DOM") under a heading
that names no dispositif, the MS2 PDE table relies on the heading above it ("Protection de
l'enfance (MS2 PDE)"), the MS2 PDS table has a "DSR" column with the code "MS2 PDS"; every
table ends with a `<tfoot>` note row; dates in words under "Date de dépôt". News listing:
cards with an `<h2>` title link and a "Lire la suite" link, paged with only a "›" link.
"""

from __future__ import annotations

from collections.abc import Callable

from replica.dataset import Article, CandidateTable

from .articles import as_typed, table_fields
from .common import (
    COULOIR_OFFICIAL,
    DISPOSITIF_TEXT,
    NBSP,
    NEWS_PATH,
    NNBSP,
    ListingView,
    Rendering,
    document,
    esc,
    french_date,
    grouped,
    results_text,
    vague_text,
)


def long_dui(name: str) -> str:
    """ "DUI MS2 PDE" -> "Dossier Usager Informatisé – MS2 PDE"; other names unchanged."""
    if name.startswith("DUI "):
        return "Dossier Usager Informatisé – " + name.removeprefix("DUI ")
    return name


def checkbox_facets(view: ListingView) -> str:
    links = []
    for facet in view.couloir_facets + view.dispositif_facets:
        checked = " checked" if facet.active else ""
        text = COULOIR_OFFICIAL[facet.name] if facet.field == "couloir" else facet.name
        links.append(
            f'<li><a href="?f%5B0%5D={facet.field}%3A{esc(facet.value)}" rel="nofollow">'
            f'<input type="checkbox" class="facets-checkbox" aria-hidden="true"{checked}> '
            f"{esc(text)} ({facet.count})</a></li>"
        )
    return f'<ul class="facets-widget-checkbox">{"".join(links)}</ul>'


def news_cards(view: ListingView, heading: str) -> str:
    cards = "\n".join(
        f'<div class="card"><{heading} class="card-title">'
        f'<a href="{NEWS_PATH}/{a.slug}">{esc(a.title)}</a></{heading}>'
        f"<p>{esc(a.summary)}</p><p><small>{french_date(a.published_on, 'words')}</small></p>"
        f'<a class="btn" href="{NEWS_PATH}/{a.slug}">Lire la suite</a></div>'
        for a in view.rows
    )
    pager = f'<a href="{esc(view.query(view.page + 1))}">›</a>' if view.has_next else ""
    body = f'<main><h1>Actualités</h1><div class="cards">{cards}</div>{pager}</main>'
    return document("Actualités", body, view.lang)


# ---------------------------------------------------------------- candidate tables

LABELS = {
    "editor": "Éditeur",
    "solution": "Solution",
    "version": "Version",
    "dispositif": "Dispositif",
    "status": "Statut",
    "applied_on": "Date de dépôt",
}
FOOT_NOTE = "Liste mise à jour au fil de l'instruction des dossiers. Source : ANS."


def table_html(
    table: CandidateTable,
    heading: str | None,
    dispositif_column: tuple[str, Callable[[str], str]] | None = None,
    heading_element: str = "h3",
) -> str:
    """One candidate table. `dispositif_column` = (label, printer) adds a dispositif column to a
    table the dataset prints without one; `heading` None prints the dataset's heading."""
    shown = table_fields(table)
    columns: list[tuple[str, Callable[[str], str]]] = []
    for field in ("editor", "solution", "version", "dispositif", "status", "applied_on"):
        if field == "dispositif" and dispositif_column:
            columns.append(
                (dispositif_column[0], lambda r, p=dispositif_column[1]: p(r.dispositif))
            )
        elif field in shown:
            columns.append((LABELS[field], lambda r, f=field: _cell(r, f)))
    head = "".join(f"<th>{esc(label)}</th>" for label, _ in columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(printer(r))}</td>" for _, printer in columns) + "</tr>\n"
        for r in table.candidates
    )
    foot = f'<tfoot><tr><td colspan="{len(columns)}"><em>{FOOT_NOTE}</em></td></tr></tfoot>'
    title = heading if heading is not None else table.heading
    before = f"<{heading_element}>{esc(title)}</{heading_element}>\n" if title else ""
    return (
        f'{before}<table class="table"><thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{rows}</tbody>{foot}</table>"
    )


def _cell(record, field: str) -> str:
    if field == "applied_on":
        return french_date(record.applied_on, "words")
    return getattr(record, field) or ""


def plain_article_tables(article: Article) -> str:
    html = "\n".join(
        table_html(t, f"DUI {t.heading}" if (t.heading or "").startswith("MS") else None)
        for t in article.tables
    )
    return as_typed(html, article)


def mixed_article_tables(article: Article) -> str:
    """Médico-social article: one table with a long-title dispositif column, one relying on the
    heading above it, one with a code column; other articles as the dataset prints them."""
    parts = []
    for table in article.tables:
        if table.heading == "MS1 PA/PH/DOM":
            parts.append(
                table_html(table, "Candidatures reçues en septembre 2022", ("Dispositif", long_dui))
            )
        elif table.heading == "MS2 PDE":
            parts.append(table_html(table, "Protection de l'enfance (MS2 PDE)"))
        elif table.heading == "MS2 PDS":
            parts.append(
                table_html(
                    table,
                    "Personnes en difficulté spécifique",
                    ("DSR", lambda name: name.removeprefix("DUI ")),
                )
            )
        else:
            parts.append(table_html(table, None, heading_element="h2"))
    return as_typed("\n".join(parts), article)


def article_document(article: Article, tables: str, lang: str) -> str:
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    body = f"<main><article><h1>{esc(article.title)}</h1>{paragraphs}{tables}</article></main>"
    return document(article.title, body, lang)


# ---------------------------------------------------------------- 20: gridcards


class GridCards(Rendering):
    name = "gridcards"
    page_size = 22
    news_page_size = 4

    def dispositif_value(self, name: str) -> str:
        return str(900 + list(DISPOSITIF_TEXT).index(name))

    def listing_page(self, view: ListingView) -> str:
        cards = "\n".join(self.card(record) for record in view.rows)
        count = (
            f"<p><span>{grouped(view.total, NNBSP)}</span> résultats</p>"
            if view.total > 1
            else f"<p>{results_text(view.total)}</p>"
        )
        body = f"""
<div class="layout">
 <aside><h2>Filtrer</h2>{checkbox_facets(view)}</aside>
 <main>
  <h1>Solutions référencées Ségur</h1>
  <h2>Résultats de la recherche</h2>{count}
  <div class="results">{cards}</div>
  {self.pager(view)}
 </main>
</div>"""
        head = "<style>.grid{display:grid;grid-template-columns:12rem 1fr}</style>\n"
        return document("Solutions référencées Ségur", body, view.lang, head=head)

    @staticmethod
    def card(record) -> str:
        items = [
            ("Raison sociale", record.editor),
            ("Nom commercial", record.solution),
            ("Numéro de version", record.version),
            ("Vague", vague_text(record.vague, "long")),
            ("Date de référencement", french_date(record.referenced_on, "slash")),
            ("Identifiant de référencement", record.reference_number),
            ("Distributeurs", record.distributors),
            ("Installations pilotes", record.pilots),
        ]
        grid = "".join(
            f'<div class="grid__label">{label}</div><div class="grid__value">{esc(value)}</div>'
            for label, value in items
            if value
        )
        return (
            f'<article class="result-card"><h3>{esc(record.solution)} {esc(record.version)}</h3>'
            f'<div class="grid">{grid}</div></article>'
        )

    @staticmethod
    def pager(view: ListingView) -> str:
        if view.page_count <= 1:
            return ""
        items = []
        for number in range(view.page_count):
            if number == view.page:
                items.append(f'<li class="page-item active"><span>{number + 1}</span></li>')
            else:
                items.append(
                    f'<li class="page-item"><a class="page-link" '
                    f'href="{esc(view.query(number))}">{number + 1}</a></li>'
                )
        if view.has_next:
            items.append(
                f'<li class="page-item"><a class="page-link" '
                f'href="{esc(view.query(view.page + 1))}"><span>Suivant</span></a></li>'
            )
        return f'<nav><ul class="pagination">{"".join(items)}</ul></nav>'

    def news_page(self, view: ListingView) -> str:
        return news_cards(view, "h3")

    def article_page(self, article, lang: str) -> str:
        return article_document(article, plain_article_tables(article), lang)


# ---------------------------------------------------------------- 21: mixedtables

LISTING_LABELS = (
    "Raison sociale", "Logiciel", "Numéro de version", "Catégorie", "Dispositif", "Vague",
    "Date de décision", "N° de référencement", "Distributeurs", "Premières installations réussies",
)  # fmt: skip


class MixedTables(Rendering):
    name = "mixedtables"
    page_size = 35
    news_page_size = 3

    def listing_page(self, view: ListingView) -> str:
        head = "".join(f"<th>{label}{NBSP}:</th>" for label in LISTING_LABELS)
        rows = "\n".join(self.row(record) for record in view.rows)
        pager = ""
        if view.has_next:
            pager = (
                f'<p><a rel="next" href="{esc(view.query(view.page + 1))}">'
                "Plus de résultats</a></p>"
            )
        facets = "".join(
            f'<li><a href="?f%5B0%5D=dsr_solutions%3A{esc(f.value)}">'
            f"{esc(long_dui(f.name))} ({f.count})</a></li>"
            for f in view.dispositif_facets
        )
        body = f"""
<main>
<h1>Solutions référencées Ségur</h1>
<ul class="facets">{facets}</ul>
<table class="views-table">
<caption>Solutions référencées — {results_text(view.total, NBSP)}</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
{pager}
</main>"""
        return document("Solutions référencées Ségur", body, view.lang)

    vague_style = "short"

    @staticmethod
    def dispositif_text(name: str) -> str:
        return long_dui(name)

    def row(self, record) -> str:
        cells = (
            record.editor,
            record.solution,
            record.version,
            COULOIR_OFFICIAL[record.couloir],
            self.dispositif_text(record.dispositif),
            vague_text(record.vague, self.vague_style),
            french_date(record.referenced_on, "words"),
            record.reference_number,
            record.distributors,
            record.pilots,
        )
        return "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in cells) + "</tr>"

    def news_page(self, view: ListingView) -> str:
        return news_cards(view, "h2")

    def article_page(self, article, lang: str) -> str:
        return article_document(article, mixed_article_tables(article), lang)


# ---------------------------------------------------------------- 22: duisection


def dui_section(name: str) -> str:
    """ "DUI MS2 PDE" -> "Dossier Usager Informatisé (DUI) : MS2 PDE" (section 2's wording);
    other dispositifs as "Long title (CODE)"."""
    if name.startswith("DUI "):
        return "Dossier Usager Informatisé (DUI) : " + name.removeprefix("DUI ")
    return DISPOSITIF_TEXT[name].title_with_code


class DuiSection(MixedTables):
    """22, "duisection": "mixedtables" with every dispositif in section 2's long wording, in the
    listing ("Dossier Usager Informatisé (DUI) : MS2 PDE", "Dossier Patient Informatisé (DPI)")
    and in the candidate tables' dispositif columns."""

    name = "duisection"
    page_size = 40

    vague_style = "long"

    @staticmethod
    def dispositif_text(name: str) -> str:
        return dui_section(name)

    def article_page(self, article, lang: str) -> str:
        parts = [
            table_html(t, t.heading or "", ("Dispositif", dui_section))
            if (t.heading or "").startswith("MS")
            else table_html(t, None, heading_element="h2")
            for t in article.tables
        ]
        return article_document(article, as_typed("\n".join(parts), article), lang)


# ---------------------------------------------------------------- 23: splitgrid

VAGUE_2_HEADINGS = {
    "LGC SF": "Sages-femmes – LGC SF",
    "LGC paramédicaux": "Auxiliaires médicaux – LGC paramédicaux",
    "LGC CD": "Chirurgiens-dentistes – LGC CD",
}


class SplitGrid(GridCards):
    """23, "splitgrid": "gridcards" whose grid labels end in a no-break space and a colon
    ("Éditeur&nbsp;:"), with the labels "Éditeur", "Solution", "Version technique", bare vagues
    ("2") and dates in words; the vague 2 candidate article splits its one table into one table
    per dispositif, without a dispositif column, each under an `<h4>` naming it
    ("Sages-femmes – LGC SF") while the article title names all three."""

    name = "splitgrid"
    page_size = 31

    @staticmethod
    def card(record) -> str:
        items = [
            ("Éditeur", record.editor),
            ("Solution", record.solution),
            ("Version technique", record.version),
            ("Vague", vague_text(record.vague, "bare")),
            ("Date de référencement", french_date(record.referenced_on, "words")),
            ("N° de référencement", record.reference_number),
            ("Distributeur", record.distributors),
            ("Premières installations réussies", record.pilots),
        ]
        grid = "".join(
            f"<div>{label}{NBSP}:</div><div>{esc(value)}</div>" for label, value in items if value
        )
        return f'<article><div class="grid">{grid}</div></article>'

    def article_page(self, article, lang: str) -> str:
        parts = []
        for table in article.tables:
            if "dispositif" not in table_fields(table):
                parts.append(table_html(table, None))
                continue
            for name, heading in VAGUE_2_HEADINGS.items():
                rows = tuple(c for c in table.candidates if c.dispositif == name)
                columns = tuple(pair for pair in table.columns if pair[1] != "dispositif")
                part = CandidateTable(None, columns, rows, table.date_style)
                parts.append(table_html(part, heading, heading_element="h4"))
        return article_document(article, as_typed("\n".join(parts), article), lang)
