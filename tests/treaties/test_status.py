"""The status rule, from the treaty text and real cases (no database)."""

import datetime

import pytest

from treaties.choices import CountBasis, EventKind, LegalStatus, PeriodUnit
from treaties.status import (
    Act,
    TreatyRule,
    add_period,
    country_status,
    entry_into_force_date,
    withdrawal_effective_date,
)

D = datetime.date.fromisoformat
OTTAWA = TreatyRule(entry_into_force=D("1999-03-01"), threshold_date=D("1998-09-16"))
# Arms Trade Treaty art. 22: in force on the ninetieth day following deposit.
ATT = TreatyRule(
    entry_into_force=D("2014-12-24"),
    threshold_date=D("2014-09-25"),
    late_unit=PeriodUnit.DAYS,
    late_count=90,
    withdrawal_unit=PeriodUnit.DAYS,
    withdrawal_count=90,
)
NOT_YET_IN_FORCE = TreatyRule(entry_into_force=None, threshold_date=None)


@pytest.mark.parametrize(
    ("deposit", "expected", "case"),
    [
        ("1998-09-16", "1999-03-01", "Burkina Faso, the 40th instrument"),
        ("1997-12-03", "1999-03-01", "Canada, the first, deposited at the signing"),
        ("1998-09-17", "1999-03-01", "after the 40th: first day of the sixth month, March 1999"),
        ("1998-10-01", "1999-04-01", "after the 40th, the next month"),
        ("2017-12-13", "2018-06-01", "art. 17(2): deposit 13 Dec 2017"),
        ("2017-12-29", "2018-06-01", "State of Palestine, 164th State Party"),
        ("2012-12-27", "2013-06-01", "Poland"),
        ("2025-03-12", "2025-09-01", "Marshall Islands, the last signatory"),
        ("2007-07-31", "2008-01-01", "across a year end"),
    ],
)
def test_entry_into_force_follows_article_17(deposit, expected, case):
    assert entry_into_force_date(OTTAWA, D(deposit)) == D(expected), case


def test_recorded_effective_date_wins_for_a_succession():
    # South Sudan deposited on 2011-11-11 with effect from independence on 2011-07-09.
    assert entry_into_force_date(OTTAWA, D("2011-11-11"), recorded=D("2011-07-09")) == D("2011-07-09")


def test_no_entry_into_force_date_before_the_treaty_is_in_force():
    assert entry_into_force_date(NOT_YET_IN_FORCE, D("2020-01-01")) is None


def test_days_rule_counts_the_ninetieth_day():
    assert entry_into_force_date(ATT, D("2015-01-01")) == D("2015-04-01")
    assert entry_into_force_date(ATT, D("2014-09-25")) == D("2014-12-24")


@pytest.mark.parametrize(
    ("notice", "expected", "case"),
    [
        ("2025-06-27", "2025-12-27", "Estonia, Latvia, Lithuania"),
        ("2025-07-10", "2026-01-10", "Finland"),
        ("2025-08-20", "2026-02-20", "Poland"),
        ("2025-08-31", "2026-02-28", "a month without that day: its last day"),
        ("2027-08-31", "2028-02-29", "a leap year"),
    ],
)
def test_withdrawal_takes_effect_six_months_after_receipt(notice, expected, case):
    assert withdrawal_effective_date(OTTAWA, D(notice)) == D(expected), case


def test_recorded_withdrawal_date_wins_when_an_armed_conflict_delays_it():
    assert withdrawal_effective_date(OTTAWA, D("2025-06-30"), recorded=D("2027-01-01")) == D("2027-01-01")


@pytest.mark.parametrize(
    ("unit", "count", "start", "expected"),
    [
        (PeriodUnit.DAYS, 90, "2013-06-03", "2013-09-01"),
        (PeriodUnit.MONTHS, 6, "2025-06-27", "2025-12-27"),
        (PeriodUnit.MONTH_START, 6, "2017-12-13", "2018-06-01"),
        (PeriodUnit.MONTH_START, 6, "2017-12-01", "2018-06-01"),
        (PeriodUnit.MONTHS, 12, "2024-02-29", "2025-02-28"),
    ],
)
def test_add_period(unit, count, start, expected):
    assert add_period(D(start), unit, count) == D(expected)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown period unit"):
        add_period(D("2020-01-01"), "fortnights", 2)


SIGNED_RATIFIED = [Act(EventKind.SIGNATURE, D("1997-12-03")), Act(EventKind.RATIFICATION, D("1998-09-16"))]
BALTIC = [
    Act(EventKind.SIGNATURE, D("1999-02-26")),
    Act(EventKind.RATIFICATION, D("2003-05-12")),
    Act(EventKind.WITHDRAWAL_NOTICE, D("2025-06-27")),
]


