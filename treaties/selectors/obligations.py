"""Reads: each State Party's obligations under a treaty on a date (the rule is `treaties.obligations`).

The obligations page, its CSV, the country page and the overview read from here. A page makes the
same few queries whatever the number of States, events or obligations: the obligations, the
participants, the continuations between states, the treaty's events, and (for the regions) the
scheme's assignments.

On a stored date (today, a 31 December since entry into force) the counts by state, overall and per
region, and the overview's headline are read from the stored obligation summaries written by the
recompute (`models.ObligationSummary`); on another date, or before the recompute has stored it, they
are computed. "Newly overdue this week" is read from the overdue record the daily job keeps
(`models.ObligationOverdue`) from the day that record starts; before it, it is derived from the rule
(both in `obligations_overdue.py`).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import OuterRef, Subquery

from countries.models import Country, RegionAssignment, RegionScheme
from countries.selectors import country_lineage_map
from treaties.choices import OBLIGATION_KINDS, CountBasis, ObligationClock, ObligationState, PeriodUnit
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.models import ObligationSummary as StoredCounts
from treaties.models.obligation_summaries import STATE_COLUMNS
from treaties.obligations import ObligationAct, ObligationStanding, next_due_date, obligation_rules, obligation_standing
from treaties.selectors.obligations_overdue import NewlyOverdue, newly_overdue_derived, newly_overdue_from_record
from treaties.selectors.status_rows import RULE_KINDS
from treaties.status import Act, add_period, country_status
from treaties.summaries import WORLD_PANEL, scheme_panel

# "Deadlines to come": those falling due within this many months after the date.
UPCOMING_MONTHS = 24
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
    # Those that fell overdue in the week up to the date and were still overdue on it.
    newly_overdue: list[NewlyOverdue] = field(default_factory=list)
    # (region, counts in the order of ObligationState)
    regions: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def count_pairs(self) -> list[tuple[str, str, int]]:
        return [(state.value, state.label, self.counts.get(state.value, 0)) for state in ObligationState]


@dataclass
class ObligationTable:
    """The rows (narrowed by `state`), and each obligation's figures, worked out when first read: the CSV
    reads only the rows, and makes none of the figures' queries (stored counts, the overdue record)."""

    treaty: Treaty
    on: datetime.date
    obligations: list[Obligation]
    rows: list[ObligationRow]
    scheme: RegionScheme | None = None
    # Every row, whatever `state`: the figures are those of every State.
    all_rows: list[ObligationRow] = field(default_factory=list)

    @cached_property
    def _figures(self) -> tuple[list[ObligationSummary], bool, datetime.date | None, bool]:
        return _figures(self)

    @property
    def summaries(self) -> list[ObligationSummary]:
        return self._figures[0]

    @property
    def stored(self) -> bool:
        """Whether the counts by state and per region were read from the stored obligation summaries."""
        return self._figures[1]

    @property
    def record_starts(self) -> datetime.date | None:
        """The first day of the overdue record (None: not started)."""
        return self._figures[2]

    @property
    def newly_from_record(self) -> bool:
        """Whether "newly overdue" was read from the record (else derived from the rule)."""
        return self._figures[3]


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


def obligation_events_by_country(*, treaty: Treaty) -> dict[int, list[ObligationAct]]:
    """The treaty's events about its obligations, by country, in one query: for the recompute, which
    reads the status acts with the status summaries (`treaty_acts_by_country`)."""
    about: dict[int, list[ObligationAct]] = defaultdict(list)
    rows = StatusEvent.objects.filter(treaty=treaty, kind__in=sorted(OBLIGATION_KINDS)).values_list(
        "country_id", "kind", "date", "value", "effective_date", "source"
    )
    for country_id, kind, date, value, effective_date, source in rows:
        about[country_id].append(ObligationAct(kind, date, value, effective_date, source))
    return dict(about)


def obligation_standings(*, treaty: Treaty, obligations: list[Obligation], on: datetime.date) -> list[ObligationRow]:
    """Every State Party's standing on each of `obligations` on `on` (the daily overdue record reads it):
    three queries, the participants, the continuations and the events."""
    countries = Country.objects.participants().existing_on(on).order_by("name")
    return _standings(treaty=treaty, obligations=obligations, countries=countries, on=on)


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
    The rows take five queries whatever their number (four with `obligations`). The figures are worked out
    when first read (`ObligationTable.summaries`): their counts from the stored obligation summaries when
    `on` is stored (`_stored_counts`, one query), the newly overdue from the record once it has started
    (`newly_overdue_from_record`, one query before, two from its first day).
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
    filtered = [row for row in rows if row.standing.state == state] if state else rows
    return ObligationTable(treaty=treaty, on=on, obligations=obligations, rows=filtered, scheme=scheme, all_rows=rows)


