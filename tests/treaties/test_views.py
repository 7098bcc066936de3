"""The treaty status table and its CSV, end to end on the real record."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from treaties.choices import LegalStatus

pytestmark = pytest.mark.django_db
HEADER = [
    "iso3",
    "country",
    "status",
    "on_board",
    "signature_date",
    "consent_kind",
    "consent_date",
    "in_force_date",
    "withdrawal_notice_date",
    "withdrawal_effective_date",
]


def status_csv(client, **params) -> list[dict[str, str]]:
    response = client.get("/treaties/ottawa/status.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(body))
    assert reader.fieldnames == HEADER
    return list(reader)


def by_status(rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def test_status_csv_today_has_one_row_per_participant(client, reference_data):
    rows = status_csv(client, date="2026-11-27")
    assert len(rows) == 197
    assert len({r["iso3"] for r in rows}) == 197
    assert by_status(rows) == {"state_party": 161, "withdrawn": 5, "non_signatory": 31}
    poland = next(r for r in rows if r["iso3"] == "POL")
    assert poland == {
        "iso3": "POL",
        "country": "Poland",
        "status": "withdrawn",
        "on_board": "false",
        "signature_date": "1997-12-04",
        "consent_kind": "ratification",
        "consent_date": "2012-12-27",
        "in_force_date": "2013-06-01",
        "withdrawal_notice_date": "2025-08-20",
        "withdrawal_effective_date": "2026-02-20",
    }


def test_no_state_party_the_day_before_entry_into_force(client, reference_data):
    rows = status_csv(client, date="1999-02-28")
    assert LegalStatus.STATE_PARTY not in by_status(rows)
    assert by_status(rows)["consented_not_in_force"] == 67


def test_first_states_parties_on_entry_into_force(client, reference_data):
    rows = status_csv(client, date="1999-03-01")
    parties = {r["iso3"] for r in rows if r["status"] == "state_party"}
    assert len(parties) == 45
    assert {"BFA", "CAN", "IRL", "MUS"} <= parties


def test_count_deposit_counts_from_deposit(client, reference_data):
    rows = status_csv(client, date="1999-02-28", count="deposit")
    assert by_status(rows)["state_party"] == 67
    assert "consented_not_in_force" not in by_status(rows)


def test_in_december_1997_yugoslavia_is_counted_and_serbia_is_not(client, reference_data):
    rows = status_csv(client, date="1997-12-31")
    codes = {r["iso3"] for r in rows}
    assert "YUG" in codes
    assert not {"SRB", "MNE", "SSD", "TLS"} & codes
    assert len(rows) == 194


def test_status_csv_names_the_file_after_treaty_what_and_date(client, reference_data):
    response = client.get("/treaties/ottawa/status.csv", {"date": "2026-11-27"})
    assert response["Content-Disposition"] == 'attachment; filename="ottawa-status-2026-11-27.csv"'


def test_status_csv_bom_on_request(client, reference_data):
    response = client.get("/treaties/ottawa/status.csv", {"date": "2026-11-27", "bom": "1"})
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())


def test_treaty_page_shows_the_table(client, reference_data):
    response = client.get("/treaties/ottawa/", {"date": "2025-09-01"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Burkina Faso" in content
    assert "Withdrawal pending" in content
    assert "?date=2025-09-01&amp;count=in_force" in content


@pytest.mark.parametrize(
    "params",
    [{"date": "1999-13-01"}, {"date": "yesterday"}, {"count": "sometimes"}, {"date": "0001-01-01"}],
)
@pytest.mark.parametrize("url", ["/", "/treaties/ottawa/", "/treaties/ottawa/status.csv"])
def test_bad_parameters_get_a_clear_400(client, reference_data, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert b"cannot read" in response.content


@pytest.mark.parametrize("url", ["/treaties/nope/", "/treaties/nope/status.csv"])
def test_unknown_treaty_is_404(client, reference_data, url):
    assert client.get(url).status_code == 404


def test_date_defaults_to_today(client, reference_data):
    response = client.get("/treaties/ottawa/status.csv")
    today = timezone.localdate().isoformat()
    assert today in response["Content-Disposition"]


def test_home_shows_headline_counts(client, reference_data):
    response = client.get("/", {"date": "2025-09-01"})
    assert response.status_code == 200
    assert response.context["counts"].parties == 165


def test_formula_cells_are_neutralised():
    from ottawa_tracker.csvio import cell

    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("-2+3") == "'-2+3"
    assert cell("@SUM") == "'@SUM"
    assert cell("\tx") == "'\tx"
    assert cell(-5) == -5
    assert cell(datetime.date(2020, 1, 2)) == "2020-01-02"
    assert cell("Côte d'Ivoire") == "Côte d'Ivoire"


def test_treaty_table_sorts_by_consent_descending(client, reference_data):
    response = client.get("/treaties/ottawa/", {"date": "2026-11-27", "sort": "-consent"})
    rows = response.context["rows"]
    dates = [r.status.consent_date for r in rows if r.status.consent_date]
    assert dates == sorted(dates, reverse=True)
    assert rows[0].country.iso3 == "TON"  # Tonga, the last to consent (accession, 2025-06-25)
    assert rows[-1].status.consent_date is None
    assert 'aria-sort="descending"' in response.content.decode()


def test_treaty_table_sort_links_keep_the_date(client, reference_data):
    content = client.get("/treaties/ottawa/", {"date": "1999-03-01", "count": "deposit"}).content.decode()
    assert "?date=1999-03-01&amp;count=deposit&amp;sort=status" in content


def test_unknown_sort_is_a_400(client, reference_data):
    assert client.get("/treaties/ottawa/", {"sort": "colour"}).status_code == 400


def test_map_colours_every_drawn_participant(client, reference_data):
    response = client.get("/treaties/ottawa/map.svg", {"date": "2026-11-27"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.count('class="s-withdrawn"') == 5
    assert "Poland: Withdrawn" in svg
    assert "Greenland: not counted on this date" in svg
    assert "/countries/CAN/?date=2026-11-27&amp;count=in_force" in svg


def test_map_in_1997_shows_serbia_as_part_of_yugoslavia(client, reference_data):
    svg = client.get("/treaties/ottawa/map.svg", {"date": "1997-12-31"}).content.decode()
    assert "Serbia: Non-signatory (as part of Yugoslavia)" in svg
    assert "Canada: Consented, not yet in force" in svg


def test_overview_lists_latest_changes_with_sources(client, reference_data):
    response = client.get("/", {"date": "2026-11-27"})
    latest = response.context["latest"]
    assert latest[0].country.iso3 == "POL" or latest[0].date >= latest[-1].date
    assert "treaties.un.org" in response.content.decode()
    assert [item.count for item in response.context["legend"]] == [161, 0, 0, 0, 5, 31]


def test_country_profile(client, reference_data):
    response = client.get("/countries/SRB/", {"date": "2026-11-27"})
    assert response.status_code == 200
    profile = response.context["profile"]
    standing = next(s for s in profile.standings if s.treaty.slug == "ottawa")
    assert standing.status.status == LegalStatus.STATE_PARTY
    content = response.content.decode()
    assert "as Serbia and Montenegro" in content
    assert "Continues" in content and "Serbia and Montenegro" in content


def test_country_profile_of_a_former_state_on_a_later_date(client, reference_data):
    response = client.get("/countries/yug/", {"date": "2026-11-27"})
    assert response.status_code == 200
    assert "did not exist on 2026-11-27" in response.content.decode()


def test_country_profile_unknown_is_404(client, reference_data):
    assert client.get("/countries/XXX/").status_code == 404
