"""Sources as short linked labels (issue 10, point 9): the splitting, and what the pages show of it.

The primary source reads as a short label linked to it ("UN Treaty Collection XXVI-5", with the
depositary's C.N. notifications); the other sources and the research notes wait behind a disclosure;
staff still see the stored text whole in the admin.
"""

import csv
import datetime
import re

import pytest
from django.template import Context, Template
from django.utils.html import escape

from countries.reference import DATA_DIR
from countries.selectors import country_lineage_map
from tests.factories import CountryFactory, StatusEventFactory
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.reference import depositary_events
from treaties.sources import LABEL_LIMIT, SourceLink, source_link, source_parts

pytestmark = pytest.mark.django_db

UNTC = (
    "UN Treaty Collection, UNTC MTDSG XXVI-5, status as at 2026-02-03: "
    "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVI-5&chapter=26"
)
CN = "C.N.375.2025.TREATIES-XXVI.5"
CN_PDF = "https://treaties.un.org/doc/Publication/CN/2025/CN.375.2025-Eng.pdf"
FACTBOOK = (
    'CIA World Factbook JSON (github:factbook/factbook.json, snapshot May 2026), field "International organization '
    'participation" of fb/australia-oceania/as.json'
)
HTMLISH = '<script>alert("source")</script> <b>Ministry</b> statement'


def shipped_rows() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "ottawa_participants.csv", newline="", encoding="utf-8") as f:
        return {row["iso3"]: row for row in csv.DictReader(f)}


def shipped_events(iso3s=None) -> list[StatusEvent]:
    """Events built by the reference loader from the shipped table, with its source and note text."""
    rows = [row for iso3, row in shipped_rows().items() if iso3s is None or iso3 in iso3s]
    return depositary_events(Treaty.objects.get(slug="ottawa"), rows, lineage=country_lineage_map())


# The function, on the shipped data as the reference loader writes it.


def test_a_depositary_event_reads_as_the_depositary_with_its_date_and_note(reference_data):
    events = shipped_events({"LTU"})
    assert {e.kind for e in events} == {EventKind.SIGNATURE, EventKind.RATIFICATION, EventKind.WITHDRAWAL_NOTICE}
    for event in events:
        parts = source_parts(event.source, event.note)
        assert parts.primary.label == "UN Treaty Collection XXVI-5"
        assert parts.primary.url.startswith("https://treaties.un.org/Pages/ViewDetails.aspx?")
        assert parts.as_at == "2026-02-03"
        assert "4" in parts.depositary_notes  # "(depositary's notes 4)", or "note 4: C.N.…" once the reader adds them
        assert parts.full_source == ""  # the label, its link and the small text say all of it
        labels = {link.label: link.url for link in parts.secondary}
        assert labels["the-monitor.org · Lithuania 2023"].startswith("https://www.the-monitor.org/en-gb/reports/2023/")
        assert labels["github: ikethepike/mondiale"] == "https://github.com/ikethepike/mondiale"
        assert "feedman.me · HRW press release, 2025-07-01" in labels
        assert labels["zoek.officielebekendmakingen.nl · trb-2003-112"].endswith("trb-2003-112.html")
        assert len(parts.secondary) == 7
        assert parts.note_items[0].startswith("SIGNATURE CONFLICT: Monitor")
        assert parts.note_items[1:] == [
            "signature only from this source",
            "withdrawal: withdrawal instrument deposited 2025-06-27; withdrawal effective 2025-12-27",
        ]
        assert "Other sources" not in parts.notes


def test_every_shipped_source_gets_short_labels(reference_data):
    events = shipped_events()
    assert len(events) > 300
    for event in events:
        parts = source_parts(event.source, event.note)
        assert parts.primary.label == "UN Treaty Collection XXVI-5"
        for label, url, text in parts.secondary:
            assert len(label) <= 70, label
            assert url is None or url.startswith(("http://", "https://")), url
            assert "treaties.gen.ts" not in label and "UNTC-derived" not in label
            assert text  # the whole item, for the link's title
        assert "Other sources:" not in parts.notes


