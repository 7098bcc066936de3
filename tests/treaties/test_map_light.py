"""The lighter, complete map (treaties/maps.py): small once gzipped, every counted participant drawn."""

import datetime
import gzip
import re

import pytest

from treaties import maps
from treaties.models import Treaty
from treaties.selectors import treaty_status_rows

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 27)
# Shapes and dots, one <g> each: the status class, its fill, the ISO alpha-2 code, then its <title> and drawing.
_DRAWN = re.compile(
    r'<g class="s-([a-z_]+)" fill="#[0-9a-f]{6}" data-iso2="([a-z]{2})"><title>([^<]*)</title>(<path|<circle)'
)


@pytest.mark.parametrize("slug", ["ottawa", "ccm", "att", "tpnw", "ccw"])
def test_map_is_at_most_150_kb_gzipped(client, reference_data, slug):
    response = client.get(f"/treaties/{slug}/map.svg", {"date": DAY.isoformat()})
    assert response.status_code == 200
    assert len(gzip.compress(response.content)) <= 150_000
    assert len(response.content) < 500_000  # from 757 KB


@pytest.mark.parametrize("slug", ["ottawa", "ccm", "tpnw"])
def test_every_counted_participant_has_a_shape_or_a_dot_with_its_iso_code(client, reference_data, slug):
    svg = client.get(f"/treaties/{slug}/map.svg", {"date": DAY.isoformat()}).content.decode()
    drawn = {code: status for status, code, _title, _kind in _DRAWN.findall(svg)}
    rows = treaty_status_rows(treaty=Treaty.objects.get(slug=slug), on=DAY, count="in_force")
    assert len(rows) > 150
    missing = [row.country.name for row in rows if row.country.iso2.lower() not in drawn]
    assert missing == []
    for row in rows:
        assert drawn[row.country.iso2.lower()] == row.status.status, row.country.name


def test_south_sudan_is_drawn_over_sudan(client, reference_data):
    svg = client.get("/treaties/ottawa/map.svg", {"date": DAY.isoformat()}).content.decode()
    found = {code: (index, kind) for index, (_status, code, _title, kind) in enumerate(_DRAWN.findall(svg))}
    assert found["ss"][1] == "<path"
    assert found["ss"][0] > found["sd"][0]  # later in the document: painted over Sudan's shape
    assert "South Sudan: State party" in svg


def test_small_island_states_are_dots_at_their_location(client, reference_data):
    svg = client.get("/treaties/ottawa/map.svg", {"date": DAY.isoformat()}).content.decode()
    dots = {code: kind for _status, code, _title, kind in _DRAWN.findall(svg) if kind == "<circle"}
    assert {"bb", "ag", "tt", "fj", "ws", "to", "tv", "qa", "km"} <= set(dots)
    x, y = maps.world_shapes()["bb"].split('cx="')[1].split('"')[0], maps.world_shapes()["bb"].split('cy="')[1]
    # Barbados lies east of the Caribbean arc, between Trinidad and the Windward Islands on the canvas.
    assert 700 < float(x) < 800 and 500 < float(y.split('"')[0]) < 650
    assert "/countries/BRB/?date=2026-11-27" in svg  # each one a link like a shape


def test_simplified_path_keeps_the_shape():
    """A square with a wobble smaller than the tolerance: four corners remain, within a unit of the original."""
    ring = [(0, 0), (50, 0.3), (100, 0), (100, 100), (0, 100)]
    assert maps.rings_path([ring]) == '<path d="M0 0l100 0 0 100 -100 0z"/>'
    assert maps.path_rings("m10 10l5 0 0 5h-5z") == [[(10, 10), (15, 10), (15, 15), (10, 15)]]
    # A country made of rocks only keeps its largest one, so it is never left without a shape.
    assert maps.rings_path([[(0, 0), (0.2, 0), (0.2, 0.2)]]).startswith('<path d="M0 0')


def test_shapes_are_computed_once_per_process():
    assert maps.world_shapes() is maps.world_shapes()
