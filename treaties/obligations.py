"""The obligations rule: a State's due date for each obligation and where it stands on a date, as pure
functions of plain values, beside the status rule (`treaties.status`).

1. A State has an obligation only while it is a State Party on the date (`country_status`): a signatory
   or a State that has not joined has none, and a withdrawn State's obligations end when its
   withdrawal takes effect (a State whose withdrawal is pending is still bound).
2. An obligation with a period counts from the treaty's entry into force for the State
   (`add_period`, the same arithmetic the treaties use: Ottawa art. 4, four years = 48 months).
   A `deadline_extended` event granted on or before the date moves the deadline to its
   `effective_date`; the latest one granted wins.
3. A yearly obligation is due on its calendar day (Ottawa art. 7(2): 30 April, for the calendar year
   before), starting on the first such day after the deadline of the obligation it follows (the initial
   report), else in the year after entry into force. "The annual report" on a date is the latest one
   due on or before it (the first one, still pending, before that). Reports are taken in turn: the
   k-th report due is met by the k-th `obligation_met` recorded (an event does not say which year a
   report covers).
4. An `obligation_met` dated before entry into force means the State had done it before joining (a
   stockpile destroyed before it joined): the obligation is met on joining, on time.
5. On the date: `not_applicable` (an `obligation_not_applicable` event), `met` / `met_late` (met on or
   before / after the deadline in force), `overdue` (the deadline passed unmet), `extended` (not yet due,
   on a granted new date), `pending` (not yet due). Where the record of an obligation is partial
   (`complete_record` false) a State past its deadline with nothing recorded about that obligation is
   `unrecorded`, not `overdue`: the data cannot tell a State that met it from one that did not.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from treaties.choices import CountBasis, EventKind, ObligationClock, ObligationState
from treaties.status import Act, CountryStatus, TreatyRule, add_period, country_status


@dataclass(frozen=True, slots=True)
class ObligationRule:
    """One obligation's clock, as plain values (from `models.Obligation`)."""

    slug: str
    clock: str
    period_unit: str = ""
    period_count: int | None = None
    yearly_month: int | None = None
    yearly_day: int | None = None
    extendable: bool = False
    complete_record: bool = False
    follows: "ObligationRule | None" = None


@dataclass(frozen=True, slots=True)
class ObligationAct:
    """One recorded event about one obligation of one State: its kind, date, new deadline, source."""

    kind: str
    date: datetime.date
    slug: str
    new_date: datetime.date | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Extension:
    granted: datetime.date
    new_date: datetime.date
    source: str


@dataclass(frozen=True, slots=True)
class ObligationStanding:
    """Where one State stands on one obligation on one date, and the dates behind it."""

    slug: str
    state: str
    due_date: datetime.date
    original_due_date: datetime.date
    in_force_date: datetime.date
    extensions: tuple[Extension, ...] = ()
    met_date: datetime.date | None = None
    days_late: int | None = None
    source: str = ""

    @property
    def state_label(self) -> str:
        return ObligationState(self.state).label


def yearly_due_day(obligation: ObligationRule, year: int) -> datetime.date:
    """The obligation's due day in `year` (a 31st in a shorter month falls on its last day)."""
    month, day = obligation.yearly_month, obligation.yearly_day
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


def first_yearly_due(obligation: ObligationRule, in_force: datetime.date) -> datetime.date:
    """The first due day of a yearly obligation: the first after the deadline of the one it follows (Ottawa:
    the first 30 April after the initial report's 180 days), else the one in the year after entry into
    force (ATT art. 13(3): the first report covers the first calendar year the Treaty was in force)."""
    if obligation.follows is None:
        return yearly_due_day(obligation, in_force.year + 1)
    start = original_due_date(obligation.follows, in_force)
    day = yearly_due_day(obligation, start.year)
    return day if day > start else yearly_due_day(obligation, start.year + 1)


