"""`/treaties/` and `/compare/`: the family side by side, on the shipped record."""

import csv
import io

import pytest
from django.test import Client

from treaties.choices import STATUS_ORDER
from treaties.models import Treaty
from treaties.selectors import treaty_status_rows

pytestmark = pytest.mark.django_db

OUTSIDE_OTTAWA = {"CHN", "IND", "PAK", "RUS", "USA"}
TODAY = "2026-12-01"


def rows_of(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_party_to_amended_protocol_ii_and_not_to_ottawa(client: Client):
    """The acceptance's question: the mine rule for the States outside Ottawa."""
    response = client.get(
        "/compare/", {"treaties": "ottawa,ccw-p2a", "date": TODAY, "where": ["ccw-p2a:party", "ottawa:not_party"]}
    )
    assert response.status_code == 200
    shown = {row.country.iso3: row.country.name for row in response.context["rows"]}
    assert set(shown) >= OUTSIDE_OTTAWA, OUTSIDE_OTTAWA - set(shown)
    for row in response.context["rows"]:
        ottawa, p2a = row.statuses
        assert p2a.is_party and not ottawa.is_party
    page = response.content.decode()
    for iso3 in OUTSIDE_OTTAWA:
        assert f"/countries/{iso3}/" in page and shown[iso3] in page


def test_plain_compare_lists_everyone_and_counts_each_column_like_its_own_page(client: Client):
    response = client.get("/compare/", {"treaties": "ottawa,ccm", "date": TODAY})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [t.slug for t in comparison.treaties] == ["ottawa", "ccm"]
    for treaty, counts in zip(comparison.treaties, comparison.counts, strict=True):
        own = treaty_status_rows(treaty=treaty, on=response.context["on"], count="in_force")
        assert counts.parties == sum(r.status.is_party for r in own)
        assert counts.countries == len(own) == len(comparison.rows)


def test_sorting_by_a_treaty_column_puts_its_parties_first(client: Client):
    response = client.get("/compare/", {"treaties": "ottawa,ccw-p2a", "date": TODAY, "sort": "ccw-p2a"})
    statuses = [row.statuses[1].status for row in response.context["rows"]]
    assert statuses[0] == "state_party"
    assert statuses == sorted(statuses, key=lambda s: STATUS_ORDER.index(s))
    reverse = client.get("/compare/", {"treaties": "ottawa,ccw-p2a", "date": TODAY, "sort": "-ccw-p2a"})
    assert reverse.context["rows"][0].statuses[1].status != "state_party"


def test_region_and_forum_narrow_the_rows(client: Client):
    whole = client.get("/compare/", {"treaties": "ottawa", "date": TODAY})
    africa = client.get("/compare/", {"treaties": "ottawa", "date": TODAY, "region": "m49:africa"})
    cd = client.get("/compare/", {"treaties": "ottawa", "date": TODAY, "forum": "cd"})
    assert 40 < len(africa.context["rows"]) < len(whole.context["rows"])
    assert 50 < len(cd.context["rows"]) < 70
    assert "Members of the" in cd.content.decode()


def test_csv_has_the_rows_the_page_shows(client: Client):
    query = {"treaties": "ottawa,ccw-p2a", "date": TODAY, "where": ["ccw-p2a:party", "ottawa:not_party"]}
    page = client.get("/compare/", query)
    export = client.get("/compare.csv", query)
    assert export.status_code == 200
    assert "compare-ottawa-ccw-p2a" in export["Content-Disposition"]
    rows = rows_of(export)
    assert [r["iso3"] for r in rows] == [row.country.iso3 for row in page.context["rows"]]
    assert set(rows[0]) == {"iso3", "country", "ottawa", "ccw-p2a"}
    assert all(r["ccw-p2a"] in {"state_party", "withdrawal_pending"} and r["ottawa"] != "state_party" for r in rows)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"treaties": "ottawa,nope"}, "No treaty nope"),
        ({"treaties": "ottawa", "sort": "ccm"}, "Sort by country or by a compared treaty"),
        ({"treaties": "ottawa", "where": "ccm:party"}, "give a compared treaty"),
        ({"treaties": "ottawa", "where": "ottawa:maybe"}, "give a compared treaty"),
        ({"treaties": "ottawa", "region": "asia"}, "scheme:region"),
        ({"treaties": "ottawa", "forum": "nowhere"}, "No forum"),
        ({"treaties": "ottawa", "date": "1997-02-30"}, "date"),
    ],
)
def test_bad_values_get_a_400_that_says_why(client: Client, query, reason):
    for url in ("/compare/", "/compare.csv"):
        response = client.get(url, query)
        assert response.status_code == 400
        assert reason in response.content.decode()


def test_blank_treaties_compare_the_whole_family_protocols_after_their_parent(client: Client):
    response = client.get("/compare/", {"date": TODAY})
    slugs = [t.slug for t in response.context["comparison"].treaties]
    assert set(slugs) == set(Treaty.objects.values_list("slug", flat=True))
    for treaty in Treaty.objects.filter(parent__isnull=False).select_related("parent"):
        assert slugs.index(treaty.parent.slug) < slugs.index(treaty.slug)


def test_query_count_grows_with_columns_not_rows(client: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6 + 2):
        client.get("/compare/", {"treaties": "ottawa,ccm", "date": TODAY})


def test_treaty_list_shows_every_treaty_with_protocols_under_their_parent(client: Client):
    response = client.get("/treaties/", {"date": TODAY})
    assert response.status_code == 200
    headlines = response.context["headlines"]
    top = {h.treaty.slug for h in headlines}
    assert "ottawa" in top and "ccw" in top and "ccw-p2a" not in top
    ccw = next(h for h in headlines if h.treaty.slug == "ccw")
    assert {"ccw-p2a", "ccw-p4", "ccw-p5", "ccw-art1"} <= {p.treaty.slug for p in ccw.protocols}
    ottawa = next(h for h in headlines if h.treaty.slug == "ottawa")
    own = treaty_status_rows(treaty=ottawa.treaty, on=response.context["on"], count="in_force")
    assert ottawa.counts.parties == sum(r.status.is_party for r in own)


def test_treaty_list_before_a_treaty_existed_says_so(client: Client):
    response = client.get("/treaties/", {"date": "2000-01-01"})
    page = response.content.decode()
    tpnw = next(h for h in response.context["headlines"] if h.treaty.slug == "tpnw")
    assert tpnw.counts is None
    assert "Did not exist yet" in page
