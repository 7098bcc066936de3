"""The regional and forum dashboards and their country lists, on the real record."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_regional_dashboard_rows_add_up_to_all_participants(client, reference_data):
    response = client.get("/regions/", {"scheme": "un-groups", "date": "2026-11-27"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[-1].is_no_region and rows[-1].label == "(no region)"
    assert sum(r.countries for r in rows) == 197
    no_region = rows[-1]
    assert no_region.countries == 4  # Holy See, State of Palestine, Cook Islands, Niue
    assert sum(r.withdrawn for r in rows) == 5


def test_regional_dashboard_m49_has_the_five_regions(client, reference_data):
    rows = client.get("/regions/", {"date": "2026-11-27"}).context["rows"]
    assert [r.label for r in rows][:5] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    europe = next(r for r in rows if r.label == "Europe")
    assert europe.withdrawn == 5


def test_regional_dashboard_sorts_by_share(client, reference_data):
    rows = client.get("/regions/", {"scheme": "un-groups", "sort": "-share"}).context["rows"]
    shares = [r.on_board_share for r in rows[:-1]]
    assert shares == sorted(shares, reverse=True)


def test_region_links_keep_the_view_state(client, reference_data):
    content = client.get("/regions/", {"scheme": "m49", "date": "1997-12-31", "count": "deposit"}).content.decode()
    assert "/regions/m49/asia/?treaty=ottawa&amp;date=1997-12-31&amp;count=deposit" in content


def test_region_page_lists_its_countries(client, reference_data):
    response = client.get("/regions/un-groups/no-region/", {"date": "2026-11-27"})
    assert response.status_code == 200
    assert {r.country.iso3 for r in response.context["rows"]} == {"VAT", "PSE", "COK", "NIU"}


def test_region_country_list_csv(client, reference_data):
    rows = csv_rows(client.get("/regions/m49/europe/countries.csv", {"date": "2026-11-27"}))
    assert {r["region"] for r in rows} == {"Europe"}
    assert {r["iso3"] for r in rows if r["status"] == "withdrawn"} == {"EST", "LVA", "LTU", "FIN", "POL"}


def test_cd_had_61_members_in_1997(client, reference_data):
    response = client.get("/forums/cd/", {"date": "1997-12-31"})
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["countries"] == 61
    assert "Of the 61 members of the Conference on Disarmament on 1997-12-31" in response.content.decode()
    members = {r.country.iso3 for r in response.context["members"].rows}
    assert "YUG" in members and "SRB" not in members


def test_cd_has_65_members_now(client, reference_data):
    counts = client.get("/forums/cd/", {"date": "2026-11-27"}).context["counts"]
    assert counts["countries"] == 65


def test_arf_lists_the_eu_but_never_counts_it(client, reference_data):
    response = client.get("/forums/arf/", {"date": "2026-11-27"})
    members = response.context["members"]
    assert [seat.country.name for seat in members.not_counted] == ["European Union"]
    assert "EUU" not in {r.country.iso3 for r in members.rows}


def test_forum_member_csv(client, reference_data):
    rows = csv_rows(client.get("/forums/cd/members.csv", {"date": "1997-12-31"}))
    assert len([r for r in rows if r["role"] == "member"]) == 61
    assert rows[0].keys() >= {"forum", "role", "iso3", "status", "on_board"}


def test_forum_dashboard_has_every_forum(client, reference_data):
    rows = client.get("/forums/", {"date": "1997-12-31"}).context["rows"]
    by_slug = {r.forum.slug: r for r in rows}
    assert set(by_slug) == {"cd", "arf", "asean", "osce", "oas", "commonwealth", "oif"}
    assert by_slug["cd"].countries == 61


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/regions/?scheme=nope", 404),
        ("/regions/?treaty=nope", 404),
        ("/regions/?date=31/12/1997", 400),
        ("/regions/?sort=colour", 400),
        ("/regions/m49/nowhere/", 404),
        ("/regions/nope/asia/", 404),
        ("/forums/?count=both", 400),
        ("/forums/nope/", 404),
        ("/forums/cd/?date=1997-02-30", 400),
        ("/forums/cd/members.csv?treaty=nope", 404),
        ("/regions/m49/asia/countries.csv?date=x", 400),
    ],
)
def test_bad_parameters_get_a_clear_page(client, reference_data, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize("date", ["1997-12-31", "2004-06-01", "2025-09-01", "2026-11-27"])
def test_forum_dashboard_agrees_with_each_forum_page(client, reference_data, date):
    rows = client.get("/forums/", {"date": date}).context["rows"]
    for row in rows:
        counts = client.get(f"/forums/{row.forum.slug}/", {"date": date}).context["counts"]
        assert (row.countries, row.parties, row.on_board) == (
            counts["countries"],
            counts["parties"],
            counts["on_board"],
        )


@pytest.mark.parametrize("scheme", ["m49", "m49-subregions", "un-groups"])
def test_regional_dashboard_agrees_with_each_region_page(client, reference_data, scheme):
    rows = client.get("/regions/", {"scheme": scheme, "date": "1999-03-01"}).context["rows"]
    for row in rows:
        slug = row.region.slug if row.region else "no-region"
        counts = client.get(f"/regions/{scheme}/{slug}/", {"date": "1999-03-01"}).context["counts"]
        assert (row.countries, row.parties, row.on_board) == (
            counts["countries"],
            counts["parties"],
            counts["on_board"],
        )


def test_dashboards_say_when_figures_were_computed(client, reference_data):
    stored = client.get("/regions/", {"date": "2020-12-31"}).content.decode()
    assert "Summaries computed" in stored
    on_demand = client.get("/regions/", {"date": "2020-12-30"}).content.decode()
    assert "worked out on demand" in on_demand


def test_overview_draws_states_parties_over_time(client, reference_data):
    response = client.get("/", {"date": "2026-11-27"})
    chart = response.context["chart"]
    assert chart.count("<path") == 2
    yearly = response.context["yearly"]
    by_date = {row.date.isoformat(): row for row in yearly}
    assert by_date["1999-12-31"].parties > 0
    assert by_date["1998-12-31"].parties == 0
    assert "The figures behind the chart" in response.content.decode()


def test_series_csv_world(client, reference_data):
    rows = csv_rows(client.get("/treaties/ottawa/series.csv"))
    assert rows[0].keys() >= {"date", "grouping", "group", "countries", "parties", "on_board", "on_board_share"}
    by_date = {r["date"]: r for r in rows}
    assert by_date["1998-12-31"]["parties"] == "0"
    assert by_date["2025-12-31"]["withdrawn"] == "3"  # Estonia, Latvia, Lithuania on 27 December
    assert {r["grouping"] for r in rows} == {"world"}


def test_series_csv_by_scheme_and_forum(client, reference_data):
    groups = csv_rows(client.get("/treaties/ottawa/series.csv", {"scheme": "un-groups", "count": "deposit"}))
    assert {r["group"] for r in groups} >= {"African Group", "(no region)"}
    forums = csv_rows(client.get("/treaties/ottawa/series.csv", {"scheme": "forums"}))
    cd_1997 = next(r for r in forums if r["group"] == "cd" and r["date"] == "1997-12-31")
    assert cd_1997["countries"] == "61"


@pytest.mark.parametrize("params", [{"scheme": "nope"}, {"scheme": "x\x00"}])
def test_series_csv_unknown_scheme_is_404(client, reference_data, params):
    assert client.get("/treaties/ottawa/series.csv", params).status_code == 404
