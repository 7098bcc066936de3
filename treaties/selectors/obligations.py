"""Reads: each State Party's obligations under a treaty on a date (the rule is `treaties.obligations`).

The obligations page, its CSV, the country page and the overview read from here. A page makes the
same few queries whatever the number of States, events or obligations: the obligations, the
participants, the continuations between states, the treaty's events, and (for the regions) the
scheme's assignments.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from countries.models import Country, RegionAssignment, RegionScheme
from countries.selectors import country_lineage_map
from treaties.choices import OBLIGATION_KINDS, CountBasis, ObligationClock, ObligationState, PeriodUnit
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.obligations import (
    ObligationAct,
    ObligationStanding,
    next_due_date,
    obligation_rules,
    obligation_standing,
)
from treaties.selectors.status_rows import RULE_KINDS
from treaties.status import Act, add_period, country_status

# "Deadlines to come": those falling due within this many months after the date.
UPCOMING_MONTHS = 24
# "Newly overdue": fell overdue within this many days up to the date (the day after the deadline).
NEWLY_OVERDUE_DAYS = 7
# The overview's headline: States overdue on this obligation of the default treaty.
HEADLINE_OBLIGATION = "stockpile-destruction"
NO_REGION_LABEL = "In no region"


@dataclass(frozen=True, slots=True)
class ObligationRow:
    """One State Party and one obligation on the date."""

    country: Country
    obligation: Obligation
    standing: ObligationStanding
    region: str = ""

    @property
    def extensions_text(self) -> str:
        return "; ".join(f"{e.granted.isoformat()} → {e.new_date.isoformat()}" for e in self.standing.extensions)


@dataclass
class ObligationSummary:
    """One obligation's figures on the date: counts by state, the overdue (latest first), deadlines to come."""

    obligation: Obligation
    counts: dict[str, int]
    overdue: list[ObligationRow]
    upcoming: list[tuple[datetime.date, ObligationRow]]
    # Those of `overdue` that fell overdue in the week up to the date.
    newly_overdue: list[ObligationRow] = field(default_factory=list)
    # (region, counts in the order of ObligationState)
    regions: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def count_pairs(self) -> list[tuple[str, str, int]]:
        return [(state.value, state.label, self.counts.get(state.value, 0)) for state in ObligationState]


@dataclass
class ObligationTable:
    treaty: Treaty
    on: datetime.date
    obligations: list[Obligation]
    summaries: list[ObligationSummary]
    rows: list[ObligationRow]


def _events(treaty: Treaty, on: datetime.date) -> tuple[dict[int, list[Act]], dict[int, list[ObligationAct]]]:
    """The treaty's acts the status rule reads and its events about obligations, by country: one query."""
    acts: dict[int, list[Act]] = defaultdict(list)
    about: dict[int, list[ObligationAct]] = defaultdict(list)
    rows = StatusEvent.objects.filter(treaty=treaty, kind__in=[*RULE_KINDS, *sorted(OBLIGATION_KINDS)]).values_list(
        "country_id", "kind", "date", "value", "effective_date", "end_date", "source"
    )
    for country_id, kind, date, value, effective_date, end_date, source in rows:
        if kind in OBLIGATION_KINDS:
            about[country_id].append(ObligationAct(kind, date, value, effective_date, source))
        else:
            acts[country_id].append(Act(kind, date, value, effective_date, end_date))
    return acts, about


def _standings(
    *, treaty: Treaty, obligations: list[Obligation], countries: Iterable[Country], on: datetime.date
) -> list[ObligationRow]:
    rules = obligation_rules(obligations)
    lineage = country_lineage_map()
    acts, about = _events(treaty, on)
    rule = treaty.rule
    rows = []
    for country in countries:
        holders = (country.pk, *lineage.get(country.pk, ()))
        country_acts = [act for holder in holders for act in acts.get(holder, [])]
        country_events = [event for holder in holders for event in about.get(holder, [])]
        status = country_status(rule, country_acts, on, CountBasis.IN_FORCE)
        if not status.is_party:
            continue
        for obligation in obligations:
            standing = obligation_standing(
                rule, rules[obligation.slug], country_acts, country_events, on, status=status
            )
            if standing is not None:
                rows.append(ObligationRow(country=country, obligation=obligation, standing=standing))
    return rows


def treaty_obligations(treaty: Treaty) -> list[Obligation]:
    return list(Obligation.objects.filter(treaty=treaty).order_by("order", "slug"))


