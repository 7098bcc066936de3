"""Issue 10, point 4, as a person sees it: how a forum or a region moved over time.

Each forum and region page shows its States Parties and on board over time (a chart and a year-end
table); /forums/ and /regions/ compare their groups (small multiples for the seven forums, a line per
region for the five M49 regions). At desktop and at phone width, with nothing wider than the phone.
"""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def visit(page, url: str, width: str):
    page.set_viewport_size(WIDTHS[width])
    response = page.goto(url)
    assert response.status == 200


def assert_fits(page, width: str) -> None:
    """At phone width nothing scrolls sideways (checked after the screenshot, which shows why if it does)."""
    if width == "phone":
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at 390 px"


def assert_labels_legible(chart) -> None:
    """Every axis label shown is at least 10 px tall, however far the chart shrinks."""
    labels = [label for label in chart.locator("text.tick").all() if label.is_visible()]
    assert labels
    for label in labels:
        assert label.bounding_box()["height"] >= 10, f"axis label {label.text_content()!r} under 10 px tall"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("url", "name", "first_year_end"),
    [
        ("/forums/cd/", "forum-cd", ("1997-12-31", "35")),  # 35 of the CD's 61 members on board at the end of 1997
        ("/regions/m49/africa/", "region-africa", ("1997-12-31", "38")),
    ],
)
def test_a_group_page_shows_its_chart_and_year_end_table(
    page, screenshot, reference_data, url, name, first_year_end, width
):
    visit(page, url, width)
    section = page.locator("section.over-time")
    chart = section.locator("svg.chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    assert chart.locator("path").count() == 2  # States Parties, on board
    assert chart.bounding_box()["width"] > (300 if width == "phone" else 800)
    assert_labels_legible(chart)
    table = section.locator("table.over-time-table")
    assert table.is_visible()
    rows = table.locator("tbody tr")
    assert rows.count() >= 29  # 1997 to last year, and today
    first = rows.first.locator("th, td").all_inner_texts()
    assert (first[0], first[3]) == first_year_end
    assert rows.last.locator("th").inner_text() == timezone.localdate().isoformat()
    # The table fits a phone: no column hidden behind a scroll.
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    # A date never breaks over two lines.
    date = rows.first.locator("th .date")
    assert date.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert section.get_by_role("link", name="Download this series as CSV").is_visible()
    screenshot(f"over-time-{name}-{width}")
    assert_fits(page, width)
    assert page.watch.errors == []
    assert page.watch.outside == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_forum_dashboard_shows_small_multiples_on_one_scale(page, screenshot, reference_data, width):
    visit(page, "/forums/", width)
    section = page.locator("section.groups-over-time")
    tiles = section.locator("ul.small-multiples > li")
    assert tiles.count() == 7  # one small chart per forum
    charts = tiles.locator("svg.chart-small")
    for i in range(charts.count()):
        assert charts.nth(i).is_visible()
    # One scale: every small chart's top label is the same number.
    tops = {chart.locator("text.tick").nth(2).text_content() for chart in charts.all()}
    assert len(tops) == 1
    assert_labels_legible(charts.first)
    widths = [box["width"] for box in (c.bounding_box() for c in charts.all())]
    assert min(widths) >= 150, "small charts too small to read"
    if width == "phone":
        # Two columns: the first two charts side by side.
        first, second = (tiles.nth(i).bounding_box() for i in (0, 1))
        assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"]
    assert tiles.first.get_by_role("link").inner_text() == "ASEAN Regional Forum"
    screenshot(f"over-time-forums-{width}")
    assert_fits(page, width)
    assert_year_end_table_opens(section, columns=7)
    assert section.get_by_role("link", name="These forums by year (CSV, one column per forum)").is_visible()
    assert page.watch.errors == []
    assert page.watch.outside == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_region_dashboard_draws_a_line_per_region(page, screenshot, reference_data, width):
    visit(page, "/regions/", width)
    section = page.locator("section.groups-over-time")
    chart = section.locator("svg.chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    assert chart.locator("path").count() == 5  # Africa, Americas, Asia, Europe, Oceania
    assert_labels_legible(chart)
    legend = section.locator("ul.line-legend > li")
    assert legend.all_inner_texts()[0].startswith("Africa")
    assert legend.count() == 5
    # Each line's key is drawn in that line's colour and dash, and no two lines look alike.
    styles = {(k.get_attribute("stroke"), k.get_attribute("stroke-dasharray")) for k in legend.locator("line").all()}
    assert len(styles) == 5
    paths = {(p.get_attribute("stroke"), p.get_attribute("stroke-dasharray")) for p in chart.locator("path").all()}
    assert paths == styles
    screenshot(f"over-time-regions-{width}")
    assert_fits(page, width)
    assert_year_end_table_opens(section, columns=5)
    assert section.get_by_role("link", name="These regions by year (CSV, one column per region)").is_visible()
    assert page.watch.errors == []
    assert page.watch.outside == []


def assert_year_end_table_opens(section, *, columns: int) -> None:
    """The figures behind the chart: a row per year end, a column per group, one click away."""
    table = section.locator("table.groups-by-year")
    assert not table.is_visible()
    section.locator("summary").click()
    assert table.is_visible()
    assert table.locator("thead th").count() == columns + 1
    assert table.locator("tbody tr").first.locator("th").inner_text() == "1997-12-31"
