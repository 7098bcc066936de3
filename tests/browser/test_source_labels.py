"""Sources as a person sees them (issue 10, point 9), on Lithuania's page.

The timeline names each event's source in a few words ("UN Treaty Collection XXVI-5"), linked; the other
sources and the research notes stay out of the way until the reader opens "More sources and notes".
"""

import pytest

from tests.browser.test_phone_and_keyboard import BROKEN_DATES, OVERFLOW, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESEARCH_NOTE = "SIGNATURE CONFLICT: Monitor"


def test_the_timeline_shows_short_labels_and_opens_the_notes_on_request(page, screenshot, reference_data):
    page.goto("/countries/LTU/")
    timeline = page.locator("ol.timeline")
    labels = timeline.get_by_role("link", name="UN Treaty Collection XXVI-5", exact=True)
    assert labels.count() == 4  # signature, ratification, withdrawal, and the declaration made on signature
    assert labels.first.get_attribute("href").startswith("https://treaties.un.org/Pages/ViewDetails.aspx?")
    signature = timeline.locator("li").filter(has=page.get_by_text("Signature", exact=True)).first
    assert "status as at 2026-02-03, depositary's note 4" in signature.inner_text()
    note = signature.get_by_text(RESEARCH_NOTE)
    other_source = signature.get_by_role("link", name="the-monitor.org · Lithuania 2023")
    # Closed: the notes and the other sources are in the page but not shown.
    assert note.count() == 1 and not note.is_visible()
    assert not other_source.is_visible()
    assert "treaties.gen.ts" not in timeline.inner_text()
    signature.locator("summary").scroll_into_view_if_needed()
    screenshot("sources-country-ltu-closed")

    signature.get_by_text("More sources and notes").click()
    assert note.is_visible()
    assert other_source.is_visible()
    assert other_source.get_attribute("href").startswith("https://www.the-monitor.org/")
    assert signature.get_by_role("link", name="github: ikethepike/mondiale").is_visible()
    # The list of other sources is not drawn as more timeline events (no dot of its own).
    item = signature.locator(".source-list li").first
    assert item.evaluate("e => getComputedStyle(e, '::before').content") == "none"
    # Only the disclosure opened was opened.
    ratification = timeline.locator("li").filter(has_text="Ratification").first
    assert not ratification.get_by_text(RESEARCH_NOTE).is_visible()
    screenshot("sources-country-ltu-open")
    assert page.watch.errors == []


def test_the_disclosure_opens_from_the_keyboard(page, reference_data):
    page.goto("/countries/LTU/")
    summary = page.locator("ol.timeline summary").first
    summary.focus()
    assert summary.evaluate("e => getComputedStyle(e).outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.locator("ol.timeline details").first.evaluate("e => e.open")
    assert page.locator("ol.timeline").get_by_text(RESEARCH_NOTE).first.is_visible()


def test_sources_fit_a_phone_with_every_disclosure_open(page, screenshot, reference_data):
    page.set_viewport_size(PHONE)
    page.goto("/countries/LTU/")
    assert page.evaluate(OVERFLOW) <= 0
    summaries = page.locator("details.source-more > summary")
    assert summaries.count() >= 3
    for i in range(summaries.count()):
        summaries.nth(i).click()
    assert page.locator("details.source-more[open]").count() == summaries.count()
    assert page.evaluate(OVERFLOW) <= 0, "/countries/LTU/ scrolls sideways at 390 px with its sources open"
    assert page.evaluate(BROKEN_DATES) == []
    # Long links wrap inside the timeline instead of running past its edge.
    widest = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('ol.timeline a'))"
        ".map((a) => a.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
    page.locator("ol.timeline details").first.scroll_into_view_if_needed()
    screenshot("sources-phone-390")
    assert page.watch.errors == []
