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
    first = page.locator("tbody tr").first.locator("th a").first.inner_text()
    assert first == "Canada"  # the first instrument, deposited at the signing on 3 December 1997
    screenshot("treaty-table-sorted-by-consent")

    page.get_by_role("link", name="Canada", exact=True).first.click()
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


def test_diplomat_regions_then_the_cd(page, screenshot, reference_data):
    page.goto("/")
    screenshot("overview-today")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Regions").click()
    page.wait_for_url("**/regions/?treaty=ottawa")  # the menu keeps the treaty shown
    page.get_by_label("Regions", exact=True).select_option("un-groups")
    page.get_by_label("Date", exact=True).fill("1997-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/regions/?treaty=ottawa&scheme=un-groups&date=1997-12-31&count=in_force")
    assert "Latin American and Caribbean Group (GRULAC)" in page.locator("table.groups").inner_text()
    screenshot("regions-un-groups-1997-12-31")

    page.locator("table.groups").get_by_role("link", name="African Group").click()
    page.wait_for_url("**/regions/un-groups/african-group/?treaty=ottawa&date=1997-12-31&count=in_force")
    assert page.locator("h1").inner_text().startswith("African Group")
    screenshot("region-african-group-1997-12-31")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    page.locator("table.groups").get_by_role("link", name="Conference on Disarmament").click()
    page.get_by_label("Date", exact=True).fill("1997-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/forums/cd/?treaty=ottawa&date=1997-12-31&count=in_force")
    headline = page.locator(".headline-sentence").inner_text()
    assert headline.startswith("Of the 61 members of the Conference on Disarmament on 1997-12-31")
    screenshot("forum-cd-1997-12-31")

    page.get_by_label("Date", exact=True).fill("2026-11-27")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/forums/cd/?treaty=ottawa&date=2026-11-27&count=in_force")
    shown = page.locator("main").inner_text()
    assert "Of the 65 members" in shown
    screenshot("forum-cd-2026-11-27")

    copied = page.url
    fresh = page.context.new_page()
    fresh.goto(copied)
    assert fresh.locator("main").inner_text() == shown
    fresh.close()

    assert page.watch.outside == []
    assert page.watch.errors == []


def test_pages_are_usable_on_a_phone(browser, live_server, reference_data):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    phone = context.new_page()
    phone.goto("/regions/?scheme=un-groups")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone; wide tables scroll inside their box"
    phone.screenshot(
        path=str(pytest.importorskip("tests.browser.conftest").ARTIFACTS / "phone-regions.png"), full_page=True
    )
    context.close()


def test_keyboard_reaches_the_controls(page, reference_data):
    page.goto("/regions/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(30):  # the skip link, the menu, the language switcher, then the form
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert {"id_treaty", "id_scheme", "id_date", "id_count"} <= set(focused)
