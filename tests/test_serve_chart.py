"""The chart of referenced solutions over time (pure functions of catalogue/serve/chart.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from catalogue.serve.chart import (
    UNKNOWN_COULOIR,
    cumulative_series,
    nice_step,
    render_svg,
    yearly_table,
)

ROWS = [
    ("Hôpital", "2022-01-10", 2),
    ("Officine", "2022-03-01", 1),
    ("Hôpital", "2023-05-02", 3),
    (None, "2023-06-01", 1),
    ("Officine", "not a date", 5),
]


def test_cumulative_series_per_couloir_largest_first():
    series = cumulative_series(ROWS)
    assert [(s.couloir, s.points) for s in series] == [
        ("Hôpital", [(date(2022, 1, 10), 2), (date(2023, 5, 2), 5)]),
        (UNKNOWN_COULOIR, [(date(2023, 6, 1), 1)]),
        ("Officine", [(date(2022, 3, 1), 1)]),
    ]
    assert len({s.colour for s in series}) == 3


def test_yearly_table_gives_the_cumulative_count_at_each_year_end():
    years, rows = yearly_table(cumulative_series(ROWS))
    assert years == [2022, 2023]
    assert [(s.couloir, values) for s, values in rows] == [
        ("Hôpital", [2, 5]),
        (UNKNOWN_COULOIR, [0, 1]),
        ("Officine", [1, 1]),
    ]


def test_svg_is_well_formed_and_escapes_names():
    svg = render_svg(cumulative_series([("<script>alert(1)</script>", "2024-01-01", 4)]))
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<script>alert(1)</script> (4)" in texts
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_svg_without_data_says_so():
    svg = render_svg([])
    ET.fromstring(svg)
    assert "Aucune date de référencement" in svg


def test_nice_step():
    assert [nice_step(n) for n in (1, 9, 90, 167, 1234)] == [1, 2, 20, 50, 500]