def test_a_notification_number_is_linked_to_the_depositarys_notification():
    parts = source_parts(f"{UNTC} (depositary's note 4: {CN})")
    assert parts.primary.label == "UN Treaty Collection XXVI-5"
    assert parts.depositary_notes == ("4",)
    assert parts.notifications == (SourceLink(CN, CN_PDF, CN),)
    assert parts.full_source == ""


@pytest.mark.parametrize(
    "text, found",
    [
        ("See C.N.360.2025.TREATIES-XXVI-5 of 3 July 2025.", [("C.N.360.2025.TREATIES-XXVI-5", "2025/CN.360.2025")]),
        (
            "C.N.266.2013.TREATIES.XXVI-8 and C.N.554.2013",
            [("C.N.266.2013.TREATIES.XXVI-8", "2013/CN.266.2013"), ("C.N.554.2013", "2013/CN.554.2013")],
        ),
        ("withdrawal (C.N.12.2004.TREATIES-2).", [("C.N.12.2004.TREATIES-2", "2004/CN.12.2004")]),
        (f"{CN}; again {CN}", [(CN, "2025/CN.375.2025")]),
        ("C.N.12345678.2025 is no notification number, nor CN.1.2025", []),
    ],
)
def test_notification_numbers_in_the_depositarys_spellings(text, found):
    parts = source_parts(text)
    assert [(n.label, n.url) for n in parts.notifications] == [
        (label, f"https://treaties.un.org/doc/Publication/CN/{path}-Eng.pdf") for label, path in found
    ]


def test_notes_with_several_numbers_and_notifications():
    parts = source_parts(f"{UNTC} (depositary's notes 4, 7: {CN}, C.N.400.2025.TREATIES-XXVI.5)")
    assert parts.depositary_notes == ("4", "7")
    assert [n.label for n in parts.notifications] == [CN, "C.N.400.2025.TREATIES-XXVI.5"]
    assert parts.full_source == ""


def test_the_depositary_cited_another_way_keeps_the_whole_citation():
    text = "UN Treaty Collection XXVI-6, checked by phone 2025-02-01"
    parts = source_parts(text)
    assert parts.primary == SourceLink("UN Treaty Collection XXVI-6", None, text)
    assert parts.full_source == text


def test_a_bare_citation_is_its_own_label():
    parts = source_parts("recall, unverified")
    assert parts.primary == SourceLink("recall, unverified", None, "recall, unverified")
    assert not parts.has_more


def test_a_long_citation_is_shortened_with_the_whole_text_behind_the_disclosure():
    text = "Statement of the Ministry of Foreign Affairs to the press, " * 6
    parts = source_parts(text)
    assert len(parts.primary.label) <= LABEL_LIMIT
    assert parts.primary.label.endswith("…")
    assert text.startswith(parts.primary.label[:-1])
    assert parts.full_source == text.strip()
    assert parts.has_more


def test_a_plain_url_reads_as_its_host():
    url = "https://disarmament.unoda.org/disarmament/conference-on-disarmament/member-states"
    parts = source_parts(url)
    assert parts.primary.url == url
    assert parts.primary.label.startswith("disarmament.unoda.org")
    assert not parts.has_more
    assert source_parts("https://www.example.org/").primary.label == "example.org"


def test_the_landmine_monitor_is_named():
    parts = source_parts("https://www.the-monitor.org/en-gb/reports/2023/lithuania/mine-ban-policy.aspx")
    assert parts.primary.label == "Landmine Monitor · Lithuania 2023"
    # As another source, by its host.
    assert source_link("https://www.the-monitor.org/en-gb/reports/2023/lithuania/mine-ban-policy.aspx").label == (
        "the-monitor.org · Lithuania 2023"
    )