@pytest.mark.parametrize(
    ("acts", "on", "count", "expected"),
    [
        ([], "2020-01-01", CountBasis.IN_FORCE, LegalStatus.NON_SIGNATORY),
        (SIGNED_RATIFIED, "1997-12-02", CountBasis.IN_FORCE, LegalStatus.NON_SIGNATORY),
        (SIGNED_RATIFIED, "1997-12-03", CountBasis.IN_FORCE, LegalStatus.SIGNATORY),
        (SIGNED_RATIFIED, "1998-09-16", CountBasis.IN_FORCE, LegalStatus.CONSENTED_NOT_IN_FORCE),
        (SIGNED_RATIFIED, "1999-02-28", CountBasis.IN_FORCE, LegalStatus.CONSENTED_NOT_IN_FORCE),
        (SIGNED_RATIFIED, "1999-02-28", CountBasis.DEPOSIT, LegalStatus.STATE_PARTY),
        (SIGNED_RATIFIED, "1999-03-01", CountBasis.IN_FORCE, LegalStatus.STATE_PARTY),
        (BALTIC, "2025-06-26", CountBasis.IN_FORCE, LegalStatus.STATE_PARTY),
        (BALTIC, "2025-06-27", CountBasis.IN_FORCE, LegalStatus.WITHDRAWAL_PENDING),
        (BALTIC, "2025-12-26", CountBasis.IN_FORCE, LegalStatus.WITHDRAWAL_PENDING),
        (BALTIC, "2025-12-27", CountBasis.IN_FORCE, LegalStatus.WITHDRAWN),
        (BALTIC, "2025-12-27", CountBasis.DEPOSIT, LegalStatus.WITHDRAWN),
    ],
)
def test_status_on_a_date(acts, on, count, expected):
    assert country_status(OTTAWA, acts, D(on), count).status == expected


def test_withdrawal_pending_is_a_party_in_law_but_not_on_board():
    status = country_status(OTTAWA, BALTIC, D("2025-09-01"))
    assert status.is_party
    assert not status.on_board
    assert status.withdrawal_effective_date == D("2025-12-27")


def test_recorded_withdrawal_effective_is_known_before_its_date():
    acts = [*BALTIC, Act(EventKind.WITHDRAWAL_EFFECTIVE, D("2026-06-27"))]
    status = country_status(OTTAWA, acts, D("2026-01-01"))
    assert status.status == LegalStatus.WITHDRAWAL_PENDING
    assert status.withdrawal_effective_date == D("2026-06-27")
    assert country_status(OTTAWA, acts, D("2026-06-27")).status == LegalStatus.WITHDRAWN


def test_a_state_can_leave_and_join_again():
    acts = [
        Act(EventKind.ACCESSION, D("2000-01-10")),
        Act(EventKind.WITHDRAWAL_NOTICE, D("2010-01-10")),
        Act(EventKind.ACCESSION, D("2015-01-10")),
    ]
    assert country_status(OTTAWA, acts, D("2012-01-01")).status == LegalStatus.WITHDRAWN
    rejoined = country_status(OTTAWA, acts, D("2016-01-01"))
    assert rejoined.status == LegalStatus.STATE_PARTY
    assert rejoined.withdrawal_notice_date is None
    assert rejoined.in_force_date == D("2015-07-01")


def test_withdrawing_consent_only_leaves_a_signatory():
    # Russia revoked its CTBT ratification in 2023 and stays a signatory.
    acts = [
        Act(EventKind.SIGNATURE, D("1998-01-01")),
        Act(EventKind.RATIFICATION, D("2000-06-30")),
        Act(EventKind.WITHDRAWAL_NOTICE, D("2023-11-02"), value="consent", effective_date=D("2023-11-02")),
    ]
    status = country_status(OTTAWA, acts, D("2024-01-01"))
    assert status.status == LegalStatus.SIGNATORY
    assert not status.on_board


def test_succession_takes_effect_from_independence_once_deposited():
    acts = [Act(EventKind.SUCCESSION, D("2011-11-11"), effective_date=D("2011-07-09"))]
    assert country_status(OTTAWA, acts, D("2011-08-01")).status == LegalStatus.NON_SIGNATORY
    status = country_status(OTTAWA, acts, D("2011-11-11"))
    assert status.status == LegalStatus.STATE_PARTY
    assert status.in_force_date == D("2011-07-09")


def test_treaty_not_in_force_leaves_consent_pending():
    acts = [Act(EventKind.ACCESSION, D("2020-01-01"))]
    assert country_status(NOT_YET_IN_FORCE, acts, D("2024-01-01")).status == LegalStatus.CONSENTED_NOT_IN_FORCE


@pytest.mark.parametrize(
    ("stances", "on", "on_board", "stance"),
    [
        ([("supporter", "2001-01-01", None)], "2002-01-01", True, "supporter"),
        ([("supporter", "2001-01-01", None)], "2000-12-31", False, ""),
        ([("supporter", "2001-01-01", "2003-01-01")], "2003-01-01", False, ""),
        ([("supporter", "2001-01-01", None), ("opposed", "2005-01-01", None)], "2006-01-01", False, "opposed"),
        ([("opposed", "2001-01-01", None), ("supporter", "2005-01-01", None)], "2006-01-01", True, "supporter"),
    ],
)
def test_a_declared_supporter_is_on_board_and_a_later_stance_replaces_it(stances, on, on_board, stance):
    acts = [Act(EventKind.STANCE, D(d), value=v, end_date=D(e) if e else None) for v, d, e in stances]
    status = country_status(OTTAWA, acts, D(on))
    assert status.status == LegalStatus.NON_SIGNATORY
    assert status.on_board is on_board
    assert status.stance == stance


def test_signature_and_ratification_on_one_day_read_in_order():
    acts = [Act(EventKind.RATIFICATION, D("1997-12-03")), Act(EventKind.SIGNATURE, D("1997-12-03"))]
    status = country_status(OTTAWA, acts, D("1997-12-03"))
    assert status.status == LegalStatus.CONSENTED_NOT_IN_FORCE
    assert status.signature_date == D("1997-12-03")
