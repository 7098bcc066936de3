"""Dates outside a treaty's life, as a person sees them in Chromium (issue 10, point 2)."""

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_before_adoption_the_overview_says_the_treaty_did_not_exist(page, screenshot, reference_data):
    page.goto("/?date=1990-01-01")
    notice = page.get_by_role("status").filter(has_text="did not exist yet")
    assert notice.is_visible()
    assert "The Ottawa Convention did not exist yet on 1990-01-01" in notice.inner_text()
    assert page.get_by_label("Date").input_value() == "1990-01-01"
    assert page.locator("object.map").count() == 0  # no map of 193 "non-signatories"
    assert page.locator("dl.headline").count() == 0
    assert "Not signed" not in page.locator("main").inner_text()
    screenshot("dates-outside-before-adoption")

    page.get_by_role("link", name="Show 1997-09-18 instead").click()
    page.wait_for_url("**date=1997-09-18**")
    assert page.locator("dl.headline").is_visible()
    assert page.get_by_role("status").filter(has_text="did not exist yet").count() == 0


def test_a_future_date_says_the_figures_are_the_record_known_today(page, screenshot, reference_data):
    page.goto("/?date=2030-01-01")
    notice = page.get_by_role("status").filter(has_text="is in the future")
    assert notice.is_visible()
    text = " ".join(notice.inner_text().split())
    assert "2030-01-01 is in the future" in text
    assert f"record as known today ({timezone.localdate().isoformat()})" in text
    assert page.get_by_label("Date").input_value() == "2030-01-01"
    assert page.locator("dl.headline").is_visible()  # the figures are still shown, with the notice
    screenshot("dates-outside-future")
