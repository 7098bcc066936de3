"""Small server-side SVG charts: no charting script in the browser, a data table beside each."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: Sequence[tuple[datetime.date, int]]


WIDTH, HEIGHT = 900, 320
# Room for the axis labels at the size a phone needs: the chart shrinks to about 0.4 of its viewBox at
# 390 px, so static/css/site.css sets the labels to 30 units there and hides the years marked "minor".
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44


def _nice_ceiling(value: int) -> int:
    """The smallest round number (1, 2 or 5 times a power of ten) at or above value."""
    if value <= 0:
        return 10
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def time_series_svg(*, series: Sequence[Series], title: str) -> str:
    """A step chart of counts over time (a count holds until the next point)."""
    dates = [d for s in series for d, _ in s.points]
    if not dates:
        return ""
    start, end = min(dates), max(dates)
    span = max((end - start).days, 1)
    top = _nice_ceiling(max((v for s in series for _, v in s.points), default=0))

    def x(day: datetime.date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span

    def y(value: int) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, top + 1, max(top // 4, 1)):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{LEFT - 8}" y="{y(tick):.1f}" dominant-baseline="middle" text-anchor="end" '
            f'class="tick">{tick}</text>'
        )
    years = range(start.year, end.year + 1)
    step = max(1, len(years) // 8)
    for index, year in enumerate(years[::step]):
        day = max(datetime.date(year, 1, 1), start)
        # Every other label is "minor": hidden at phone width, where eight would overlap.
        css = "tick minor" if index % 2 else "tick"
        parts.append(f'<text x="{x(day):.1f}" y="{HEIGHT - 8}" text-anchor="middle" class="{css}">{year}</text>')
    for s in series:
        points = sorted(s.points)
        path = []
        for i, (day, value) in enumerate(points):
            if i:
                path.append(f"H{x(day):.1f}")
                path.append(f"V{y(value):.1f}")
            else:
                path.append(f"M{x(day):.1f},{y(value):.1f}")
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{s.colour}" stroke-width="2.5">'
            f"<title>{escape(s.label)}</title></path>"
        )
    parts.append("</svg>")
    return "".join(parts)
