"""A world map coloured by legal status, as server-side SVG.

The country shapes are the SVG paths shipped by the `pygal_maps_world` package (keyed by
ISO alpha-2), read as data: no charting script runs in the browser. Shapes are modern
borders: on a date before a state existed, its shape takes the colour of the state it
came from (Serbia's and Montenegro's in 1997: Yugoslavia's), or is left blank.

The package's paths (730 KB of curves) are simplified once per process (`world_shapes`):
each ring becomes a polygon through its curves' end points, thinned by Ramer-Douglas-Peucker
with SIMPLIFY_TOLERANCE map units and written with whole-number relative moves. The map
is shown about 1,000 px wide for its 2,475 units, so the tolerance (under half a pixel) keeps
every border as it reads; rings smaller than a unit (rocks, reefs) are dropped unless they
are all a country has. The States the package does not draw are added from data/map/dots.json
(built by data/map/build_dots.py): South Sudan's shape (drawn over Sudan's, which covers it in
the package) and a dot at the location of each small island State, so that every participant
can be seen and clicked.
"""

import datetime
import functools
import importlib.resources
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from treaties.choices import STATUS_ORDER, LegalStatus
from treaties.presentation import MapShape

VIEWBOX = "0 0 2475 1250"  # the package's 2475 x 1388 canvas, without Antarctica
_SHAPE = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.DOTALL)
# Distinct for the common colour-vision deficiencies, and each also named in the legend and titles.
COLOURS = {
    LegalStatus.STATE_PARTY: "#1a7f37",
    LegalStatus.CONSENTED_NOT_IN_FORCE: "#7fbf7b",
    LegalStatus.SIGNATORY: "#e6c229",
    LegalStatus.WITHDRAWAL_PENDING: "#e08214",
    LegalStatus.WITHDRAWN: "#9f1239",
    LegalStatus.NON_SIGNATORY: "#9aa5b1",
}
NOT_COUNTED = "#eef1f4"


@dataclass(frozen=True)
class LegendItem:
    key: str
    label: str
    colour: str
    count: int


# In map units (the canvas is 2475 wide, shown about 1,000 px wide): under half a pixel.
SIMPLIFY_TOLERANCE = 1.0
DOTS_FILE = Path(__file__).resolve().parent.parent / "data" / "map" / "dots.json"
DOT_RADIUS = 6
_PATH_D = re.compile(r'<path d="([^"]*)"')
_COMMAND = re.compile(r"([a-zA-Z])([^a-zA-Z]*)")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
Ring = list[tuple[float, float]]


