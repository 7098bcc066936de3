"""Reads: the country page, a country's standing under every treaty and what surrounds it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from countries.models import Country, CountryFormerName, CountrySuccession, ForumMembership, RegionAssignment
from countries.selectors import country_lineage_map
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty
from treaties.presentation import family_order
from treaties.status import Act, CountryStatus, country_status


@dataclass(frozen=True, slots=True)
class TreatyStanding:
    treaty: Treaty
    status: CountryStatus


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country page shows, read in a fixed number of queries."""

    country: Country
    exists: bool
    standings: list[TreatyStanding]
    events: list[StatusEvent]
    regions: list[RegionAssignment]
    memberships: list[ForumMembership]
    predecessors: list[CountrySuccession]
    successors: list[CountrySuccession]
    former_names: list[CountryFormerName]


def country_profile(*, country: Country, on: datetime.date, count: str) -> CountryProfile:
    """A country's status under every treaty on `on` (each protocol after its parent), its events (and
    those of the states it continues), regions, forum seats over time and the states before and after it."""
    ids = [country.pk, *country_lineage_map().get(country.pk, ())]
    events = list(
        StatusEvent.objects.filter(country_id__in=ids)
        .select_related("country", "treaty")
        .order_by("date", "kind", "treaty__short_name", "pk")  # a total order: the page is the same after a restore
    )
    acts: dict[int, list[Act]] = defaultdict(list)
    for e in events:
        if e.date <= on or e.kind == EventKind.WITHDRAWAL_EFFECTIVE:
            acts[e.treaty_id].append(Act(e.kind, e.date, e.value, e.effective_date, e.end_date))
    standings = [
        TreatyStanding(treaty=treaty, status=country_status(treaty.rule, acts.get(treaty.pk, []), on, count))
        for treaty in family_order(Treaty.objects.all())
    ]
    successions = list(
        CountrySuccession.objects.filter(Q(predecessor=country) | Q(successor=country)).select_related(
            "predecessor", "successor"
        )
    )
    return CountryProfile(
        country=country,
        exists=country.exists_on(on),
        standings=standings,
        events=events,
        regions=list(RegionAssignment.objects.filter(country=country).select_related("region", "scheme")),
        memberships=list(
            ForumMembership.objects.filter(country_id__in=ids)
            .select_related("forum", "country")
            .order_by("forum__name", "start_date")
        ),
        predecessors=[s for s in successions if s.successor_id == country.pk],
        successors=[s for s in successions if s.predecessor_id == country.pk],
        former_names=list(country.former_names.all()),
    )
