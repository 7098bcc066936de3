"""Issue 10, points 3 and 6, as a person sees them.

3. On a forum page, a non-signatory counted on board says why: its stance and since when, beside its status.
6. The region schemes are tabs on /regions/; one click lands on the other scheme with the same date and count.
"""

import datetime

import pytest

from countries.models import Country
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supporter_shows_its_stance_beside_its_status_on_a_forum_page(page, screenshot, reference_data):
    StatusEvent.objects.create(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=Country.objects.get(iso3="EGY"),
        kind=EventKind.STANCE,
        value="supporter",
        date=datetime.date(1997, 10, 5),
        source="test statement",
    )
    page.goto("/forums/cd/?date=1999-01-01")  # within the three years before the stance lapses
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Egypt", exact=True))
    cells = row.get_by_role("cell").all_inner_texts()
    # Role, status with the stance, on board.
    assert cells[1].split() == ["Non-signatory", "·", "supporter", "since", "1997-10-05"]
    assert cells[2] == "yes"
    row.scroll_into_view_if_needed()
    screenshot("stance-beside-status-forum-cd")
    assert page.watch.errors == []
    assert page.watch.outside == []


def test_a_scheme_tab_lands_on_that_scheme_with_the_same_date(page, screenshot, reference_data):
    page.goto("/regions/?date=2001-05-06&count=deposit")
    tabs = page.get_by_role("navigation", name="Region schemes")
    current = tabs.locator('[aria-current="page"]')
    assert current.count() == 1
    default_name = current.inner_text()
    screenshot("region-scheme-tabs")

    other = tabs.get_by_role("link").filter(has_not_text=default_name).first
    name = other.inner_text()
    other.click()
    page.wait_for_url("**/regions/?treaty=ottawa&scheme=*&date=2001-05-06&count=deposit")
    assert page.get_by_label("Date", exact=True).input_value() == "2001-05-06"
    assert tabs.locator('[aria-current="page"]').inner_text() == name
    assert page.locator("#id_scheme option:checked").inner_text() == name
    assert name in page.locator("h1 + .lede").inner_text()
    screenshot("region-scheme-tab-clicked")
    assert page.watch.errors == []
    assert page.watch.outside == []
