"""The status-on-a-date rule, as pure functions of plain values.

Nothing here touches the database: selectors gather a country's events and the
treaty's rule, and these functions say where the country stands on a date. The
same functions serve the stored summaries, on-demand dates and exports.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from treaties.choices import (
    CONSENT_KINDS,
    CountBasis,
    EventKind,
    LegalStatus,
    PeriodUnit,
    Stance,
)

# States that are legally bound or have said they will be.
ON_BOARD_STATUSES = frozenset({LegalStatus.STATE_PARTY, LegalStatus.CONSENTED_NOT_IN_FORCE, LegalStatus.SIGNATORY})
# States Parties in law: a state whose withdrawal is pending still is one.
PARTY_STATUSES = (LegalStatus.STATE_PARTY, LegalStatus.WITHDRAWAL_PENDING)
# A government says it will leave but has deposited nothing (a decree, a declared "suspension"): political,
# not legal (DESIGN.md, "More kinds of record"). Not on board from its date; the legal status is unchanged.
WITHDRAWAL_ANNOUNCED = EventKind.WITHDRAWAL_ANNOUNCED
# Order of acts on the same day: a state that signs and ratifies on one day signs first.
_SAME_DAY_ORDER = {EventKind.SIGNATURE: 0, **dict.fromkeys(CONSENT_KINDS, 1), EventKind.WITHDRAWAL_NOTICE: 2}


@dataclass(frozen=True, slots=True)
class TreatyRule:
    """A treaty's rules for entry into force and withdrawal, as data.

    `entry_into_force` is the treaty's own date; `threshold_date` the day the last
    instrument it needed was deposited (the 40th for the Ottawa Convention). A later
    instrument takes effect `late_count` `late_unit` after its deposit (Ottawa art. 17(2):
    the first day of the sixth month), a withdrawal `withdrawal_count` `withdrawal_unit`
    after the instrument is received (Ottawa art. 20(3): six months).
    """

    entry_into_force: datetime.date | None
    threshold_date: datetime.date | None
    late_unit: str = PeriodUnit.MONTH_START
    late_count: int = 6
    withdrawal_unit: str = PeriodUnit.MONTHS
    withdrawal_count: int = 6
    # A declared stance counts for this many years unless renewed (Ottawa: 3); None: it never lapses.
    stance_lapse_years: int | None = None


@dataclass(frozen=True, slots=True)
class Act:
    """One recorded event of one country under one treaty."""

    kind: str
    date: datetime.date
    value: str = ""
    effective_date: datetime.date | None = None
    end_date: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class CountryStatus:
    """Where one country stands under one treaty on one date, and the dates behind it."""

    status: str
    on_board: bool
    signature_date: datetime.date | None = None
    consent_kind: str = ""
    consent_date: datetime.date | None = None
    in_force_date: datetime.date | None = None
    withdrawal_notice_date: datetime.date | None = None
    withdrawal_effective_date: datetime.date | None = None
    stance: str = ""
    # The day the government announced it would leave, with nothing deposited (until a new consent).
    withdrawal_announced_date: datetime.date | None = None
    # Since when the State applies the treaty provisionally, while it does (before the treaty is in
    # force for it, and not once it has notified a withdrawal): "applies provisionally since …".
    provisional_application_date: datetime.date | None = None

    @property
    def is_party(self) -> bool:
        """A State Party in law: a state whose withdrawal is pending still is one."""
        return self.status in PARTY_STATUSES

    @property
    def status_label(self) -> str:
        return LegalStatus(self.status).label


def add_period(start: datetime.date, unit: str, count: int) -> datetime.date:
    """The date `count` units after `start`, as treaties count time.

    `days`: the Nth day following (Arms Trade Treaty art. 22: the ninetieth day).
    `months`: the same day N months later, or the month's last day if it is shorter.
    `month_start`: the first day of the Nth month after the month of `start`
    (Ottawa art. 17(2): deposit on 13 Dec 2017 gives 1 June 2018).
    """
    if unit == PeriodUnit.DAYS:
        return start + datetime.timedelta(days=count)
    months = start.year * 12 + (start.month - 1) + count
    year, month = divmod(months, 12)
    month += 1
    if unit == PeriodUnit.MONTH_START:
        return datetime.date(year, month, 1)
    if unit == PeriodUnit.MONTHS:
        return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    raise ValueError(f"unknown period unit {unit!r}")


def entry_into_force_date(
    rule: TreatyRule, deposit: datetime.date, *, recorded: datetime.date | None = None
) -> datetime.date | None:
    """When the treaty enters into force for a state that deposited consent on `deposit`.

    A recorded date wins (a succession takes effect from independence). Before the
    treaty itself is in force the date is unknown (None).
    """
    if recorded is not None:
        return recorded
    if rule.entry_into_force is None:
        return None
    if rule.threshold_date is not None and deposit <= rule.threshold_date:
        return rule.entry_into_force
    return max(rule.entry_into_force, add_period(deposit, rule.late_unit, rule.late_count))


def withdrawal_effective_date(
    rule: TreatyRule, notice: datetime.date, *, recorded: datetime.date | None = None
) -> datetime.date:
    """When a withdrawal notified on `notice` takes effect; a recorded date (armed conflict) wins."""
    if recorded is not None:
        return recorded
    return add_period(notice, rule.withdrawal_unit, rule.withdrawal_count)


def stance_lapse_date(declared: datetime.date, years: int | None) -> datetime.date | None:
    """The day a stance declared on `declared` lapses: `years` years later, the same day of the month (or the
    month's last day); None when stances never lapse. From that day it no longer counts."""
    if not years:
        return None
    return add_period(declared, PeriodUnit.MONTHS, 12 * years)


def current_stance(acts: Iterable[Act], on: datetime.date, lapse_years: int | None = None) -> str:
    """The latest stance declared on or before `on`, unless it has ended or lapsed; a later stance replaces an
    earlier one (and so renews it). A stance lapses `lapse_years` after its declaration (DESIGN.md, "Stances
    lapse"): Nepal's support of 1997-06-27 no longer counts on 2000-06-27 unless declared again."""
    latest = None
    for act in acts:
        if act.kind == EventKind.STANCE and act.date <= on and (latest is None or act.date >= latest.date):
            latest = act
    if latest is None or (latest.end_date is not None and latest.end_date <= on):
        return ""
    lapse = stance_lapse_date(latest.date, lapse_years)
    if lapse is not None and lapse <= on:
        return ""
    return latest.value


def is_on_board(status: str, stance: str, *, withdrawal_notified: bool) -> bool:
    """On board: bound, consented or signed, or a declared supporter, and not leaving. (A State applying
    the treaty provisionally is on board too: `country_status` adds it.)"""
    if withdrawal_notified:
        return False
    return status in ON_BOARD_STATUSES or stance == Stance.SUPPORTER


def country_status(
    rule: TreatyRule, acts: Iterable[Act], on: datetime.date, count: str = CountBasis.IN_FORCE
) -> CountryStatus:
    """Where a country stands under a treaty on `on`, from its acts.

    1. Walk the legal acts dated on or before `on`, oldest first: a consent opens a
       new cycle (a state can leave and join again), a withdrawal notice closes it.
    2. A withdrawal takes effect on a recorded `withdrawal_effective` date dated on or
       after its notice (known before that date comes), else on the notice's own
       effective date, else by the treaty's rule.
    3. A consent counts from entry into force for the state (`count=in_force`) or
       from its deposit (`count=deposit`).
    4. A provisional application (CCM art. 18, ATT art. 23) puts the State on board from
       its date until the treaty is in force for it; a withdrawal notice ends it, as it
       ends a consent. It does not change the legal status.
    5. A declared stance lapses after the treaty's `stance_lapse_years` unless renewed; an announced
       withdrawal (nothing deposited) takes the State off board from its date until a new consent,
       and changes no legal status.
    """
    acts = sorted(acts, key=lambda a: (a.date, _SAME_DAY_ORDER.get(a.kind, 3)))
    signature = consent = notice = provisional = announced = None
    for act in acts:
        if act.date > on:
            break
        if act.kind == EventKind.SIGNATURE and signature is None:
            signature = act
        elif act.kind in CONSENT_KINDS:
            consent, notice, announced = act, None, None
        elif act.kind == EventKind.WITHDRAWAL_NOTICE:
            notice, provisional = act, None
        elif act.kind == EventKind.PROVISIONAL_APPLICATION and notice is None:
            provisional = provisional or act
        elif act.kind == WITHDRAWAL_ANNOUNCED:
            announced = announced or act
    stance = current_stance(acts, on, rule.stance_lapse_years)
    announced_date = announced.date if announced else None
    if signature is None and consent is None and notice is None:
        if provisional is None:
            return CountryStatus(
                status=LegalStatus.NON_SIGNATORY,
                on_board=announced is None and is_on_board("", stance, withdrawal_notified=False),
                stance=stance,
                withdrawal_announced_date=announced_date,
            )
        return CountryStatus(
            status=LegalStatus.NON_SIGNATORY,
            on_board=announced is None,
            stance=stance,
            provisional_application_date=provisional.date,
            withdrawal_announced_date=announced_date,
        )

    in_force = entry_into_force_date(rule, consent.date, recorded=consent.effective_date) if consent else None
    withdrawal_effective = None
    if notice is not None:
        override = next(
            (a.date for a in acts if a.kind == EventKind.WITHDRAWAL_EFFECTIVE and a.date >= notice.date), None
        )
        withdrawal_effective = withdrawal_effective_date(rule, notice.date, recorded=override or notice.effective_date)

    if notice is not None and withdrawal_effective <= on:
        # Withdrawing only the consent leaves a signatory (Russia and the CTBT, 2023).
        status = LegalStatus.SIGNATORY if notice.value == "consent" and signature else LegalStatus.WITHDRAWN
    elif notice is not None:
        status = LegalStatus.WITHDRAWAL_PENDING
    elif consent is not None:
        bound = count == CountBasis.DEPOSIT or (in_force is not None and in_force <= on)
        status = LegalStatus.STATE_PARTY if bound else LegalStatus.CONSENTED_NOT_IN_FORCE
    else:
        status = LegalStatus.SIGNATORY
    # Provisional application lasts until the treaty is in force for the State (or a withdrawal is notified).
    if provisional is not None and (notice is not None or (in_force is not None and in_force <= on)):
        provisional = None

    return CountryStatus(
        status=status,
        # A withdrawal notice has ended any provisional application, so it never outweighs one.
        # An announced withdrawal takes the State off board at once, though nothing legal has changed.
        on_board=announced is None
        and (provisional is not None or is_on_board(status, stance, withdrawal_notified=notice is not None)),
        signature_date=signature.date if signature else None,
        consent_kind=consent.kind if consent else "",
        consent_date=consent.date if consent else None,
        in_force_date=in_force,
        withdrawal_notice_date=notice.date if notice else None,
        withdrawal_effective_date=withdrawal_effective,
        stance=stance,
        provisional_application_date=provisional.date if provisional else None,
        withdrawal_announced_date=announced_date,
    )
