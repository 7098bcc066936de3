"""The shipped obligations and research events, their checks, and the admin."""

import datetime

import pytest
from django.core.management import call_command

from countries.models import Country
from treaties.choices import EventKind, ObligationState
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.selectors.obligations import country_obligations
from treaties.validation import status_event_problems

pytestmark = pytest.mark.django_db
day = datetime.date


def event(iso3: str, kind: str, slug: str, date: datetime.date, **fields) -> StatusEvent:
    return StatusEvent(
        treaty=Treaty.objects.get(slug="ottawa"),
        country=Country.objects.get(iso3=iso3),
        kind=kind,
        value=slug,
        date=date,
        source="https://example.org/meeting-report",
        **fields,
    )


def messages(problems: dict) -> str:
    return " ".join(m for ms in problems.values() for m in ms)


def test_the_shipped_obligations(reference_data):
    shipped = {(o.treaty.slug, o.slug): o for o in Obligation.objects.select_related("treaty")}
    assert len(shipped) == 10
    assert shipped[("ottawa", "mine-clearance")].extendable
    assert not shipped[("ottawa", "stockpile-destruction")].extendable
    assert shipped[("ccm", "stockpile-destruction")].period_count == 96
    annual = shipped[("att", "annual-report")]
    assert (annual.yearly_month, annual.yearly_day) == (5, 31)
    assert shipped[("ottawa", "annual-report")].follows == shipped[("ottawa", "initial-report")]


def test_research_marked_inferred_or_unconfirmed_is_flagged(reference_data):
    ottawa = Treaty.objects.get(slug="ottawa")

    def source(iso3, kind, slug):
        return StatusEvent.objects.get(treaty=ottawa, country__iso3=iso3, kind=kind, value=slug).source

    # Bosnia's new deadline is attributed to the 9MSP by inference; Argentina's grant is inferred.
    assert source("BIH", EventKind.DEADLINE_EXTENDED, "mine-clearance").startswith("recall, unverified")
    assert source("ARG", EventKind.DEADLINE_EXTENDED, "mine-clearance").startswith("recall, unverified")
    # Cape Verde: completed "before 2008-04-02", dated on the source's day.
    assert source("CPV", EventKind.OBLIGATION_MET, "stockpile-destruction").startswith("recall, unverified")
    assert not source("BLR", EventKind.OBLIGATION_MET, "stockpile-destruction").startswith("recall")
    granted = StatusEvent.objects.get(
        treaty=ottawa, country__iso3="BIH", kind=EventKind.DEADLINE_EXTENDED, value="mine-clearance"
    )
    assert (granted.date_precision, granted.effective_date) == ("month", day(2019, 3, 1))


def test_a_second_load_writes_nothing(reference_data):
    obligations = Obligation.history.count()
    events = StatusEvent.history.filter(kind__in=[EventKind.OBLIGATION_MET, EventKind.DEADLINE_EXTENDED]).count()
    call_command("load_reference_data", "--force", verbosity=0)
    assert Obligation.history.count() == obligations
    assert (
        StatusEvent.history.filter(kind__in=[EventKind.OBLIGATION_MET, EventKind.DEADLINE_EXTENDED]).count() == events
    )


def test_an_extension_must_belong_to_an_extendable_obligation(reference_data):
    problems = status_event_problems(
        event(
            "GRC",
            EventKind.DEADLINE_EXTENDED,
            "stockpile-destruction",
            day(2008, 11, 1),
            effective_date=day(2012, 1, 1),
        )
    )
    assert "cannot be extended" in messages(problems)


def test_an_extension_must_move_the_deadline_later(reference_data):
    # Before the 2008 grant, against the original deadline.
    before_original = event(
        "BIH", EventKind.DEADLINE_EXTENDED, "mine-clearance", day(2008, 10, 1), effective_date=day(2009, 2, 1)
    )
    assert "2009-03-01" in messages(status_event_problems(before_original))
    # After the 2008 grant (to 2019-03-01), a later one must go beyond that.
    shorter = event(
        "BIH", EventKind.DEADLINE_EXTENDED, "mine-clearance", day(2012, 12, 5), effective_date=day(2015, 1, 1)
    )
    assert "2019-03-01" in messages(status_event_problems(shorter))
    longer = event(
        "BIH", EventKind.DEADLINE_EXTENDED, "mine-clearance", day(2012, 12, 5), effective_date=day(2021, 1, 1)
    )
    assert status_event_problems(longer) == {}


def test_an_extension_needs_its_new_date(reference_data):
    problems = status_event_problems(event("BIH", EventKind.DEADLINE_EXTENDED, "mine-clearance", day(2012, 12, 5)))
    assert "effective_date" in problems


def test_the_obligation_must_be_the_treaty_s(reference_data):
    problems = status_event_problems(event("BIH", EventKind.OBLIGATION_MET, "clearance", day(2012, 12, 5)))
    assert "stockpile-destruction" in " ".join(problems["value"])


def test_met_before_entry_into_force_is_met_on_joining(reference_data):
    destroyed = event("LKA", EventKind.OBLIGATION_MET, "initial-report", day(2018, 3, 1))
    assert status_event_problems(destroyed) == {}
    destroyed.save()
    rows = country_obligations(country=Country.objects.get(iso3="LKA"), on=day(2018, 7, 1))
    found = next(r for r in rows if r.obligation.treaty.slug == "ottawa" and r.obligation.slug == "initial-report")
    assert (found.standing.state, found.standing.met_date) == (ObligationState.MET, day(2018, 6, 1))


def test_editors_edit_obligations_in_the_admin(editor_client, reference_data):
    obligation = Obligation.objects.get(treaty__slug="ottawa", slug="mine-clearance")
    assert editor_client.get("/admin/treaties/obligation/").status_code == 200
    assert editor_client.get(f"/admin/treaties/obligation/{obligation.pk}/change/").status_code == 200
