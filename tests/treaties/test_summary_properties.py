"""Property: whatever the edits, the incremental summaries equal a full recompute and the events.

Hypothesis draws sequences of edits of every kind that marks summaries (events of a treaty,
forum seats, region assignments, a country's lifespan, the treaty's rules), interleaved with
runs of the workers' processing. Then:

1. every edit the database took marked the treaty (its mark's version moved);
2. after a final processing run, what the marks led the recompute to store equals a
   recompute from scratch;
3. the stored figures, and the on-demand figures for the dates asked and for every day an
   act, its entry into force or its withdrawal's effect could change a status, equal the
   figures worked out straight from the events with the status rule.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countries import services as country_services
from countries.choices import MembershipRole
from countries.models import CountrySuccession, ForumMembership, RegionAssignment
from tests.factories import CountryFactory, ForumFactory, RegionFactory, RegionSchemeFactory, TreatyFactory
from tests.treaties.summary_checks import (
    assert_spans_match_events,
    assert_stored_match_events,
    recompute_from_scratch,
    span_snapshot,
    stored_snapshot,
)
from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent, Summary, SummaryMark
from treaties.services import summaries as summary_services
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel

pytestmark = pytest.mark.django_db
START = datetime.date(2014, 1, 1)
DAYS = 4600  # to mid-2026
N_COUNTRIES = 4


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


offsets = st.integers(min_value=0, max_value=DAYS)
country = st.integers(min_value=0, max_value=N_COUNTRIES - 1)
event = st.tuples(
    st.just("event"),
    country,
    # Weighted towards the acts that move a status later on: consent and withdrawal.
    st.sampled_from(
        [
            EventKind.SIGNATURE,
            EventKind.RATIFICATION,
            EventKind.ACCESSION,
            EventKind.ACCESSION,
            EventKind.WITHDRAWAL_NOTICE,
            EventKind.WITHDRAWAL_NOTICE,
            EventKind.WITHDRAWAL_EFFECTIVE,
            EventKind.STANCE,
            EventKind.STANCE,
        ]
    ),
    offsets,
    st.sampled_from(["", "consent", "supporter", "opposed"]),
    st.none() | st.none() | st.integers(min_value=0, max_value=500),
)
edit = st.one_of(
    event,
    event,
    event,
    st.tuples(st.just("delete event"), st.integers(min_value=0, max_value=50)),
    st.tuples(
        st.just("seat"),
        country,
        st.none() | offsets,
        st.none() | st.integers(min_value=1, max_value=3000),
        st.sampled_from([MembershipRole.MEMBER, MembershipRole.MEMBER, MembershipRole.OBSERVER]),
    ),
    st.tuples(st.just("delete seat"), st.integers(min_value=0, max_value=10)),
    st.tuples(st.just("assign"), country, st.none() | st.integers(min_value=0, max_value=1)),
    st.tuples(st.just("lifespan"), country, st.none() | offsets),
    st.tuples(st.just("rule"), st.integers(min_value=1, max_value=12)),
    st.tuples(st.just("process")),
)


@pytest.fixture
def world(reference_data):
    """A treaty, four countries (the first continued by the second), a scheme of two regions, a forum."""
    treaty = TreatyFactory(opened_for_signature=datetime.date(2015, 6, 1), adopted=None)
    countries = [CountryFactory() for _ in range(N_COUNTRIES)]
    first, second = countries[0], countries[1]
    first.valid_until = second.valid_from = datetime.date(2018, 1, 1)
    first.save()
    second.save()
    CountrySuccession.objects.create(
        predecessor=first, successor=second, date=second.valid_from, continuation=True, source="test"
    )
    scheme = RegionSchemeFactory()
    regions = [RegionFactory(scheme=scheme), RegionFactory(scheme=scheme)]
    forum = ForumFactory()
    summary_services.summary_mark_all(reason="test setup")
    summary_services.summary_marks_process(treaty_ids=[treaty.pk])
    return treaty, countries, scheme, regions, forum


def apply(step: tuple, treaty, countries, scheme, regions, forum) -> bool:
    """Make the edit; False when there was nothing to change (nothing to delete)."""
    kind = step[0]
    if kind == "event":
        _, i, event_kind, offset, value, later = step
        value = {
            EventKind.STANCE: value if value in ("supporter", "opposed") else "undecided",
            EventKind.WITHDRAWAL_NOTICE: value if value == "consent" else "",
        }.get(event_kind, "")
        extra = {}
        if later is not None and event_kind == EventKind.STANCE:
            extra["end_date"] = day(offset + later + 1)
        elif later is not None and event_kind in (EventKind.RATIFICATION, EventKind.WITHDRAWAL_NOTICE):
            extra["effective_date"] = day(offset + later)
        event = StatusEvent(
            treaty=treaty, country=countries[i], kind=event_kind, value=value, date=day(offset), source="test", **extra
        )
        services.status_event_save(event=event, validate=False)
    elif kind == "delete event":
        events = list(StatusEvent.objects.filter(treaty=treaty).order_by("pk"))
        if not events:
            return False
        services.status_event_delete(event=events[step[1] % len(events)])
    elif kind == "seat":
        _, i, start, length, role = step
        starts = None if start is None else day(start)
        ends = None if length is None else day((start or 0) + length)
        membership = ForumMembership(
            forum=forum,
            country=countries[i],
            role=role,
            start_date=starts,
            start_precision="unknown" if starts is None else "day",
            end_date=ends,
            source="test",
        )
        country_services.forum_membership_save(membership=membership, validate=False)
    elif kind == "delete seat":
        seats = list(ForumMembership.objects.filter(forum=forum).order_by("pk"))
        if not seats:
            return False
        country_services.forum_membership_delete(membership=seats[step[1] % len(seats)])
    elif kind == "assign":
        _, i, j = step
        current = RegionAssignment.objects.filter(scheme=scheme, country=countries[i]).first()
        if j is None and current is None:
            return False
        if j is None:
            country_services.region_assignment_delete(assignment=current)
        else:
            assignment = current or RegionAssignment(scheme=scheme, country=countries[i])
            assignment.region = regions[j]
            country_services.region_assignment_save(assignment=assignment, validate=False)
    elif kind == "lifespan":
        _, i, until = step
        target = countries[i]
        target.refresh_from_db()
        earliest = (target.valid_from or START) + datetime.timedelta(days=1)
        valid_until = None if until is None else max(day(until), earliest)
        if valid_until == target.valid_until:
            return False
        target.valid_until = valid_until
        country_services.country_save(country=target, validate=False)
    elif kind == "rule":
        treaty.late_eif_count = step[1]
        services.treaty_save(treaty=treaty, validate=False)
    elif kind == "process":
        summary_services.summary_marks_process(treaty_ids=[treaty.pk])
        return False
    return True


def days_to_check(treaty, asked: list[int]) -> list[datetime.date]:
    """The dates asked, and around each act the days its status can change (six months covers both rules)."""
    days = {day(offset) for offset in asked}
    for date, effective in StatusEvent.objects.filter(treaty=treaty).values_list("date", "effective_date"):
        days.update({date, date + datetime.timedelta(days=184), date + datetime.timedelta(days=366)})
        if effective:
            days.add(effective)
    return sorted(days)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes, a failure reproduces
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=st.lists(edit, min_size=3, max_size=12), asked=st.lists(offsets, min_size=2, max_size=3))
def test_incremental_summaries_equal_a_full_recompute_and_the_events(world, steps, asked):
    treaty, countries, scheme, regions, forum = world
    panels = [WORLD_PANEL, FORUMS_PANEL, scheme_panel(scheme.pk)]
    # The previous example's writes were rolled back: so is the treaty read here (its rules, its version).
    treaty.refresh_from_db()
    with transaction.atomic():
        for step in steps:
            version = SummaryMark.objects.get(pk=treaty.pk).version
            try:
                with transaction.atomic():
                    changed = apply(step, treaty, countries, scheme, regions, forum)
            except (IntegrityError, ValidationError):
                continue  # a duplicate or an impossible value: the database refused it, nothing changed
            if changed:
                assert SummaryMark.objects.get(pk=treaty.pk).version > version, f"{step} left no mark"
        summary_services.summary_marks_process(treaty_ids=[treaty.pk])
        incremental = (stored_snapshot(treaty), span_snapshot(treaty))
        stored_days = sorted(set(Summary.objects.filter(treaty=treaty).values_list("date", flat=True)))
        assert_stored_match_events(treaty, [stored_days[0], stored_days[-1]], only=panels)
        assert_spans_match_events(treaty, days_to_check(treaty, asked), only=panels)
        recompute_from_scratch(treaty)
        assert (stored_snapshot(treaty), span_snapshot(treaty)) == incremental
        transaction.set_rollback(True)
