"""Issue 10, points 3 and 6: a stance shows beside the legal status; region schemes are links keeping the state.

Egypt (a Conference on Disarmament member in M49 Africa) has not signed the Ottawa Convention; these tests
record it as a declared supporter, which puts it on board.
"""

import datetime
import re

import pytest

from countries.models import Country
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.selectors.status_rows import stance_since
from treaties.status import Act

pytestmark = pytest.mark.django_db

D = datetime.date
STANCE_TEXT = re.compile(
    r'Non-signatory</span>\s*<small class="stance">· supporter since <time datetime="1997-10-05">1997-10-05</time>'
)


@pytest.fixture
def egypt_supports(reference_data):
    treaty, egypt = Treaty.objects.get(slug="ottawa"), Country.objects.get(iso3="EGY")
    # Declared, then declared again before the first lapsed (Ottawa: three years): held since the first.
    for date in (D(1997, 10, 5), D(1999, 3, 1)):
        StatusEvent.objects.create(
            treaty=treaty, country=egypt, kind=EventKind.STANCE, value="supporter", date=date, source="test statement"
        )
    return egypt


@pytest.mark.parametrize(
    ("acts", "on", "expected"),
    [
        ([], D(2000, 1, 1), None),
        ([Act(EventKind.STANCE, D(1997, 10, 5), "supporter")], D(1997, 10, 4), None),
        ([Act(EventKind.STANCE, D(1997, 10, 5), "supporter")], D(2000, 1, 1), D(1997, 10, 5)),
        (
            [Act(EventKind.STANCE, D(1997, 10, 5), "supporter"), Act(EventKind.STANCE, D(2005, 1, 1), "supporter")],
            D(2010, 1, 1),
            D(1997, 10, 5),
        ),
        (
            [Act(EventKind.STANCE, D(1997, 10, 5), "opposed"), Act(EventKind.STANCE, D(2005, 1, 1), "supporter")],
            D(2010, 1, 1),
            D(2005, 1, 1),
        ),
        (  # an ended stance breaks the run
            [
                Act(EventKind.STANCE, D(1997, 10, 5), "supporter", end_date=D(1999, 1, 1)),
                Act(EventKind.STANCE, D(2005, 1, 1), "supporter"),
            ],
            D(2010, 1, 1),
            D(2005, 1, 1),
        ),
        ([Act(EventKind.STANCE, D(1997, 10, 5), "supporter", end_date=D(1999, 1, 1))], D(2010, 1, 1), None),
        ([Act(EventKind.SIGNATURE, D(1997, 12, 3))], D(2010, 1, 1), None),
    ],
)
def test_stance_since(acts, on, expected):
    assert stance_since(acts, on) == expected


def test_forum_members_show_the_stance_and_its_date_beside_the_status(client, egypt_supports):
    html = client.get("/forums/cd/", {"date": "2001-01-01"}).content.decode()
    assert STANCE_TEXT.search(html), "Egypt's stance is not shown beside its status"


def test_region_countries_show_the_stance(client, egypt_supports):
    html = client.get("/regions/m49/africa/", {"date": "2001-01-01"}).content.decode()
    assert STANCE_TEXT.search(html)


def test_treaty_status_table_shows_the_stance_and_none_before_it_was_declared(client, egypt_supports):
    assert STANCE_TEXT.search(client.get("/treaties/ottawa/", {"date": "2001-01-01"}).content.decode())
    before = client.get("/treaties/ottawa/", {"date": "1997-10-04"}).content.decode()
    assert 'class="stance"' not in before


def test_status_csv_header_is_unchanged(client, egypt_supports):
    first = client.get("/treaties/ottawa/status.csv").getvalue().decode().splitlines()[0]
    assert "stance" not in first


def scheme_links(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav[^>]*aria-label="Region schemes"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no scheme links on the page"
    return [
        (href.replace("&amp;", "&"), bool(current))
        for href, current in re.findall(r'<a href="([^"]*)"( aria-current="page")?>', nav.group(1))
    ]


def test_region_schemes_are_links_that_keep_the_state(client, reference_data):
    html = client.get(
        "/regions/", {"scheme": "un-groups", "date": "2001-05-06", "count": "deposit", "sort": "-share"}
    ).content.decode()
    links = scheme_links(html)
    assert len(links) >= 3
    for href, _ in links:
        assert href.startswith("/regions/?treaty=ottawa&scheme=")
        assert "&date=2001-05-06&count=deposit&sort=-share" in href
    assert [href for href, current in links if current] == [
        "/regions/?treaty=ottawa&scheme=un-groups&date=2001-05-06&count=deposit&sort=-share"
    ]
    # The menu stays for use without JavaScript.
    assert 'id="id_scheme"' in html


def test_every_scheme_link_works_and_marks_its_own_scheme(client, reference_data):
    for href, _ in scheme_links(client.get("/regions/").content.decode()):
        response = client.get(href)
        assert response.status_code == 200
        current = [h for h, is_current in scheme_links(response.content.decode()) if is_current]
        assert current == [href]


def test_region_detail_links_back_to_its_scheme(client, reference_data):
    html = client.get("/regions/un-groups/no-region/", {"date": "2001-05-06", "count": "deposit"}).content.decode()
    assert 'href="/regions/?treaty=ottawa&amp;scheme=un-groups&amp;date=2001-05-06&amp;count=deposit"' in html
