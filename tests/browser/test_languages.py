"""Every public page in French and Spanish, in real Chromium: no English UI words left, and the switcher.

Proper names and sources are data (country, treaty and forum names are translated as data, issue 16's
names part), so the check reads the UI's own words: the navigation, table headers, labels, buttons,
captions, summaries, legends and headline terms.
"""

import re

import pytest

from countries.models import Forum, Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# English words of the UI that a French or Spanish page must not show (none is the same word in either).
ENGLISH = [
    "Overview",
    "Compare",
    "Regions",
    "Forums",
    "Status table",
    "Events",
    "States Parties",
    "On board",
    "Not signed",
    "Withdrawn",
    "Country",
    "Download",
    "Show",
    "Sort by",
    "Count parties",
    "Signatories",
    "Share on board",
    "Skip to content",
    "Overdue",
    "Days late",
]
UI = "nav, thead th, label, button, caption, summary, legend, dt, figcaption"
SAID = {"fr": "États parties", "es": "Estados partes"}


def _pages() -> dict[str, str]:
    m49 = Region.objects.filter(scheme__slug="m49")
    region = m49.filter(slug="europe").first() or m49.order_by("slug").first()
    forum = Forum.objects.order_by("slug").first()
    return {
        "overview": "/?date=2020-01-01",
        "treaties": "/treaties/",
        "compare": "/compare/?treaties=ottawa&treaties=ccm",
        "status": "/treaties/ottawa/?date=2020-01-01",
        "votes": "/treaties/ottawa/votes/",
        "obligations": "/treaties/ottawa/obligations/?date=2010-01-01",
        "events": "/events/?treaty=ottawa",
        "country": "/countries/FRA/?date=2020-01-01",
        "regions": "/regions/?scheme=m49",
        "region": f"/regions/m49/{region.slug}/?date=2020-01-01",
        "forums": "/forums/",
        "forum": f"/forums/{forum.slug}/",
    }


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_public_page_reads_in_the_language(page, screenshot, reference_data, language):
    for name, url in _pages().items():
        response = page.goto(f"/{language}{url}")
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == language
        words = " | ".join(page.locator(UI).all_inner_texts())
        left = [word for word in ENGLISH if re.search(rf"\b{word}\b", words)]
        assert left == [], f"/{language}{url} still says {left}"
        if name in ("overview", "status", "obligations", "region", "forum"):
            assert SAID[language] in page.locator("main").inner_text(), url
        if name in ("overview", "region", "country"):
            if name == "overview":
                page.wait_for_function("document.querySelector('object.map').contentDocument?.querySelector('svg')")
            screenshot(f"lang-{language}-{name}")
    assert page.watch.outside == []
    assert page.watch.errors == []


def test_the_switcher_keeps_the_view_and_works_by_keyboard_and_on_a_phone(page, reference_data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/treaties/ottawa/?date=2000-01-01&count=deposit&sort=-signature&show=on_board")
    switcher = page.get_by_role("navigation", name="Language")
    french = switcher.get_by_role("link", name="Français")
    assert french.is_visible()
    box = french.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # on screen, no sideways scrolling
    french.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/treaties/ottawa/?date=2000-01-01&count=deposit&sort=-signature&show=on_board")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#id_date").input_value() == "2000-01-01"
    assert page.locator("#id_count").input_value() == "deposit"
    assert page.locator("#id_sort").input_value() == "-signature"
    assert page.locator("#id_show").input_value() == "on_board"
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/treaties/ottawa/?date=2000-01-01&count=deposit&sort=-signature&show=on_board")
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    page.wait_for_url("**/treaties/ottawa/?date=2000-01-01&count=deposit&sort=-signature&show=on_board")
    assert "/es/" not in page.url and "/fr/" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.watch.errors == []
