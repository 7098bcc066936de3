"""The obligations rule on the shipped record: the acceptance points of issue 12."""

import datetime

import pytest

from countries.models import Country
from treaties.choices import EventKind, ObligationClock, ObligationState, PeriodUnit
from treaties.models import Treaty
from treaties.obligations import ObligationAct, ObligationRule, obligation_standing, original_due_date
from treaties.selectors.obligations import country_obligations
from treaties.status import Act, TreatyRule

day = datetime.date


def standing(iso3: str, slug: str, on: datetime.date, treaty: str = "ottawa"):
    rows = country_obligations(country=Country.objects.get(iso3=iso3), on=on)
    found = [r for r in rows if r.obligation.treaty.slug == treaty and r.obligation.slug == slug]
    return found[0].standing if found else None


@pytest.mark.django_db
def test_belarus_stockpile_overdue_then_met_late(reference_data):
    overdue = standing("BLR", "stockpile-destruction", day(2010, 1, 1))
    assert overdue.in_force_date == day(2004, 3, 1)
    assert overdue.due_date == day(2008, 3, 1)
    assert overdue.state == ObligationState.OVERDUE
    met = standing("BLR", "stockpile-destruction", day(2017, 4, 5))
    assert (met.state, met.met_date, met.days_late) == (ObligationState.MET_LATE, day(2017, 4, 5), 3322)
    assert standing("BLR", "stockpile-destruction", day(2017, 4, 4)).state == ObligationState.OVERDUE


@pytest.mark.django_db
def test_bosnia_clearance_extended_by_the_2008_meeting(reference_data):
    found = standing("BIH", "mine-clearance", day(2010, 1, 1))
    assert found.original_due_date == day(2009, 3, 1)
    assert found.due_date == day(2019, 3, 1)
    assert found.state == ObligationState.EXTENDED
    (extension,) = found.extensions
    assert extension.granted == day(2008, 11, 1)
    assert "9MSP 2008" in extension.source
    # Before the meeting granted it, the original deadline was still to come.
    assert standing("BIH", "mine-clearance", day(2008, 6, 1)).state == ObligationState.PENDING


@pytest.mark.django_db
def test_sri_lanka_reports(reference_data):
    initial = standing("LKA", "initial-report", day(2018, 7, 1))
    assert initial.in_force_date == day(2018, 6, 1)
    assert initial.due_date == day(2018, 11, 28)
    assert initial.state == ObligationState.PENDING
    # The annual report: before the first one falls due it is pending on 2019-04-30; then every 30 April.
    assert standing("LKA", "annual-report", day(2018, 12, 1)).due_date == day(2019, 4, 30)
    assert standing("LKA", "annual-report", day(2019, 4, 30)).due_date == day(2019, 4, 30)
    assert standing("LKA", "annual-report", day(2021, 5, 1)).due_date == day(2021, 4, 30)
    assert standing("LKA", "annual-report", day(2021, 4, 29)).due_date == day(2020, 4, 30)


@pytest.mark.django_db
def test_poland_has_no_ottawa_obligation_after_its_withdrawal(reference_data):
    assert standing("POL", "mine-clearance", day(2026, 2, 19)) is not None  # still bound, withdrawal pending
    assert standing("POL", "initial-report", day(2026, 2, 19)).due_date == day(2013, 11, 28)
    poland = Country.objects.get(iso3="POL")
    after = country_obligations(country=poland, on=day(2026, 2, 20))
    assert [r for r in after if r.obligation.treaty.slug == "ottawa"] == []


@pytest.mark.django_db
def test_a_state_not_party_has_no_obligation(reference_data):
    assert standing("USA", "stockpile-destruction", day(2020, 1, 1)) is None
    assert Treaty.objects.get(slug="ottawa").obligations.count() == 4


# The rule alone, on plain values: a State that ratified in time for the treaty's own entry into force.
RULE = TreatyRule(entry_into_force=day(1999, 3, 1), threshold_date=day(1998, 9, 16))
JOINED = [Act(EventKind.SIGNATURE, day(1997, 12, 3)), Act(EventKind.RATIFICATION, day(1998, 1, 1))]
STOCKPILE = ObligationRule("stockpile", ObligationClock.AFTER_ENTRY_INTO_FORCE, PeriodUnit.MONTHS, 48)
INITIAL = ObligationRule("initial", ObligationClock.AFTER_ENTRY_INTO_FORCE, PeriodUnit.DAYS, 180)
ANNUAL = ObligationRule("annual", ObligationClock.YEARLY, yearly_month=4, yearly_day=30, follows=INITIAL)


def test_past_due_with_nothing_recorded_is_unrecorded_unless_the_record_is_complete():
    on = day(2004, 1, 1)
    assert obligation_standing(RULE, STOCKPILE, JOINED, [], on).state == ObligationState.UNRECORDED
    complete = ObligationRule(
        "stockpile", ObligationClock.AFTER_ENTRY_INTO_FORCE, PeriodUnit.MONTHS, 48, complete_record=True
    )
    found = obligation_standing(RULE, complete, JOINED, [], on)
    assert (found.state, found.days_late) == (ObligationState.OVERDUE, (on - day(2003, 3, 1)).days)
    assert obligation_standing(RULE, STOCKPILE, JOINED, [], day(2003, 3, 1)).state == ObligationState.PENDING


def test_not_applicable_and_events_of_other_obligations():
    waived = [ObligationAct(EventKind.OBLIGATION_NOT_APPLICABLE, day(1999, 6, 1), "stockpile", source="no stocks")]
    found = obligation_standing(RULE, STOCKPILE, JOINED, waived, day(2005, 1, 1))
    assert (found.state, found.source) == (ObligationState.NOT_APPLICABLE, "no stocks")
    other = [ObligationAct(EventKind.OBLIGATION_MET, day(2000, 1, 1), "clearance")]
    assert obligation_standing(RULE, STOCKPILE, JOINED, other, day(2002, 1, 1)).state == ObligationState.PENDING


def test_yearly_reports_are_met_one_after_another():
    # Initial report due 1999-08-28; annual reports every 30 April from 2000.
    met = [
        ObligationAct(EventKind.OBLIGATION_MET, day(2000, 4, 20), "annual"),
        ObligationAct(EventKind.OBLIGATION_MET, day(2001, 6, 1), "annual"),
    ]
    assert obligation_standing(RULE, ANNUAL, JOINED, met, day(2000, 5, 1)).state == ObligationState.MET
    late = obligation_standing(RULE, ANNUAL, JOINED, met, day(2001, 6, 2))
    assert (late.due_date, late.state, late.days_late) == (day(2001, 4, 30), ObligationState.MET_LATE, 32)
    missing = obligation_standing(RULE, ANNUAL, JOINED, met, day(2002, 5, 1))
    assert (missing.due_date, missing.state) == (day(2002, 4, 30), ObligationState.OVERDUE)


def test_att_annual_report_falls_due_in_the_year_after_entry_into_force():
    att_annual = ObligationRule("annual", ObligationClock.YEARLY, yearly_month=5, yearly_day=31)
    assert original_due_date(att_annual, day(2014, 12, 24)) == day(2015, 5, 31)
    assert original_due_date(att_annual, day(2015, 3, 1)) == day(2016, 5, 31)
