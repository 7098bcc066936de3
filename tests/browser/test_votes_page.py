"""The General Assembly votes as a person sees them (issue 13): the 2021 vote by region and among the States
outside the treaty, the chart over the years, at desktop and at phone width with nothing wider than the phone."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_votes_page_shows_the_split_and_the_chart(page, screenshot, reference_data, width):
    page.set_viewport_size(WIDTHS[width])
    response = page.goto("/treaties/ottawa/votes/?year=2021")
    assert response.status == 200
    assert "voted yes" in page.locator("p.votes-outside").inner_text()
    table = page.locator("table#votes-by-region")
    assert table.locator("tbody tr").count() >= 12  # all members and outside, overall and per region
    chart = page.locator("section.votes-over-time svg.chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible() and chart.locator("path").count() == 3
    screenshot(f"votes-ottawa-2021-{width}")
    if width == "phone":
        assert page.evaluate(OVERFLOW) <= 0, "the votes page scrolls sideways at 390 px"
    assert page.watch.errors == []


def test_the_country_page_lists_its_votes(page, screenshot, reference_data):
    page.set_viewport_size(WIDTHS["phone"])
    assert page.goto("/countries/USA/").status == 200
    history = page.locator("table.votes-history")
    history.scroll_into_view_if_needed()
    assert history.locator("tbody tr").count() == 25
    screenshot("votes-country-usa-phone")
    assert page.evaluate(OVERFLOW) <= 0
