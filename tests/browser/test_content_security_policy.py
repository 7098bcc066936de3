"""Every page, public and staff, works in Chromium under the Content-Security-Policy without a single violation.

The `page` fixture (conftest.py) fails any test that meets a violation; these tests walk the pages that
would meet one: each public page, the map inside its <object>, and the admin pages that run scripts.
"""

import pytest
from django.contrib.auth.models import User

from treaties.models import StatusEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/",
    "/?date=1997-12-31",
    "/treaties/ottawa/",
    "/treaties/ottawa/?date=2025-09-01&count=deposit&sort=-status",
    "/treaties/ottawa/map.svg",
    "/regions/",
    "/regions/?scheme=un-groups",
    "/regions/m49/asia/",
    "/regions/un-groups/no-region/",
    "/forums/",
    "/forums/cd/",
    "/countries/CAN/",
    "/countries/SRB/?date=1997-12-31",
    "/events/",
    "/events/?country=CAN",
    "/no-such-page/",
    "/treaties/ottawa/?date=99999-01-01",
    "/admin/login/",
]


def test_the_watch_catches_a_violation(page, live_server):
    """The fixture's watch is not blind: a page with inline script and style under the site's policy is caught."""
    policy = page.request.get("/").headers["content-security-policy"]
    page.route(
        "**/csp-probe/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
            body="<!doctype html><p style='color: red'>probe</p><script>document.title = 'ran'</script>",
        ),
    )
    page.goto("/csp-probe/")
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    caught = "\n".join(page.watch.csp)
    assert "script-src" in caught and "style-src" in caught
    page.watch.csp.clear()  # caught on purpose: do not fail this test for it
    page.watch.errors.clear()


def test_public_pages_meet_no_violation(page, reference_data):
    for url in PUBLIC:
        response = page.goto(url)
        assert response.status in {200, 400, 404}, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert page.watch.csp == [], url
    assert page.watch.outside == []


def test_the_map_draws_with_its_stylesheet_inside_the_overview(page, reference_data):
    page.goto("/?date=2026-11-27")
    page.wait_for_function("document.querySelector('object.map').contentDocument?.querySelector('svg g')")
    outline = page.evaluate(
        """() => {
      const svg = document.querySelector('object.map').contentDocument;
      const path = svg.querySelector('g.s-state_party path');
      const style = svg.defaultView.getComputedStyle(path);
      return [style.stroke, style.fill];
    }"""
    )
    # Outline from static/css/map.css, fill from the shape's own attribute: no inline style needed.
    assert outline == ["rgb(255, 255, 255)", "rgb(26, 127, 55)"]
    # The legend's swatches and the share bars are SVG with presentation attributes.
    swatch = page.locator(".legend svg.swatch rect").first
    assert swatch.get_attribute("fill") == "#1a7f37"
    page.goto("/regions/")
    bar = page.locator("svg.bar rect").first
    assert 0 < float(bar.get_attribute("width")) <= 100
    assert page.evaluate("getComputedStyle(document.querySelector('svg.bar rect')).fill") == "rgb(26, 127, 55)"
    assert page.watch.csp == [] and page.watch.errors == []


@pytest.fixture
def staff_page(page, reference_data):
    """A superuser logged in through the real login form (django-axes sees the attempt).

    A superuser, as transactional tests empty the tables, groups included; it also sees every button.
    """
    User.objects.create_superuser("root", password="correct horse battery")
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def test_admin_pages_meet_no_violation(staff_page):
    page = staff_page
    event = StatusEvent.objects.filter(country__iso3="CAN").order_by("date").first()
    for url in [
        "/admin/",
        "/admin/treaties/statusevent/",
        "/admin/treaties/statusevent/?q=Canada",
        f"/admin/treaties/statusevent/{event.pk}/change/",
        f"/admin/treaties/statusevent/{event.pk}/history/",
        "/admin/treaties/statusevent/add/",
        "/admin/treaties/statusevent/import/",
        "/admin/countries/country/",
        "/admin/countries/forummembership/add/",
        "/admin/password_change/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        assert page.watch.csp == [], url
    assert page.watch.errors == []


def test_admin_scripts_work_under_the_policy(staff_page, screenshot):
    """Autocomplete (select2), the calendar and the action bar all run from static files."""
    page = staff_page
    page.goto("/admin/treaties/statusevent/add/")
    page.locator(".field-country .select2-selection").click()
    page.locator(".select2-search__field").fill("Cana")
    option = page.locator(".select2-results__option", has_text="Canada")
    option.wait_for()
    option.click()
    assert "Canada" in page.locator(".field-country .select2-selection__rendered").inner_text()
    page.locator(".field-date .datetimeshortcuts a").first.click()  # "Today"
    assert page.locator("#id_date").input_value() != ""
    screenshot("admin-add-event-under-csp")

    page.goto("/admin/treaties/statusevent/")
    page.locator("#action-toggle").check()
    assert "selected" in page.locator(".action-counter").inner_text()
    assert page.watch.csp == [] and page.watch.errors == []


def test_a_locked_out_login_shows_a_plain_page_without_violation(page, reference_data):
    User.objects.create_user("carol", password="correct horse battery", is_staff=True)
    for n in range(5):
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("carol")
        page.get_by_label("Password").fill(f"wrong {n}")
        page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "Too many failed logins"
    assert "Try again in 15 minutes" in page.locator("#content-main").inner_text()
    assert page.watch.csp == []
    # Chromium reports the 429 itself as a failed resource in the console; nothing else may appear.
    assert all("429" in error for error in page.watch.errors), page.watch.errors
