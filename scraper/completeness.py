"""How complete was a crawl? Rows read against the counts the site announced.

`complete` only when every announced row was read, every page was read, and no
row had to be dropped; `partial` when something usable was read but not all;
`failed` when nothing usable was read or the run was interrupted. Reasons are
French sentences: they are shown in the public catalogue. A crawl that is not
complete also gets its failure kind in one word (`failure_kind`).
"""

from __future__ import annotations

from collections import defaultdict

from scraper.items import (
    BLOCKED,
    INTERRUPTED,
    LAYOUT,
    NOT_FOUND,
    TRANSIENT,
    CandidateRecord,
    PageReport,
    SolutionRecord,
)

SOLUTION_KINDS = ("listing", "facet")
# When pages failed for several reasons, the one an operator must act on first.
FAILURE_PRIORITY = (BLOCKED, NOT_FOUND, LAYOUT, TRANSIENT)


def assess(
    pages: list[PageReport],
    solutions: list[SolutionRecord],
    candidates: list[CandidateRecord],
    invalid_records: int = 0,
    interrupted: bool = False,
) -> tuple[str, str, int | None]:
    """(status, reason, rows_expected) of one crawl."""
    rows_expected = announced_total(pages)
    if interrupted:
        return "failed", "Synchronisation interrompue avant la fin.", rows_expected
    if not solutions and not candidates:
        return (
            "failed",
            first_sentence(failure_reasons(pages)) or ("Aucune donnée lisible n'a été trouvée."),
            rows_expected,
        )
    problems = (
        failure_reasons(pages)
        + shortfall_reasons(pages, solutions, rows_expected)
        + invalid_reasons(pages, invalid_records)
        + candidate_reasons(pages, candidates)
    )
    if problems:
        return "partial", first_sentence(problems, extra=len(problems) - 1), rows_expected
    return (
        "complete",
        (
            f"{len(solutions)} solutions lues sur {rows_expected} annoncées, "
            f"{len(candidates)} candidatures."
        ),
        rows_expected,
    )


def failure_kind(status: str, pages: list[PageReport], interrupted: bool = False) -> str | None:
    """Why a crawl that is not complete is not, in one word: what its failed pages
    say (the most pressing first), else the layout (rows missing or unreadable)."""
    if status == "complete":
        return None
    if interrupted:
        return INTERRUPTED
    kinds = {page.failure for page in pages if page.error and page.failure}
    return next((kind for kind in FAILURE_PRIORITY if kind in kinds), LAYOUT)


def announced_total(pages: list[PageReport]) -> int | None:
    """The "N résultats" of the unfiltered listing's first page."""
    for page in pages:
        if page.kind == "listing" and page.page_number == 0 and page.error is None:
            return page.announced
    return None


def failure_reasons(pages: list[PageReport]) -> list[str]:
    failed = [page for page in pages if page.error]
    if not failed:
        return []
    first = failed[0]
    more = f" ; {len(failed) - 1} autre(s) page(s) non lue(s)" if len(failed) > 1 else ""
    return [f"Page non lue : {first.url} — {first.error}{more}."]


def shortfall_reasons(
    pages: list[PageReport], solutions: list[SolutionRecord], rows_expected: int | None
) -> list[str]:
    if rows_expected is None:
        if any(page.kind in SOLUTION_KINDS for page in pages):
            return ["Le nombre total de solutions annoncé n'a pas pu être lu."]
        return []
    reasons = []
    if len(solutions) != rows_expected:
        reasons.append(f"{len(solutions)} solutions lues pour {rows_expected} annoncées.")
    for facet, (read, announced) in facet_totals(pages).items():
        if announced is not None and read != announced:
            reasons.append(f"Dispositif {facet} : {read} lignes lues pour {announced} annoncées.")
    unlocated = sum(1 for record in solutions if not record.dispositif)
    if unlocated:
        reasons.append(f"{unlocated} solutions sans dispositif connu.")
    undated = sum(1 for record in solutions if record.vague is None)
    if undated:
        reasons.append(f"{undated} solutions sans vague connue.")
    return reasons


def facet_totals(pages: list[PageReport]) -> dict[str, tuple[int, int | None]]:
    read: dict[str, int] = defaultdict(int)
    announced: dict[str, int | None] = {}
    for page in pages:
        if page.kind != "facet" or not page.facet:
            continue
        read[page.facet] += page.rows
        if page.page_number == 0 and page.error is None:
            announced[page.facet] = page.announced
    return {facet: (read[facet], announced.get(facet)) for facet in read}


def invalid_reasons(pages: list[PageReport], invalid_records: int) -> list[str]:
    invalid = max(invalid_records, sum(page.invalid_rows for page in pages))
    if not invalid:
        return []
    return [f"{invalid} lignes sans éditeur, solution ou version ont été écartées."]


def candidate_reasons(pages: list[PageReport], candidates: list[CandidateRecord]) -> list[str]:
    articles = [page for page in pages if page.kind == "article"]
    news = [page for page in pages if page.kind == "news"]
    if news and not articles:
        return ["Aucun article de candidats au référencement n'a été trouvé."]
    if articles and not candidates:
        return ["Aucune candidature lue dans les articles de candidats."]
    unlocated = sum(1 for record in candidates if not record.dispositif)
    if unlocated:
        return [f"{unlocated} candidatures sans dispositif connu."]
    return []


def first_sentence(reasons: list[str], extra: int = 0) -> str:
    if not reasons:
        return ""
    suffix = f" ; {extra} autre(s) problème(s)" if extra > 0 else ""
    return reasons[0].rstrip(".") + suffix + "."
