"""The treaty family as a person uses it: the list of treaties, then the comparison narrowed column by column
("party to Amended Protocol II but not to Ottawa"), sorted, downloaded, and read on a phone."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
OUTSIDE_OTTAWA = {"China", "India", "Pakistan"}


def rows(page) -> list[list[str]]:
    return [
        [tr.get_by_role("rowheader").inner_text(), *tr.get_by_role("cell").all_inner_texts()]
        for tr in page.locator("table.compare tbody tr").all()
    ]


def test_from_the_treaty_list_to_the_mine_rule_outside_ottawa(page, screenshot, reference_data):
    page.goto("/treaties/")
    treaties = page.locator("table.treaties")
    assert treaties.get_by_role("link", name="CCW Amended Protocol II").is_visible()
    protocol_rows = treaties.locator("tr.protocol")
    assert protocol_rows.count() == 4  # the CCW's protocols and amendment, under it
    screenshot("treaty-list-desktop")

    page.get_by_role("link", name="Compare them country by country").click()
    page.wait_for_url("**/compare/?*")
    picks = page.get_by_role("group", name="Treaties")
    for box in picks.get_by_role("checkbox").all():
        box.uncheck()
    picks.get_by_label("Ottawa Convention").check()
    picks.get_by_label("CCW Amended Protocol II").check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?*treaties=ottawa*")

    page.get_by_label("CCW Amended Protocol II: show").select_option(label="State Party")
    page.get_by_label("Ottawa Convention: show").select_option(label="not a State Party")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?*where=*")
    query = parse_qs(urlparse(page.url).query)
    assert set(query["where"]) == {"ccw-p2a:party", "ottawa:not_party"}

    shown = rows(page)
    names = {row[0] for row in shown}
    assert names >= OUTSIDE_OTTAWA
    assert any(name.startswith("Russia") for name in names) and any(name.startswith("United States") for name in names)
    # The columns follow the treaty menu's order: the CCW's protocol, then Ottawa.
    headers = page.locator("table.compare thead th").all_inner_texts()
    p2a, ottawa = headers.index("CCW Amended Protocol II"), headers.index("Ottawa Convention")
    assert all(row[ottawa].startswith(("Non-signatory", "Signatory", "Withdrawn")) for row in shown), shown
    assert all(row[p2a].startswith(("State party", "Withdrawal pending")) for row in shown), shown
    screenshot("compare-p2a-not-ottawa-desktop")

    page.locator("table.compare thead").get_by_role("link", name="Ottawa Convention").click()
    page.wait_for_url("**sort=ottawa*")
    assert parse_qs(urlparse(page.url).query)["where"]  # the conditions are kept when sorting

    with page.expect_download() as info:
        page.get_by_role("link", name="Download these rows as CSV").click()
    download = info.value
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        exported = list(csv.DictReader(io.StringIO(file.read())))
    assert [r["country"] for r in exported] == [row[0] for row in rows(page)]
    assert download.suggested_filename.startswith("compare-ccw-p2a-ottawa-")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate(OVERFLOW) <= 0, "the comparison makes the page scroll sideways at 390 px"
    screenshot("compare-p2a-not-ottawa-phone")
    assert page.watch.errors == []
