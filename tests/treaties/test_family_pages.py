"""The family on the pages: declarations as the depositary prints them, provisional application, protocols under
their parent, and titles that name the treaty shown."""

import re

import pytest
from django.test import Client

from treaties.choices import EventKind
from treaties.models import StatusEvent

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("iso3", "words"),
    [
        ("ARG", "Malvinas"),
        ("CAN", "Understanding"),
        ("AUS", "Declarations"),
    ],
)
def test_ottawa_declarations_on_the_country_page_and_under_the_treaty_table(client: Client, iso3, words):
    declaration = StatusEvent.objects.get(treaty__slug="ottawa", country__iso3=iso3, kind=EventKind.DECLARATION)
    assert words in declaration.note
    country = client.get(f"/countries/{iso3}/").content.decode()
    # The State's own words are shown in full on its page, not behind a disclosure.
    quoted = re.findall(r'<blockquote class="statement">(.*?)</blockquote>', country, re.S)
    assert any(words in q for q in quoted)
    table = client.get("/treaties/ottawa/").content.decode()
    # Footnote-style: a link beside the name in the table, to the State's entry under it.
    assert f'href="#statements-{iso3}"' in table
    entry = table[table.index(f'id="statements-{iso3}"') :]
    assert words in entry[: entry.index("</dd>", entry.index(words))]


def test_the_uk_extension_to_its_territories_is_a_territorial_application(client: Client):
    extensions = StatusEvent.objects.filter(
        treaty__slug="ottawa", country__iso3="GBR", kind=EventKind.TERRITORIAL_APPLICATION
    ).order_by("date")
    assert extensions.exists()
    first = extensions.first()
    assert first.date.isoformat() == "2001-12-04"
    assert first.value.startswith("extension")
    table = client.get("/treaties/ottawa/").content.decode()
    entry = table[table.index('id="statements-GBR"') :]
    assert "Territorial application" in entry[: entry.index("</dl>")]


def test_provisional_application_is_shown_and_counts_on_board(client: Client):
    response = client.get("/treaties/att/", {"date": "2014-01-01", "show": "on_board"})
    row = next(r for r in response.context["rows"] if r.country.iso3 == "ATG")
    assert row.status.status == "consented_not_in_force"
    assert row.status.on_board and row.status.provisional_application_date.isoformat() == "2013-08-12"
    page = text(response.content.decode())
    assert "applies it provisionally since 2013-08-12" in page
    # Once the treaty is in force for the State, it is a State Party and no longer "provisional".
    later = client.get("/treaties/att/", {"date": "2015-06-01"})
    row = next(r for r in later.context["rows"] if r.country.iso3 == "ATG")
    assert row.status.status == "state_party" and row.status.provisional_application_date is None


def test_a_protocol_page_names_its_parent_and_its_own_title(client: Client):
    html = client.get("/treaties/ccw-p2a/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "CCW Amended Protocol II" in title and "Ottawa Convention" not in title
    assert 'href="/treaties/ccw/?' in html and "only a State bound by it can consent to this one" in html
    # The site's header names the treaty shown.
    assert '<span class="brand-treaty">· CCW Amended Protocol II</span>' in html
    overview = client.get("/", {"treaty": "ccw-p2a"}).content.decode()
    assert "CCW Amended Protocol II" in re.search(r"<title>(.*?)</title>", overview, re.S).group(1)


def test_every_treaty_choice_offers_the_family_protocols_after_their_parent(client: Client):
    html = client.get("/regions/").content.decode()
    menu = re.search(r'<select id="id_treaty" name="treaty">(.*?)</select>', html, re.S).group(1)
    values = re.findall(r'<option value="([^"]+)"', menu)
    assert {"ottawa", "ccm", "att", "tpnw", "ccw", "ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"} == set(values)
    ccw = values.index("ccw")
    assert set(values[ccw + 1 : ccw + 5]) == {"ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"}


def test_the_country_page_groups_protocols_under_their_parent(client: Client):
    response = client.get("/countries/CHN/")
    slugs = [s.treaty.slug for s in response.context["profile"].standings]
    assert len(slugs) == 9
    ccw = slugs.index("ccw")
    assert set(slugs[ccw + 1 : ccw + 5]) == {"ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"}
    html = response.content.decode()
    assert '<tr class="protocol">' in html


def test_forum_and_region_pages_link_to_the_comparison(client: Client):
    assert 'href="/compare/?forum=cd&amp;' in client.get("/forums/cd/").content.decode()
    assert 'href="/compare/?region=m49:africa&amp;' in client.get("/regions/m49/africa/").content.decode()
