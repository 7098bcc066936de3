"""The summaries' pure functions: status timelines, spans and the stored dates (no database)."""

import datetime

from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.status import Act, TreatyRule
from treaties.summaries import (
    BEGINNING,
    END,
    UNBOUND,
    Counts,
    country_timeline,
    grouping_spans,
    intervals_union,
    span_on,
    summary_dates,
)

D = datetime.date
OTTAWA = TreatyRule(entry_into_force=D(1999, 3, 1), threshold_date=D(1998, 9, 16))


def test_timeline_follows_signature_deposit_and_entry_into_force():
    acts = [Act(EventKind.SIGNATURE, D(1997, 12, 3)), Act(EventKind.RATIFICATION, D(2017, 12, 13))]
    assert country_timeline(OTTAWA, acts, CountBasis.IN_FORCE) == [
        (BEGINNING, UNBOUND),
        (D(1997, 12, 3), (LegalStatus.SIGNATORY, True)),
        (D(2017, 12, 13), (LegalStatus.CONSENTED_NOT_IN_FORCE, True)),
        (D(2018, 6, 1), (LegalStatus.STATE_PARTY, True)),  # art. 17(2): the first day of the sixth month
    ]
    assert country_timeline(OTTAWA, acts, CountBasis.DEPOSIT)[-1] == (D(2017, 12, 13), (LegalStatus.STATE_PARTY, True))


def test_timeline_of_a_withdrawal_takes_effect_six_months_after_notice():
    acts = [Act(EventKind.ACCESSION, D(2000, 1, 10)), Act(EventKind.WITHDRAWAL_NOTICE, D(2025, 8, 20))]
    timeline = country_timeline(OTTAWA, acts, CountBasis.IN_FORCE)
    assert timeline[-2:] == [
        (D(2025, 8, 20), (LegalStatus.WITHDRAWAL_PENDING, False)),
        (D(2026, 2, 20), (LegalStatus.WITHDRAWN, False)),
    ]


def test_timeline_stance_ends_on_its_end_date():
    acts = [Act(EventKind.STANCE, D(2001, 5, 1), value="supporter", end_date=D(2004, 1, 1))]
    assert country_timeline(OTTAWA, acts, CountBasis.IN_FORCE) == [
        (BEGINNING, UNBOUND),
        (D(2001, 5, 1), (LegalStatus.NON_SIGNATORY, True)),
        (D(2004, 1, 1), UNBOUND),
    ]


def test_spans_count_members_only_inside_their_intervals():
    signed = [(BEGINNING, UNBOUND), (D(2000, 1, 1), (LegalStatus.SIGNATORY, True))]
    never = [(BEGINNING, UNBOUND)]
    spans = grouping_spans([(signed, [(D(1990, 1, 1), END)]), (never, [(BEGINNING, D(2005, 1, 1))])])
    assert [(s, e) for s, e, _ in spans] == [
        (BEGINNING, D(1990, 1, 1)),
        (D(1990, 1, 1), D(2000, 1, 1)),
        (D(2000, 1, 1), D(2005, 1, 1)),
        (D(2005, 1, 1), END),
    ]
    assert span_on(spans, D(1989, 12, 31)) == Counts(countries=1, non_signatory=1)
    assert span_on(spans, D(1999, 6, 1)) == Counts(countries=2, non_signatory=2)
    assert span_on(spans, D(2003, 6, 1)) == Counts(countries=2, signatory=1, non_signatory=1, on_board=1)
    assert span_on(spans, D(2005, 1, 1)) == Counts(countries=1, signatory=1, on_board=1)


def test_spans_merge_days_whose_counts_do_not_change():
    a = [(BEGINNING, UNBOUND), (D(2000, 1, 1), (LegalStatus.SIGNATORY, True))]
    b = [(BEGINNING, (LegalStatus.SIGNATORY, True)), (D(2000, 1, 1), UNBOUND)]
    spans = grouping_spans([(a, [(BEGINNING, END)]), (b, [(BEGINNING, END)])])
    assert len(spans) == 1
    assert spans[0][2] == Counts(countries=2, signatory=1, non_signatory=1, on_board=1)


def test_intervals_union_merges_overlaps_and_touching_ends():
    assert intervals_union(
        [(D(2000, 1, 1), D(2001, 1, 1)), (D(2001, 1, 1), D(2002, 1, 1)), (D(1990, 1, 1), D(1991, 1, 1))]
    ) == [
        (D(1990, 1, 1), D(1991, 1, 1)),
        (D(2000, 1, 1), D(2002, 1, 1)),
    ]


def test_stored_dates_are_today_yearly_points_and_sixty_month_ends():
    dates = summary_dates(opened=D(1997, 12, 3), today=D(2026, 11, 27))
    assert dates[0] == D(1997, 12, 3)
    assert dates[-1] == D(2026, 11, 27)
    assert {D(y, 12, 31) for y in range(1997, 2026)} <= set(dates)
    month_ends = [d for d in dates if d >= D(2021, 11, 1) and d != D(2026, 11, 27)]
    assert len(month_ends) == 60
    assert month_ends[0] == D(2021, 11, 30) and month_ends[-1] == D(2026, 10, 31)
    assert D(2024, 2, 29) in dates
    assert dates == sorted(set(dates))
