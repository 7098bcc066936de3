"""Obligation states counted per grouping, as pure functions of plain values (beside `summaries.py`).

The recompute (`services.summaries`) stores, for each stored date, grouping and obligation, how many
States Parties stand in each state (`models.ObligationSummary`). The groupings and who counts in them on
a date are the status summaries' (`summaries.groupings_of`): a participant counts on the days it
existed, in a forum on the days it (or a state it continues) held a seat as a member. Its standing is
the obligation rule's (`obligations.obligation_standing`) with its own acts and events and those of the
states it continues, counted from entry into force, as the obligations page computes it.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from treaties.choices import CountBasis
from treaties.obligations import ObligationAct, ObligationRule, obligation_standing
from treaties.status import Act, TreatyRule, country_status
from treaties.summaries import Grouping

# (date, grouping key, obligation slug) → state → how many States Parties.
ObligationCounts = dict[tuple[datetime.date, str, str], Counter]


def obligation_summary_dates(*, in_force: datetime.date | None, today: datetime.date) -> list[datetime.date]:
    """The dates whose obligation counts are stored, oldest first: today, and every 31 December from the year
    of the treaty's entry into force to last year. No month ends: obligations move on a scale of years,
    and every date costs a pass of the rule over every State at recompute time."""
    dates = {today}
    if in_force is not None and in_force <= today:
        dates.update(datetime.date(year, 12, 31) for year in range(in_force.year, today.year))
    return sorted(dates)


def _counted_on(mask: Sequence[tuple[datetime.date, datetime.date]], day: datetime.date) -> bool:
    return any(start <= day < end for start, end in mask)


def obligation_counts(
    *,
    rule: TreatyRule,
    obligations: Sequence[ObligationRule],
    acts: Mapping[int, Sequence[Act]],
    events: Mapping[int, Sequence[ObligationAct]],
    lineage: Mapping[int, tuple[int, ...]],
    groupings: Sequence[Grouping],
    dates: Sequence[datetime.date],
) -> ObligationCounts:
    """How many members of each grouping stand in each state on each obligation, on each date.

    1. Each participant's standings on every date, once (not once per grouping): none on a date it is
       not a State Party (entry into force) on.
    2. Each grouping adds up the standings of the members it counts on each date.
    Only the (date, grouping, obligation) with at least one State Party appear.
    """
    if not obligations or not dates:
        return {}
    participants = {country for grouping in groupings for country, _ in grouping.members}
    standings: dict[int, list[tuple[datetime.date, tuple[tuple[str, str], ...]]]] = {}
    for country in participants:
        holders = (country, *lineage.get(country, ()))
        own_acts = [act for holder in holders for act in acts.get(holder, ())]
        if not own_acts:
            continue  # never a party to anything
        own_events = [event for holder in holders for event in events.get(holder, ())]
        per_day = []
        for day in dates:
            status = country_status(rule, own_acts, day, CountBasis.IN_FORCE)
            if not status.is_party:
                continue
            states = []
            for obligation in obligations:
                standing = obligation_standing(rule, obligation, own_acts, own_events, day, status=status)
                if standing is not None:
                    states.append((obligation.slug, standing.state))
            per_day.append((day, tuple(states)))
        if per_day:
            standings[country] = per_day
    counts: ObligationCounts = defaultdict(Counter)
    for grouping in groupings:
        for country, mask in grouping.members:
            for day, states in standings.get(country, ()):
                if _counted_on(mask, day):
                    for slug, state in states:
                        counts[(day, grouping.key, slug)][state] += 1
    return dict(counts)
