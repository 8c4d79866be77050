"""Alternative renderings of the ANS site, written from the contract (docs/ans-site.md section 4)
only, to prove `segur sync` reads markup it was never tuned to.

Each rendering is a complete site (robots.txt, listing with result line, pager and dispositif
facets, the paged news listing, the candidate articles) over the replica's dataset, served by
`AltServer`, a `ReplicaServer` with the replica's faults and request log:

    from tests.alt_site import RENDERINGS, AltServer

    with AltServer(RENDERINGS["definitions"], state=1) as server:
        ...  # segur sync --base-url server.url

1. "bootstrap" (bootstrap.py), 2. "headerless" (headerless.py), 3. "definitions"
(definitions.py), 4. "plaintext" (plaintext.py), 5. "multilingual" (multilingual.py),
7. "fields" (fields.py), 8. "vaguefacet" (vaguefacet.py), 9. "dsfr" (dsfr.py),
10. "headingvague" (definitions.py), 11. "vaguefacet-bare" (vaguefacet.py),
12. "rowtables" (rowtables.py), 13. "headlink" (headlink.py), 14. "labels" (labels.py),
15. "teasers" (teasers.py), 16. "rowtables-bare" (rowtables.py),
17. "colonlines", 18. "dlmulti" and 19. "typography" (textual.py), 20. "gridcards",
21. "mixedtables", 22. "duisection" and 23. "splitgrid" (round3.py): each module's
docstring says what it stresses (12-19 share tricky.py's extra rows).
outside.py (OUTSIDE): variants at the edge of the contract, read exactly or refused safely.
6. broken.py: layouts the contract does not cover, served after a good sync.
"""

from .bootstrap import Bootstrap
from .broken import RenamedLabels, ShortPage, Unlabelled, UnlabelledArticles
from .common import Rendering
from .definitions import Definitions, HeadingVague
from .dsfr import Dsfr
from .fields import Fields
from .headerless import Headerless
from .headlink import HeadLink
from .labels import Labels
from .multilingual import Multilingual
from .outside import (
    AriaOnlyNext,
    FooterHeader,
    Hyphenated,
    ResponsiveCells,
    RowspanVague,
    SentenceDate,
    Tabs,
    TotalsRow,
    UpperStatus,
    VagueSections,
    VagueSummary,
)
from .plaintext import PlainText
from .round3 import DuiSection, GridCards, MixedTables, SplitGrid
from .rowtables import RowTables, RowTablesBare
from .server import AltServer, AltSite, dataset, truth_solutions
from .teasers import Teasers
from .textual import ColonLines, DlMulti, Typography
from .vaguefacet import VagueFacet, VagueFacetBare

RENDERINGS: dict[str, Rendering] = {
    rendering.name: rendering
    for rendering in (
        Bootstrap(),
        Headerless(),
        Definitions(),
        PlainText(),
        Multilingual(),
        Fields(),
        VagueFacet(),
        Dsfr(),
        HeadingVague(),
        VagueFacetBare(),
        RowTables(),
        HeadLink(),
        Labels(),
        Teasers(),
        RowTablesBare(),
        ColonLines(),
        DlMulti(),
        Typography(),
        GridCards(),
        MixedTables(),
        DuiSection(),
        SplitGrid(),
    )
}
BROKEN: dict[str, Rendering] = {
    rendering.name: rendering
    for rendering in (Unlabelled(), RenamedLabels(), ShortPage(), UnlabelledArticles())
}
OUTSIDE: dict[str, Rendering] = {
    rendering.name: rendering
    for rendering in (
        AriaOnlyNext(),
        SentenceDate(),
        ResponsiveCells(),
        UpperStatus(),
        VagueSections(),
        RowspanVague(),
        Hyphenated(),
        TotalsRow(),
        FooterHeader(),
        VagueSummary(),
        Tabs(),
    )
}

__all__ = [
    "BROKEN",
    "OUTSIDE",
    "RENDERINGS",
    "AltServer",
    "AltSite",
    "Bootstrap",
    "Rendering",
    "dataset",
    "truth_solutions",
]
