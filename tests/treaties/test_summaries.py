"""Stored summaries: marks, claims, the recompute, the selectors, the tasks and the command."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from countries import services as country_services
from countries.choices import MembershipRole
from countries.models import Country, ForumMembership, RegionAssignment, RegionScheme
from tests.factories import (
    CountryFactory,
    ForumFactory,
    ForumMembershipFactory,
    RegionAssignmentFactory,
    RegionFactory,
    TreatyFactory,
)
from tests.treaties.summary_checks import (
    assert_spans_match_events,
    assert_stored_match_events,
    recompute_from_scratch,
    span_snapshot,
    stored_snapshot,
)
from treaties import services, tasks
from treaties.choices import CountBasis, EventKind, LegalStatus
from treaties.models import Summary, SummaryMark, Treaty
from treaties.selectors import (
    forum_summary_rows,
    region_summary_rows,
    summary_freshness,
    summary_time_series,
    treaty_status_rows,
    world_summary,
)
from treaties.services import summaries as summary_services
from treaties.status import TreatyRule
from treaties.summaries import (
    summary_dates,
)

D = datetime.date
OTTAWA = TreatyRule(entry_into_force=D(1999, 3, 1), threshold_date=D(1998, 9, 16))


# Marks, claims and the recompute --------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def non_signatory_today(treaty: Treaty) -> Country:
    today = timezone.localdate()
    return next(
        r.country
        for r in treaty_status_rows(treaty=treaty, on=today, count="in_force")
        if r.status.status == LegalStatus.NON_SIGNATORY
    )


def world_today(treaty: Treaty, count: str = CountBasis.DEPOSIT) -> Summary:
    return Summary.objects.get(treaty=treaty, grouping="world", count=count, date=timezone.localdate())


def test_reference_data_load_leaves_ottawa_computed(ottawa):
    mark = SummaryMark.objects.get(treaty=ottawa)
    assert not mark.pending and mark.computed_at is not None
    assert world_today(ottawa, CountBasis.IN_FORCE).countries == len(
        treaty_status_rows(treaty=ottawa, on=timezone.localdate(), count="in_force")
    )


def test_recording_an_event_marks_its_treaty_in_the_same_transaction(ottawa):
    country = non_signatory_today(ottawa)
    version = SummaryMark.objects.get(treaty=ottawa).version
    with pytest.raises(RuntimeError), transaction.atomic():
        services.status_event_record(
            treaty=ottawa, country=country, kind=EventKind.ACCESSION, date=D(2024, 1, 5), source="test"
        )
        assert SummaryMark.objects.get(treaty=ottawa).pending
        raise RuntimeError("roll back")
    mark = SummaryMark.objects.get(treaty=ottawa)
    assert not mark.pending and mark.version == version  # the mark rolled back with the event
    services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.ACCESSION, date=D(2024, 1, 5), source="test"
    )
    mark = SummaryMark.objects.get(treaty=ottawa)
    assert mark.pending and mark.version > version and "saved" in mark.reason


def test_wake_up_is_queued_on_commit_once_per_burst(ottawa, django_capture_on_commit_callbacks):
    countries = [r.country for r in treaty_status_rows(treaty=ottawa, on=D(2020, 1, 1), count="in_force")][:3]
    with mock.patch.object(tasks.summary_recompute_pending, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            for i, country in enumerate(countries):
                services.status_event_record(
                    treaty=ottawa,
                    country=country,
                    kind=EventKind.STANCE,
                    value="supporter",
                    date=D(2020, 1, 1 + i),
                    source="test",
                )
        assert len(callbacks) == 1  # the later marks found it pending: their wake-up was on the way
        delay.assert_not_called()  # nothing is sent before commit
        callbacks[0]()
        delay.assert_called_once_with(ottawa.pk)


def test_a_mark_waiting_too_long_is_woken_again_by_the_next_edit(ottawa, django_capture_on_commit_callbacks):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="its wake-up was lost", wake=False)
    with django_capture_on_commit_callbacks() as callbacks:
        summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="soon after")
    assert callbacks == []  # pending for a moment: its wake-up may be on the way
    SummaryMark.objects.filter(pk=ottawa.pk).update(pending_since=timezone.now() - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as callbacks:
        summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="much later")
    assert len(callbacks) == 1


def test_event_moved_to_another_treaty_marks_both(ottawa):
    other = TreatyFactory()
    event = ottawa.events.first()
    summary_services.summary_mark(treaty_ids=[other.pk], reason="setup")
    SummaryMark.objects.update(pending=False)
    event.treaty = other
    services.status_event_save(event=event, validate=False)
    assert set(SummaryMark.objects.filter(pending=True).values_list("pk", flat=True)) == {ottawa.pk, other.pk}


def test_two_claims_one_winner(ottawa):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    first = summary_services.summary_claim(treaty_id=ottawa.pk)
    second = summary_services.summary_claim(treaty_id=ottawa.pk)
    assert first and second is None
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="edit during the recompute")
    assert summary_services.summary_claim(treaty_id=ottawa.pk) is None  # still held by the first
    summary_services.summary_recompute(treaty_id=ottawa.pk, token=first)
    assert summary_services.summary_claim(treaty_id=ottawa.pk)  # the edit during the run gets its own run


def test_claim_waits_for_marks_to_settle_unless_the_first_waited_too_long(ottawa, settings):
    settings.SUMMARY_MAX_WAIT_SECONDS = 5
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    assert summary_services.summary_claim(treaty_id=ottawa.pk, settle=60) is None
    SummaryMark.objects.filter(pk=ottawa.pk).update(pending_since=timezone.now() - datetime.timedelta(seconds=6))
    assert summary_services.summary_claim(treaty_id=ottawa.pk, settle=60)


def test_process_returns_the_wait_until_marks_settle(ottawa):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    wait = summary_services.summary_marks_process(treaty_ids=[ottawa.pk], settle=2.0)
    assert wait is not None and 0 < wait <= 2.0
    assert SummaryMark.objects.get(pk=ottawa.pk).pending


def test_a_lost_claim_rolls_the_recompute_back(ottawa):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    token = summary_services.summary_claim(treaty_id=ottawa.pk)
    before = stored_snapshot(ottawa)
    with pytest.raises(summary_services.SummaryClaimLost):
        summary_services.summary_recompute(treaty_id=ottawa.pk, token="not-" + token)
    assert stored_snapshot(ottawa) == before
    assert SummaryMark.objects.get(pk=ottawa.pk).claim_token == token


def test_sweep_frees_a_dead_workers_claim(ottawa, settings):
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    assert summary_services.summary_claim(treaty_id=ottawa.pk)
    assert summary_services.summary_marks_sweep() == []  # claimed, lease running: the worker is at it
    stale = timezone.now() - datetime.timedelta(seconds=settings.SUMMARY_CLAIM_LEASE_SECONDS + 1)
    SummaryMark.objects.filter(pk=ottawa.pk).update(claimed_at=stale)
    assert summary_services.summary_marks_sweep() == [ottawa.pk]
    assert summary_services.summary_claim(treaty_id=ottawa.pk)


def test_the_claim_lease_is_a_minute_at_most():
    from django.conf import settings as project

    assert 0 < project.SUMMARY_CLAIM_LEASE_SECONDS <= 30
    assert project.SUMMARY_CLAIM_LEASE_SECONDS + project.SUMMARY_SWEEP_SECONDS <= 60  # taken over within 60 s
    sweep = project.CELERY_BEAT_SCHEDULE["summaries-sweep"]
    assert sweep["task"] == "treaties.tasks.summary_marks_sweep" and sweep["schedule"] <= 30


def test_a_lapsed_claim_is_taken_over_by_the_next_claim(ottawa, settings):
    settings.SUMMARY_CLAIM_LEASE_SECONDS = 30
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test")
    first = summary_services.summary_claim(treaty_id=ottawa.pk)
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="edit while the first worker dies")
    lapsed = timezone.now() - datetime.timedelta(seconds=31)
    SummaryMark.objects.filter(pk=ottawa.pk).update(claimed_at=lapsed)
    second = summary_services.summary_claim(treaty_id=ottawa.pk)
    assert second and second != first
    assert not summary_services.summary_claim_renew(treaty_id=ottawa.pk, token=first)  # the dead worker's lease is gone
    assert summary_services.summary_claim_renew(treaty_id=ottawa.pk, token=second)


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_while_the_recompute_runs(reference_data, settings, monkeypatch):
    """A recompute longer than the lease keeps its claim: a thread renews it; the thread ends with the run."""
    import threading
    import time

    from treaties import summaries

    ottawa = Treaty.objects.get(slug="ottawa")
    settings.SUMMARY_CLAIM_LEASE_SECONDS = 0.6  # renewed every 0.2 s
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test", wake=False)
    token = summary_services.summary_claim(treaty_id=ottawa.pk)
    claimed_at = SummaryMark.objects.get(pk=ottawa.pk).claimed_at
    seen = {}
    original = summaries.summary_dates

    def slow_dates(**kwargs):
        time.sleep(1.5)  # between computing the spans and writing: 2.5 leases
        mark = SummaryMark.objects.get(pk=ottawa.pk)
        seen.update(token=mark.claim_token, claimed_at=mark.claimed_at, age=(timezone.now() - mark.claimed_at))
        summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="edit during the run", wake=False)
        seen["other"] = summary_services.summary_claim(treaty_id=ottawa.pk)
        seen["swept"] = summary_services.summary_marks_sweep()
        return original(**kwargs)

    monkeypatch.setattr(summaries, "summary_dates", slow_dates)
    result = summary_services.summary_recompute(treaty_id=ottawa.pk, token=token)
    assert seen["token"] == token and seen["claimed_at"] > claimed_at
    assert seen["age"].total_seconds() < 0.6
    assert seen["other"] is None and seen["swept"] == []  # nobody took the live claim over
    assert result.summaries > 0
    mark = SummaryMark.objects.get(pk=ottawa.pk)
    assert mark.claimed_at is None and mark.claim_token == "" and mark.pending  # the edit gets its own run
    assert not [t for t in threading.enumerate() if t.name.startswith("summary-lease-")]


def test_the_health_selectors_report_heartbeats_and_waiting_marks(ottawa, settings):
    from treaties import health
    from treaties.models import WorkerHeartbeat

    assert health.worker_last_seen() is None
    health.worker_heartbeat_record(hostname="celery@a")
    first = health.worker_last_seen()
    health.worker_heartbeat_record(hostname="celery@a")
    assert WorkerHeartbeat.objects.count() == 1 and health.worker_last_seen() >= first
    WorkerHeartbeat.objects.create(hostname="celery@gone", seen_at=timezone.now() - datetime.timedelta(days=2))
    health.worker_heartbeat_record(hostname="celery@b")
    assert set(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == {"celery@a", "celery@b"}

    SummaryMark.objects.update(pending=False, pending_since=None, claimed_at=None)
    now = timezone.now()
    assert health.oldest_pending_mark_age(now=now) is None
    summary_services.summary_mark(treaty_ids=[ottawa.pk], reason="test", wake=False)
    SummaryMark.objects.filter(pk=ottawa.pk).update(pending_since=now - datetime.timedelta(seconds=42))
    assert health.oldest_pending_mark_age(now=now) == datetime.timedelta(seconds=42)
    # Claimed by a worker that died: out of date since its last renewal, once the lease lapsed.
    settings.SUMMARY_CLAIM_LEASE_SECONDS = 30
    summary_services.summary_claim(treaty_id=ottawa.pk)
    SummaryMark.objects.filter(pk=ottawa.pk).update(claimed_at=now - datetime.timedelta(seconds=10))
    assert health.oldest_pending_mark_age(now=now) is None  # its worker is at it
    SummaryMark.objects.filter(pk=ottawa.pk).update(claimed_at=now - datetime.timedelta(seconds=95))
    assert health.oldest_pending_mark_age(now=now) == datetime.timedelta(seconds=95)


def test_recompute_counts_a_new_accession(ottawa):
    country = non_signatory_today(ottawa)
    before = world_today(ottawa)
    services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.ACCESSION, date=D(2024, 1, 5), source="test"
    )
    assert world_today(ottawa).parties == before.parties  # not yet recomputed
    summary_services.summary_marks_process(treaty_ids=[ottawa.pk])
    after = world_today(ottawa)
    assert (after.parties, after.non_signatory) == (before.parties + 1, before.non_signatory - 1)
    assert after.computed_at > before.computed_at
    assert not summary_freshness(treaty=ottawa).pending


def test_stored_and_spans_equal_the_events_on_the_real_record(ottawa):
    stored = sorted(set(Summary.objects.filter(treaty=ottawa).values_list("date", flat=True)))
    assert_stored_match_events(ottawa, [stored[0], stored[len(stored) // 2], stored[-1]])
    assert_spans_match_events(
        ottawa,
        [
            D(1997, 12, 3),
            D(1999, 2, 28),
            D(1999, 3, 1),
            D(2003, 2, 4),
            D(2006, 6, 2),
            D(2006, 6, 3),
            D(2011, 7, 9),
            D(2025, 9, 1),
        ],
    )


def test_recompute_twice_writes_the_same_rows(ottawa):
    first = (stored_snapshot(ottawa), span_snapshot(ottawa))
    recompute_from_scratch(ottawa)
    assert (stored_snapshot(ottawa), span_snapshot(ottawa)) == first


def test_known_figures_on_the_real_record(ottawa):
    """Figures read from the summaries agree with the depositary table the foundation tests check."""
    world = world_summary(treaty=ottawa, on=D(2025, 9, 1), count="in_force")
    rows = treaty_status_rows(treaty=ottawa, on=D(2025, 9, 1), count="in_force")
    assert world.parties == sum(r.status.is_party for r in rows)
    assert world.withdrawal_pending == sum(r.status.status == LegalStatus.WITHDRAWAL_PENDING for r in rows)
    cd = next(
        r for r in forum_summary_rows(treaty=ottawa, on=D(1997, 12, 31), count="in_force") if r.forum.slug == "cd"
    )
    assert (
        cd.countries
        == ForumMembership.objects.filter(forum__slug="cd", role=MembershipRole.MEMBER)
        .active_on(D(1997, 12, 31))
        .count()
    )


def test_scheme_rows_add_up_to_all_participants_with_a_no_region_row(ottawa):
    scheme = RegionScheme.objects.get(slug="un-groups")
    day = D(2025, 9, 1)
    rows = region_summary_rows(treaty=ottawa, scheme=scheme, on=day, count="in_force")
    world = world_summary(treaty=ottawa, on=day, count="in_force")
    assert sum(r.countries for r in rows) == world.countries
    assert sum(r.parties for r in rows) == world.parties
    outside = rows[-1]
    assert outside.region is None and outside.label == "(no region)"
    assigned = set(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", flat=True))
    expected = [r for r in treaty_status_rows(treaty=ottawa, on=day, count="in_force") if r.country.pk not in assigned]
    assert outside.countries == len(expected) > 0
    m49 = region_summary_rows(treaty=ottawa, scheme=RegionScheme.objects.get(slug="m49"), on=day, count="in_force")
    assert all(r.region is not None for r in m49)  # every participant has an M49 region: no empty extra row


def test_stored_date_reads_stored_rows_other_dates_are_on_demand(ottawa, django_assert_max_num_queries):
    scheme = RegionScheme.objects.get(slug="m49")
    stored_day = D(2010, 12, 31)
    with django_assert_max_num_queries(2):
        stored = region_summary_rows(treaty=ottawa, scheme=scheme, on=stored_day, count="in_force")
    assert all(r.computed_at is not None for r in stored)
    with django_assert_max_num_queries(2):
        on_demand = region_summary_rows(treaty=ottawa, scheme=scheme, on=D(2010, 12, 30), count="in_force")
    assert all(r.computed_at is None for r in on_demand)
    assert [(r.label, r.countries) for r in stored] == [(r.label, r.countries) for r in on_demand]


def test_time_series_has_a_world_point_per_stored_date(ottawa):
    series = summary_time_series(treaty=ottawa, count="in_force")
    dates = [p.date for p in series]
    assert dates == summary_dates(opened=ottawa.opened_for_signature, today=timezone.localdate())
    assert series[0].parties == 0 and series[-1].parties > 150
    assert all(a.parties <= b.parties + 10 for a, b in zip(series, series[1:], strict=False))


def test_a_treaty_never_computed_is_worked_out_from_the_events(reference_data):
    treaty = TreatyFactory()
    assert summary_freshness(treaty=treaty).computed_at is None
    row = world_summary(treaty=treaty, on=D(2020, 1, 1), count="in_force")
    assert row.computed_at is None and row.countries > 190 and row.non_signatory == row.countries


def test_cache_key_changes_with_every_mark(ottawa):
    day, scheme = D(2010, 12, 30), RegionScheme.objects.get(slug="m49")
    country = non_signatory_today(ottawa)
    region_summary_rows(treaty=ottawa, scheme=scheme, on=day, count="deposit")
    services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.ACCESSION, date=D(2005, 1, 5), source="test"
    )
    summary_services.summary_marks_process(treaty_ids=[ottawa.pk])
    after = region_summary_rows(treaty=ottawa, scheme=scheme, on=day, count="deposit")
    region = RegionAssignment.objects.get(scheme=scheme, country=country).region.name
    assert (
        next(r for r in after if r.label == region).parties
        == next(
            r for r in region_summary_rows(treaty=ottawa, scheme=scheme, on=day, count="deposit") if r.label == region
        ).parties
    )
    assert summary_freshness(treaty=ottawa).version > 0


def test_cache_errors_are_caught_and_the_database_answers(ottawa, settings, caplog):
    from ottawa_tracker import cache as shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with mock.patch.object(shared_cache.cache, "get", side_effect=ConnectionError("redis down")):
        rows = forum_summary_rows(treaty=ottawa, on=D(2001, 2, 3), count="in_force")
    assert len(rows) == 7
    assert "cache unavailable" in caplog.text
    shared_cache.cache_resume()


# Changes on the countries side ----------------------------------------------------------


def test_countries_changes_mark_every_treaty(ottawa):
    other = TreatyFactory()
    summary_services.summary_mark(treaty_ids=[other.pk], reason="setup")
    every = set(Treaty.objects.values_list("pk", flat=True))
    assert {ottawa.pk, other.pk} < every and len(every) == 10  # the shipped family of nine, and this one

    def marked_and_reset() -> set[int]:
        pending = set(SummaryMark.objects.filter(pending=True).values_list("pk", flat=True))
        SummaryMark.objects.update(pending=False)
        return pending

    marked_and_reset()
    forum = country_services.forum_save(forum=ForumFactory.build())
    assert marked_and_reset() == every  # a new forum needs its rows
    country = Country.objects.get(iso3="NZL")
    membership = ForumMembershipFactory.build(forum=forum, country=country)
    country_services.forum_membership_save(membership=membership)
    assert marked_and_reset() == every
    region = RegionFactory()
    assert marked_and_reset() == set()  # made by a factory, not a service: no mark
    country_services.region_assignment_save(
        assignment=RegionAssignment(scheme=region.scheme, region=region, country=country)
    )
    assert marked_and_reset() == every
    country.official_name = "renamed"
    country_services.country_save(country=country)
    assert marked_and_reset() == set()  # a name moves no count
    country.valid_until = D(2030, 1, 1)
    country_services.country_save(country=country)
    assert marked_and_reset() == every
    country_services.forum_membership_delete(membership=membership)
    assert marked_and_reset() == every


def test_forum_membership_change_reaches_the_forum_summary(ottawa):
    forum = country_services.forum_save(forum=ForumFactory.build(name="Test Forum"))
    country = non_signatory_today(ottawa)
    day = timezone.localdate()
    summary_services.summary_marks_process()
    assert (
        next(r for r in forum_summary_rows(treaty=ottawa, on=day, count="in_force") if r.forum.pk == forum.pk).countries
        == 0
    )
    country_services.forum_membership_save(
        membership=ForumMembership(forum=forum, country=country, start_date=D(2000, 1, 1), source="test")
    )
    observer = Country.objects.get(iso3="NOR")
    country_services.forum_membership_save(
        membership=ForumMembership(
            forum=forum, country=observer, role=MembershipRole.OBSERVER, start_date=D(2000, 1, 1), source="test"
        )
    )
    summary_services.summary_marks_process()
    row = next(r for r in forum_summary_rows(treaty=ottawa, on=day, count="in_force") if r.forum.pk == forum.pk)
    assert (row.countries, row.non_signatory, row.computed_at is not None) == (1, 1, True)  # observers are not counted


def test_continued_state_holds_its_predecessors_seat(ottawa):
    """Yugoslavia's seat at the Conference on Disarmament counts for Serbia and Montenegro (2003-2006)."""
    scg = Country.objects.get(iso3="SCG")
    day = D(2004, 6, 1)
    rows = {r.country.pk: r.status for r in treaty_status_rows(treaty=ottawa, on=day, count="in_force")}
    assert scg.pk in rows
    cd = next(r for r in forum_summary_rows(treaty=ottawa, on=day, count="in_force") if r.forum.slug == "cd")
    direct = ForumMembership.objects.filter(forum__slug="cd", role=MembershipRole.MEMBER).active_on(day)
    assert cd.countries == direct.exclude(country__iso3="YUG").count() + 1


