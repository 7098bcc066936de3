"""load_reference_data on the real shipped record."""

import csv
import datetime
import shutil
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from countries.models import Country, ForumMembership, ReferenceDataset, RegionAssignment
from countries.reference import DATA_DIR
from countries.selectors import country_lineage_map
from treaties.choices import EventKind, LegalStatus
from treaties.models import StatusEvent, Treaty
from treaties.reference import reference_treaties_apply
from treaties.selectors import status_counts, treaty_status_rows
from treaties.validation import status_event_problems

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
    event = StatusEvent.objects.get(treaty__slug="ottawa", country__iso3="BFA", kind=EventKind.RATIFICATION)
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
    accession = StatusEvent.objects.get(treaty__slug="ottawa", kind=EventKind.ACCESSION, date=D("2003-09-18"))
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


# The shipped record passes every check a writer faces (issue 8, finding 5) ------------------------


def test_ottawa_closed_for_signature_on_its_entry_into_force(reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")
    assert (ottawa.adopted, ottawa.opened_for_signature, ottawa.signature_closes) == (
        D("1997-09-18"),
        D("1997-12-03"),
        D("1999-03-01"),
    )
    ottawa.full_clean()  # the treaty's own dates, and every recorded act inside them


def test_every_shipped_event_passes_the_checks_of_the_service(reference_data):
    events = list(StatusEvent.objects.select_related("country", "treaty"))
    assert len(events) > 290
    lineage = country_lineage_map()
    by_key = defaultdict(list)
    for event in events:
        by_key[(event.treaty_id, event.country_id)].append(event)
    problems = {}
    for event in events:
        others = [
            other
            for country_id in (event.country_id, *lineage.get(event.country_id, ()))
            for other in by_key[(event.treaty_id, country_id)]
            if other is not event
        ]
        if found := status_event_problems(event, others=others, retracted={}):
            problems[str(event)] = found
    assert problems == {}
    # Every treaty of the family was checked, not only Ottawa.
    family = {"ottawa", "ccm", "att", "tpnw", "ccw", "ccw-p4", "ccw-p2a", "ccw-art1", "ccw-p5"}
    assert {event.treaty.slug for event in events} == set(Treaty.objects.values_list("slug", flat=True)) == family
    signatures = [e.date for e in events if e.kind == EventKind.SIGNATURE and e.treaty.slug == "ottawa"]
    assert len(signatures) == 133
    assert max(signatures) < D("1999-03-01")


def _data_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _rewrite(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    for row in rows:
        change(row)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_an_existing_database_gets_the_signature_period_from_a_plain_run(reference_data):
    """A database loaded before `signature_closes` was shipped: the changed file reloads the treaty."""
    Treaty.objects.filter(slug="ottawa").update(signature_closes=None)
    ReferenceDataset.objects.filter(name="treaty:ottawa").update(fingerprint="before signature_closes")
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "treaty:ottawa" in out.getvalue()
    ottawa = Treaty.objects.get(slug="ottawa")
    assert ottawa.signature_closes == D("1999-03-01")
    assert ottawa.history.first().history_change_reason == "load_reference_data"


def test_a_forced_run_restores_the_signature_period(reference_data):
    Treaty.objects.filter(slug="ottawa").update(signature_closes=None)
    call_command("load_reference_data", stdout=StringIO())  # unchanged files: skipped
    assert Treaty.objects.get(slug="ottawa").signature_closes is None
    call_command("load_reference_data", "--force", stdout=StringIO())
    assert Treaty.objects.get(slug="ottawa").signature_closes == D("1999-03-01")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("signature_closes", "1997-12-03", "signature_closes: The signature period must close after it opened"),
        ("opened_for_signature", "1997-09-01", "opened_for_signature: The treaty cannot open for signature"),
        ("source", "\t ", "source: A source must have visible text"),
    ],
)
def test_the_loader_refuses_a_treaty_with_contradicting_dates(reference_data, tmp_path, column, value, message):
    data = _data_copy(tmp_path)
    _rewrite(data / "treaties.csv", lambda row: row.update({column: value}))
    before = Treaty.objects.get(slug="ottawa")
    with pytest.raises(CommandError) as excinfo:
        reference_treaties_apply(force=True, stats=Counter(), data_dir=data)
    assert f"treaties.csv, treaty ottawa: {message}" in str(excinfo.value)
    assert Treaty.objects.get(slug="ottawa").signature_closes == before.signature_closes


def test_the_loader_refuses_a_shipped_signature_after_the_period_closed(reference_data, tmp_path):
    data = _data_copy(tmp_path)
    _rewrite(
        data / "ottawa_participants.csv",
        lambda row: row.update(signature_date="1999-03-01") if row["iso3"] == "MHL" else None,
    )
    with pytest.raises(CommandError) as excinfo:
        reference_treaties_apply(force=True, stats=Counter(), data_dir=data)
    assert "closed for signature on 1999-03-01; a signature dated 1999-03-01" in str(excinfo.value)


def test_a_retracted_shipped_event_stays_retracted_through_a_reload(reference_data):
    event = StatusEvent.objects.get(treaty__slug="ottawa", country__iso3="BFA", kind=EventKind.RATIFICATION)
    StatusEvent.all_objects.filter(pk=event.pk).update(
        retracted_at=datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), retraction_reason="test"
    )
    call_command("load_reference_data", "--force", stdout=StringIO())
    event = StatusEvent.all_objects.get(pk=event.pk)
    assert event.retracted_at is not None
    assert not StatusEvent.objects.filter(pk=event.pk).exists()  # the default manager hides it
    assert not StatusEvent.objects.filter(
        treaty__slug="ottawa", country__iso3="BFA", kind=EventKind.RATIFICATION
    ).exists()  # and no reloaded copy takes its place
