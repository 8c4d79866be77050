"""The chart of referenced solutions over time, by couloir, drawn as SVG on the server.

No script and no external resource: the page works offline and in any browser.
Each couloir is a step line of the cumulative number of solutions referenced up
to each date (`referenced_on`; every referenced version counts once, including
versions that were later removed from the list).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from catalogue.french import MONTHS, french_number

UNKNOWN_COULOIR = "Couloir non précisé"
# Okabe-Ito and Tableau colours: distinguishable by most colour-blind readers.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#7F7F7F",
    "#B8860B",
    "#8C564B",
    "#1B1B1B",
)

CHART_SQL = """
SELECT couloir, referenced_on, count(*) AS solutions
FROM solutions
WHERE referenced_on IS NOT NULL AND referenced_on != ''
GROUP BY couloir, referenced_on
ORDER BY referenced_on
"""
REFERENCED_TODAY_SQL = """
SELECT coalesce(couloir, ''), count(*) FROM solutions WHERE status = 'referenced' GROUP BY 1
"""
UNDATED_SQL = "SELECT count(*) FROM solutions WHERE referenced_on IS NULL OR referenced_on = ''"


@dataclass
class Series:
    couloir: str
    points: list[tuple[date, int]]  # (date, cumulative count), dates ascending
    colour: str = PALETTE[0]

    @property
    def total(self) -> int:
        return self.points[-1][1] if self.points else 0

    def value_on(self, day: date) -> int:
        value = 0
        for point_day, cumulative in self.points:
            if point_day > day:
                break
            value = cumulative
        return value


def cumulative_series(rows: Iterable[tuple[str | None, str, int]]) -> list[Series]:
    """Rows (couloir, ISO date, solutions that day) -> one series per couloir, largest first."""
    per_couloir: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for couloir, iso_day, count in rows:
        try:
            parsed = date.fromisoformat(iso_day)
        except (TypeError, ValueError):
            continue
        per_couloir[couloir or UNKNOWN_COULOIR][parsed] += count
    series = []
    for couloir, counts in per_couloir.items():
        total = 0
        points = []
        for day in sorted(counts):
            total += counts[day]
            points.append((day, total))
        series.append(Series(couloir, points))
    series.sort(key=lambda s: (-s.total, s.couloir))
    for index, each in enumerate(series):
        each.colour = PALETTE[index % len(PALETTE)]
    return series


def yearly_table(series: list[Series]) -> tuple[list[int], list[tuple[Series, list[int]]]]:
    """Cumulative counts on 31 December of each year (and the last date for the last year)."""
    days = [day for each in series for day, _ in each.points]
    if not days:
        return [], []
    years = list(range(min(days).year, max(days).year + 1))
    rows = [(each, [each.value_on(date(year, 12, 31)) for year in years]) for each in series]
    return years, rows


def nice_step(maximum: int, ticks: int = 5) -> int:
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1, int(factor * magnitude))
    return max(1, int(10 * magnitude))


def month_label(day: date) -> str:
    return str(day.year) if day.month == 1 else f"{MONTHS[day.month - 1][:4]}. {day.year}"


def x_ticks(first: date, last: date) -> list[date]:
    months: tuple[int, ...] = (1,) if (last - first).days > 3 * 365 else (1, 7)
    if (last - first).days < 400:
        months = (1, 4, 7, 10)
    ticks = []
    for year in range(first.year, last.year + 1):
        for month in months:
            tick = date(year, month, 1)
            if first <= tick <= last:
                ticks.append(tick)
    return ticks


def render_svg(series: list[Series], width: int = 1000, height: int = 460) -> str:
    """The whole chart as an SVG element; every text is escaped."""
    left, right, top, bottom = 60, 300, 20, 50
    plot_width, plot_height = width - left - right, height - top - bottom
    title = "Solutions référencées Ségur, cumul par couloir selon la date de référencement"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="segur-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_description(series))}</desc>',
    ]
    days = [day for each in series for day, _ in each.points]
    if not days:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            "Aucune date de référencement connue pour l’instant.</text></svg>"
        )
        return "\n".join(parts)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    maximum = max(each.total for each in series)
    step = nice_step(maximum)
    top_value = step * math.ceil(maximum / step) or step

    def x(day: date) -> float:
        return round(left + (day - first).days / span * plot_width, 1)

    def y(value: int) -> float:
        return round(top + plot_height - value / top_value * plot_height, 1)

    parts.append('<g class="grid" stroke="#ddd" stroke-width="1">')
    for value in range(0, top_value + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_width}" y1="{y(value)}" y2="{y(value)}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="axis" font-size="12" fill="#333">')
    for value in range(0, top_value + 1, step):
        label = french_number(value)
        parts.append(f'<text x="{left - 8}" y="{y(value) + 4}" text-anchor="end">{label}</text>')
    for tick in x_ticks(first, last):
        parts.append(
            f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{top + plot_height}" '
            f'y2="{top + plot_height + 5}" stroke="#333"/>'
            f'<text x="{x(tick)}" y="{top + plot_height + 20}" text-anchor="middle">'
            f"{escape(month_label(tick))}</text>"
        )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_width}" y1="{top + plot_height}" '
        f'y2="{top + plot_height}" stroke="#333"/>'
    )
    parts.append("</g>")
    for each in series:
        parts.append(_step_line(each, x, y, last))
    parts.append(_legend(series, left + plot_width + 20, top))
    parts.append("</svg>")
    return "\n".join(parts)


def _step_line(series: Series, x, y, last: date) -> str:
    first_day = series.points[0][0]
    commands = [f"M{x(first_day)},{y(0)}"]
    for day, cumulative in series.points:
        commands.append(f"H{x(day)}V{y(cumulative)}")
    commands.append(f"H{x(last)}")
    return (
        f'<path d="{"".join(commands)}" fill="none" stroke="{series.colour}" stroke-width="2.5">'
        f"<title>{escape(series.couloir)} : {french_number(series.total)}</title></path>"
    )


def _legend(series: list[Series], left: int, top: int) -> str:
    parts = ['<g class="legend" font-size="13">']
    for index, each in enumerate(series):
        row = top + 10 + index * 22
        parts.append(
            f'<line x1="{left}" x2="{left + 22}" y1="{row}" y2="{row}" '
            f'stroke="{each.colour}" stroke-width="4"/>'
            f'<text x="{left + 30}" y="{row + 4}">{escape(each.couloir)} '
            f"({french_number(each.total)})</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _description(series: list[Series]) -> str:
    if not series:
        return "Aucune donnée."
    return "; ".join(f"{each.couloir} : {french_number(each.total)}" for each in series) + "."