def _figures(table: ObligationTable) -> tuple[list[ObligationSummary], bool, datetime.date | None, bool]:
    """Each obligation's figures (counts, overdue, deadlines to come, newly overdue, per region), whether
    the counts were stored ones, the first day of the overdue record and whether it was read."""
    on = table.on
    stored = _stored_counts(treaty=table.treaty, on=on, scheme=table.scheme, obligations=table.obligations)
    horizon = add_period(on, PeriodUnit.MONTHS, UPCOMING_MONTHS)
    summaries = []
    for item in table.obligations:
        own = [row for row in table.all_rows if row.obligation.pk == item.pk]
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
        counts, region_counts = stored[item.pk] if stored is not None else _computed_counts(own)
        summaries.append(
            ObligationSummary(
                obligation=item,
                counts=counts,
                overdue=overdue,
                upcoming=upcoming,
                newly_overdue=newly_overdue_derived(overdue),
                regions=region_counts,
            )
        )
    record_starts, from_record = newly_overdue_from_record(treaty=table.treaty, on=on, summaries=summaries)
    return summaries, stored is not None, record_starts, from_record


RegionCounts = list[tuple[str, list[int]]]  # (region, counts in the order of ObligationState)


def _region_order(pair: tuple[str, object]) -> tuple[bool, str]:
    return pair[0] == NO_REGION_LABEL, pair[0].casefold()


def _computed_counts(own: Sequence[ObligationRow]) -> tuple[dict[str, int], RegionCounts]:
    """One obligation's counts by state, and per region (those with a State Party), from its rows."""
    by_region: dict[str, Counter] = defaultdict(Counter)
    for row in own:
        by_region[row.region][row.standing.state] += 1
    regions = sorted(by_region.items(), key=_region_order)
    return (
        dict(Counter(row.standing.state for row in own)),
        [(label, [c.get(state.value, 0) for state in ObligationState]) for label, c in regions],
    )


def _stored_counts(
    *, treaty: Treaty, on: datetime.date, scheme: RegionScheme | None, obligations: Sequence[Obligation]
) -> dict[int, tuple[dict[str, int], RegionCounts]] | None:
    """Each obligation's counts by state and per region of `scheme` from the stored obligation summaries,
    in one query; None when `on` is not stored for every one of them (then they are computed)."""
    if not obligations or scheme is None:
        return None
    panel = scheme_panel(scheme.pk)
    world: dict[int, dict[str, int]] = {}
    regions: dict[int, RegionCounts] = defaultdict(list)
    stored = StoredCounts.objects.filter(
        treaty=treaty, date=on, panel__in=[WORLD_PANEL, panel], obligation__in=[o.pk for o in obligations]
    ).values_list("obligation_id", "panel", "region_id", "label", *STATE_COLUMNS)
    for obligation_id, row_panel, region_id, label, *numbers in stored:
        by_state = dict(zip(STATE_COLUMNS, numbers, strict=True))
        if row_panel == WORLD_PANEL:
            world[obligation_id] = {state: n for state, n in by_state.items() if n}
        else:
            label = label if region_id is not None else NO_REGION_LABEL
            regions[obligation_id].append((label, [by_state[state.value] for state in ObligationState]))
    if any(item.pk not in world for item in obligations):
        return None
    return {item.pk: (world[item.pk], sorted(regions[item.pk], key=_region_order)) for item in obligations}


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
    """How many States are overdue on the treaty's obligation `slug` on `on`, and whether it has one.

    One query on a stored date (the obligation with its stored world count); on another, three more to
    compute it (the participants, the continuations, the events).
    """
    world = StoredCounts.objects.filter(obligation=OuterRef("pk"), date=on, panel=WORLD_PANEL)
    found = (
        Obligation.objects.filter(treaty=treaty, slug=slug)
        .annotate(stored_overdue=Subquery(world.values("overdue")[:1]))
        .first()
    )
    if found is None:
        return 0, False
    if found.stored_overdue is not None:
        return found.stored_overdue, True
    countries = Country.objects.participants().existing_on(on)
    rows = _standings(treaty=treaty, obligations=[found], countries=countries, on=on)
    return sum(row.standing.state == ObligationState.OVERDUE for row in rows), True
