"""Variants at the edge of the contract: markup it does not clearly cover.

A sync may read them (then it must be complete and exact) or refuse them (then it must not be
complete and must remove nothing); what it may never do is complete with wrong rows.

* `AriaOnlyNext`: "rowtables" whose next link has no text at all, only
  `aria-label="Page suivante"` and an icon (the contract names rel="next" or a text);
* `SentenceDate`: "labels" whose date reads "Référencé le 1er juin 2022" under the label
  "Date de référencement" (the contract lists bare dates only);
* `ResponsiveCells`: "teasers" whose every body cell repeats its column's label for narrow
  screens (`<td><span class="cell-label" aria-hidden="true">Éditeur : </span>HOSPILINK
  SAS</td>`);
* `UpperStatus`: "teasers" whose candidate statuses are printed in capitals ("EN COURS
  D'INSTRUCTION"; the contract spells "Candidat", "En cours d'instruction", "Référencé");
* `VagueSections`: "teasers" whose rows lose their vague column and are split, on each page,
  into one table per vague under `<h2>Vague 1</h2>` / `<h2>Vague 2</h2>` (a section heading,
  not the page's);
* `RowspanVague`: "teasers" whose vague cell spans every following row of the same vague
  (`<td rowspan="7">Vague 1</td>`), so those rows have one cell fewer than the header;
* `Hyphenated`: "teasers" whose long words in editor and solution names carry invisible soft
  hyphens (`&shy;`, a hyphenation helper: "INFORMA&shy;TIQUE"); a browser shows the same text;
* `TotalsRow`: "teasers" whose candidate tables end with a `<tfoot>` totals row
  (`<td colspan="4">14 candidatures</td>`);
* `FooterHeader`: "teasers" whose listing table repeats its label row in a `<tfoot>`;
* `VagueSummary`: "teasers" whose listing states per-vague counts ("Vague 1 : 236 résultats")
  above the total ("270 résultats");
* `Tabs`: "teasers" whose candidate tables without a dispositif column sit in DSFR tab
  panels: every tab button ("MS1 PA/PH/DOM", "MS2 PDE", "MS2 PDS") comes before the first
  panel, and each panel names its tab only through `aria-labelledby`.
"""

from __future__ import annotations

from dataclasses import replace

from .articles import as_typed, candidate_table
from .common import document, esc, french_date, results_text, vague_text
from .labels import Labels
from .rowtables import RowTables
from .teasers import ARTICLE_TABLES, COLUMNS, Teasers


class AriaOnlyNext(RowTables):
    name = "rowtables-aria"

    @staticmethod
    def pager(view) -> str:
        html = RowTables.pager(view)
        for word in ("suivante", "précédente"):
            html = html.replace(f'<span class="visually-hidden">Page {word}</span>', "")
        return html


class SentenceDate(Labels):
    name = "labels-sentence-date"

    @staticmethod
    def row(record, position: int) -> str:
        html = Labels.row(record, position)
        day = esc(french_date(record.referenced_on, "words"))
        return html.replace(
            f"<label>Référencé le\u00a0:</label> <span>{day}</span>",
            f"<label>Date de référencement\u00a0:</label> <span>Référencé le {day}</span>",
        )


class ResponsiveCells(Teasers):
    name = "teasers-responsive"

    @staticmethod
    def row(record) -> str:
        cells = Teasers.row(record).removeprefix("<tr>").removesuffix("</tr>").split("</td>")
        labelled = [
            f'<td><span class="cell-label" aria-hidden="true">{label} : </span>'
            + cell.removeprefix("<td>")
            for label, cell in zip(COLUMNS, cells, strict=False)
        ]
        return "<tr>" + "</td>".join(labelled) + "</td></tr>"


class UpperStatus(Teasers):
    name = "teasers-upper-status"

    def article_page(self, article, lang: str) -> str:
        html = super().article_page(article, lang)
        for status in ("Candidat", "En cours d&#x27;instruction", "En cours d’instruction"):
            html = html.replace(f"<td>{status}</td>", f"<td>{status.upper()}</td>")
        return html.replace("<td>Référencé</td>", "<td>RÉFÉRENCÉ</td>")


class VagueSections(Teasers):
    name = "teasers-vague-sections"

    def listing_page(self, view) -> str:
        html = super().listing_page(view)
        head, rest = html.split("<table>", 1)
        _, tail = rest.split("</table>", 1)
        header = rest.split("<tbody>", 1)[0].replace("<th>Vague</th>", "")
        header = header.replace(
            '<th colspan="5">Référencement</th>', '<th colspan="4">Référencement</th>'
        )
        tables = []
        for vague in sorted({record.vague for record in view.rows}):
            rows = "\n".join(
                Teasers.row(record).replace(f"<td>{esc(vague_text(vague, 'long'))}</td>", "", 1)
                for record in view.rows
                if record.vague == vague
            )
            tables.append(
                f"<h2>{vague_text(vague, 'long')}</h2>\n<table>{header}<tbody>\n{rows}\n"
                "</tbody>\n</table>"
            )
        return head + "\n".join(tables) + tail


