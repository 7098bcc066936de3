"""Build data/map/dots.json: the States the map package (pygal_maps_world) does not draw.

Source: the npm package `world-countries` 5.1.0 (https://github.com/mledoze/countries, data under
the ODC Open Database License; attribution in data/map/README.md): each country's `latlng` and
`data/<cca3>.geo.json`. Run from the repository root with that package unpacked:

    npm pack world-countries@5.1.0 && tar xzf world-countries-5.1.0.tgz
    .venv/bin/python data/map/build_dots.py package > data/map/dots.json

The package's map is in a projection of its own, so a mapping from longitude and latitude to its
canvas is fitted (least squares) on the countries both sources draw: the middle of each country's
largest ring in one against the other. x = x0 + lon * (a0 + a2 lat² + a4 lat⁴) and y a polynomial
in lat (odd and even terms), which fits a pseudo-cylindrical projection such as Robinson's.
"""

import importlib.resources
import json
import re
import sys
from pathlib import Path

# The States (participants) the package lacks: dots at their `latlng`, and South Sudan's shape.
DOTS = ["AG", "BS", "BB", "KM", "CK", "DM", "FM", "FJ", "GD", "KI", "MH", "NR"]
DOTS += ["NU", "PW", "QA", "KN", "LC", "VC", "WS", "SB", "TO", "TT", "TV", "VU"]
SHAPES = ["SS"]
WIDTH, EDGE = 2475, 10

_SHAPE = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.DOTALL)
_PATH_D = re.compile(r'<path d="([^"]*)"')


def solve(rows: list[list[float]], values: list[float]) -> list[float]:
    """Least squares through the normal equations, by Gaussian elimination (no numpy needed)."""
    n = len(rows[0])
    a = [
        [sum(r[i] * r[j] for r in rows) for j in range(n)] + [sum(r[i] * v for r, v in zip(rows, values, strict=True))]
        for i in range(n)
    ]
    for col in range(n):
        pivot = max(range(col, n), key=lambda k: abs(a[k][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for k in range(n):
            if k != col:
                factor = a[k][col] / a[col][col]
                a[k] = [x - factor * y for x, y in zip(a[k], a[col], strict=True)]
    return [a[i][n] / a[i][i] for i in range(n)]


def middle(ring) -> tuple[float, float]:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def area(ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def geo_rings(path: Path) -> list[list[tuple[float, float]]]:
    geometry = json.loads(path.read_text())["features"][0]["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[tuple(p) for p in polygon[0]] for polygon in polygons]


def main(package: Path) -> None:
    import django

    django.setup()
    from treaties.maps import path_rings

    countries = {c["cca2"].lower(): c for c in json.loads((package / "countries.json").read_text())}
    svg = importlib.resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    rows_x, xs, rows_y, ys = [], [], [], []
    for code, paths in _SHAPE.findall(svg):
        country = countries.get(code)
        geo = package / "data" / f"{country['cca3'].lower()}.geo.json" if country else None
        if code in ("aq", "fj", "ki", "ru", "us", "nz") or geo is None or not geo.exists():
            continue  # Antarctica, and shapes across the antimeridian, would skew the fit
        rings = [ring for d in _PATH_D.findall(paths) for ring in path_rings(d)]
        sx, sy = middle(max(rings, key=area))
        lon, lat = middle(max(geo_rings(geo), key=area))
        rows_x.append([1, lon, lon * lat**2, lon * lat**4])
        xs.append(sx)
        rows_y.append([1, lat, lat**2, lat**3, lat**5])
        ys.append(sy)
    fx, fy = solve(rows_x, xs), solve(rows_y, ys)

    def project(lon: float, lat: float) -> tuple[float, float]:
        x = sum(c * t for c, t in zip(fx, [1, lon, lon * lat**2, lon * lat**4], strict=True))
        y = sum(c * t for c, t in zip(fy, [1, lat, lat**2, lat**3, lat**5], strict=True))
        return round(x, 1), round(y, 1)

    errors = [abs(sum(c * t for c, t in zip(fx, r, strict=True)) - v) for r, v in zip(rows_x, xs, strict=True)]
    errors += [abs(sum(c * t for c, t in zip(fy, r, strict=True)) - v) for r, v in zip(rows_y, ys, strict=True)]
    print(f"fitted on {len(xs)} countries; median error {sorted(errors)[len(errors) // 2]:.1f} units", file=sys.stderr)

    dots = {}
    for code in DOTS:
        lat, lon = countries[code.lower()]["latlng"]
        x, y = project(lon, lat)
        # The package's canvas ends near the antimeridian: Fiji, Kiribati, Niue... sit on its edge.
        dots[code.lower()] = (min(max(x, EDGE), WIDTH - EDGE), y)
    shapes = {}
    for code in SHAPES:
        rings = geo_rings(package / "data" / f"{countries[code.lower()]['cca3'].lower()}.geo.json")
        d = ""
        for ring in rings:
            points = [project(lon, lat) for lon, lat in ring]
            d += "M" + " L".join(f"{x} {y}" for x, y in points) + "z"
        shapes[code.lower()] = d
    json.dump(
        {
            "source": "world-countries 5.1.0 (mledoze/countries, ODbL 1.0): latlng and geo.json, fitted to "
            "pygal_maps_world's canvas by data/map/build_dots.py",
            "dots": dots,
            "shapes": shapes,
        },
        sys.stdout,
        separators=(",", ":"),
    )
    print()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
