"""A world map coloured by legal status, as server-side SVG.

The country shapes are the SVG paths shipped by the `pygal_maps_world` package (keyed by
ISO alpha-2), read as data: no charting script runs in the browser. Shapes are modern
borders: on a date before a state existed, its shape takes the colour of the state it
came from (Serbia's and Montenegro's in 1997: Yugoslavia's), or is left blank.
"""

import datetime
import functools
import importlib.resources
import re
from dataclasses import dataclass

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

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


@functools.cache
def world_shapes() -> dict[str, str]:
    """ISO alpha-2 (lower case) → the SVG paths of that country, from the installed package."""
    svg = importlib.resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    return {code: paths.strip() for code, paths in _SHAPE.findall(svg) if code != "aq"}


def status_map_svg(*, shapes: list[MapShape], on: datetime.date, count: str, treaty_name: str) -> str:
    """The SVG document: one linked, titled shape per country, filled by its status on `on`."""
    query = urlencode({"date": on.isoformat(), "count": count})
    paths_by_code = world_shapes()
    # No <style> element: the Content-Security-Policy allows styles only from files on this site. Fills
    # are presentation attributes; the outline and its hover/focus change come from static/css/map.css.
    parts = [
        f'<?xml-stylesheet href="{escape(static("css/map.css"))}" type="text/css"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(treaty_name)}: status of each country on {on.isoformat()}</title>',
    ]
    for shape in shapes:
        paths = paths_by_code[shape.code]
        name = shape.country.name if shape.country else shape.code.upper()
        if shape.row is None:
            title = f"<title>{escape(name)}: not counted on this date</title>"
            parts.append(f'<g class="s-none" fill="{NOT_COUNTED}">{title}{paths}</g>')
            continue
        label = f"{name}: {shape.row.status.status_label}"
        if shape.row.country.pk != shape.country.pk:
            label += f" (as part of {shape.row.country.name})"
        href = reverse("treaties:country_detail", kwargs={"iso3": shape.row.country.iso3}) + "?" + query
        # Out of the tab order (tabindex -1): about 185 shapes would be as many tab stops before the next link.
        # The map is one stop (its <object> on the page); the status table is its keyboard alternative.
        parts.append(
            f'<a href="{escape(href)}" target="_top" tabindex="-1">'
            f'<g class="s-{shape.row.status.status}" fill="{COLOURS[shape.row.status.status]}">'
            f"<title>{escape(label)}</title>{paths}</g></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def status_legend(counts) -> list[LegendItem]:
    """The map's legend with the count of each status, from a summary row (or a dict of counts)."""

    def number(key: str) -> int:
        return counts[key] if isinstance(counts, dict) else getattr(counts, key)

    return [LegendItem(key, LegalStatus(key).label, COLOURS[key], number(key)) for key in STATUS_ORDER]
