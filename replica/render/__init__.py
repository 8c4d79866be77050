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

from replica.render.cards import CardsTheme
from replica.render.common import (
    COULOIR_DISPLAY,
    DISPOSITIF_DISPLAY,
    LISTING_PATH,
    LOGIN_PATH,
    NEWS_PATH,
    RENDERINGS,
    Context,
    FacetItem,
    Listing,
    Pager,
    Theme,
    error_page,
    maintenance_page,
)
from replica.render.lines import LinesTheme
from replica.render.table import TableTheme

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


__all__ = [
    "COULOIR_DISPLAY",
    "DISPOSITIF_DISPLAY",
    "LISTING_PATH",
    "LOGIN_PATH",
    "NEWS_PATH",
    "RENDERINGS",
    "THEMES",
    "Context",
    "FacetItem",
    "Listing",
    "Pager",
    "error_page",
    "maintenance_page",
    "theme_for",
]
