"""load_reference_data on the real shipped record."""

import csv
import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from countries.models import Country, ForumMembership, RegionAssignment
from treaties.choices import EventKind, LegalStatus
from treaties.models import StatusEvent, Treaty
from treaties.selectors import status_counts, treaty_status_rows

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


def history_rows() -> int:
    models = [Country, ForumMembership, RegionAssignment, StatusEvent, Treaty]
    return sum(m.history.count() for m in models)


def test_second_run_writes_nothing(reference_data):
    before = history_rows()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "nothing to load" in out.getvalue()
    assert history_rows() == before


def test_forced_second_run_compares_every_row_and_writes_nothing(reference_data):
    before = history_rows()
    events = list(StatusEvent.objects.order_by("pk").values())
    out = StringIO()
    call_command("load_reference_data", "--force", stdout=out)
    assert "0 rows written" in out.getvalue()
    assert history_rows() == before
    assert list(StatusEvent.objects.order_by("pk").values()) == events


def test_forced_run_restores_a_changed_row_and_records_it(reference_data):
    event = StatusEvent.objects.get(country__iso3="BFA", kind=EventKind.RATIFICATION)
    StatusEvent.objects.filter(pk=event.pk).update(note="edited")
    call_command("load_reference_data", "--force", stdout=StringIO())
    event.refresh_from_db()
    assert event.note != "edited"
    assert event.history.first().history_change_reason == "load_reference_data"


def test_participants_are_the_197_usual_ones(reference_data):
    today = Country.objects.participants().existing_on(D("2026-11-27"))
    assert today.count() == 197
    assert set(today.filter(iso3__in=["VAT", "PSE", "COK", "NIU"]).values_list("iso3", flat=True)) == {
        "VAT",
        "PSE",
        "COK",
        "NIU",
    }
    assert not Country.objects.get(iso3="GRL").participant
    assert not Country.objects.get(iso3="EUU").participant


def test_former_states_keep_their_dates_and_successors(reference_data):
    yugoslavia = Country.objects.get(iso3="YUG")
    assert yugoslavia.exists_on(D("1997-12-31"))
    assert not yugoslavia.exists_on(D("2004-01-01"))
    scg = Country.objects.get(iso3="SCG")
    assert {s.successor.iso3 for s in scg.successions.all()} == {"SRB", "MNE"}
    assert Country.objects.get(iso3="COD").former_names.filter(name__icontains="Zaire").exists()


def test_serbia_continues_the_accession_of_serbia_and_montenegro(reference_data):
    accession = StatusEvent.objects.get(kind=EventKind.ACCESSION, date=D("2003-09-18"))
    assert accession.country.iso3 == "SCG"
    rows = {
        r.country.iso3: r.status
        for r in treaty_status_rows(treaty=Treaty.objects.get(slug="ottawa"), on=D("2026-11-27"), count="in_force")
    }
    assert rows["SRB"].status == LegalStatus.STATE_PARTY
    assert rows["SRB"].consent_date == D("2003-09-18")


def test_every_event_has_a_source(reference_data):
    assert not StatusEvent.objects.filter(source="").exists()


def counts_from_shared_data(on: datetime.date) -> dict[str, int]:
    """Independent count from the shipped depositary table, with the dates it states."""
    with open("data/ottawa_participants.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    withdrawn = sum(1 for r in rows if r["withdrawal_effective_date"] and D(r["withdrawal_effective_date"]) <= on)
    pending = sum(
        1
        for r in rows
        if r["withdrawal_notice_date"] and D(r["withdrawal_notice_date"]) <= on < D(r["withdrawal_effective_date"])
    )
    consented = sum(1 for r in rows if D(r["consent_date"]) <= on)
    return {"withdrawn": withdrawn, "pending": pending, "party": consented - withdrawn - pending}


def test_status_counts_today_agree_with_the_depositary_table(reference_data):
    on = D("2026-11-27")
    counts = status_counts(
        r.status for r in treaty_status_rows(treaty=Treaty.objects.get(slug="ottawa"), on=on, count="in_force")
    )
    expected = counts_from_shared_data(on)
    assert counts["countries"] == 197
    assert counts["state_party"] == expected["party"] == 161
    assert counts["withdrawn"] == expected["withdrawn"] == 5
    assert counts["withdrawal_pending"] == 0
    assert counts["non_signatory"] == 197 - 166


def test_on_2025_09_01_there_were_165_states_parties_five_of_them_leaving(reference_data):
    counts = status_counts(
        r.status
        for r in treaty_status_rows(treaty=Treaty.objects.get(slug="ottawa"), on=D("2025-09-01"), count="in_force")
    )
    assert counts["parties"] == 165
    assert counts["withdrawal_pending"] == 5


def test_on_2026_02_03_the_depositary_counted_162_parties(reference_data):
    counts = status_counts(
        r.status
        for r in treaty_status_rows(treaty=Treaty.objects.get(slug="ottawa"), on=D("2026-02-03"), count="in_force")
    )
    assert counts["parties"] == 162
