"""The dates of a status event: when an act of its kind can be dated, and the checks of its dates.

Split from `events.py`, which calls them; each message is in the user's language.
"""

import datetime

from django.utils.translation import gettext as _

from treaties.choices import CONSENT_KINDS, LEGAL_KINDS, POSITION_KINDS, DatePrecision, EventKind
from treaties.models import StatusEvent, Treaty
from treaties.validation.messages import _a

# Acts that may come before the treaty opened for signature: positions, and the
# acts of states that never signed.
NOT_BOUND_BY_OPENING = POSITION_KINDS | {EventKind.ACCESSION, EventKind.SUCCESSION}
# No legal act comes before the treaty's adoption. A position may: a government backed a
# ban, or voted on the General Assembly's call for one, while the treaty was negotiated
# (Ottawa: stances and the 1996 vote before its adoption on 1997-09-18). It may come at
# most this many years before the adoption, which catches a mistyped year (1897 for 1997).
POSITION_LEAD_YEARS = 10
# Where a treaty has no adoption date: the UN Charter's entry into force. No treaty tracked
# here is older, so an earlier date (0001-01-01) is a typing mistake, never a fact.
EARLIEST_DATE = datetime.date(1945, 10, 24)


def _years_before(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def earliest_date(treaty: Treaty, kind: str) -> datetime.date:
    """The earliest date an event of `kind` may have under `treaty`."""
    if treaty.adopted is None:
        return EARLIEST_DATE
    if kind in POSITION_KINDS:
        return max(EARLIEST_DATE, _years_before(treaty.adopted, POSITION_LEAD_YEARS))
    return treaty.adopted


def _check_dates(event: StatusEvent, add, today: datetime.date) -> None:
    """The act's date: not in the future, not before the treaty could have it, within the country's life."""
    treaty, country, kind, date = event.treaty, event.country, event.kind, event.date
    if date > today:
        add("date", _("The date %(date)s is in the future; record an act once it has happened.") % {"date": date})
    earliest = earliest_date(treaty, kind)
    if date < earliest:
        if treaty.adopted is None:
            add(
                "date",
                _("The date %(date)s is before %(earliest)s, when the UN Charter entered into force: check it.")
                % {"date": date, "earliest": EARLIEST_DATE},
            )
        elif kind in POSITION_KINDS:
            add(
                "date",
                _(
                    "The %(treaty)s was adopted on %(adopted)s; a position dated %(date)s is more than "
                    "%(years)s years before that: check the date."
                )
                % {"treaty": treaty, "adopted": treaty.adopted, "date": date, "years": POSITION_LEAD_YEARS},
            )
        else:
            add(
                "date",
                _(
                    "The %(treaty)s was adopted on %(adopted)s; %(an_act)s dated %(date)s comes before it: "
                    "no legal act can precede the treaty's adoption."
                )
                % {"treaty": treaty, "adopted": treaty.adopted, "an_act": _a(kind), "date": date},
            )
    if kind in LEGAL_KINDS and not country.participant:
        add(
            "country",
            _("%(country)s is not counted as a treaty participant; legal acts are recorded for participants.")
            % {"country": country},
        )
    if not country.exists_on(date):
        if country.valid_from and date < country.valid_from:
            message = _(
                "%(country)s came into being on %(when)s; an act dated %(date)s belongs to the state that existed then."
            )
            when = country.valid_from
        else:
            message = _(
                "%(country)s ceased to exist on %(when)s; an act dated %(date)s belongs to the state that existed then."
            )
            when = country.valid_until
        add("date", message % {"country": country, "when": when, "date": date})
    if (
        kind not in NOT_BOUND_BY_OPENING
        and treaty.opened_for_signature
        and earliest <= date < treaty.opened_for_signature
    ):
        add(
            "date",
            _(
                "The %(treaty)s opened for signature on %(opened)s; "
                "%(an_act)s dated %(date)s comes before that (only an accession or a succession may)."
            )
            % {"treaty": treaty, "opened": treaty.opened_for_signature, "an_act": _a(kind), "date": date},
        )
    if kind == EventKind.SIGNATURE and treaty.signature_closes and date >= treaty.signature_closes:
        add(
            "date",
            _(
                "The %(treaty)s closed for signature on %(closed)s; a signature dated %(date)s comes "
                "on or after that: a state that had not signed joins by accession."
            )
            % {"treaty": treaty, "closed": treaty.signature_closes, "date": date},
        )
    if kind == EventKind.SIGNATURE and treaty.parent_id is not None and treaty.opened_for_signature is None:
        add(
            "kind",
            _(
                "The %(treaty)s is not open for signature: a State party to the %(parent)s notifies its consent "
                "to be bound."
            )
            % {"treaty": treaty, "parent": treaty.parent},
        )


def _check_other_dates(event: StatusEvent, add) -> None:
    """The effective date and the end date, where the kind has them."""
    treaty, country, kind, date = event.treaty, event.country, event.kind, event.date
    if event.effective_date is not None:
        if kind not in CONSENT_KINDS and kind not in {EventKind.WITHDRAWAL_NOTICE, EventKind.DEADLINE_EXTENDED}:
            add(
                "effective_date",
                _("%(an_act)s has no effective date; leave it blank.") % {"an_act": _a(kind).capitalize()},
            )
        elif kind == EventKind.DEADLINE_EXTENDED:
            pass  # the new deadline: checked with the obligation below
        elif event.effective_date < date and kind != EventKind.SUCCESSION:
            add(
                "effective_date",
                _(
                    "The effective date %(effective)s is before the act's date %(date)s; "
                    "only a succession can take effect before its deposit (from independence)."
                )
                % {"effective": event.effective_date, "date": date},
            )
        elif event.effective_date < (earliest := earliest_date(treaty, kind)):
            add(
                "effective_date",
                _(
                    "The effective date %(effective)s is before %(earliest)s, the earliest date "
                    "%(an_act)s of the %(treaty)s can have."
                )
                % {"effective": event.effective_date, "earliest": earliest, "an_act": _a(kind), "treaty": treaty},
            )
        elif kind == EventKind.SUCCESSION and country.valid_from and event.effective_date < country.valid_from:
            add(
                "effective_date",
                _(
                    "%(country)s came into being on %(valid_from)s; its succession cannot take effect on "
                    "%(effective)s, before its independence."
                )
                % {"country": country, "valid_from": country.valid_from, "effective": event.effective_date},
            )
    if event.end_date is not None:
        if kind not in POSITION_KINDS:
            add(
                "end_date",
                _("%(an_act)s has no end date; only policy positions end.") % {"an_act": _a(kind).capitalize()},
            )
        elif event.end_date <= date:
            add(
                "end_date",
                _("The end date %(end)s must come after the date %(date)s.") % {"end": event.end_date, "date": date},
            )


def _check_date_precision(event: StatusEvent, add) -> None:
    """A date known only to the month or the year is stored on the first day of that period (DESIGN.md,
    "Date precision"): everything counts from then, so any other day would claim more than is known."""
    precision, date = event.date_precision or DatePrecision.DAY, event.date
    if precision not in DatePrecision.values:
        add(
            "date_precision",
            _("Unknown date precision %(precision)s; one of: %(choices)s.")
            % {"precision": repr(precision), "choices": ", ".join(DatePrecision.values)},
        )
    elif precision == DatePrecision.MONTH and date.day != 1:
        add(
            "date",
            _("A date known only to the month is recorded on its first day: %(first)s, not %(date)s.")
            % {"first": date.replace(day=1), "date": date},
        )
    elif precision == DatePrecision.YEAR and (date.month, date.day) != (1, 1):
        add(
            "date",
            _("A date known only to the year is recorded on its first day: %(first)s, not %(date)s.")
            % {"first": date.replace(month=1, day=1), "date": date},
        )
