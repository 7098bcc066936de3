"""The read API answers what the pages and CSV files answer, in JSON, with the date asked and the data version."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def csv_statuses(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    return {row["iso3"]: row["status"] for row in rows}


def test_depositary_day_gives_162_states_parties(api, reference_data):
    body = api.get("/api/v1/treaties/ottawa/status/?date=2026-02-03&count=deposit").json()
    assert body["date"] == "2026-02-03"
    assert body["count"] == "deposit"
    assert body["treaty"] == "ottawa"
    assert isinstance(body["data_version"], str) and body["data_version"]
    assert body["counts"]["parties"] == 162


@pytest.mark.parametrize("on", ["1999-03-01", "2010-12-30", "2026-02-03"])
def test_status_is_the_csv_of_the_same_day(api, client, reference_data, on):
    body = api.get(f"/api/v1/treaties/ottawa/status/?date={on}").json()
    from_api = {row["iso3"]: row["status"] for row in body["results"]}
    assert from_api == csv_statuses(client, f"/treaties/ottawa/status.csv?date={on}")
    assert len(from_api) > 150


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/treaties/ottawa/status/?date=2026-13-01", "date"),
        ("/api/v1/treaties/ottawa/status/?date=1800-01-01", "date"),
        ("/api/v1/treaties/ottawa/summaries/?count=maybe", "count"),
        ("/api/v1/treaties/ottawa/summaries/?scheme=nowhere", "scheme"),
        ("/api/v1/treaties/ottawa/series/?scheme=forums&group=nowhere", "group"),
        ("/api/v1/compare/?treaties=ottawa,nothing", "treaties"),
        ("/api/v1/events/?kind=nonsense", "kind"),
        ("/api/v1/events/?date_after=yesterday", "date_after"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(api, reference_data, url, field):
    response = api.get(url)
    assert response.status_code == 400
    assert response.json()[field]


def test_treaties_carry_rules_and_parent(api, reference_data):
    body = api.get("/api/v1/treaties/").json()
    by_slug = {t["slug"]: t for t in body["results"]}
    assert by_slug["ottawa"]["rules"]["late_eif_unit"]
    assert by_slug["ccw-p2a"]["parent"] == "ccw"
    assert "ccw-p2a" in by_slug["ccw"]["protocols"]
    assert body["date"] is None


def test_country_has_codes_regions_and_seats(api, reference_data):
    body = api.get("/api/v1/countries/can/").json()["results"]
    assert (body["iso3"], body["iso2"]) == ("CAN", "CA")
    assert any(r["scheme"] == "m49" for r in body["regions"])
    assert body["forum_seats"]


def test_summaries_world_regions_forums_and_series(api, reference_data):
    world = api.get("/api/v1/treaties/ottawa/summaries/?date=2010-12-31").json()
    assert world["results"][0]["key"] == "world"
    regions = api.get("/api/v1/treaties/ottawa/summaries/?date=2010-12-31&scheme=m49").json()["results"]
    assert sum(r["countries"] for r in regions) == world["results"][0]["countries"]
    forums = api.get("/api/v1/treaties/ottawa/summaries/?scheme=forums").json()["results"]
    assert forums
    assert api.get("/api/v1/treaties/ottawa/series/").status_code == 200


def test_compare_matrix(api, reference_data):
    body = api.get("/api/v1/compare/?treaties=ottawa,ccm&date=2020-01-01&where=ottawa:not_party").json()
    assert [c["treaty"] for c in body["columns"]] == ["ottawa", "ccm"]
    assert body["results"]
    assert all(row["cells"][0]["status"] not in ("state_party", "withdrawal_pending") for row in body["results"])


def test_events_filtered_and_paged_by_cursor(api, reference_data):
    body = api.get("/api/v1/events/?treaty=ottawa&country=CAN").json()
    assert body["results"]
    assert {e["country"] for e in body["results"]} == {"CAN"}
    first = api.get("/api/v1/events/?treaty=ottawa").json()
    assert len(first["results"]) == 100
    second = api.get(first["next"]).json()
    assert second["results"][0]["id"] not in {e["id"] for e in first["results"]}


def test_schemes_and_forums(api, reference_data):
    schemes = api.get("/api/v1/schemes/").json()["results"]
    m49 = next(s for s in schemes if s["slug"] == "m49")
    assert any("CAN" in region["countries"] for region in m49["regions"])
    forums = api.get("/api/v1/forums/").json()["results"]
    assert any(f["memberships"] for f in forums)
