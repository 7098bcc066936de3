"""The obligations page in real Chromium: it fits a phone, keeps dates on one line, and its filters work."""

import pytest

from tests.browser.test_phone_and_keyboard import BROKEN_DATES, OVERFLOW, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/treaties/ottawa/obligations/?date=2010-01-01"


def test_the_obligations_page_at_phone_width(page, screenshot, reference_data):
    page.set_viewport_size(PHONE)
    response = page.goto(URL)
    assert response.status == 200
    assert page.evaluate(OVERFLOW) <= 0, "the obligations page scrolls sideways at 390 px"
    assert page.evaluate(BROKEN_DATES) == [], "dates broken over two lines"
    screenshot("phone-390-obligations")
    assert page.watch.errors == []


def test_the_filters_narrow_the_rows(page, screenshot, reference_data):
    page.goto(URL)
    page.select_option("#id_obligation", "stockpile-destruction")
    page.select_option("#id_state", "overdue")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**state=overdue**")
    states = page.locator("#obligation-rows tbody td[data-state]").all_inner_texts()
    assert states and set(states) == {"overdue"}
    assert page.locator("#obligation-rows tbody", has_text="Belarus").count() == 1
    screenshot("obligations-stockpile-overdue-2010")
    csv_link = page.get_by_role("link", name="Download this table as CSV")
    assert "obligation=stockpile-destruction" in csv_link.get_attribute("href")
    assert page.watch.errors == []


def test_the_overview_links_to_the_overdue(page, reference_data):
    page.goto("/?date=2010-01-01")
    link = page.locator(".obligations-headline a")
    assert "overdue on stockpile destruction" in link.inner_text()
    link.click()
    page.wait_for_url("**/treaties/ottawa/obligations/**")
    assert page.locator("h1").inner_text().startswith("Ottawa Convention: obligations")


def test_the_country_page_lists_its_obligations(page, screenshot, reference_data):
    page.goto("/countries/BLR/?date=2017-05-01")
    table = page.locator("table.country-obligations")
    row = table.locator("tr", has_text="stockpile destruction")
    assert "Met late" in row.inner_text() and "3322 days late" in row.inner_text()
    page.locator("#obligations-heading").scroll_into_view_if_needed()
    screenshot("country-belarus-obligations-2017")
    assert page.watch.errors == []
