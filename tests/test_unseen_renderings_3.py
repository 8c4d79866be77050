"""Third round of unseen renderings (tests.alt_site.round3): a rate limit on a facet page of
"gridcards", whose rows name no dispositif, so the facet page must be retried and read.

The renderings ("gridcards", "mixedtables", "duisection") are registered in tests.alt_site's
RENDERINGS, so test_unseen_renderings.py syncs both states of each against the truth.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from replica.server import Fault
from tests.alt_site import AltServer, dataset, truth_solutions
from tests.alt_site.round3 import GridCards
from tests.sync_support import (
    CANDIDATE_FIELDS,
    SOLUTION_FIELDS,
    assert_complete,
    by_key,
    differences,
    sync,
)

pytestmark = pytest.mark.slow


def test_429_on_a_gridcards_facet_page_is_retried(tmp_path):
    rendering = GridCards()
    facet = f"dsr_solutions:{rendering.dispositif_value('DPI')}"
    with AltServer(rendering, state=1, faults=[Fault("429", facet, 1)]) as server:
        result = sync(server, tmp_path / "segur.db")
    assert sum(facet in unquote(t) and "page=" not in t for t in result.requests) >= 2
    assert_complete(result)
    found = differences(
        result.referenced, by_key(truth_solutions(rendering, 1), SOLUTION_FIELDS), SOLUTION_FIELDS
    )
    found += differences(
        result.candidates, by_key(dataset(1).candidates, CANDIDATE_FIELDS), CANDIDATE_FIELDS
    )
    assert not found, "\n".join(found)
