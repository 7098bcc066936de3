"""The event filters as a person uses them: "All …" left blank, file names after the filters, `names=1`, the 400 form.

Runs on SQLite and on PostgreSQL (DATABASE_URL), where `/events.csv` normally streams COPY output.
"""

import csv
import datetime
import io
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from ottawa_tracker.csvio import MAX_FILENAME, export_filename
from treaties.choices import CONSENT_KINDS, EventKind
from treaties.models import StatusEvent

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
HEADER = ["iso3", "treaty", "kind", "value", "date", "effective_date", "end_date", "source", "note", "date_precision"]
# What the page's form sends when a person picks only a kind and leaves every menu at "All …".
BLANK_MENUS = "q=&treaty=&country=&region=&forum=&date_after=&date_before="


def download(client, query: str) -> tuple[str, list[list[str]]]:
    response = client.get(f"/events.csv?{query}")
    assert response.status_code == 200, response.content[:500]
    name = re.fullmatch(r'attachment; filename="(.+)"', response["Content-Disposition"]).group(1)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    return name, rows


# 1. An empty value means "no filter".


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        (f"{BLANK_MENUS}&kind=signature", "kind=signature"),
        (f"{BLANK_MENUS}&date_after=1998-01-01&date_before=1998-12-31", "date_after=1998-01-01&date_before=1998-12-31"),
        (BLANK_MENUS, ""),
        ("treaty=&treaty=ottawa&country=%20&kind=&kind=accession", "treaty=ottawa&kind=accession"),
        ("treaty_id=&country_id=&region_id=&forum_id=", ""),
    ],
)
def test_blank_menus_mean_no_filter_on_the_page_and_in_the_file(client, reference_data, sent, meant):
    page = client.get(f"/events/?{sent}")
    assert page.status_code == 200, page.content[:500]
    expected = client.get(f"/events/?{meant}")
    assert page.context["paginator"].count == expected.context["paginator"].count > 0
    assert page.context["query"] == meant  # what links keep: the filters, no empty values
    _, rows = download(client, sent)
    _, same = download(client, meant)
    assert rows == same and len(rows) - 1 == page.context["paginator"].count


def test_links_keep_the_filters_without_empty_values(client, reference_data):
    page = client.get(f"/events/?{BLANK_MENUS}&kind=signature&kind=ratification&page=2")
    html = page.content.decode()
    assert 'href="/events.csv?kind=signature&amp;kind=ratification"' in html
    assert 'href="/events.csv?kind=signature&amp;kind=ratification&amp;bom=1"' in html
    assert 'href="/events.csv?kind=signature&amp;kind=ratification&amp;names=1"' in html
    assert 'href="?kind=signature&amp;kind=ratification&amp;page=1"' in html
    assert "treaty=&" not in html and "=&amp;" not in html
    # The menus left at "All" are shown as such, not as a multiple selection.
    assert '<select id="id_treaty" name="treaty">' in html


# 7. File names say what the filters chose.


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (
            "treaty=ottawa&region=m49:africa&kind=ratification&date_after=1998-01-01&date_before=2000-12-31",
            "ottawa-events-africa-ratification-1998-01-01-to-2000-12-31.csv",
        ),
        ("country=can&country=NOR&kind=withdrawal_notice", "all-events-can-nor-withdrawal-notice-{today}.csv"),
        ("forum=cd&date_before=1999-03-01", "all-events-cd-until-1999-03-01.csv"),
        ("treaty=ottawa&date_after=2020-01-01", "ottawa-events-2020-01-01-to-{today}.csv"),
        ("q=Côte d'Ivoire/../x", "all-events-search-cote-d-ivoire-x-{today}.csv"),
        (f"{BLANK_MENUS}&kind=signature", "all-events-signature-{today}.csv"),
    ],
)
def test_the_file_is_named_after_its_filters(client, reference_data, query, name):
    got, _ = download(client, query)
    assert got == name.format(today=timezone.localdate().isoformat())


def test_a_file_name_is_safe_and_bounded(client, reference_data):
    countries = "&".join(f"country={c}" for c in StatusEvent.objects.values_list("country__iso3", flat=True)[:80])
    got, _ = download(client, f"{countries}&date_after=1998-01-01&date_before=2000-12-31")
    assert len(got) <= MAX_FILENAME
    assert got.endswith("-1998-01-01-to-2000-12-31.csv")  # the dates survive the cut
    assert re.fullmatch(r"[a-z0-9-]+\.csv", got)


def test_export_filename_slugifies_and_bounds():
    assert export_filename("ottawa", "status", on=D("2026-11-27")) == "ottawa-status-2026-11-27.csv"
    assert export_filename("Ünïcode / ..", "a_b", "", on=None) == "unicode-a-b.csv"
    assert export_filename('"; rm -rf', on="x") == "rm-rf-x.csv"
    assert export_filename("", on=None) == "export.csv"
    long = export_filename("x" * 500, on=D("2026-11-27"))
    assert len(long) == MAX_FILENAME and long.endswith("x-2026-11-27.csv")


