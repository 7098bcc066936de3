"""A diplomat's path through the public pages in real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overview_map_table_and_country(page, screenshot, reference_data):
    page.goto("/?date=1997-12-31")
    assert page.locator("h1").inner_text() == "Ottawa Convention on 31 December 1997"
    page.wait_for_function("document.querySelector('object.map').contentDocument?.querySelector('svg')")
    screenshot("overview-1997-12-31")

    page.get_by_role("link", name="the status table").first.click()
    page.wait_for_url("**/treaties/ottawa/?date=1997-12-31&count=in_force")
    page.get_by_role("link", name="Consent", exact=True).click()
    assert "sort=consent" in page.url
    first = page.locator("tbody tr").first.locator("th").inner_text()
    assert first == "Canada"  # the first instrument, deposited at the signing on 3 December 1997
    screenshot("treaty-table-sorted-by-consent")

    page.get_by_role("link", name="Canada").click()
    assert page.locator("h1").inner_text().startswith("Canada")
    screenshot("country-canada")

    page.get_by_label("Date", exact=True).fill("2026-11-27")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/countries/CAN/?date=2026-11-27*")
    assert "State party" in page.locator("table").first.inner_text()

    assert page.watch.outside == []
    assert page.watch.errors == []


def test_a_copied_url_reproduces_the_view(page, reference_data):
    page.goto("/treaties/ottawa/?date=2025-09-01&count=deposit&sort=-status")
    text = page.locator("main").inner_text()
    page.goto(page.url)
    assert page.locator("main").inner_text() == text
    assert "Withdrawal pending" in text
    assert page.watch.outside == [] and page.watch.errors == []
