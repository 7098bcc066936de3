"""Dates outside a treaty's life (issue 10, point 2) and when the figures were computed (point 8).

Before the Ottawa Convention's adoption (1997-09-18) every page says it did not exist yet and shows
no table, map or count of non-signatories; after today it says the figures are the record as known
today. Both answer 200 and keep the URL's date.
"""

import datetime
import re

import pytest
from django.utils import timezone

from treaties.models import Treaty
from treaties.presentation import date_notice, treaty_not_yet

pytestmark = pytest.mark.django_db

BEFORE = "1990-01-01"
FUTURE = "2030-01-01"
PAGES = [
    "/",
    "/treaties/ottawa/",
    "/regions/?scheme=m49",
    "/regions/m49/africa/",
    "/forums/",
    "/forums/cd/",
]
NOT_YET = "did not exist yet on"


def get(client, url: str, date: str) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + f"date={date}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_before_adoption_says_so_and_shows_no_status(client, reference_data, url):
    html = get(client, url, BEFORE)
    assert NOT_YET in html
    assert "Ottawa Convention did not exist yet on" in html
    assert 'value="1990-01-01"' in html  # the date is kept in the form
    assert "Not signed" not in html  # no count, table or legend of non-signatories
    assert "status-non_signatory" not in html
    assert '<table class="summary' not in html
    assert 'class="map"' not in html
    assert "1997-09-18" in html  # when it was adopted, and a link to that date


@pytest.mark.parametrize("url", PAGES)
def test_future_date_says_the_figures_are_the_record_known_today(client, reference_data, url):
    html = get(client, url, FUTURE)
    today = timezone.localdate().isoformat()
    assert "is in the future" in html
    assert f'record as known\n  today (<span class="date">{today}</span>)' in html
    assert NOT_YET not in html
    assert 'value="2030-01-01"' in html


@pytest.mark.parametrize("url", PAGES)
def test_an_ordinary_date_has_no_notice(client, reference_data, url):
    html = get(client, url, "2010-12-31")
    assert "date-notice" not in html


def status_rows(html: str) -> dict[str, str]:
    """The cells of the country page's status table, by the slug of each row's treaty."""
    return dict(
        re.findall(
            r'<th scope="row">(?:<span aria-hidden="true">↳ </span>)?'  # a protocol's row is marked as such
            r'<a href="/treaties/([\w-]+)/\?[^"]*">.*?</a></th>(.*?)</tr>',
            html,
            re.S,
        )
    )


def test_country_page_before_adoption_and_in_the_future(client, reference_data):
    html = get(client, "/countries/FRA/", BEFORE)
    rows = status_rows(html)
    assert set(rows) == set(Treaty.objects.values_list("slug", flat=True))  # a row for every treaty
    # In 1990 only the CCW (1980) existed; Ottawa (1997) and the rest of the family say so and show no status.
    later = {"ottawa", "ccm", "att", "tpnw", "ccw-p4", "ccw-p2a", "ccw-art1", "ccw-p5"}
    for slug in later:
        assert f'Did not exist yet on <span class="date">{BEFORE}</span>' in rows[slug], slug
        assert "status-" not in rows[slug], slug
    assert "Did not exist yet" not in rows["ccw"]
    assert "status-state_party" in rows["ccw"]  # France ratified it in 1988
    assert "date-notice" not in html  # the page is about a country, which existed: the notice is per treaty

    html = get(client, "/countries/FRA/", FUTURE)
    assert "is in the future" in html
    rows = status_rows(html)
    assert "status-state_party" in rows["ottawa"]
    assert "Did not exist yet" not in html


@pytest.mark.parametrize("url", ["/forums/cd/", "/regions/m49/africa/", "/countries/FRA/"])
def test_detail_pages_say_when_their_figures_were_computed(client, reference_data, url):
    html = get(client, url, "2010-12-31")
    assert 'class="freshness"' in html
    assert "Computed" in html and "as this page was served" in html


@pytest.mark.parametrize("url", ["/", "/treaties/ottawa/", "/regions/?scheme=m49", "/forums/"])
def test_summary_pages_still_say_when_summaries_were_computed(client, reference_data, url):
    html = get(client, url, "2010-12-31")
    assert "Summaries" in html and "freshness" in html


def test_the_decision_in_one_place(reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    today = datetime.date(2026, 12, 1)
    assert treaty_not_yet(ottawa, datetime.date(1997, 9, 17))
    assert not treaty_not_yet(ottawa, datetime.date(1997, 9, 18))
    assert date_notice(on=datetime.date(1997, 9, 18), today=today, treaty=ottawa) is None
    assert date_notice(on=today, today=today, treaty=ottawa) is None
    assert date_notice(on=datetime.date(1990, 1, 1), today=today, treaty=ottawa).not_yet
    future = date_notice(on=datetime.date(2030, 1, 1), today=today, treaty=ottawa)
    assert future is not None and not future.not_yet
    assert date_notice(on=datetime.date(2030, 1, 1), today=today).not_yet is False  # no treaty: only the future

    ottawa.adopted = None  # falls back on the opening for signature (1997-12-03)
    assert treaty_not_yet(ottawa, datetime.date(1997, 12, 2))
    assert not treaty_not_yet(ottawa, datetime.date(1997, 12, 3))
    ottawa.opened_for_signature = None  # nothing known: never "not yet"
    assert not treaty_not_yet(ottawa, datetime.date(1900, 1, 1))
