"""`/events/` and `/events.csv`: one FilterSet, every filter, the same rows on the page and in the file."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from countries.choices import DatePrecision, MembershipRole
from countries.models import Country, ForumMembership, Region, RegionAssignment
from tests.factories import (
    CountryFactory,
    ForumFactory,
    ForumMembershipFactory,
    StatusEventFactory,
    TreatyFactory,
)
from treaties.choices import EventKind
from treaties.filtersets import StatusEventFilterSet
from treaties.models import StatusEvent, Treaty

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
HEADER = ["iso3", "treaty", "kind", "value", "date", "effective_date", "end_date", "source", "note", "date_precision"]


def export(client, query: str = "") -> tuple[bytes, list[dict[str, str]]]:
    response = client.get(f"/events.csv?{query}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == HEADER
    return body, list(reader)


def identity(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (row["iso3"], row["treaty"], row["kind"], row["date"])


def event_identity(event: StatusEvent) -> tuple[str, str, str, str]:
    return (event.country.iso3, event.treaty.slug, event.kind, event.date.isoformat())


@pytest.fixture
def world(reference_data):
    """The real Ottawa record plus a second treaty with positions, and a forum with dated seats."""
    mines = TreatyFactory(slug="cluster", short_name="Cluster Munitions Convention")
    canada, japan, kenya = (Country.objects.get(iso3=c) for c in ("CAN", "JPN", "KEN"))
    StatusEventFactory(treaty=mines, country=canada, kind=EventKind.SIGNATURE, date=D("2008-12-03"))
    StatusEventFactory(
        treaty=mines, country=japan, kind=EventKind.STANCE, value="supporter", date=D("2008-05-30"), note="Dublin"
    )
    StatusEventFactory(
        treaty=mines,
        country=kenya,
        kind=EventKind.EXPORT_MORATORIUM,
        value="comprehensive",
        date=D("2009-01-01"),
        end_date=D("2012-01-01"),
        source='=HYPERLINK("http://evil")',
    )
    forum = ForumFactory(slug="test-forum", name="Test Forum")
    ForumMembershipFactory(forum=forum, country=canada, start_date=D("2000-01-01"))
    ForumMembershipFactory(
        forum=forum, country=japan, start_date=None, start_precision=DatePrecision.UNKNOWN, end_date=D("2008-06-01")
    )
    ForumMembershipFactory(forum=forum, country=kenya, role=MembershipRole.OBSERVER, start_date=D("1990-01-01"))
    return mines


def expected(query: str) -> set[tuple]:
    """The filters' meaning, written out in Python over every event, independently of the FilterSet."""
    params = QueryDict(query)
    events = list(StatusEvent.objects.select_related("country", "treaty"))
    keep = []
    for e in events:
        if "treaty" in params and e.treaty.slug not in params.getlist("treaty"):
            continue
        if "treaty_id" in params and str(e.treaty_id) not in params.getlist("treaty_id"):
            continue
        if "country" in params and e.country.iso3 not in [c.upper() for c in params.getlist("country")]:
            continue
        if "country_id" in params and str(e.country_id) not in params.getlist("country_id"):
            continue
        if "region" in params or "region_id" in params:
            regions = [
                r.pk
                for r in Region.objects.select_related("scheme")
                if f"{r.scheme.slug}:{r.slug}" in [k.lower() for k in params.getlist("region")]
                or str(r.pk) in params.getlist("region_id")
            ]
            if not RegionAssignment.objects.filter(region__in=regions, country=e.country).exists():
                continue
        if "forum" in params:
            seats = ForumMembership.objects.filter(
                forum__slug__in=params.getlist("forum"), country=e.country, role=MembershipRole.MEMBER
            )
            if not any(seat.active_on(e.date) for seat in seats):
                continue
        if "kind" in params and e.kind not in params.getlist("kind"):
            continue
        if "date_after" in params and e.date < D(params["date_after"]):
            continue
        if "date_before" in params and e.date > D(params["date_before"]):
            continue
        if "q" in params:
            word = params["q"].lower()
            texts = [e.country.name, e.treaty.short_name, e.kind, e.value, e.source, e.note]
            if not (any(word in t.lower() for t in texts) or word in (e.country.iso3.lower(), e.treaty.slug)):
                continue
        keep.append(event_identity(e))
    return set(keep)


