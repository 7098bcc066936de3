"""Obligations kept current (issue 12, point 4): the stored counts by state equal the ones computed on
demand, an edit moves them, the daily job records who fell overdue and when, and the obligations page's
"newly overdue this week" reads that record."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.contrib import admin
from django.utils import timezone

from countries.choices import MembershipRole
from countries.models import Country, Forum, ForumMembership, RegionScheme
from countries.selectors import country_lineage_map
from tests.treaties.query_counts import add_rows, count_queries
from treaties import services, tasks
from treaties.choices import EventKind, ObligationState
from treaties.models import Obligation, ObligationOverdue, ObligationSummary, StatusEvent, Treaty
from treaties.models.obligation_summaries import STATE_COLUMNS
from treaties.obligation_counts import obligation_summary_dates
from treaties.selectors.obligations import NO_REGION_LABEL, obligation_table, overdue_headline
from treaties.services import summaries as summary_services
from treaties.services.obligations import obligations_overdue_record
from treaties.summaries import FORUMS_PANEL, WORLD_PANEL, scheme_panel

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat
STOCKPILE = "stockpile-destruction"


@pytest.fixture
def ottawa(reference_data) -> Treaty:
    return Treaty.objects.get(slug="ottawa")


def recompute(treaty: Treaty) -> None:
    summary_services.summary_mark_all(treaty_ids=[treaty.pk], reason="test")
    summary_services.summary_marks_process(treaty_ids=[treaty.pk], settle=0.0)


def stored(treaty: Treaty, day: datetime.date, panel: str) -> dict[tuple[str, str], dict[str, int]]:
    """(obligation slug, label) → the stored counts of the nonzero states, for one panel on one day."""
    rows = ObligationSummary.objects.filter(treaty=treaty, date=day, panel=panel).values_list(
        "obligation__slug", "grouping", "label", *STATE_COLUMNS
    )
    result = {}
    for slug, grouping, label, *numbers in rows:
        if grouping.startswith("noregion:"):
            label = NO_REGION_LABEL
        result[(slug, label)] = {state: n for state, n in zip(STATE_COLUMNS, numbers, strict=True) if n}
    return result


def computed_rows(treaty: Treaty, day: datetime.date, scheme: RegionScheme):
    """The rows of the obligations page on `day`: always computed from the events (never stored)."""
    return obligation_table(treaty=treaty, on=day, scheme=scheme).rows


def tally(rows, key) -> dict[tuple[str, str], dict[str, int]]:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows:
        for label in key(row):
            counts[(row.obligation.slug, label)][row.standing.state] += 1
    return {k: dict(v) for k, v in counts.items()}


def forum_seats(day: datetime.date) -> dict[int, set[str]]:
    """Country id → names of the forums where it, or a state it continues, holds a member's seat on `day`."""
    seats: dict[int, set[str]] = defaultdict(set)
    for country_id, name in (
        ForumMembership.objects.filter(role=MembershipRole.MEMBER)
        .active_on(day)
        .values_list("country_id", "forum__name")
    ):
        seats[country_id].add(name)
    lineage = country_lineage_map()
    return {
        country: set().union(*(seats.get(holder, set()) for holder in (country, *lineage.get(country, ()))))
        for country in {*seats, *lineage}
    }


# What is stored ---------------------------------------------------------------------------------


def test_stored_dates_are_today_and_the_year_ends_since_entry_into_force(ottawa):
    today = timezone.localdate()
    days = sorted(set(ObligationSummary.objects.filter(treaty=ottawa).values_list("date", flat=True)))
    assert days == obligation_summary_dates(in_force=ottawa.entry_into_force, today=today)
    assert days[0] == D("1999-12-31") and days[-1] == today
    assert D(f"{today.year - 1}-12-31") in days
    # Four obligations, each with its world row on every stored date.
    assert ObligationSummary.objects.filter(treaty=ottawa, panel=WORLD_PANEL).count() == 4 * len(days)


def test_a_treaty_without_obligations_stores_none(reference_data):
    treaty = Treaty.objects.exclude(obligations__isnull=False).filter(summary_mark__isnull=False).first()
    assert treaty is not None
    assert not ObligationSummary.objects.filter(treaty=treaty).exists()
    ccm = Treaty.objects.get(slug="ccm")  # one with obligations does, once recomputed
    recompute(ccm)
    assert ObligationSummary.objects.filter(treaty=ccm, panel=WORLD_PANEL).count() == ccm.obligations.count() * len(
        obligation_summary_dates(in_force=ccm.entry_into_force, today=timezone.localdate())
    )


