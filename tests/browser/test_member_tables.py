"""Issue 10, point 5, as a person does it: on the Conference on Disarmament's page, show only the members
not on board, then sort them by status; the URL keeps both, and the table fits a phone.
"""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest

from countries.models import Forum
from treaties.choices import STATUS_ORDER, LegalStatus
from treaties.models import Treaty
from treaties.selectors import forum_member_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ON = datetime.date(2026, 11, 27)
PHONE = {"width": 390, "height": 844}
# The status labels in the table's status order (State party first).
STATUS_LABELS = [LegalStatus(status).label for status in STATUS_ORDER]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def outsiders() -> list[str]:
    """The CD's seats not on board the Ottawa Convention on ON, by name, as the selector reads them."""
    members = forum_member_rows(
        treaty=Treaty.objects.get(slug="ottawa"), forum=Forum.objects.get(slug="cd"), on=ON, count="in_force"
    )
    return sorted(row.country.name for row in members.rows if not row.status.on_board)


def table_rows(page) -> list[tuple[str, str, str]]:
    """(country, status, on board) of each row the table shows."""
    rows = []
    for tr in page.locator("table.status-table tbody tr").all():
        cells = tr.get_by_role("cell").all_inner_texts()
        rows.append((tr.get_by_role("rowheader").inner_text(), cells[1].split("·")[0].strip(), cells[2]))
    return rows


def test_a_diplomat_shows_only_those_not_on_board_then_sorts_by_status(page, screenshot, reference_data):
    expected = outsiders()
    assert expected, "the record has CD members outside the convention"
    page.goto(f"/forums/cd/?date={ON}")
    everyone = page.locator("table.status-table tbody tr").count()
    assert everyone > len(expected)

    page.get_by_label("Show", exact=True).select_option(label="Not on board")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/forums/cd/?*show=not_on_board*")
    query = parse_qs(urlparse(page.url).query)
    assert query["show"] == ["not_on_board"] and query["date"] == [ON.isoformat()]  # the view is kept

    rows = table_rows(page)
    assert [name for name, _, _ in rows] == expected
    assert {on_board for _, _, on_board in rows} == {"no"}
    caption = page.locator("table.status-table caption").inner_text()
    assert caption.startswith(f"{len(expected)} of {everyone} seats on {ON}, showing only: Not on board.")
    assert page.get_by_label("Show", exact=True).input_value() == "not_on_board"
    # The headline still counts every member.
    assert "Of the 65 members" in page.locator(".headline-sentence").inner_text()
    screenshot("member-table-filter-not-on-board")

    page.locator("table.status-table thead").get_by_role("link", name="Status", exact=True).click()
    page.wait_for_url("**sort=status*")
    assert parse_qs(urlparse(page.url).query)["show"] == ["not_on_board"]
    status_header = page.locator("table.status-table thead th", has_text="Status")
    assert status_header.get_attribute("aria-sort") == "ascending"
    sorted_rows = table_rows(page)
    assert sorted(name for name, _, _ in sorted_rows) == expected
    labels = [status for _, status, _ in sorted_rows]
    order = [STATUS_LABELS.index(status) for status in labels]
    assert order == sorted(order)
    assert len(set(labels)) >= 2, "the outsiders have more than one status to order"
    # The CSV link downloads what is shown.
    href = page.locator("a.csv").first.get_attribute("href")
    assert "show=not_on_board" in href and "sort=status" in href

    assert page.watch.outside == []
    assert page.watch.errors == []


def test_the_filtered_sorted_table_fits_a_phone(page, screenshot, reference_data):
    page.set_viewport_size(PHONE)
    page.goto(f"/forums/cd/?date={ON}&show=not_on_board&sort=-status")
    assert page.evaluate(OVERFLOW) <= 0, "the forum page scrolls sideways at 390 px"
    form = page.get_by_role("form", name="Filter and sort the table")
    box = form.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert (
        page.locator(".table-wrap", has=page.locator("table.status-table")).evaluate(
            "e => getComputedStyle(e).overflowX"
        )
        == "auto"
    )
    first_status = table_rows(page)[0][1]
    assert first_status == "Non-signatory"  # reversed: those furthest from the treaty first
    page.locator("table.status-table").scroll_into_view_if_needed()
    screenshot("member-table-sorted-phone")
    assert page.watch.errors == []