FILTERS = [
    "treaty=cluster",
    "treaty=cluster&treaty=ottawa",
    "country=CAN",
    "country=jpn&country=ken",
    "region=m49:asia",
    "region=un-groups:african-group&region=m49:europe",
    "region=M49:Africa",
    "forum=test-forum",
    "forum=cd",
    "kind=signature&kind=accession",
    "kind=stance",
    "date_after=1998-01-01&date_before=1998-12-31",
    "date_after=2008-05-30",
    "q=poland",
    "q=dublin",
    "q=ken",
    "treaty=ottawa&region=m49:africa&kind=ratification&date_after=1998-06-01",
]


@pytest.mark.parametrize("query", FILTERS)
def test_every_filter_gives_the_rows_it_means(client, world, query):
    _, rows = export(client, query)
    want = expected(query)
    assert want, "each case should match some events"
    assert {identity(r) for r in rows} == want
    assert len(rows) == len(want)  # no event twice


def test_id_filters_match_their_code_filters(client, world):
    ottawa = Treaty.objects.get(slug="ottawa")
    asia = Region.objects.get(scheme__slug="m49", slug="asia")
    canada = Country.objects.get(iso3="CAN")
    assert export(client, f"treaty_id={ottawa.pk}")[0] == export(client, "treaty=ottawa")[0]
    assert export(client, f"region_id={asia.pk}")[0] == export(client, "region=m49:asia")[0]
    assert export(client, f"country_id={canada.pk}")[0] == export(client, "country=CAN")[0]


def test_forum_counts_members_on_the_event_date_not_observers(client, world):
    _, rows = export(client, "forum=test-forum&treaty=cluster")
    # Canada (member since 2000) signed in 2008; Japan's stance of 2008-05-30 came before its seat
    # (unknown start, counted from the beginning) ended on 2008-06-01; Kenya only observes.
    assert {r["iso3"] for r in rows} == {"CAN", "JPN"}
    _, later = export(client, "forum=test-forum&date_after=2008-06-01&treaty=cluster")
    assert {r["iso3"] for r in later} == {"CAN"}


def test_no_filter_exports_every_event_with_its_source(client, world):
    body, rows = export(client)
    assert len(rows) == StatusEvent.objects.count()
    by_key = {identity(r): r for r in rows}
    for event in StatusEvent.objects.select_related("country", "treaty"):
        row = by_key[event_identity(event)]
        assert row["value"] == event.value
        assert row["note"] == event.note
        assert row["end_date"] == (event.end_date.isoformat() if event.end_date else "")
        assert row["source"] in (event.source, "'" + event.source)
    assert all(row["source"] for row in rows)


def test_rows_are_in_date_order_with_iso_codes_and_dates(client, world):
    _, rows = export(client)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert all(len(r["iso3"]) == 3 and r["iso3"].isupper() for r in rows)
    for row in rows:
        for name in ("date", "effective_date", "end_date"):
            if row[name]:
                assert D(row[name]).isoformat() == row[name]


def test_formula_cells_are_neutralised_in_the_file(client, world):
    _, rows = export(client, "country=KEN&treaty=cluster")
    assert rows[0]["source"] == '\'=HYPERLINK("http://evil")'


def test_file_is_named_after_the_filters_and_today(client, world):
    # More names, for every filter, in tests/treaties/test_event_filters.py.
    today = timezone.localdate().isoformat()
    response = client.get("/events.csv?treaty=ottawa")
    assert response["Content-Disposition"] == f'attachment; filename="ottawa-events-{today}.csv"'
    response = client.get("/events.csv?country=CAN")
    assert response["Content-Disposition"] == f'attachment; filename="all-events-can-{today}.csv"'
    response = client.get("/events.csv?treaty=ottawa&treaty=cluster")
    assert response["Content-Disposition"] == f'attachment; filename="cluster-ottawa-events-{today}.csv"'


def test_bom_on_request_only(client, world):
    plain = b"".join(client.get("/events.csv?country=CAN").streaming_content)
    with_bom = b"".join(client.get("/events.csv?country=CAN&bom=1").streaming_content)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom == b"\xef\xbb\xbf" + plain
    assert plain.startswith(b"iso3,treaty,kind,value,date,effective_date,end_date,source,note,date_precision\n")