# 7. `names=1`: the country's name and a consent's entry into force, after the import columns.


def test_names_appends_two_columns_and_keeps_the_import_columns(client, reference_data):
    _, plain = download(client, "treaty=ottawa")
    _, named = download(client, "treaty=ottawa&names=1")
    assert plain[0] == HEADER
    assert named[0] == [*HEADER, "country_name", "in_force_date"]
    assert [row[: len(HEADER)] for row in named] == plain  # the same rows, the same cells, the same order
    by_country = {(row[0], row[2]): row for row in named[1:]}
    assert by_country["CAN", "ratification"][-2:] == ["Canada", "1999-03-01"]  # before the 40th: the treaty's EIF
    assert by_country["CAN", "signature"][-2:] == ["Canada", ""]  # not a consent: no entry into force


def test_names_computes_a_later_consent_by_the_treaty_rule(client, reference_data):
    late = (
        StatusEvent.objects.filter(treaty__slug="ottawa", kind__in=CONSENT_KINDS, date__gt=D("1999-03-01"))
        .exclude(kind=EventKind.SUCCESSION)
        .filter(effective_date__isnull=True)
        .select_related("country")
        .order_by("date")
        .first()
    )
    month = late.date.year * 12 + late.date.month - 1 + 6  # Ottawa art. 17(2): the first day of the sixth month
    expected = datetime.date(month // 12, month % 12 + 1, 1)
    _, rows = download(client, f"country={late.country.iso3}&kind={late.kind}&names=1")
    assert rows[1][-2:] == [late.country.name, expected.isoformat()]


@pytest.mark.parametrize("copy", [True, False])
def test_names_takes_the_python_path_and_default_columns_stay_put(client, reference_data, copy):
    """On PostgreSQL the default file comes from COPY; `names=1` from Python. Both agree on the import columns."""
    with override_settings(EVENT_EXPORT_COPY=copy):
        _, plain = download(client, "region=m49:africa")
        _, named = download(client, "region=m49:africa&names=1")
    assert plain[0] == HEADER
    assert [row[: len(HEADER)] for row in named] == plain


def test_only_names_1_adds_columns(client, reference_data):
    for value in ("0", "yes", ""):
        _, rows = download(client, f"country=CAN&names={value}")
        assert rows[0] == HEADER


# 12. A value that cannot be read: the 400 page offers the form again, filled with it, the reason under it.


def test_a_bad_date_shows_the_form_with_the_value_and_the_reason(client, reference_data):
    response = client.get("/regions/?scheme=un-groups&date=2026-13-45&sort=-name")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<input type="text" id="id_date" name="date" value="2026-13-45"[^>]*aria-invalid="true"', html)
    assert '<small class="error" id="id_date_error">Enter a valid date.</small>' in html
    assert '<input type="hidden" name="scheme" value="un-groups">' in html  # the rest of the view is kept
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert '<select id="id_count" name="count">' in html


def test_a_bad_event_filter_shows_the_field_and_keeps_the_others(client, reference_data):
    response = client.get("/events/?date_after=1998-02-30&kind=signature&treaty=&page=3")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<input type="text" id="id_date_after" name="date_after" value="1998-02-30"' in html
    assert 'id="id_date_after_error"' in html
    assert '<input type="hidden" name="kind" value="signature">' in html
    assert 'name="page"' not in html and 'name="treaty"' not in html
    assert '<button type="submit">Filter</button>' in html


def test_a_bad_menu_value_offers_the_menu(client, reference_data):
    response = client.get("/events.csv?country=ZZZ&kind=signature")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<select id="id_country" name="country" aria-invalid="true"' in html
    assert '<option value="CAN">Canada</option>' in html
    assert "ZZZ" in html  # in the reason: "Select a valid choice. ZZZ is not one of the available choices."


def test_a_huge_bad_value_is_cut_short(client, reference_data):
    response = client.get("/", {"date": "9" * 10_000})
    assert response.status_code == 400
    assert "9" * 41 not in response.content.decode()


# 13. The favicon.


def test_favicon_is_shipped_and_linked(client, reference_data):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


@pytest.mark.parametrize("name", ["treaty_id", "country_id", "region_id", "forum_id"])
@pytest.mark.parametrize("url", ["/events/", "/events.csv"])
def test_an_id_no_column_can_hold_is_an_unknown_choice_not_a_500(client, reference_data, url, name):
    """SQLite raised OverflowError on such an id (found by the API's schemathesis run)."""
    response = client.get(url, {name: "99999999999999999999"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
