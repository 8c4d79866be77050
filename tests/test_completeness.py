from scraper.completeness import assess
from scraper.items import CandidateRecord, PageReport, SolutionRecord


def solution(n: int, dispositif: str | None = "LGC") -> SolutionRecord:
    return SolutionRecord(
        editor=f"ED {n}", solution=f"Logiciel {n}", version="1.0", dispositif=dispositif, vague=1
    )


CANDIDATE = CandidateRecord(editor="ACME", solution="Dossier", dispositif="DUI MS2 PDE")
NEWS = [PageReport(url="n", kind="news", rows=1), PageReport(url="a", kind="article", rows=1)]


def listing(announced, rows, page=0, error=None):
    return PageReport(
        url=f"l{page}",
        kind="listing",
        announced=announced,
        rows=rows,
        page_number=page,
        error=error,
    )


def test_every_announced_row_read_is_complete():
    status, reason, expected = assess(
        [listing(2, 2), *NEWS], [solution(1), solution(2)], [CANDIDATE]
    )
    assert (status, expected) == ("complete", 2)
    assert "2 solutions lues sur 2" in reason


def test_fewer_rows_than_announced_is_partial():
    status, reason, _ = assess([listing(3, 2), *NEWS], [solution(1), solution(2)], [CANDIDATE])
    assert status == "partial"
    assert "2 solutions lues pour 3 annoncées" in reason


def test_a_failed_page_makes_the_run_partial_even_when_counts_match():
    pages = [listing(2, 2), listing(None, 0, page=1, error="HTTP 500 after retries"), *NEWS]
    status, reason, _ = assess(pages, [solution(1), solution(2)], [CANDIDATE])
    assert status == "partial"
    assert "HTTP 500" in reason


def test_nothing_read_is_failed():
    pages = [PageReport(url="l0", kind="listing", error="page illisible")]
    status, reason, expected = assess(pages, [], [])
    assert (status, expected) == ("failed", None)
    assert "page illisible" in reason


def test_interrupted_run_is_failed_whatever_was_read():
    status, _, _ = assess([listing(1, 1), *NEWS], [solution(1)], [CANDIDATE], interrupted=True)
    assert status == "failed"


def test_dropped_invalid_rows_prevent_completeness():
    status, reason, _ = assess(
        [listing(1, 1), *NEWS], [solution(1)], [CANDIDATE], invalid_records=1
    )
    assert status == "partial"
    assert "écartées" in reason


def test_facet_shortfall_is_reported():
    pages = [
        listing(2, 0),
        PageReport(url="f", kind="facet", facet="DPI", announced=3, rows=2),
        *NEWS,
    ]
    status, reason, _ = assess(pages, [solution(1), solution(2)], [CANDIDATE])
    assert status == "partial"
    assert "DPI" in reason


def test_rows_without_dispositif_are_not_complete():
    status, reason, _ = assess([listing(1, 1), *NEWS], [solution(1, dispositif=None)], [CANDIDATE])
    assert status == "partial"
    assert "sans dispositif" in reason


def test_no_candidate_article_found_is_partial():
    pages = [listing(1, 1), PageReport(url="n", kind="news", rows=0, announced=5)]
    status, reason, _ = assess(pages, [solution(1)], [])
    assert status == "partial"
    assert "candidats" in reason


def test_unreadable_listing_count_is_partial_when_rows_were_read():
    pages = [listing(None, 0, error="page illisible"), *NEWS]
    status, _, expected = assess(pages, [solution(1)], [CANDIDATE])
    assert (status, expected) == ("partial", None)


def test_candidates_without_dispositif_are_not_complete():
    unlocated = CandidateRecord(editor="ACME", solution="Dossier")
    status, reason, _ = assess([listing(1, 1), *NEWS], [solution(1)], [unlocated])
    assert status == "partial"
    assert "candidatures sans dispositif" in reason


def test_rows_without_vague_are_not_complete():
    record = SolutionRecord("ACME", "Dossier", "1", dispositif="LGC")
    status, reason, _ = assess([listing(1, 1), *NEWS], [record], [CANDIDATE])
    assert status == "partial"
    assert "sans vague" in reason