BAD = [
    ("country", "country=ZZZ"),
    ("treaty", "treaty=nope"),
    ("region", "region=asia"),
    ("region", "region=m49:atlantis"),
    ("region_id", "region_id=abc"),
    ("forum", "forum=nato"),
    ("kind", "kind=treaty"),
    ("date_after", "date_after=1997/12/03"),
    ("date_before", "date_before=yesterday"),
    ("date_after", "date_after=2020-02-30"),
    ("treaty_id", "treaty_id=x"),
    ("q", "q=%00"),
    ("country", "country=%00"),
]


@pytest.mark.parametrize(("name", "query"), BAD)
@pytest.mark.parametrize("url", ["/events/", "/events.csv"])
def test_a_bad_filter_gets_a_clear_400(client, reference_data, url, name, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    content = response.content.decode()
    assert "cannot read" in content
    assert f"<code>{name}</code>" in content


def test_the_page_shows_the_same_rows_as_the_file(client, world):
    query = "treaty=ottawa&region=m49:africa&kind=ratification"
    page = client.get(f"/events/?{query}")
    assert page.status_code == 200
    shown = {event_identity(e) for e in page.context["events"]}
    _, rows = export(client, query)
    assert shown == {identity(r) for r in rows}
    assert page.context["paginator"].count == len(rows)


def test_the_page_paginates_and_the_csv_link_keeps_the_filters(client, world):
    page = client.get("/events/?treaty=ottawa&kind=signature&kind=ratification&page=2")
    assert page.status_code == 200
    content = page.content.decode()
    total = StatusEvent.objects.filter(treaty__slug="ottawa", kind__in=["signature", "ratification"]).count()
    assert page.context["paginator"].count == total > 100
    assert len(page.context["events"]) == min(100, total - 100)
    assert 'href="/events.csv?treaty=ottawa&amp;kind=signature&amp;kind=ratification"' in content
    assert "page=3" in content or total <= 200
    assert 'href="?treaty=ottawa&amp;kind=signature&amp;kind=ratification&amp;page=1"' in content
    # The filter form shows the chosen values, each control with its label.
    assert '<option value="ottawa" selected>' in content
    assert 'value="ratification" checked' in content
    for control in ("id_q", "id_treaty", "id_country", "id_region", "id_forum", "id_date_after", "id_date_before"):
        assert f'<label for="{control}">' in content


def test_the_page_links_sources(client, world):
    content = client.get("/events/?country=POL&treaty=ottawa").content.decode()
    assert '<a href="https://' in content
    assert "=HYPERLINK" not in content  # Kenya's cell is not on this page


def test_page_past_the_end_is_404_not_500(client, world):
    assert client.get("/events/?page=9999").status_code == 404


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        else:
            assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/events/?treaty=bulk", "/events.csv?treaty=bulk&region=m49:asia&forum=cd&q=test"])
def test_query_count_does_not_grow_with_rows(client, reference_data, url):
    treaty = TreatyFactory(slug="bulk")
    countries = [CountryFactory() for _ in range(3)]
    for country in countries:
        StatusEventFactory(treaty=treaty, country=country)
    few = _count_queries(client, url)
    for country in Country.objects.filter(participant=True)[:150]:
        StatusEventFactory(
            treaty=treaty, country=country, kind=EventKind.STANCE, value="supporter", date=D("2001-01-01")
        )
        StatusEventFactory(treaty=treaty, country=country, kind=EventKind.UNGA_VOTE, value="yes", date=D("2002-12-07"))
    many = _count_queries(client, url)
    assert many == few  # the exact counts are in tests/treaties/query_counts.py


def test_filterset_form_is_the_one_the_views_use(reference_data):
    filterset = StatusEventFilterSet(
        QueryDict("kind=signature&date_after=1997-12-03"), queryset=StatusEvent.objects.all()
    )
    assert filterset.is_valid()
    assert set(filterset.filters) == {
        "q",
        "treaty",
        "treaty_id",
        "country",
        "country_id",
        "region",
        "region_id",
        "forum",
        "forum_id",
        "kind",
        "date_after",
        "date_before",
    }
    assert "on the event's date" in filterset.filters["forum"].extra["help_text"]
