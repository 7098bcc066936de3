"""First use, in real Chromium: the event filters as a person fills them, a bad date put right, no 404s."""

import csv
import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSENTS = {"ratification", "acceptance", "approval", "accession", "succession"}
HEADER = ["iso3", "treaty", "kind", "value", "date", "effective_date", "end_date", "source", "note", "date_precision"]


@pytest.fixture
def not_found(page):
    """Every response of the page that was a 404 (a missing favicon, stylesheet or link)."""
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    return missing


def shown_count(page) -> int:
    caption = page.locator("table.events caption").inner_text()
    return int(caption.split()[0].replace(",", ""))


def download_csv(page, link_name: str) -> tuple[str, list[dict[str, str]]]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    with open(download.path(), encoding="utf-8", newline="") as file:
        reader = csv.DictReader(io.StringIO(file.read()))
        assert reader.fieldnames[: len(HEADER)] == HEADER
        return download.suggested_filename, list(reader)


def test_filter_by_kind_only_then_download(page, screenshot, not_found, reference_data):
    page.goto("/events/")
    everything = shown_count(page)
    page.get_by_label("Ratification", exact=True).check()  # every menu left at "All …"
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/events/?*kind=ratification*")
    assert page.locator("h1").inner_text() == "Events"
    count = shown_count(page)
    assert 0 < count < everything
    assert "No event matches" not in page.locator("table.events").inner_text()
    screenshot("events-filtered-by-kind")

    name, rows = download_csv(page, f"Download these {count:,} events as CSV")
    assert name.startswith("all-events-ratification-") and name.endswith(".csv")
    assert len(rows) == count
    assert {row["kind"] for row in rows} == {"ratification"}
    assert page.watch.errors == [] and page.watch.outside == [] and not_found == []


def test_filter_by_date_range_only_then_download_with_names(page, not_found, reference_data):
    page.goto("/events/")
    page.get_by_label("From").fill("1998-01-01")
    page.get_by_label("Until").fill("1998-12-31")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/events/?*date_after=1998-01-01*")
    count = shown_count(page)
    assert count > 0

    name, rows = download_csv(page, f"Download these {count:,} events as CSV")
    assert name == "all-events-1998-01-01-to-1998-12-31.csv"
    assert len(rows) == count
    assert all("1998-01-01" <= row["date"] <= "1998-12-31" for row in rows)

    name, named = download_csv(page, "with country names and entry into force")
    assert name == "all-events-1998-01-01-to-1998-12-31.csv"
    assert [{k: row[k] for k in HEADER} for row in named] == rows
    consents = sorted(
        (row for row in named if row["kind"] in CONSENTS and row["treaty"] == "ottawa"), key=lambda row: row["date"]
    )
    assert consents[0]["country_name"] and consents[0]["in_force_date"] == "1999-03-01"  # before the 40th
    assert all(row["in_force_date"] == "" for row in named if row["kind"] not in CONSENTS)

    # The kept query has no empty values: the next page keeps the range and nothing else.
    next_link = page.get_by_role("link", name="Next")
    if next_link.count():
        assert next_link.get_attribute("href") == "?date_after=1998-01-01&date_before=1998-12-31&page=2"
    assert page.watch.errors == [] and page.watch.outside == [] and not_found == []


def test_a_bad_date_is_put_right_in_the_form(page, screenshot, reference_data):
    response = page.goto("/?date=2026-13-45")
    assert response.status == 400
    assert "cannot read" in page.locator("h1").inner_text()
    date = page.get_by_label("Date", exact=True)
    assert date.input_value() == "2026-13-45"
    assert page.locator("#id_date_error").inner_text() == "Enter a valid date."
    screenshot("bad-date-400-form")

    date.fill("2026-11-27")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?date=2026-11-27&count=in_force")
    assert page.locator("h1").inner_text().endswith("on 27 November 2026")
    # The console's one error is the 400 document itself; nothing else went wrong.
    assert all("400" in error for error in page.watch.errors), page.watch.errors
    assert page.watch.outside == []


def test_favicon_answers_and_pages_link_it(page, not_found, reference_data):
    page.goto("/")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    icon = page.request.get(href)
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    response = page.request.get("/favicon.ico")
    assert response.status == 200 and response.url.endswith(href)
    assert not_found == []
