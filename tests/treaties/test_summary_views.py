"""`/regions.csv`, `/forums.csv` and the summary on the treaty page, end to end on the real record."""

import csv
import io

import pytest
from django.utils import timezone

from countries.models import Country, ForumMembership, RegionAssignment
from treaties import services
from treaties.choices import EventKind, LegalStatus
from treaties.models import SummaryMark, Treaty
from treaties.selectors import treaty_status_rows, world_summary
from treaties.services import summaries as summary_services

pytestmark = pytest.mark.django_db
FIGURES = [
    "countries",
    "parties",
    "state_party",
    "consented_not_in_force",
    "signatory",
    "withdrawal_pending",
    "withdrawn",
    "non_signatory",
    "on_board",
    "on_board_share",
]


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def read_csv(client, url: str, header: list[str], **params) -> list[dict[str, str]]:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert reader.fieldnames == header
    return list(reader)


def regions(client, **params):
    return read_csv(client, "/regions.csv", ["scheme", "region", *FIGURES], **params)


def forums(client, **params):
    return read_csv(client, "/forums.csv", ["forum", *FIGURES], **params)


def status_counts_by_iso(treaty, day, count="in_force") -> dict[int, str]:
    return {r.country.pk: r.status for r in treaty_status_rows(treaty=treaty, on=day, count=count)}


@pytest.mark.parametrize("date", ["2025-09-01", "2010-12-31", "1997-12-31"])
@pytest.mark.parametrize("scheme", ["m49", "m49-subregions", "un-groups"])
def test_regions_csv_rows_add_up_to_the_status_table(client, ottawa, scheme, date):
    rows = regions(client, scheme=scheme, date=date)
    statuses = status_counts_by_iso(ottawa, timezone.datetime.fromisoformat(date).date())
    assert {r["scheme"] for r in rows} == {scheme}
    assert sum(int(r["countries"]) for r in rows) == len(statuses)
    assert sum(int(r["parties"]) for r in rows) == sum(s.is_party for s in statuses.values())
    assert sum(int(r["on_board"]) for r in rows) == sum(s.on_board for s in statuses.values())
    assigned = RegionAssignment.objects.filter(scheme__slug=scheme)
    for row in rows:
        if row["region"] == "(no region)":
            members = set(statuses) - set(assigned.values_list("country_id", flat=True))
        else:
            members = set(statuses) & set(
                assigned.filter(region__name=row["region"]).values_list("country_id", flat=True)
            )
        assert int(row["countries"]) == len(members), row
        for status in LegalStatus.values:
            assert int(row[status]) == sum(statuses[c].status == status for c in members), (row, status)
        share = int(row["on_board"]) / int(row["countries"]) if members else 0.0
        assert float(row["on_board_share"]) == round(share, 4)


def test_regions_csv_defaults_to_the_default_treaty_m49_today_in_force(client, ottawa):
    response = client.get("/regions.csv")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="ottawa-regions-m49-{today}.csv"'
    rows = regions(client)
    assert [r["region"] for r in rows] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert rows == regions(client, treaty="ottawa", scheme="m49", date=today, count="in_force")


def test_un_groups_count_the_four_non_members_in_a_row_of_their_own(client, ottawa):
    rows = regions(client, scheme="un-groups", date="2025-09-01")
    outside = rows[-1]
    assert outside["region"] == "(no region)"
    expected = {"VAT", "PSE", "COK", "NIU"}
    grouped = set(RegionAssignment.objects.filter(scheme__slug="un-groups").values_list("country__iso3", flat=True))
    participants = set(Country.objects.participants().existing_on(timezone.localdate()).values_list("iso3", flat=True))
    assert participants - grouped == expected
    assert int(outside["countries"]) == len(expected)


def test_forums_csv_counts_members_on_the_date(client, ottawa):
    rows = {r["forum"]: r for r in forums(client, date="1997-12-31")}
    assert set(rows) == {"cd", "arf", "asean", "osce", "oas", "commonwealth", "oif"}
    day = timezone.datetime(1997, 12, 31).date()
    cd_members = ForumMembership.objects.filter(forum__slug="cd", role="member").active_on(day)
    assert int(rows["cd"]["countries"]) == cd_members.count()
    statuses = status_counts_by_iso(ottawa, day)
    signed = sum(statuses[m.country_id].status == LegalStatus.SIGNATORY for m in cd_members)
    assert int(rows["cd"]["signatory"]) == signed


def test_count_deposit_counts_parties_from_deposit(client, ottawa):
    in_force = {r["region"]: r for r in regions(client, date="1999-02-28")}
    deposit = {r["region"]: r for r in regions(client, date="1999-02-28", count="deposit")}
    assert sum(int(r["parties"]) for r in in_force.values()) == 0
    assert sum(int(r["parties"]) for r in deposit.values()) == sum(
        int(r["consented_not_in_force"]) for r in in_force.values()
    )


@pytest.mark.parametrize("url", ["/regions.csv", "/forums.csv"])
@pytest.mark.parametrize("params", [{"date": "1999-13-01"}, {"date": "soon"}, {"count": "sometimes"}])
def test_malformed_parameters_are_a_400(client, ottawa, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert b"cannot read" in response.content


@pytest.mark.parametrize(
    "url, params",
    [("/regions.csv", {"treaty": "nope"}), ("/regions.csv", {"scheme": "nope"}), ("/forums.csv", {"treaty": "nope"})],
)
def test_unknown_treaty_or_scheme_is_a_404(client, ottawa, url, params):
    assert client.get(url, params).status_code == 404


def test_treaty_page_shows_the_summary_and_when_it_was_computed(client, ottawa):
    computed = SummaryMark.objects.get(pk=ottawa.pk).computed_at
    response = client.get("/treaties/ottawa/", {"date": "2025-09-01"})
    content = response.content.decode()
    assert "By region (UN M49 regions)" in content
    assert f"Summaries computed {computed:%Y-%m-%d %H:%M} UTC" in content
    assert "worked out on demand" in content
    assert "A recompute is pending" not in content
    assert "/regions.csv?treaty=ottawa&amp;scheme=m49&amp;date=2025-09-01&amp;count=in_force" in content
    world = world_summary(treaty=ottawa, on=timezone.datetime(2025, 9, 1).date(), count="in_force")
    assert sum(r.countries for r in response.context["region_rows"]) == world.countries


def test_treaty_page_says_a_recompute_is_pending_after_an_edit(client, ottawa):
    usa = Country.objects.get(iso3="USA")
    services.status_event_record(
        treaty=ottawa, country=usa, kind=EventKind.STANCE, value="supporter", date=timezone.localdate(), source="test"
    )
    content = client.get("/treaties/ottawa/").content.decode()
    assert "A recompute is pending" in content
    assert "worked out on demand" not in content  # today is a stored date


def test_stored_figures_answer_while_a_recompute_is_pending(client, ottawa):
    before = regions(client)
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test", wake=False)  # no worker comes
    assert regions(client) == before
