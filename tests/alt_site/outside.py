"""Variants at the edge of the contract: markup it does not clearly cover.

A sync may read them (then it must be complete and exact) or refuse them (then it must not be
complete and must remove nothing); what it may never do is complete with wrong rows.

* `AriaOnlyNext`: "rowtables" whose next link has no text at all, only
  `aria-label="Page suivante"` and an icon (the contract names rel="next" or a text);
* `SentenceDate`: "labels" whose date reads "Référencé le 1er juin 2022" under the label
  "Date de référencement" (the contract lists bare dates only).
"""

from __future__ import annotations

from .common import esc, french_date
from .labels import Labels
from .rowtables import RowTables


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