def test_stored_world_and_regions_equal_the_counts_on_demand_on_every_stored_date(ottawa):
    scheme = RegionScheme.objects.get(slug="un-groups")
    days = sorted(set(ObligationSummary.objects.filter(treaty=ottawa).values_list("date", flat=True)))
    for day in days:
        rows = computed_rows(ottawa, day, scheme)
        assert stored(ottawa, day, WORLD_PANEL) == tally(rows, lambda row: ["All participants"]), day
        assert stored(ottawa, day, scheme_panel(scheme.pk)) == tally(rows, lambda row: [row.region]), day
        table = obligation_table(treaty=ottawa, on=day, scheme=scheme)
        assert table.stored
        for summary in table.summaries:
            own = [row for row in rows if row.obligation.pk == summary.obligation.pk]
            assert summary.counts == dict(Counter(row.standing.state for row in own)), (day, summary.obligation)
    # Something to compare: by 2010 States are overdue, met late and extended, in several groups.
    world = stored(ottawa, D("2010-12-31"), WORLD_PANEL)
    assert world[(STOCKPILE, "All participants")][ObligationState.OVERDUE] >= 3
    assert world[("mine-clearance", "All participants")][ObligationState.EXTENDED] >= 10
    assert len(stored(ottawa, D("2010-12-31"), scheme_panel(scheme.pk))) >= 4 * 5


def test_stored_forums_equal_the_counts_on_demand(ottawa):
    scheme = RegionScheme.objects.get(slug="m49")
    assert Forum.objects.exists()
    for day in [D("2004-12-31"), D("2010-12-31"), D("2020-12-31"), timezone.localdate()]:
        seats = forum_seats(day)
        rows = computed_rows(ottawa, day, scheme)
        expected = tally(rows, lambda row, seats=seats: sorted(seats.get(row.country.pk, ())))
        assert stored(ottawa, day, FORUMS_PANEL) == expected, day
        assert expected  # the forums count some States Parties


def test_the_stored_figures_are_read_on_a_stored_date_only(ottawa):
    scheme = RegionScheme.objects.get(slug="m49")
    assert obligation_table(treaty=ottawa, on=D("2010-12-31"), scheme=scheme).stored
    assert not obligation_table(treaty=ottawa, on=D("2010-12-30"), scheme=scheme).stored
    # Stored and computed regions agree on the page's order: by name, "in no region" last.
    stored_regions = obligation_table(treaty=ottawa, on=D("2010-12-31"), scheme=scheme).summaries[1].regions
    computed = obligation_table(treaty=ottawa, on=D("2010-12-30"), scheme=scheme).summaries[1].regions
    assert [label for label, _ in stored_regions] == [label for label, _ in computed]


def test_the_headline_reads_the_stored_world_row_and_computes_other_dates(ottawa, django_assert_num_queries):
    ObligationSummary.objects.filter(treaty=ottawa, obligation__slug=STOCKPILE, date=D("2010-12-31")).update(
        overdue=99, pending=0, extended=0, met=0, met_late=0, unrecorded=0, not_applicable=0, parties=99
    )
    with django_assert_num_queries(1):
        assert overdue_headline(treaty=ottawa, on=D("2010-12-31")) == (99, True)  # the stored row, however odd
    with django_assert_num_queries(4):
        computed = overdue_headline(treaty=ottawa, on=D("2010-12-30"))
    assert computed[1] and 3 <= computed[0] < 99


# An edit moves them ---------------------------------------------------------------------------------