# The task, the eager path and the command ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_embedded_mode_recomputes_eagerly_on_commit(reference_data):
    """No broker: the wake-up runs in the process right after the event commits."""
    ottawa = Treaty.objects.get(slug="ottawa")
    country = non_signatory_today(ottawa)
    before = world_today(ottawa)
    services.status_event_record(
        treaty=ottawa, country=country, kind=EventKind.ACCESSION, date=D(2024, 1, 5), source="test"
    )
    after = world_today(ottawa)
    assert after.parties == before.parties + 1
    assert not SummaryMark.objects.get(pk=ottawa.pk).pending


def test_burst_of_edits_sends_one_wake_up_and_equals_a_full_recompute(ottawa, django_capture_on_commit_callbacks):
    runs = SummaryMark.objects.get(pk=ottawa.pk).runs
    countries = [r.country for r in treaty_status_rows(treaty=ottawa, on=D(2020, 1, 1), count="in_force")][:100]
    with django_capture_on_commit_callbacks() as callbacks:
        for i in range(200):
            services.status_event_record(
                treaty=ottawa,
                country=countries[i % 100],
                kind=EventKind.STANCE,
                value=["supporter", "opposed"][i % 2],
                date=D(2020, 1, 1) + datetime.timedelta(days=i // 100),
                source="test",
            )
    assert len(callbacks) == 1
    callbacks[0]()  # the wake-up, run eagerly
    assert SummaryMark.objects.get(pk=ottawa.pk).runs == runs + 1
    incremental = (stored_snapshot(ottawa), span_snapshot(ottawa))
    recompute_from_scratch(ottawa)
    assert (stored_snapshot(ottawa), span_snapshot(ottawa)) == incremental


def test_task_without_id_wakes_each_pending_treaty(ottawa):
    other = TreatyFactory()
    summary_services.summary_mark(treaty_ids=[ottawa.pk, other.pk], reason="test", wake=False)
    tasks.summary_recompute_pending.delay()
    assert not SummaryMark.objects.filter(pending=True).exists()
    assert Summary.objects.filter(treaty=other).exists()


def test_nightly_task_recomputes_every_treaty(ottawa):
    runs = SummaryMark.objects.get(pk=ottawa.pk).runs
    tasks.summary_recompute_all.delay()
    assert SummaryMark.objects.get(pk=ottawa.pk).runs == runs + 1


def test_recompute_summaries_command_reports_progress(ottawa):
    out = io.StringIO()
    call_command("recompute_summaries", "--treaty", "ottawa", "--full", stdout=out)
    text = out.getvalue()
    assert "1 treaty with summaries to recompute" in text
    assert "[1/1] ottawa:" in text and "summaries and" in text
    assert "Recomputed 1 treaties" in text
    out = io.StringIO()
    call_command("recompute_summaries", stdout=out)
    assert "0 treaties with summaries to recompute" in out.getvalue()


def test_recompute_summaries_unknown_treaty_is_an_error(reference_data):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No treaty"):
        call_command("recompute_summaries", "--treaty", "nope", stdout=io.StringIO())


def test_regions_without_countries_get_a_zero_row(ottawa):
    region = RegionFactory(name="Empty")
    country_services.region_save(region=RegionFactory.build(scheme=region.scheme, name="Also empty", slug="also-empty"))
    RegionAssignmentFactory(region=region, country=CountryFactory())
    summary_services.summary_marks_process()
    rows = region_summary_rows(treaty=ottawa, scheme=region.scheme, on=D(2020, 1, 1), count="in_force")
    labels = {r.label: r.countries for r in rows}
    assert labels["Also empty"] == 0
    assert (
        labels["(no region)"]
        == world_summary(treaty=ottawa, on=D(2020, 1, 1), count="in_force").countries - labels["Empty"]
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_csv_import_marks_the_treaties_it_writes(ottawa, dry_run):
    from treaties.imports import status_event_csv_read

    SummaryMark.objects.update(pending=False)
    country = non_signatory_today(ottawa)
    data = (
        "iso3,treaty,kind,value,date,effective_date,end_date,source,note\r\n"
        f"{country.iso3},ottawa,stance,supporter,2021-03-04,,,test import,\r\n"
    ).encode()
    result = services.status_event_import(rows=status_event_csv_read(data), dry_run=dry_run)
    assert result.ok and len(result.created) == 1
    assert SummaryMark.objects.get(pk=ottawa.pk).pending is not dry_run