def test_a_citation_with_a_url_reads_as_its_words_linked():
    parts = source_parts("Landmine Monitor 2023, Lithuania: https://www.the-monitor.org/en-gb/reports/2023/lithuania/")
    assert parts.primary.label == "Landmine Monitor 2023, Lithuania"
    assert parts.primary.url == "https://www.the-monitor.org/en-gb/reports/2023/lithuania/"
    assert not parts.has_more  # the words and the link are the whole source
    words_after = source_parts("Monitor: https://www.the-monitor.org/x (Lithuania profile), checked 2024-01-02")
    assert words_after.primary.label == "Monitor" and words_after.full_source
    described = source_parts("https://feedman.me/posts/zdC29 (HRW press release, 2025-07-01)")
    assert described.primary.label == "feedman.me · HRW press release, 2025-07-01" and not described.has_more


def test_a_citation_of_a_repository_links_the_repository():
    parts = source_parts(FACTBOOK)
    assert parts.primary == SourceLink("CIA World Factbook JSON", "https://github.com/factbook/factbook.json", FACTBOOK)
    assert parts.full_source == FACTBOOK


def test_many_urls_give_one_primary_and_the_rest_as_other_sources():
    parts = source_parts("https://a.example.org/x https://b.example.org/report-2020.pdf, https://c.example.org/")
    assert parts.primary.url == "https://a.example.org/x"
    assert [s.url for s in parts.secondary] == ["https://b.example.org/report-2020.pdf", "https://c.example.org/"]
    assert parts.full_source


@pytest.mark.parametrize(
    "source",
    ["", "   ", "\n\t", "javascript:alert(1)", HTMLISH, "http://", "https://[broken/x", "(((", "|||", "x" * 5000],
)
def test_weird_sources_give_a_label_and_never_an_unsafe_link(source):
    parts = source_parts(source, "| Other sources: | javascript:alert(2) | ||")
    assert parts.primary.label.strip()
    assert len(parts.primary.label) <= LABEL_LIMIT
    for link in (parts.primary, *parts.secondary, *parts.notifications):
        assert link.url is None or re.match(r"https?://[^\s\"<>]+$", link.url), link.url
    assert parts.secondary == (SourceLink("javascript:alert(2)", None, "javascript:alert(2)"),)


def test_a_url_ends_where_the_markup_around_it_starts():
    link = source_link('https://example.org/a"><script>alert(1)</script>')
    assert link.url == "https://example.org/a"
    assert source_link("(see https://example.org/page_(1)).").url == "https://example.org/page_(1)"


