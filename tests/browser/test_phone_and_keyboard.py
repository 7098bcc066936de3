"""At phone width every page fits, and the keyboard reaches past the map with focus always visible.

Issue 10, points 10 and 11: tables scroll in their own box (with a cue and a sticky first column),
long links wrap, dates stay on one line, chart labels stay legible; the map is one tab stop.
"""

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Every public page, by the name its screenshot takes.
PAGES = {
    "overview": "/",
    "treaty-table": "/treaties/ottawa/",
    "regions": "/regions/",
    "region-detail": "/regions/m49/africa/",
    "forums": "/forums/",
    "forum-detail": "/forums/cd/",
    "country": "/countries/CAN/",
    "events": "/events/",
    "bad-request-400": "/treaties/ottawa/?date=99999-01-01",
    "not-found-404": "/no-such-page/",
}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Every ISO date in the page's text whose characters sit on more than one line.
BROKEN_DATES = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(`${match[0]} in ${node.parentElement.tagName}: ${node.data.trim().slice(0, 60)}`);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_a_phone(page, screenshot, reference_data, name):
    page.set_viewport_size(PHONE)
    response = page.goto(PAGES[name])
    assert response.status in {200, 400, 404}
    assert page.evaluate(OVERFLOW) <= 0, f"{PAGES[name]} scrolls sideways at 390 px"
    assert page.evaluate(BROKEN_DATES) == [], f"dates broken over two lines on {PAGES[name]}"
    screenshot(f"phone-390-{name}")
    # The 400 and 404 pages log their own status as a failed load; nothing else may.
    errors = [e for e in page.watch.errors if not (response.status != 200 and e.startswith("Failed to load resource"))]
    assert errors == []


def test_a_wide_table_scrolls_in_its_box_with_a_cue_and_a_sticky_first_column(page, reference_data):
    page.set_viewport_size(PHONE)
    page.goto("/treaties/ottawa/")
    box = page.locator(".table-wrap").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider than the phone ...
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"  # ... and scrolls inside its box
    assert "gradient" in box.evaluate("e => getComputedStyle(e).backgroundImage")  # the scroll shadow
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    box.locator("tbody tr").nth(5).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "phone-390-table-scroll-cue.png"))
    first = box.locator("tbody th").first
    assert first.evaluate("e => getComputedStyle(e).position") == "sticky"
    left = first.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = 200; }")
    assert abs(first.bounding_box()["x"] - left) < 1  # the country stays in view
    page.screenshot(path=str(ARTIFACTS / "phone-390-table-scrolled-sticky-column.png"))
    # Dates in the table stay on one line.
    date = box.locator("td.date").filter(has_text="-").first
    assert date.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"


def test_chart_labels_are_legible_at_phone_width(page, reference_data):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.locator("svg.chart").screenshot(path=str(ARTIFACTS / "phone-390-chart.png"))
    labels = page.locator("svg.chart text.tick")
    visible = [label for label in labels.all() if label.is_visible()]
    assert visible
    for label in visible:
        assert label.bounding_box()["height"] >= 10, "axis labels under 10 px tall"
    years = [label for label in visible if (label.text_content() or "").isdigit() and len(label.text_content()) == 4]
    boxes = sorted((label.bounding_box() for label in years), key=lambda b: b["x"])
    for before, after in zip(boxes, boxes[1:], strict=False):
        assert before["x"] + before["width"] <= after["x"], "year labels overlap"


FOCUSED = """() => {
  let e = document.activeElement;
  const inMap = e && e.matches("object.map");
  let inner = null;
  if (inMap && e.contentDocument) inner = e.contentDocument.activeElement;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), inMap, inner: inner ? inner.tagName : null,
    text: (e.textContent || "").trim().slice(0, 40),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
  };
}"""


def test_the_map_is_one_tab_stop_and_focus_is_visible(page, screenshot, reference_data):
    page.goto("/")
    page.wait_for_function("document.querySelector('object.map').contentDocument?.querySelector('svg')")
    seen, stops_in_map, left_map = [], 0, False
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body":
            continue
        seen.append(focused)
        assert focused["outline"], f"no visible focus on {focused}"
        if focused["inMap"]:
            stops_in_map += 1
            if stops_in_map == 1:
                screenshot("keyboard-map-focused")
        elif stops_in_map:
            left_map = True
            break
    assert stops_in_map, "the map never took focus"
    assert stops_in_map <= 2, f"{stops_in_map} tab stops inside the map"
    assert left_map, "focus never left the map"
    # The accessible alternative is reachable by keyboard before the map.
    texts = [f["text"] for f in seen]
    assert "the status table" in texts[: texts.index(next(f["text"] for f in seen if f["inMap"]))]
    assert page.watch.errors == []