def obligation_table(
    *,
    treaty: Treaty,
    on: datetime.date,
    scheme: RegionScheme,
    obligation: str = "",
    state: str = "",
    obligations: list[Obligation] | None = None,
) -> ObligationTable:
    """Every State Party's obligations on `on` (one row per State and obligation, by country then the
    obligation's order), the figures of each obligation and its counts per region of `scheme`.

    `obligation` (a slug) narrows everything to one obligation; `state` narrows the rows (the figures
    stay those of every State). `obligations` are the treaty's, when the caller has read them already.
    Five queries, whatever the number of rows (four with `obligations`).
    """
    obligations = treaty_obligations(treaty) if obligations is None else obligations
    if obligation:
        obligations = [o for o in obligations if o.slug == obligation]
    countries = list(Country.objects.participants().existing_on(on).order_by("name"))
    regions = dict(RegionAssignment.objects.filter(scheme=scheme).values_list("country_id", "region__name"))
    rows = [
        ObligationRow(row.country, row.obligation, row.standing, regions.get(row.country.pk, NO_REGION_LABEL))
        for row in _standings(treaty=treaty, obligations=obligations, countries=countries, on=on)
    ]
    horizon = add_period(on, PeriodUnit.MONTHS, UPCOMING_MONTHS)
    summaries = []
    for item in obligations:
        own = [row for row in rows if row.obligation.pk == item.pk]
        counts = Counter(row.standing.state for row in own)
        overdue = sorted(
            (row for row in own if row.standing.state == ObligationState.OVERDUE),
            key=lambda row: (-(row.standing.days_late or 0), row.country.name),
        )
        upcoming = []
        for row in own:
            if row.standing.state in {ObligationState.NOT_APPLICABLE}:
                continue
            if item.clock == ObligationClock.YEARLY:
                continue  # every State, every year: not listed as a deadline to come
            if row.standing.met_date is None and on < row.standing.due_date <= horizon:
                upcoming.append((row.standing.due_date, row))
        upcoming.sort(key=lambda pair: (pair[0], pair[1].country.name))
        by_region: dict[str, Counter] = defaultdict(Counter)
        for row in own:
            by_region[row.region][row.standing.state] += 1
        region_counts = sorted(by_region.items(), key=lambda pair: (pair[0] == NO_REGION_LABEL, pair[0].casefold()))
        summaries.append(
            ObligationSummary(
                obligation=item,
                counts=dict(counts),
                overdue=overdue,
                upcoming=upcoming,
                newly_overdue=[row for row in overdue if (row.standing.days_late or 0) <= NEWLY_OVERDUE_DAYS],
                regions=[(label, [c.get(state.value, 0) for state in ObligationState]) for label, c in region_counts],
            )
        )
    if state:
        rows = [row for row in rows if row.standing.state == state]
    return ObligationTable(treaty=treaty, on=on, obligations=obligations, summaries=summaries, rows=rows)


def next_yearly_due(row: ObligationRow, on: datetime.date) -> datetime.date | None:
    """A yearly obligation's next deadline after `on`, for the country page."""
    rules = obligation_rules([row.obligation])
    return next_due_date(rules[row.obligation.slug], row.standing.in_force_date, on)


def country_obligations(*, country: Country, on: datetime.date) -> list[ObligationRow]:
    """A country's obligations under every treaty that has some, on `on`, each with its due date,
    extensions and how it was met: three queries (the obligations, the continuations, the events)."""
    obligations = list(Obligation.objects.select_related("treaty").order_by("treaty__short_name", "order"))
    by_treaty: dict[int, list[Obligation]] = defaultdict(list)
    for item in obligations:
        by_treaty[item.treaty_id].append(item)
    if not by_treaty:
        return []
    lineage = country_lineage_map()
    holders = (country.pk, *lineage.get(country.pk, ()))
    acts: dict[int, list[Act]] = defaultdict(list)
    about: dict[int, list[ObligationAct]] = defaultdict(list)
    events = StatusEvent.objects.filter(
        treaty_id__in=list(by_treaty), country_id__in=holders, kind__in=[*RULE_KINDS, *sorted(OBLIGATION_KINDS)]
    ).values_list("treaty_id", "kind", "date", "value", "effective_date", "end_date", "source")
    for treaty_id, kind, date, value, effective_date, end_date, source in events:
        if kind in OBLIGATION_KINDS:
            about[treaty_id].append(ObligationAct(kind, date, value, effective_date, source))
        else:
            acts[treaty_id].append(Act(kind, date, value, effective_date, end_date))
    rows = []
    for items in by_treaty.values():
        treaty = items[0].treaty
        rules = obligation_rules(items)
        for item in items:
            standing = obligation_standing(treaty.rule, rules[item.slug], acts[treaty.pk], about[treaty.pk], on)
            if standing is not None:
                rows.append(ObligationRow(country=country, obligation=item, standing=standing))
    return rows


def overdue_headline(*, treaty: Treaty, on: datetime.date, slug: str = HEADLINE_OBLIGATION) -> tuple[int, bool]:
    """How many States are overdue on the treaty's obligation `slug` on `on`, and whether it has one."""
    obligations = [o for o in treaty_obligations(treaty) if o.slug == slug]
    if not obligations:
        return 0, False
    countries = Country.objects.participants().existing_on(on)
    rows = _standings(treaty=treaty, obligations=obligations, countries=countries, on=on)
    return sum(row.standing.state == ObligationState.OVERDUE for row in rows), True
