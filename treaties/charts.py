"""Small server-side SVG charts: no charting script in the browser, a data table beside each."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Series:
    """One line. `dash` is an SVG stroke-dasharray in screen pixels (strokes do not scale with the chart),
    so that lines are told apart by more than their colour."""

    label: str
    colour: str
    points: Sequence[tuple[datetime.date, int]]
    dash: str = ""


@dataclass(frozen=True)
class Frame:
    """A chart's viewBox and the margins its axis labels need, in viewBox units."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


WIDTH, HEIGHT = 900, 320
# Room for the axis labels at the size a phone needs: the chart shrinks to about 0.4 of its viewBox at
# 390 px, so static/css/site.css sets the labels to 30 units there and hides the years marked "minor".
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44
FULL = Frame(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM)
# A small multiple: one of a grid of charts, one per group, about 170-190 px wide at every screen width
# (two columns on a phone, up to six on a desktop; static/css/site.css), so its labels are set at 24
# units (about 12 px) and only the first and last years and three values are labelled.
SMALL = Frame(320, 200, 52, 14, 14, 36)

# The overview's colours for its two lines (treaties.maps.COLOURS for States Parties; the site's accent).
PARTIES_COLOUR = "#1a7f37"
ON_BOARD_COLOUR = "#0b5cad"
# A line per group on one chart when a page compares at most this many groups; more get small multiples.
MAX_LINES = 6
# A line per group: colours at 4.9:1 or more against white (WCAG asks 3:1 of graphics), each with its own
# dash, for readers who cannot tell the hues apart.
GROUP_STYLES = (
    ("#0b5cad", ""),
    ("#c2410c", "10 5"),
    ("#1a7f37", "2 4"),
    ("#6d28d9", "14 4 3 4"),
    ("#be185d", "6 3"),
    ("#4a5561", "3 3 1 3"),
)


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


def _fine_ceiling(value: int) -> int:
    """The smallest of 1, 2, 3, 4, 5, 6 or 8 times a power of ten at or above value: a group of 53 gets a
    scale to 60, not to 100 as `_nice_ceiling` would give, so that its lines fill the chart."""
    if value <= 0:
        return 10
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    return next(step * magnitude for step in (1, 2, 3, 4, 5, 6, 8, 10) if step * magnitude >= value)


