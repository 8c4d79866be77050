"""Rendering family 6, "broken": pages the contract does not cover, served after a good sync.

Each is the "bootstrap" site with one part changed without notice (contract 4.3: "The markup
changes without notice. A page the scraper cannot read must be reported as such, and must
never be taken to mean that solutions were removed."):

* `Unlabelled`: the listing keeps its result line, but each row lists its values with no label;
* `RenamedLabels`: every row label is one the contract does not know ("SOCIETE", "PRODUIT");
* `ShortPage`: page 3 of the unfiltered listing silently loses its last row (the result line
  still counts it);
* `UnlabelledArticles`: candidate tables lose their header row.

The maintenance case (a 200 page with no result line on page 2) needs no rendering of its own:
it is the replica's "maintenance" fault served over "bootstrap".
"""

from __future__ import annotations

from .bootstrap import Bootstrap
from .common import ListingView, esc, french_date


class Unlabelled(Bootstrap):
    name = "unlabelled"

    def card(self, record) -> str:
        values = (
            record.editor,
            record.solution,
            record.version,
            record.dispositif,
            french_date(record.referenced_on, "words"),
        )
        items = "".join(f"<li>{esc(value)}</li>" for value in values)
        return f'<div class="card"><div class="card-body"><ul>{items}</ul></div></div>'


class RenamedLabels(Bootstrap):
    name = "renamed-labels"

    def card(self, record) -> str:
        items = (
            ("SOCIETE", record.editor),
            ("PRODUIT", record.solution),
            ("REVISION", record.version),
            ("FAMILLE", record.dispositif),
            ("PUBLIE LE", french_date(record.referenced_on, "words")),
        )
        lines = "".join(
            f"<li><strong>{label} :</strong> {esc(value)}</li>" for label, value in items
        )
        return f'<div class="card"><div class="card-body"><ul>{lines}</ul></div></div>'


class ShortPage(Bootstrap):
    name = "short-page"
    short_page = 3

    def listing_page(self, view: ListingView) -> str:
        if view.page == self.short_page and not view.params:
            view = ListingView(**{**view.__dict__, "rows": view.rows[:-1]})
        return super().listing_page(view)


class UnlabelledArticles(Bootstrap):
    name = "unlabelled-articles"

    def article_page(self, article, lang: str) -> str:
        page = super().article_page(article, lang)
        return _drop_header_rows(page)


def _drop_header_rows(page: str) -> str:
    """Remove every <thead>...</thead> (the candidate tables then have no header row)."""
    while "<thead>" in page:
        start = page.index("<thead>")
        end = page.index("</thead>", start) + len("</thead>")
        page = page[:start] + page[end:]
    return page