def test_an_event_deleted_through_the_service_moves_the_stored_counts(ottawa, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    belarus_met = StatusEvent.objects.get(
        treaty=ottawa, country__iso3="BLR", kind=EventKind.OBLIGATION_MET, value=STOCKPILE
    )
    before = stored(ottawa, today, WORLD_PANEL)[(STOCKPILE, "All participants")]
    assert not ObligationOverdue.objects.filter(country__iso3="BLR", cleared_on__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.status_event_delete(event=belarus_met)  # the wake-up recomputes eagerly after commit
    after = stored(ottawa, today, WORLD_PANEL)[(STOCKPILE, "All participants")]
    assert after[ObligationState.MET_LATE] == before[ObligationState.MET_LATE] - 1
    assert after[ObligationState.OVERDUE] == before[ObligationState.OVERDUE] + 1
    scheme = RegionScheme.objects.get(slug="un-groups")
    world = tally(computed_rows(ottawa, today, scheme), lambda row: ["All participants"])
    assert stored(ottawa, today, WORLD_PANEL) == world
    # The recompute brought the record up to date at once: Belarus is overdue again, since 2008-03-02.
    row = ObligationOverdue.objects.get(country__iso3="BLR", obligation__slug=STOCKPILE, cleared_on__isnull=True)
    assert (row.due_date, row.since, row.recorded_on) == (D("2008-03-01"), D("2008-03-02"), today)


# The daily job ------------------------------------------------------------------------------------


def belarus(treaty: Treaty) -> ObligationOverdue:
    return ObligationOverdue.objects.get(treaty=treaty, country__iso3="BLR", obligation__slug=STOCKPILE)


def test_the_job_records_belarus_overdue_since_2008_and_clears_it_when_met(ottawa):
    ObligationOverdue.objects.filter(treaty=ottawa).delete()
    first = obligations_overdue_record(treaty=ottawa, today=D("2010-01-01"))
    row = belarus(ottawa)
    assert (row.due_date, row.since, row.recorded_on, row.cleared_on) == (
        D("2008-03-01"),
        D("2008-03-02"),
        D("2010-01-01"),
        None,
    )
    assert first.opened == ObligationOverdue.objects.filter(treaty=ottawa).count() >= 3
    again = obligations_overdue_record(treaty=ottawa, today=D("2010-01-02"))  # nothing new: nothing written
    assert (again.opened, again.cleared, again.reopened) == (0, 0, 0)
    obligations_overdue_record(treaty=ottawa, today=D("2017-04-06"))  # met on 2017-04-05
    row = belarus(ottawa)
    assert (row.since, row.recorded_on, row.cleared_on) == (D("2008-03-02"), D("2010-01-01"), D("2017-04-06"))
    # Greece, overdue since the same day and not met by then, stays open.
    greece = ObligationOverdue.objects.get(country__iso3="GRC", obligation__slug=STOCKPILE)
    assert greece.cleared_on is None


def test_a_state_overdue_again_on_the_same_deadline_has_its_row_reopened(ottawa):
    ObligationOverdue.objects.filter(treaty=ottawa).delete()
    obligations_overdue_record(treaty=ottawa, today=D("2010-01-01"))
    obligations_overdue_record(treaty=ottawa, today=D("2017-04-06"))
    StatusEvent.objects.filter(
        treaty=ottawa, country__iso3="BLR", kind=EventKind.OBLIGATION_MET, value=STOCKPILE
    ).delete()
    result = obligations_overdue_record(treaty=ottawa, today=D("2017-04-07"))
    assert result.reopened == 1
    row = belarus(ottawa)
    assert (row.since, row.recorded_on, row.cleared_on) == (D("2008-03-02"), D("2010-01-01"), None)
    assert ObligationOverdue.objects.filter(country__iso3="BLR").count() == 1


def test_the_daily_task_runs_for_every_treaty_with_obligations(ottawa):
    ObligationOverdue.objects.all().delete()
    tasks.obligations_overdue_record_all.delay()
    treaties = set(ObligationOverdue.objects.values_list("treaty__slug", flat=True))
    assert "ottawa" in treaties
    assert treaties <= set(Obligation.objects.values_list("treaty__slug", flat=True))
    assert set(ObligationOverdue.objects.values_list("recorded_on", flat=True)) == {timezone.localdate()}


def test_the_beat_runs_the_job_daily_after_the_nightly_recompute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["obligations-overdue-daily"]
    assert entry["task"] == "treaties.tasks.obligations_overdue_record_all"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {40})


# The page reads the record -----------------------------------------------------------------------


def newly(treaty: Treaty, day: str) -> tuple[set[str], bool]:
    table = obligation_table(
        treaty=treaty, on=D(day), scheme=RegionScheme.objects.get(slug="m49"), obligation=STOCKPILE
    )
    return {row.country.iso3 for row in table.summaries[0].newly_overdue}, table.newly_from_record


def test_newly_overdue_this_week_comes_from_the_record_once_it_has_started(client, ottawa):
    ObligationOverdue.objects.filter(treaty=ottawa).delete()
    obligations_overdue_record(treaty=ottawa, today=D("2008-03-03"))
    found, from_record = newly(ottawa, "2008-03-05")
    assert from_record and found >= {"BLR", "GRC", "TUR"}
    assert newly(ottawa, "2008-03-20") == (set(), True)  # more than a week later
    # What the record says goes, even where the events say otherwise now: the job saw Greece overdue.
    ObligationOverdue.objects.filter(country__iso3="GRC").update(since=D("2008-03-04"), due_date=D("2008-03-03"))
    assert "GRC" in newly(ottawa, "2008-03-10")[0] and "BLR" not in newly(ottawa, "2008-03-10")[0]
    # Cleared on or before the date: no longer listed; cleared after it: still listed on that date.
    ObligationOverdue.objects.filter(country__iso3="TUR").update(cleared_on=D("2008-03-05"))
    assert "TUR" not in newly(ottawa, "2008-03-05")[0]
    ObligationOverdue.objects.filter(country__iso3="TUR").update(cleared_on=D("2008-03-06"))
    assert "TUR" in newly(ottawa, "2008-03-05")[0]
    page = client.get("/treaties/ottawa/obligations/?date=2008-03-05&obligation=stockpile-destruction").content
    text = page.decode()
    assert 'kept daily since <span class="date">2008-03-03</span>' in text
    assert 'href="/countries/TUR/?date=2008-03-05"' in text


def test_before_the_record_starts_the_list_is_derived_and_the_page_says_so(client, ottawa):
    ObligationOverdue.objects.filter(treaty=ottawa).delete()
    obligations_overdue_record(treaty=ottawa, today=D("2010-01-01"))
    found, from_record = newly(ottawa, "2008-03-05")
    assert not from_record and found >= {"BLR", "GRC", "TUR"}
    text = client.get("/treaties/ottawa/obligations/?date=2008-03-05").content.decode()
    assert 'The record of when deadlines passed starts on <span class="date">2010-01-01</span>' in text
    ObligationOverdue.objects.all().delete()
    text = client.get("/treaties/ottawa/obligations/?date=2008-03-06").content.decode()
    assert "The record of when deadlines passed has not started yet" in text


def test_the_page_escapes_what_the_record_names(client, ottawa):
    ObligationOverdue.objects.filter(treaty=ottawa).delete()
    obligations_overdue_record(treaty=ottawa, today=D("2008-03-03"))
    row = belarus(ottawa)
    row.country.name = "<b>Belarus</b>"
    row.country.save(update_fields=["name"])
    text = client.get("/treaties/ottawa/obligations/?date=2008-03-05&obligation=stockpile-destruction").content
    assert b"<b>Belarus</b>" not in text and b"&lt;b&gt;Belarus&lt;/b&gt;" in text


def test_page_queries_do_not_grow_with_the_record_or_the_rows(client, ottawa):
    obligations_overdue_record(treaty=ottawa, today=D("2008-03-03"))
    urls = ["/treaties/ottawa/obligations/?date=2008-03-05", "/treaties/ottawa/obligations/?date=2010-12-31"]
    before = [count_queries(client, url)[0] for url in urls]
    assert before == [10, 10]  # both after the record's first day: its list is read (query_counts.py)
    add_rows()
    recompute(ottawa)
    stockpile = Obligation.objects.get(treaty=ottawa, slug=STOCKPILE)
    ObligationOverdue.objects.bulk_create(
        [
            ObligationOverdue(
                treaty=ottawa,
                obligation=stockpile,
                country=country,
                due_date=D("2008-03-01"),
                since=D("2008-03-02"),
                recorded_on=D("2008-03-03"),
            )
            for country in Country.objects.filter(participant=True, valid_until__isnull=True)[:100]
        ],
        ignore_conflicts=True,
    )
    assert len(newly(ottawa, "2008-03-05")[0]) >= 100
    assert [count_queries(client, url)[0] for url in urls] == before


# The admin lists them, read-only -------------------------------------------------------------------


@pytest.mark.parametrize("model", [ObligationSummary, ObligationOverdue])
def test_the_admin_lists_them_and_allows_no_edit(admin_client, ottawa, model):
    model_admin = admin.site._registry[model]
    request = type("R", (), {"user": None})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    name = model._meta.model_name
    assert admin_client.get(f"/admin/treaties/{name}/").status_code == 200
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
    assert admin_client.post(f"/admin/treaties/{name}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=pk).exists()
