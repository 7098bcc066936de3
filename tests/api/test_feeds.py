"""The Atom feeds parse as a reader parses them and list an act just recorded, with its date, State and source."""

import datetime

import feedparser
import pytest

from countries.models import Country, Forum, Region
from treaties import services
from treaties.models import Treaty

pytestmark = pytest.mark.django_db

SOURCE = "https://treaties.un.org/doc/Publication/CN/2026/CN.123.2026-Eng.pdf"


@pytest.fixture
def accession(reference_data, editor):
    """The United States accede to the Ottawa Convention, recorded just now."""
    return services.status_event_record(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=Country.objects.get(iso3="USA"),
        kind="accession",
        date=datetime.date(2026, 6, 1),
        source=SOURCE,
        user=editor,
    )


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def feed_urls() -> list[str]:
    region = Region.objects.select_related("scheme").get(assignments__country__iso3="USA", scheme__slug="m49")
    forum = Forum.objects.filter(memberships__country__iso3="USA", memberships__end_date__isnull=True).first()
    return [
        "/treaties/ottawa/feed/",
        "/countries/USA/feed/",
        f"/regions/{region.scheme.slug}/{region.slug}/feed/",
        f"/forums/{forum.slug}/feed/",
    ]


def test_every_feed_lists_the_act_just_recorded(client, accession):
    for url in feed_urls():
        feed = parsed(client, url)
        entry = feed.entries[0]
        assert entry.id == f"urn:ottawa-tracker:event:{accession.pk}", url
        assert "United States" in entry.title and "accession" in entry.title and "2026-06-01" in entry.title
        assert entry.link == SOURCE
        assert entry.published.startswith("2026-06-01")
        assert SOURCE in entry.summary


def test_feeds_are_linked_from_their_pages(client, accession):
    for page, feed in zip(
        ["/treaties/ottawa/", "/countries/USA/", *[u.removesuffix("feed/") for u in feed_urls()[2:]]],
        feed_urls(),
        strict=True,
    ):
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html, page
        assert f'href="{feed}"' in html, page


def test_an_unknown_subject_has_no_feed(client, reference_data):
    assert client.get("/treaties/nothing/feed/").status_code == 404
    assert client.get("/countries/xxx/feed/").status_code == 404
    assert client.get("/regions/m49/nowhere/feed/").status_code == 404
