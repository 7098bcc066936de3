"""Summaries as pure functions of plain values: status timelines, count spans and the stored dates.

Like `status.py`, nothing here touches the database. The recompute (`services.summary_recompute`)
gathers a treaty's events and who belongs where, and these functions turn them into

1. each participant's *timeline*: the days on which its (status, on board) pair changes,
   found by running the status rule at every date where one of its conditions can flip;
2. each grouping's *spans*: stretches of days over which its counts do not change, so the
   summary for any date is the one span containing it (one indexed range query);
3. the *stored dates*: today, the opening for signature and every 31 December since, and
   every month end of the last five years.
"""

import bisect
import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from treaties.choices import CONSENT_KINDS, STATUS_ORDER, EventKind, LegalStatus
from treaties.status import (
    PARTY_STATUSES,
    Act,
    TreatyRule,
    country_status,
    entry_into_force_date,
    stance_lapse_date,
    withdrawal_effective_date,
)

# Spans cover all time: the first starts on the first day a date can hold, the last ends on the last.
BEGINNING = datetime.date(1, 1, 1)
END = datetime.date(9999, 12, 31)
# Month ends stored for this many years back, besides the yearly points.
MONTH_END_YEARS = 5

Key = tuple[str, bool]  # (legal status, on board)
NOT_COUNTED = None
UNBOUND: Key = (LegalStatus.NON_SIGNATORY, False)
Interval = tuple[datetime.date, datetime.date]  # [start, end): the end is the first day outside


@dataclass(frozen=True, slots=True)
class Counts:
    """One grouping's counts on a date: participants, each legal status, and how many are on board.

    The one definition of the figures: the recompute stores them (with `parties` and
    `on_board_share`), the selectors' rows extend this class, and pages and exports read them.
    """

    countries: int = 0
    state_party: int = 0
    consented_not_in_force: int = 0
    signatory: int = 0
    withdrawal_pending: int = 0
    withdrawn: int = 0
    non_signatory: int = 0
    on_board: int = 0

    @property
    def parties(self) -> int:
        """States Parties in law: a state whose withdrawal is pending still is one."""
        return sum(getattr(self, status) for status in PARTY_STATUSES)

    @property
    def on_board_share(self) -> float:
        return round(self.on_board / self.countries, 4) if self.countries else 0.0

    def as_dict(self) -> dict[str, int | float]:
        """Every figure by name, in the order of the exports."""
        return {name: getattr(self, name) for name in REPORTED_FIGURES}


# The figures every summary and span stores, in column order: how many countries, how many in
# each legal status, how many on board.
FIGURES = tuple(field.name for field in fields(Counts))
# The figures pages and exports report, in the exports' column order: the stored ones with
# `parties` after `countries` and `on_board_share` last.
REPORTED_FIGURES = ("countries", "parties", *FIGURES[1:], "on_board_share")
ZERO = Counts()


def counts_of(tally: dict[Key, int]) -> Counts:
    """Counts from a tally of (status, on board) pairs."""
    by_status: dict[str, int] = dict.fromkeys(STATUS_ORDER, 0)
    on_board = total = 0
    for (status, board), n in tally.items():
        by_status[status] += n
        total += n
        if board:
            on_board += n
    return Counts(countries=total, on_board=on_board, **by_status)


def country_timeline(rule: TreatyRule, acts: Sequence[Act], count: str) -> list[tuple[datetime.date, Key]]:
    """Where one country stands over all time: [(first day, (status, on board)), ...], oldest first.

    The rule's every condition has the form "x on or before the date", so its answer changes
    only on such an x: an act's date, a position's end, the day the treaty enters into force
    for the state, the day a withdrawal takes effect, the day a stance lapses. Running the rule on each of those days
    gives the whole timeline. The first entry starts at BEGINNING.
    """
    days = {BEGINNING}
    if rule.entry_into_force is not None:
        days.add(rule.entry_into_force)
    for act in acts:
        days.add(act.date)
        if act.end_date is not None:
            days.add(act.end_date)
        if act.effective_date is not None:
            days.add(act.effective_date)
        if act.kind == EventKind.STANCE and (lapse := stance_lapse_date(act.date, rule.stance_lapse_years)):
            days.add(lapse)  # the day a stance lapses unless renewed
        if act.kind in CONSENT_KINDS:
            in_force = entry_into_force_date(rule, act.date, recorded=act.effective_date)
            if in_force is not None:
                days.add(in_force)
        elif act.kind == EventKind.WITHDRAWAL_NOTICE:
            days.add(withdrawal_effective_date(rule, act.date))
    timeline: list[tuple[datetime.date, Key]] = []
    for day in sorted(days):
        status = country_status(rule, acts, day, count)
        key = (status.status, status.on_board)
        if not timeline or timeline[-1][1] != key:
            timeline.append((day, key))
    return timeline