def path_rings(d: str) -> list[Ring]:
    """The rings of an SVG path as polygons through the end points of its segments (m, l, h, v, c, s; z)."""
    rings: list[Ring] = []
    ring: Ring = []
    x = y = 0.0
    for command, args in _COMMAND.findall(d):
        numbers = [float(n) for n in _NUMBER.findall(args)]
        relative = command.islower()
        op = command.lower()
        if op == "z":
            if ring:
                rings.append(ring)
                x, y = ring[0]
            ring = []
            continue
        step = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7}[op]
        for i in range(0, len(numbers) - step + 1, step):
            group = numbers[i : i + step]
            if op == "h":
                x = x + group[0] if relative else group[0]
            elif op == "v":
                y = y + group[0] if relative else group[0]
            else:
                dx, dy = group[-2], group[-1]
                x, y = (x + dx, y + dy) if relative else (dx, dy)
            if op == "m" and i == 0 and ring:
                rings.append(ring)
                ring = []
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def _simplified(points: Ring, tolerance: float) -> Ring:
    """Ramer-Douglas-Peucker, iterative: the points that keep the line within `tolerance`."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - x1) - dx * (py - y1)) / norm if norm else math.hypot(px - x1, py - y1)
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _extent(ring: Ring) -> float:
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def rings_path(rings: list[Ring], tolerance: float = SIMPLIFY_TOLERANCE) -> str:
    """One `<path>` for a country's rings, simplified, in whole-number relative moves (small once gzipped)."""
    kept = [ring for ring in rings if _extent(ring) >= tolerance] or [max(rings, key=_extent)]
    parts = []
    for ring in kept:
        points = _simplified([*ring, ring[0]], tolerance)[:-1]
        rounded = [(round(x), round(y)) for x, y in points]
        deduped = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
        if len(deduped) < 3:
            deduped = [(round(x), round(y)) for x, y in ring[:: max(1, len(ring) // 3)]][:3]
        (x0, y0), rest = deduped[0], deduped[1:]
        moves = " ".join(f"{bx - ax} {by - ay}" for (ax, ay), (bx, by) in zip(deduped, rest, strict=False))
        parts.append(f"M{x0} {y0}l{moves}z")
    return f'<path d="{"".join(parts)}"/>'


@functools.cache
def world_shapes() -> dict[str, str]:
    """ISO alpha-2 (lower case) → the SVG of that country: the package's shapes simplified, then the added ones.

    Computed once per process (about half a second), never per request.
    """
    svg = importlib.resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    shapes = {}
    for code, paths in _SHAPE.findall(svg):
        if code == "aq":
            continue
        rings = [ring for d in _PATH_D.findall(paths) for ring in path_rings(d)]
        shapes[code] = rings_path(rings)
    added = json.loads(DOTS_FILE.read_text(encoding="utf-8"))
    for code, d in added["shapes"].items():
        shapes[code] = rings_path(path_rings(d))
    for code, (x, y) in added["dots"].items():
        shapes[code] = f'<circle class="dot" cx="{x}" cy="{y}" r="{DOT_RADIUS}"/>'
    return shapes


def status_map_svg(*, shapes: list[MapShape], on: datetime.date, count: str, treaty_name: str) -> str:
    """The SVG document: one linked, titled shape per country, filled by its status on `on`."""
    query = urlencode({"date": on.isoformat(), "count": count})
    paths_by_code = world_shapes()
    map_title = _("%(treaty)s: status of each country on %(date)s") % {"treaty": treaty_name, "date": on.isoformat()}
    # No <style> element: the Content-Security-Policy allows styles only from files on this site. Fills
    # are presentation attributes; the outline and its hover/focus change come from static/css/map.css.
    parts = [
        f'<?xml-stylesheet href="{escape(static("css/map.css"))}" type="text/css"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(map_title)}</title>',
    ]
    for shape in shapes:
        paths = paths_by_code[shape.code]
        name = shape.country.local_name if shape.country else shape.code.upper()
        if shape.row is None:
            not_counted = _("%(name)s: not counted on this date") % {"name": name}
            title = f"<title>{escape(not_counted)}</title>"
            parts.append(f'<g class="s-none" fill="{NOT_COUNTED}" data-iso2="{shape.code}">{title}{paths}</g>')
            continue
        label = f"{name}: {shape.row.status.status_label}"
        if shape.row.country.pk != shape.country.pk:
            label += " " + _("(as part of %(name)s)") % {"name": shape.row.country.local_name}
        href = reverse("treaties:country_detail", kwargs={"iso3": shape.row.country.iso3}) + "?" + query
        # Out of the tab order (tabindex -1): about 185 shapes would be as many tab stops before the next link.
        # The map is one stop (its <object> on the page); the status table is its keyboard alternative.
        parts.append(
            f'<a href="{escape(href)}" target="_top" tabindex="-1">'
            f'<g class="s-{shape.row.status.status}" fill="{COLOURS[shape.row.status.status]}" '
            f'data-iso2="{shape.code}">'
            f"<title>{escape(label)}</title>{paths}</g></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def status_legend(counts) -> list[LegendItem]:
    """The map's legend with the count of each status, from a summary row (or a dict of counts)."""

    def number(key: str) -> int:
        return counts[key] if isinstance(counts, dict) else getattr(counts, key)

    return [LegendItem(key, LegalStatus(key).label, COLOURS[key], number(key)) for key in STATUS_ORDER]