def _value_ticks(top: int) -> range:
    """Three to six labelled values from 0 to top, a round step apart (0, 25, 50, 75, 100; 0, 20, 40, 60)."""
    for parts in (4, 5, 3, 6):
        step, rest = divmod(top, parts)
        if not rest and step and int(str(step).rstrip("0") or 0) in (1, 2, 25, 5):
            return range(0, top + 1, step)
    return range(0, top + 1, max(top // 4, 1))


def time_series_svg(*, series: Sequence[Series], title: str, fine: bool = False) -> str:
    """A step chart of counts over time (a count holds until the next point).

    `fine` fits the scale closer to the largest value (`_fine_ceiling`), for a group's smaller counts.
    """
    dates = [d for s in series for d, _ in s.points]
    if not dates:
        return ""
    largest = max((v for s in series for _, v in s.points), default=0)
    top = _fine_ceiling(largest) if fine else _nice_ceiling(largest)
    return _step_chart(
        series=series,
        title=title,
        frame=FULL,
        css="chart",
        start=min(dates),
        end=max(dates),
        top=top,
        values=_value_ticks(top),
    )


def small_chart_svg(*, series: Sequence[Series], title: str, start: datetime.date, end: datetime.date, top: int) -> str:
    """One of a grid of small charts: the same step chart, on a date range and scale the grid shares."""
    return _step_chart(
        series=series,
        title=title,
        frame=SMALL,
        css="chart-small",
        start=start,
        end=end,
        top=top,
        values=(0, top // 2, top) if top >= 2 else (0, top),
        small=True,
    )


def _step_chart(
    *,
    series: Sequence[Series],
    title: str,
    frame: Frame,
    css: str,
    start: datetime.date,
    end: datetime.date,
    top: int,
    values: Sequence[int],
    small: bool = False,
) -> str:
    span = max((end - start).days, 1)
    w, h = frame.width, frame.height

    def x(day: datetime.date) -> float:
        return frame.left + (w - frame.left - frame.right) * (day - start).days / span

    def y(value: int) -> float:
        return frame.top + (h - frame.top - frame.bottom) * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{escape(title)}" class="{css}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in values:
        parts.append(
            f'<line x1="{frame.left}" x2="{w - frame.right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="{frame.left - 6}" y="{y(tick):.1f}" dominant-baseline="middle" text-anchor="end" '
            f'class="tick">{tick}</text>'
        )
    if small:
        # The first and last years only, kept inside the frame.
        parts.append(f'<text x="{frame.left}" y="{h - 6}" text-anchor="start" class="tick">{start.year}</text>')
        if end.year != start.year:
            parts.append(f'<text x="{w - frame.right}" y="{h - 6}" text-anchor="end" class="tick">{end.year}</text>')
    else:
        years = range(start.year, end.year + 1)
        step = max(1, len(years) // 8)
        for index, year in enumerate(years[::step]):
            day = max(datetime.date(year, 1, 1), start)
            # Every other label is "minor": hidden at phone width, where eight would overlap.
            label_css = "tick minor" if index % 2 else "tick"
            parts.append(f'<text x="{x(day):.1f}" y="{h - 8}" text-anchor="middle" class="{label_css}">{year}</text>')
    for s in series:
        points = sorted(s.points)
        if not points:
            continue
        path = []
        for i, (day, value) in enumerate(points):
            if i:
                path.append(f"H{x(day):.1f}")
                path.append(f"V{y(value):.1f}")
            else:
                path.append(f"M{x(day):.1f},{y(value):.1f}")
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        # A stroke of the same width in pixels however far the chart shrinks: legible on a phone.
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash} '
            f'vector-effect="non-scaling-stroke"><title>{escape(s.label)}</title></path>'
        )
    parts.append("</svg>")
    return "".join(parts)


# What the over-time views draw. A point is a summary row (treaties.selectors.SummaryRow): anything with
# `date`, `parties`, `on_board`, `countries`, `label`.


def states_parties_series(rows: Sequence[Any]) -> list[Series]:
    """The overview's two lines for one group: States Parties, and states on board."""
    return [
        Series(_("States Parties (including those leaving)"), PARTIES_COLOUR, [(r.date, r.parties) for r in rows]),
        Series(_("On board"), ON_BOARD_COLOUR, [(r.date, r.on_board) for r in rows], dash="8 4"),
    ]


def year_end_points(rows: Sequence[Any]) -> list[Any]:
    """The points on a 31 December, and those on the latest date stored (usually today): a point a year.

    `rows` are oldest first, of one group or of a whole panel; the latest date's are kept even when it
    is not a year end, so that a table ends with the figures as they stand.
    """
    if not rows:
        return []
    last = max(row.date for row in rows)
    return [row for row in rows if (row.date.month, row.date.day) == (12, 31) or row.date == last]


@dataclass(frozen=True)
class OverTime:
    """One group over time: its chart, and the year-end points of the table beside it."""

    chart: str
    year_end: list[Any]
    legend: list[Series]

    @property
    def latest(self) -> Any:
        return self.year_end[-1] if self.year_end else None

    @property
    def ever_counted(self) -> bool:
        """False for a group that never held a participant (an empty "no region"): nothing to draw."""
        return any(row.countries for row in self.year_end)


def over_time(rows: Sequence[Any], *, title: str) -> OverTime:
    """A forum's or region's "States Parties and on board over time": the overview's chart, for the group."""
    series = states_parties_series(rows)
    chart = time_series_svg(series=series, title=title, fine=True)
    return OverTime(chart=chart, year_end=year_end_points(rows), legend=series)


@dataclass(frozen=True)
class GroupLine:
    """A group on the dashboards' chart: its latest point, its line style, and its small chart if any."""

    latest: Any
    colour: str = ""
    dash: str = ""
    chart: str = ""


@dataclass(frozen=True)
class GroupsOverTime:
    """The dashboards' over-time view: one chart with a line per group (`chart`), or, for more than
    MAX_LINES groups, small multiples (each group's `chart`, all on one scale). `table` is the year-end
    figures, a row per date and a value per group, in the groups' order."""

    chart: str
    groups: list[GroupLine]
    table: list[tuple[datetime.date, list[int | None]]]
    top: int = 0
    legend: Sequence[Series] = ()

    @property
    def small_multiples(self) -> bool:
        return not self.chart and bool(self.groups)


def groups_over_time(by_group: Mapping[str, Sequence[Any]], *, title: str) -> GroupsOverTime:
    """Every group of a dashboard over time, states on board.

    Up to MAX_LINES groups: one chart, a line per group in GROUP_STYLES. More: small multiples, each
    group's States Parties and on board on the same dates and scale, so their heights compare.
    """
    groups = [rows for rows in by_group.values() if rows]
    dates = sorted({row.date for rows in groups for row in rows})
    if not dates:
        return GroupsOverTime(chart="", groups=[], table=[])
    table_dates = [day for day in dates if (day.month, day.day) == (12, 31) or day == dates[-1]]
    values = [{row.date: row.on_board for row in rows} for rows in groups]
    table = [(day, [by_date.get(day) for by_date in values]) for day in table_dates]
    if len(groups) <= MAX_LINES:
        lines = [
            GroupLine(latest=rows[-1], colour=colour, dash=dash)
            for rows, (colour, dash) in zip(groups, GROUP_STYLES, strict=False)
        ]
        series = [
            Series(line.latest.label, line.colour, [(r.date, r.on_board) for r in rows], dash=line.dash)
            for line, rows in zip(lines, groups, strict=True)
        ]
        return GroupsOverTime(chart=time_series_svg(series=series, title=title, fine=True), groups=lines, table=table)
    top = _fine_ceiling(max(max(r.on_board, r.parties) for rows in groups for r in rows))
    tiles = [
        GroupLine(
            latest=rows[-1],
            chart=small_chart_svg(
                series=states_parties_series(rows),
                title=f"{rows[-1].label}: {title}",
                start=dates[0],
                end=dates[-1],
                top=top,
            ),
        )
        for rows in groups
    ]
    return GroupsOverTime(chart="", groups=tiles, table=table, top=top, legend=states_parties_series([]))