def intervals_union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching [start, end) intervals, oldest first."""
    merged: list[list[datetime.date]] = []
    for start, end in sorted(intervals):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def intervals_intersect(intervals: Sequence[Interval], within: Interval) -> list[Interval]:
    low, high = within
    return [(max(start, low), min(end, high)) for start, end in intervals if max(start, low) < min(end, high)]


def _masked_changes(timeline: Sequence[tuple[datetime.date, Key]], mask: Sequence[Interval]):
    """The days a country's contribution to a grouping changes: its key inside `mask`, nothing outside."""
    starts = [day for day, _ in timeline]

    def key_on(day: datetime.date) -> Key:
        return timeline[bisect.bisect_right(starts, day) - 1][1]

    changes: list[tuple[datetime.date, Key | None]] = []
    for low, high in mask:
        changes.append((low, key_on(low)))
        for day, key in timeline:
            if low < day < high:
                changes.append((day, key))
        if high < END:
            changes.append((high, NOT_COUNTED))
    return changes


def grouping_spans(members: Iterable[tuple[Sequence[tuple[datetime.date, Key]], Sequence[Interval]]]) -> list:
    """A grouping's counts over all time, as [(start, end, Counts)] covering BEGINNING to END.

    `members` gives, for each country that is ever in the grouping, its timeline and the
    intervals during which it counts there (its existence, and for a forum its seat).
    1. Turn each member's timeline, cut to its intervals, into +1/-1 changes per key and day.
    2. Walk the days in order, keeping a running tally; each day whose tally differs from
       the day before starts a new span.
    """
    deltas: dict[datetime.date, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    for timeline, mask in members:
        previous: Key | None = NOT_COUNTED
        for day, key in _masked_changes(timeline, mask):
            if key == previous:
                continue
            if previous is not NOT_COUNTED:
                deltas[day][previous] -= 1
            if key is not NOT_COUNTED:
                deltas[day][key] += 1
            previous = key
    tally: dict[Key, int] = defaultdict(int)
    spans: list[list] = [[BEGINNING, END, ZERO]]
    for day in sorted(deltas):
        for key, change in deltas[day].items():
            tally[key] += change
        counts = counts_of({k: n for k, n in tally.items() if n})
        if counts == spans[-1][2]:
            continue
        if day == spans[-1][0]:  # only BEGINNING: the first span starts with the tally of that day
            spans[-1][2] = counts
            continue
        spans[-1][1] = day
        spans.append([day, END, counts])
    return [tuple(span) for span in spans]


def span_on(
    spans: Sequence[tuple[datetime.date, datetime.date, Counts]],
    day: datetime.date,
    starts: Sequence[datetime.date] | None = None,
) -> Counts:
    """The counts of the span holding `day`; pass the spans' `starts` when asking many times."""
    starts = starts if starts is not None else [start for start, _, _ in spans]
    return spans[bisect.bisect_right(starts, day) - 1][2]


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def summary_dates(*, opened: datetime.date | None, today: datetime.date) -> list[datetime.date]:
    """The dates whose summaries are stored, oldest first.

    Today; the opening for signature and every 31 December from then to last year (one
    point a year for the "states parties over time" chart); and the last day of each of
    the sixty months before this one.
    """
    dates = {today}
    if opened is not None and opened <= today:
        dates.add(opened)
        dates.update(datetime.date(year, 12, 31) for year in range(opened.year, today.year))
    year, month = today.year, today.month
    for _ in range(MONTH_END_YEARS * 12):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        dates.add(month_end(year, month))
    return sorted(dates)


@dataclass(frozen=True)
class Groupings:
    """Who is counted where, as plain values: what every treaty's recompute shares.

    `participants` maps each participant to the days it existed; `lineage` each state that
    continues others to those states, nearest first; `region_of` each scheme to the region
    of each country in it; `members` each forum to the seats (role `member`) held by each
    country, as intervals.
    """

    participants: dict[int, Interval]
    lineage: dict[int, tuple[int, ...]]
    schemes: Sequence[int]
    regions: Sequence[tuple[int, int, str, str]]  # (region id, scheme id, name, slug)
    region_of: dict[int, dict[int, int]]
    forums: Sequence[tuple[int, str, str]]  # (forum id, name, slug)
    members: dict[int, dict[int, list[Interval]]]


@dataclass(frozen=True, slots=True)
class Grouping:
    """One row of a panel: the world, a region of a scheme, a scheme's "no region", or a forum."""

    key: str
    panel: str
    label: str
    slug: str = ""
    scheme_id: int | None = None
    region_id: int | None = None
    forum_id: int | None = None
    members: tuple[tuple[int, tuple[Interval, ...]], ...] = ()


WORLD_PANEL = "world"
FORUMS_PANEL = "forums"
WORLD_LABEL = "All participants"
NO_REGION_LABEL = "(no region)"


def scheme_panel(scheme_id: int) -> str:
    return f"scheme:{scheme_id}"


def groupings_of(data: Groupings) -> list[Grouping]:
    """Every grouping with its members and the days each one counts there.

    A participant counts on the days it existed. In a forum it counts on the days it, or a
    state it continues, held a seat as a member (Yugoslavia's seat at the Conference on
    Disarmament counts for Serbia and Montenegro); observers and partners are not counted.
    """
    existence = {country: ((start, end),) for country, (start, end) in data.participants.items()}
    result = [Grouping(key="world", panel=WORLD_PANEL, label=WORLD_LABEL, members=tuple(existence.items()))]
    by_region: dict[int, list] = defaultdict(list)
    for scheme_id in data.schemes:
        assigned = data.region_of.get(scheme_id, {})
        outside = []
        for country, mask in existence.items():
            region_id = assigned.get(country)
            (outside if region_id is None else by_region[region_id]).append((country, mask))
        result.append(
            Grouping(
                key=f"noregion:{scheme_id}",
                panel=scheme_panel(scheme_id),
                label=NO_REGION_LABEL,
                scheme_id=scheme_id,
                members=tuple(outside),
            )
        )
    for region_id, scheme_id, name, slug in data.regions:
        result.append(
            Grouping(
                key=f"region:{region_id}",
                panel=scheme_panel(scheme_id),
                label=name,
                slug=slug,
                scheme_id=scheme_id,
                region_id=region_id,
                members=tuple(by_region.get(region_id, ())),
            )
        )
    for forum_id, name, slug in data.forums:
        seats = data.members.get(forum_id, {})
        members = []
        for country, (start, end) in data.participants.items():
            held = [i for holder in (country, *data.lineage.get(country, ())) for i in seats.get(holder, ())]
            mask = intervals_intersect(intervals_union(held), (start, end))
            if mask:
                members.append((country, tuple(mask)))
        result.append(
            Grouping(
                key=f"forum:{forum_id}",
                panel=FORUMS_PANEL,
                label=name,
                slug=slug,
                forum_id=forum_id,
                members=tuple(members),
            )
        )
    return result


def treaty_spans(
    *,
    rule: TreatyRule,
    acts: dict[int, list[Act]],
    groupings: Sequence[Grouping],
    lineage: dict[int, tuple[int, ...]],
    counts: Iterable[str],
) -> dict[tuple[str, str], list[tuple[datetime.date, datetime.date, Counts]]]:
    """Every grouping's spans under one treaty, by (count, grouping key).

    A state counts with its own acts and those of the states it continues (Serbia with the
    2003 accession of Serbia and Montenegro), as `selectors.treaty_status_rows` does.
    """
    participants = {country for grouping in groupings for country, _ in grouping.members}
    spans = {}
    for count in counts:
        timelines = {}
        for country in participants:
            own = [
                *acts.get(country, ()),
                *(a for ancestor in lineage.get(country, ()) for a in acts.get(ancestor, ())),
            ]
            timelines[country] = country_timeline(rule, own, count) if own else [(BEGINNING, UNBOUND)]
        for grouping in groupings:
            members = ((timelines[country], mask) for country, mask in grouping.members)
            spans[(count, grouping.key)] = grouping_spans(members)
    return spans