def test_the_tag_makes_no_queries_and_escapes(django_assert_num_queries):
    template = Template("{% load sources %}{% source_label source note %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"source": HTMLISH, "note": "<i>x</i> | Other sources: https://e.org/"}))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert '<a href="https://e.org/" title="https://e.org/">e.org</a>' in html
    assert Template("{% load sources %}{% source_label none %}").render(Context({})).count("No source given") == 1


# The pages.


def _details(html: str) -> list[str]:
    return re.findall(r'<details class="source-more">.*?</details>', html, flags=re.S)


def test_the_country_timeline_shows_short_labels_and_hides_the_notes(client, reference_data):
    html = client.get("/countries/LTU/").content.decode()
    timeline = html[html.index('<ol class="timeline">') : html.index("</ol>", html.index('<ol class="timeline">'))]
    # Signature, ratification, withdrawal notified, and the declaration made on signature (from the page's own section).
    assert timeline.count('">UN Treaty Collection XXVI-5</a>') == 4
    assert timeline.count('<span class="date">2026-02-03</span>, depositary\'s note 4</small>') == 3
    # The three acts, and the art. 4 completion (June 2004) with its research note.
    assert timeline.count("<summary>More sources and notes</summary>") == 4
    # The declaration made on signature is the State's own text: shown in full, not behind a disclosure.
    assert '<blockquote class="statement"><p>Upon signature:' in timeline
    assert '">the-monitor.org · Lithuania 2023</a>' in timeline
    assert '<a href="https://github.com/ikethepike/mondiale" title="github:ikethepike/mondiale' in timeline
    # The research notes and the raw list of other sources appear only inside the disclosures.
    outside = re.sub(r'<details class="source-more">.*?</details>', "", timeline, flags=re.S)
    assert "SIGNATURE CONFLICT" not in outside and "treaties.gen.ts" not in outside
    assert sum("SIGNATURE CONFLICT" in d for d in _details(timeline)) == 3  # the three acts of the depositary row
    assert "Other sources:" not in html


def test_the_country_page_shows_forum_seats_sources_as_labels(client, reference_data):
    html = client.get("/countries/AUS/").content.decode()
    seats = html[html.index('id="forums-heading"') :]
    assert '<a href="https://github.com/factbook/factbook.json">CIA World Factbook JSON</a>' in seats
    # The whole citation and the start date's source wait in the disclosure.
    assert any(escape(FACTBOOK) in d and "e-journal.uum.edu.my" in d for d in _details(seats))


def test_the_event_list_shows_labels_with_notes_in_a_disclosure(client, reference_data):
    html = client.get("/events/?country=LTU&treaty=ottawa").content.decode()
    assert html.count('">UN Treaty Collection XXVI-5</a>') == 4  # three acts and the declaration on signature
    # In the list the declaration's text waits in the disclosure too (the country page shows it in full).
    # (Its General Assembly votes are listed too, each with its own source.)
    # (and the art. 4 completion with its research note)
    assert len([d for d in _details(html) if "A/RES/" not in d]) == 5
    assert '<th scope="col">Note</th>' not in html  # the notes moved into the disclosure
    assert '<td class="note">' not in html


def test_the_overview_shows_labels_in_the_latest_changes(client, reference_data):
    html = client.get("/", {"date": "2026-11-27"}).content.decode()
    latest = html[html.index('id="latest-heading"') :]
    assert '">UN Treaty Collection XXVI-5</a>' in latest
    assert "<summary>More sources and notes</summary>" in latest
    assert "UN Treaty Collection, UNTC MTDSG" not in latest


def test_a_notification_number_is_a_link_on_the_page(client, reference_data):
    StatusEventFactory(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=CountryFactory(iso3="ZZA", name="Testland"),
        kind=EventKind.SIGNATURE,
        date=datetime.date(1997, 12, 3),
        source=f"{UNTC} (depositary's note 4: {CN})",
    )
    html = client.get("/countries/ZZA/").content.decode()
    assert f'<a class="cn" href="{CN_PDF}" title="Depositary notification {CN} (PDF)">{CN}</a>' in html
    assert "<details" not in html[html.index('<ol class="timeline">') :].split("</ol>")[0]  # nothing more to show


def test_html_in_a_source_or_note_is_shown_as_text(client, reference_data):
    StatusEventFactory(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=CountryFactory(iso3="ZZB", name="Markupland"),
        kind=EventKind.SIGNATURE,
        date=datetime.date(1997, 12, 3),
        source=HTMLISH,
        note='<img src=x onerror=alert(1)> | Other sources: https://example.org/a"><script>alert(2)</script>',
    )
    for url in ("/countries/ZZB/", "/events/?country=ZZB"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Ministry" not in html
        assert "&lt;script&gt;alert(&quot;source&quot;)&lt;/script&gt; &lt;b&gt;Ministry&lt;/b&gt; statement" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert '<a href="https://example.org/a" title="https://example.org/a&quot;&gt;&lt;script&gt;' in html


def test_the_admin_still_shows_the_whole_source_and_note(editor_client, reference_data):
    event = StatusEvent.objects.filter(treaty__slug="ottawa", country__iso3="LTU", kind=EventKind.RATIFICATION).get()
    assert "Other sources:" in event.note and event.source.startswith("UN Treaty Collection, UNTC MTDSG XXVI-5")
    html = editor_client.get(f"/admin/treaties/statusevent/{event.pk}/change/").content.decode()
    assert f">\n{escape(event.source)}</textarea>" in html
    assert f">\n{escape(event.note)}</textarea>" in html
    assert "More sources and notes" not in html
