from scraper.collect import RunCollector, merge_candidates, merge_solutions
from scraper.items import CandidateRecord, PageReport, SolutionRecord


def test_row_seen_unfiltered_and_through_its_facet_is_one_solution():
    unfiltered = SolutionRecord("ACME", "Dossier", "2.0", vague=1, referenced_on="2023-01-02")
    via_facet = SolutionRecord(
        "ACME",
        "Dossier",
        "2.0",
        dispositif="DUI MS2 PDE",
        couloir="Social et médico-social",
        vague=1,
    )
    merged = merge_solutions([unfiltered, via_facet])
    assert len(merged) == 1
    assert merged[0].dispositif == "DUI MS2 PDE"
    assert merged[0].referenced_on == "2023-01-02"


def test_same_product_under_two_dispositifs_stays_two_solutions():
    unfiltered = [SolutionRecord("ACME", "Suite", "1"), SolutionRecord("ACME", "Suite", "1")]
    facets = [
        SolutionRecord("ACME", "Suite", "1", dispositif="DPI"),
        SolutionRecord("ACME", "Suite", "1", dispositif="RI"),
    ]
    merged = merge_solutions(unfiltered + facets)
    assert sorted(r.dispositif for r in merged) == ["DPI", "RI"]


def test_two_versions_are_two_solutions():
    merged = merge_solutions(
        [
            SolutionRecord("ACME", "Suite", "1", dispositif="DPI"),
            SolutionRecord("ACME", "Suite", "2", dispositif="DPI"),
        ]
    )
    assert len(merged) == 2


def test_row_without_dispositif_anywhere_is_kept():
    merged = merge_solutions([SolutionRecord("ACME", "Suite", "1")])
    assert merged == [SolutionRecord("ACME", "Suite", "1")]


def test_duplicate_candidates_are_merged():
    first = CandidateRecord("ACME", "Suite", dispositif="LGC")
    second = CandidateRecord("acme", "SUITE", dispositif="LGC", status="Candidat")
    assert merge_candidates([first, second]) == [
        CandidateRecord("ACME", "Suite", dispositif="LGC", status="Candidat")
    ]


def test_collector_reports_progress_against_planned_pages():
    seen = []
    collector = RunCollector(progress=lambda done, expected: seen.append((done, expected)))
    collector.plan_pages(3)
    collector.add(PageReport(url="a", kind="listing"))
    collector.add(PageReport(url="b", kind="listing"))
    assert seen == [(1, 3), (2, 3)]


def test_an_interrupted_crawl_is_a_failed_run():
    from scraper.collect import build_result

    collector = RunCollector(interrupted=True)
    collector.add(PageReport(url="l", kind="listing", announced=1, rows=1))
    collector.add(SolutionRecord("ACME", "Suite", "1", dispositif="DPI", vague=1))
    result = build_result("http://127.0.0.1", collector, errors=[])
    assert (result.status, result.reason) == ("failed", "Synchronisation interrompue avant la fin.")


def test_row_without_vague_is_absorbed_by_the_row_read_through_its_vague_facet():
    entry = SolutionRecord("ACME", "Dossier", "2.0", dispositif="DPI")
    via_vague = SolutionRecord("ACME", "Dossier", "2.0", dispositif="DPI", vague=1)
    assert merge_solutions([entry, via_vague]) == [via_vague]


def test_the_vague_is_not_part_of_the_identity():
    # Some renderings print the vague only in a heading: it cannot tell entries apart.
    first = SolutionRecord("ACME", "Dossier", "2.0", dispositif="DPI", vague=1)
    second = SolutionRecord("ACME", "Dossier", "2.0", dispositif="DPI", vague=2)
    unknown = SolutionRecord("ACME", "Dossier", "2.0", referenced_on="2024-01-01")
    merged = merge_solutions([unknown, first, second])
    assert [(r.vague, r.referenced_on) for r in merged] == [(1, "2024-01-01")]


def test_one_version_read_in_two_dui_domains_is_one_entry_naming_both():
    ms1 = SolutionRecord("ACME", "Usager", "3", dispositif="DUI MS1 PA/PH/DOM", vague=1)
    pde = SolutionRecord("ACME", "Usager", "3", dispositif="DUI MS2 PDE", vague=1)
    coarse = SolutionRecord("ACME", "Usager", "3", dispositif="DUI", vague=1)
    merged = merge_solutions([coarse, ms1, pde])
    assert [r.dispositif for r in merged] == ["DUI MS1 PA/PH/DOM + MS2 PDE"]
    assert merged[0].key == coarse.key


def test_reference_number_printed_on_one_path_only_is_one_solution():
    listing = SolutionRecord("ORISHA", "DESMOS", "3.3", vague=1)
    facet = SolutionRecord(
        "ORISHA", "DESMOS", "3.3", dispositif="LGC", vague=1, reference_number="27f99871b4"
    )
    merged = merge_solutions([listing, facet])
    assert [record.key for record in merged] == ["ref:27f99871b4"]


def test_two_reference_numbers_are_two_solutions():
    first = SolutionRecord("ACME", "Suite", "1", dispositif="DPI", reference_number="0123456789")
    second = SolutionRecord("ACME", "Suite", "1", dispositif="DPI", reference_number="abcdef0123")
    assert len(merge_solutions([first, second])) == 2