class RowspanVague(Teasers):
    name = "teasers-rowspan"

    def listing_page(self, view) -> str:
        html = super().listing_page(view)
        rows = [Teasers.row(record) for record in view.rows]
        spanned = []
        index = 0
        while index < len(rows):
            vague = view.rows[index].vague
            run = 1
            while index + run < len(rows) and view.rows[index + run].vague == vague:
                run += 1
            cell = f"<td>{esc(vague_text(vague, 'long'))}</td>"
            spanned.append(rows[index].replace(cell, f'<td rowspan="{run}">{cell[4:]}', 1))
            spanned += [row.replace(cell, "", 1) for row in rows[index + 1 : index + run]]
            index += run
        return html.replace("\n".join(rows), "\n".join(spanned))


class Hyphenated(Teasers):
    name = "teasers-hyphenated"

    @staticmethod
    def row(record) -> str:
        html = Teasers.row(record)
        for value in (record.editor, record.solution):
            html = html.replace(f"<td>{esc(value)}</td>", f"<td>{hyphenate(esc(value))}</td>", 1)
        return html


def hyphenate(text: str) -> str:
    """A soft hyphen in the middle of every word of ten letters or more."""
    words = []
    for word in text.split(" "):
        if len(word) >= 10 and word.isalpha():
            word = word[: len(word) // 2] + "&shy;" + word[len(word) // 2 :]
        words.append(word)
    return " ".join(words)


class TotalsRow(Teasers):
    name = "teasers-totals-row"

    def article_page(self, article, lang: str) -> str:
        html = super().article_page(article, lang)
        for table in article.tables:
            columns = len(table.columns)
            total = f'<tfoot><tr><td colspan="{columns}">{len(table.candidates)} candidatures</td>'
            last = esc(table.candidates[-1].editor)
            html = _after_row_of(html, last, f"</tbody>\n{total}</tr></tfoot>")
        return html


def _after_row_of(html: str, editor: str, footer: str) -> str:
    """Put `footer` in place of the </tbody> that closes the table holding `editor`'s row."""
    start = html.find(f"<td>{editor}</td>")
    if start < 0:
        start = html.find(f"<td>{editor.replace('&#x27;', '’')}</td>")
    end = html.find("</tbody>", start)
    return html[:end] + footer + html[end + len("</tbody>") :]


class FooterHeader(Teasers):
    name = "teasers-footer-header"

    def listing_page(self, view) -> str:
        html = super().listing_page(view)
        labels = html.split("<thead>", 1)[1].split("</thead>", 1)[0].split("</tr>")[1]
        return html.replace(
            "</tbody>\n</table>", f"</tbody>\n<tfoot>{labels}</tr></tfoot></table>", 1
        )


class VagueSummary(Teasers):
    name = "teasers-vague-summary"
    offers_vague_facet = True  # for the per-vague counts of the whole listing; not printed

    def listing_page(self, view) -> str:
        html = super().listing_page(view)
        summary = " · ".join(
            f"Vague {facet.name} : {results_text(facet.count)}" for facet in view.vague_facets
        )
        return html.replace(
            '<h2 id="resultats">', f'<p class="par-vague">{summary}</p>\n<h2 id="resultats">', 1
        )


class Tabs(Teasers):
    name = "teasers-tabs"

    def article_page(self, article, lang: str) -> str:
        headed = [t for t in article.tables if t.heading]
        if len(headed) < 2:
            return super().article_page(article, lang)
        style = replace(ARTICLE_TABLES, heading="none")
        buttons = "".join(
            f'<li role="presentation"><button id="tab-{i}" class="fr-tabs__tab" role="tab" '
            f'aria-controls="panel-{i}">{esc(t.heading)}</button></li>'
            for i, t in enumerate(headed)
        )
        panels = "".join(
            f'<div id="panel-{i}" class="fr-tabs__panel" role="tabpanel" '
            f'aria-labelledby="tab-{i}">{candidate_table(t, style, i)}</div>'
            for i, t in enumerate(headed)
        )
        tabs = f'<div class="fr-tabs"><ul class="fr-tabs__list" role="tablist">{buttons}</ul>'
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        body = f"<main><h1>{esc(article.title)}</h1>{paragraphs}{tabs}{panels}</div></main>"
        return document(article.title, as_typed(body, article), lang)