def yearly_due_dates(obligation: ObligationRule, in_force: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Every due day of a yearly obligation from the first up to and including `until`."""
    day, days = first_yearly_due(obligation, in_force), []
    while day <= until:
        days.append(day)
        day = yearly_due_day(obligation, day.year + 1)
    return days


def original_due_date(obligation: ObligationRule, in_force: datetime.date) -> datetime.date:
    """The first deadline, before any extension: the period after entry into force, or the first yearly day."""
    if obligation.clock == ObligationClock.YEARLY:
        return first_yearly_due(obligation, in_force)
    return add_period(in_force, obligation.period_unit, obligation.period_count)


def next_due_date(obligation: ObligationRule, in_force: datetime.date, on: datetime.date) -> datetime.date:
    """The next deadline after `on` of a yearly obligation (for "deadlines to come")."""
    first = first_yearly_due(obligation, in_force)
    if first > on:
        return first
    day = yearly_due_day(obligation, on.year)
    return day if day > on else yearly_due_day(obligation, on.year + 1)


def obligation_standing(
    rule: TreatyRule,
    obligation: ObligationRule,
    acts: Iterable[Act],
    events: Sequence[ObligationAct],
    on: datetime.date,
    *,
    status: CountryStatus | None = None,
) -> ObligationStanding | None:
    """Where a State stands on `obligation` on `on`, from its status acts and its events about the
    obligation (those of other obligations are ignored); None when it is not a State Party on `on`.
    `status` is the State's `country_status` on `on` (counted from entry into force), when the caller
    has it already for another obligation."""
    if status is None:
        status = country_status(rule, acts, on, CountBasis.IN_FORCE)
    if not status.is_party or status.in_force_date is None:
        return None
    in_force = status.in_force_date
    own = sorted((e for e in events if e.slug == obligation.slug and e.date <= on), key=lambda e: e.date)
    original = original_due_date(obligation, in_force)
    base = {"slug": obligation.slug, "original_due_date": original, "in_force_date": in_force}

    waived = next((e for e in own if e.kind == EventKind.OBLIGATION_NOT_APPLICABLE), None)
    if waived is not None:
        return ObligationStanding(state=ObligationState.NOT_APPLICABLE, due_date=original, source=waived.source, **base)
    if obligation.clock == ObligationClock.YEARLY:
        return _yearly_standing(obligation, own, on, base)

    extensions = tuple(
        Extension(e.date, e.new_date, e.source)
        for e in own
        if e.kind == EventKind.DEADLINE_EXTENDED and e.new_date is not None
    )
    due = extensions[-1].new_date if extensions else original
    base |= {"due_date": due, "extensions": extensions}
    met = next((e for e in own if e.kind == EventKind.OBLIGATION_MET), None)
    if met is not None:
        met_date = max(met.date, in_force)  # done before joining: met on joining
        late = (met_date - due).days
        if late > 0:
            return ObligationStanding(
                state=ObligationState.MET_LATE, met_date=met_date, days_late=late, source=met.source, **base
            )
        return ObligationStanding(state=ObligationState.MET, met_date=met_date, source=met.source, **base)
    latest_source = extensions[-1].source if extensions else ""
    if due < on:
        recorded = obligation.complete_record or bool(own)
        missed = next((e for e in reversed(own) if e.kind == EventKind.DEADLINE_MISSED), None)
        return ObligationStanding(
            state=ObligationState.OVERDUE if recorded else ObligationState.UNRECORDED,
            days_late=(on - due).days if recorded else None,
            source=missed.source if missed is not None else latest_source,
            **base,
        )
    if extensions:
        return ObligationStanding(state=ObligationState.EXTENDED, source=latest_source, **base)
    return ObligationStanding(state=ObligationState.PENDING, **base)


def _yearly_standing(
    obligation: ObligationRule, own: list[ObligationAct], on: datetime.date, base: dict
) -> ObligationStanding:
    in_force = base["in_force_date"]
    due_days = yearly_due_dates(obligation, in_force, on)
    if not due_days:
        return ObligationStanding(state=ObligationState.PENDING, due_date=base["original_due_date"], **base)
    due = due_days[-1]
    # Reports are submitted in turn: the k-th recorded one is the k-th report due.
    reports = [e for e in own if e.kind == EventKind.OBLIGATION_MET]
    met = reports[len(due_days) - 1] if len(reports) >= len(due_days) else None
    base = base | {"due_date": due}
    if met is not None:
        late = (met.date - due).days
        state = ObligationState.MET_LATE if late > 0 else ObligationState.MET
        return ObligationStanding(
            state=state, met_date=met.date, days_late=late if late > 0 else None, source=met.source, **base
        )
    if due < on:
        recorded = obligation.complete_record or bool(own)
        return ObligationStanding(
            state=ObligationState.OVERDUE if recorded else ObligationState.UNRECORDED,
            days_late=(on - due).days if recorded else None,
            **base,
        )
    return ObligationStanding(state=ObligationState.PENDING, **base)


def obligation_rules(obligations: Iterable) -> dict[str, ObligationRule]:
    """The rules of a treaty's obligations (`models.Obligation` rows, or anything with their fields) by slug,
    each yearly one with the rule of the obligation it follows, when that is among them."""
    rows = list(obligations)
    by_id = {row.pk: row for row in rows}
    rules: dict[str, ObligationRule] = {}

    def build(row) -> ObligationRule:
        if row.slug not in rules:
            follows = by_id.get(row.follows_id) if row.follows_id else None
            rules[row.slug] = ObligationRule(
                slug=row.slug,
                clock=row.clock,
                period_unit=row.period_unit,
                period_count=row.period_count,
                yearly_month=row.yearly_month,
                yearly_day=row.yearly_day,
                extendable=row.extendable,
                complete_record=row.complete_record,
                follows=build(follows) if follows is not None and follows is not row else None,
            )
        return rules[row.slug]

    for row in rows:
        build(row)
    return rules
