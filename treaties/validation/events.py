"""Whether a status event contradicts the record: `status_event_problems`, the one place that decides.

The service, the admin form, the CSV import and the reference loader all call it, so staff see
the same words whichever way they write. The checks of a protocol against its parent treaty
(`family.py`) and of an event about an obligation (`obligations.py`) are called from here.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone

from countries.models import Country
from countries.selectors import country_lineage_map
from ottawa_tracker.text import SOURCE_NOT_VISIBLE, has_visible_text
from treaties.choices import (
    CONSENT_AFTER_SIGNATURE_KINDS,
    CONSENT_KINDS,
    CONSENT_NEEDING_SIGNATURE_KINDS,
    FREE_VALUE_KINDS,
    KIND_VALUES,
    KINDS_REQUIRING_NOTE,
    KINDS_REQUIRING_VALUE,
    LEGAL_KINDS,
    OBLIGATION_KINDS,
    POSITION_KINDS,
    VALUE_MAX_LENGTH,
    DatePrecision,
    EventKind,
)
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.status import Act
from treaties.validation.family import _check_parent_consent
from treaties.validation.messages import _a, _label
from treaties.validation.obligations import _check_obligation

# Acts that may come before the treaty opened for signature: positions, and the
# acts of states that never signed.
NOT_BOUND_BY_OPENING = POSITION_KINDS | {EventKind.ACCESSION, EventKind.SUCCESSION}
# The kinds of the other events the checks read, beside an exact duplicate of the event:
# a caller that loads `others` in bulk (the CSV import) may leave the other kinds out.
# An extension is checked against the extensions before it.
KINDS_CHECKED_AGAINST = LEGAL_KINDS | {EventKind.DEADLINE_EXTENDED}
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


def retracted_events(
    *, treaty_id: int, country_ids: Iterable[int], dates: Iterable[datetime.date] | None = None
) -> dict[tuple, StatusEvent]:
    """The retracted events of a treaty for these countries, by identity (country id, kind, date): one query.

    For a caller that passes `others` to `status_event_problems` and checks many events at once.
    """
    retracted = StatusEvent.all_objects.filter(
        treaty_id=treaty_id, country_id__in=set(country_ids), retracted_at__isnull=False
    )
    if dates is not None:
        retracted = retracted.filter(date__in=set(dates))
    return {(e.country_id, e.kind, e.date): e for e in retracted}


def _retracted_twin(event: StatusEvent) -> StatusEvent | None:
    """A retracted event with the identity of `event` (the unique constraint covers every row)."""
    twins = StatusEvent.all_objects.filter(
        treaty_id=event.treaty_id,
        country_id=event.country_id,
        kind=event.kind,
        date=event.date,
        retracted_at__isnull=False,
    )
    if event.pk:
        twins = twins.exclude(pk=event.pk)
    return twins.first()


def _existing_events(event: StatusEvent) -> list[StatusEvent]:
    """The other events of the same treaty for the country and the states it continues."""
    ids = [event.country_id, *country_lineage_map().get(event.country_id, ())]
    others = StatusEvent.objects.filter(treaty_id=event.treaty_id, country_id__in=ids)
    if event.pk:
        others = others.exclude(pk=event.pk)
    return list(others)


def status_event_problems(
    event: StatusEvent,
    *,
    others: Iterable[StatusEvent] | None = None,
    today: datetime.date | None = None,
    retracted: Mapping[tuple, StatusEvent] | None = None,
    parent_acts: Mapping[int, Sequence[Act]] | None = None,
    obligations: Mapping[str, Obligation] | None = None,
) -> dict[str, list[str]]:
    """Every contradiction between `event` and the record, as messages by field name.

    `others` are the other (active) events of the same country (and the states it
    continues) under the same treaty; they are read from the database when not given, and
    an import passes the rows it has already accepted. `retracted` maps identities
    (country id, kind, date) to retracted events (`retracted_events`); it is read from the
    database when `others` is not given, and a caller that passes `others` passes it too,
    or the check of a retracted twin is skipped. `parent_acts` maps country ids to their acts
    under the treaty's parent (`parent_acts_by_country`), for a consent to a protocol; it is
    read from the database when not given. `obligations` maps the treaty's obligation slugs to its
    obligations, for an event about one; read from the database when not given.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not (event.treaty_id and event.country_id and event.kind and event.date):
        return problems  # the form has already said which required field is missing
    treaty: Treaty = event.treaty
    country: Country = event.country
    kind, label, date = event.kind, _label(event.kind), event.date
    today = today or timezone.localdate()

    # The value must fit the kind.
    allowed = KIND_VALUES.get(kind, ("",))
    if kind in OBLIGATION_KINDS:
        pass  # the obligation's slug: checked with the obligation below
    elif kind in FREE_VALUE_KINDS:
        if not has_visible_text(event.value):
            add(
                "value",
                f"{_a(label).capitalize()} names the territories it extends the treaty to or excludes, "
                "e.g. “exclusion: Faroe Islands”; give them in the value.",
            )
        elif len(event.value) > VALUE_MAX_LENGTH:
            add(
                "value",
                f"Name the territories in at most {VALUE_MAX_LENGTH} characters (got {len(event.value)}); "
                "the depositary's full text goes in the note.",
            )
    elif event.value not in allowed or (kind in KINDS_REQUIRING_VALUE and not event.value):
        if allowed == ("",):
            add("value", f"{_a(label).capitalize()} takes no value; leave it blank (got {event.value!r}).")
        else:
            choices = ", ".join(v or "blank" for v in allowed)
            add("value", f"{_a(label).capitalize()} takes one of: {choices} (got {event.value!r}).")

    if event.source and not has_visible_text(event.source):
        add("source", SOURCE_NOT_VISIBLE)
    if kind in KINDS_REQUIRING_NOTE and not has_visible_text(event.note):
        add(
            "note",
            f"{_a(label).capitalize()} is recorded with its text, as the depositary prints it: "
            "give the text in the note.",
        )
    if kind == EventKind.PROVISIONAL_APPLICATION and not treaty.provisional_application:
        add(
            "kind",
            f"The {treaty} does not provide for provisional application, so a State cannot apply it "
            "provisionally (if its text does, tick “allows provisional application” on the treaty first).",
        )

    _check_date_precision(event, add)
    if date > today:
        add("date", f"The date {date} is in the future; record an act once it has happened.")
    earliest = earliest_date(treaty, kind)
    if date < earliest:
        if treaty.adopted is None:
            add("date", f"The date {date} is before {EARLIEST_DATE}, when the UN Charter entered into force: check it.")
        elif kind in POSITION_KINDS:
            add(
                "date",
                f"The {treaty} was adopted on {treaty.adopted}; a position dated {date} is more than "
                f"{POSITION_LEAD_YEARS} years before that: check the date.",
            )
        else:
            add(
                "date",
                f"The {treaty} was adopted on {treaty.adopted}; {_a(label)} dated {date} comes before it: "
                "no legal act can precede the treaty's adoption.",
            )
    if kind in LEGAL_KINDS and not country.participant:
        add("country", f"{country} is not counted as a treaty participant; legal acts are recorded for participants.")
    if not country.exists_on(date):
        when = (
            f"came into being on {country.valid_from}"
            if country.valid_from and date < country.valid_from
            else (f"ceased to exist on {country.valid_until}")
        )
        add("date", f"{country} {when}; an act dated {date} belongs to the state that existed then.")
    if (
        kind not in NOT_BOUND_BY_OPENING
        and treaty.opened_for_signature
        and earliest <= date < treaty.opened_for_signature
    ):
        add(
            "date",
            f"The {treaty} opened for signature on {treaty.opened_for_signature}; "
            f"{_a(label)} dated {date} comes before that (only an accession or a succession may).",
        )
    if kind == EventKind.SIGNATURE and treaty.signature_closes and date >= treaty.signature_closes:
        add(
            "date",
            f"The {treaty} closed for signature on {treaty.signature_closes}; a signature dated {date} comes "
            "on or after that: a state that had not signed joins by accession.",
        )
    if kind == EventKind.SIGNATURE and treaty.parent_id is not None and treaty.opened_for_signature is None:
        add(
            "kind",
            f"The {treaty} is not open for signature: a State party to the {treaty.parent} notifies its consent "
            "to be bound.",
        )

    if event.effective_date is not None:
        if kind not in CONSENT_KINDS and kind not in {EventKind.WITHDRAWAL_NOTICE, EventKind.DEADLINE_EXTENDED}:
            add("effective_date", f"{_a(label).capitalize()} has no effective date; leave it blank.")
        elif kind == EventKind.DEADLINE_EXTENDED:
            pass  # the new deadline: checked with the obligation below
        elif event.effective_date < date and kind != EventKind.SUCCESSION:
            add(
                "effective_date",
                f"The effective date {event.effective_date} is before the act's date {date}; "
                "only a succession can take effect before its deposit (from independence).",
            )
        elif event.effective_date < earliest:
            add(
                "effective_date",
                f"The effective date {event.effective_date} is before {earliest}, the earliest date "
                f"{_a(label)} of the {treaty} can have.",
            )
        elif kind == EventKind.SUCCESSION and country.valid_from and event.effective_date < country.valid_from:
            add(
                "effective_date",
                f"{country} came into being on {country.valid_from}; its succession cannot take effect on "
                f"{event.effective_date}, before its independence.",
            )
    if event.end_date is not None:
        if kind not in POSITION_KINDS:
            add("end_date", f"{_a(label).capitalize()} has no end date; only policy positions end.")
        elif event.end_date <= date:
            add("end_date", f"The end date {event.end_date} must come after the date {date}.")

    if kind in CONSENT_KINDS and treaty.parent_id is not None:
        _check_parent_consent(event, parent_acts, add)

    if others is None:
        others, twin = _existing_events(event), _retracted_twin(event)
    else:
        others = list(others)
        twin = (retracted or {}).get((event.country_id, kind, date))
        if twin is not None and twin.pk == event.pk:
            twin = None
    for other in others:
        if other.kind == kind and other.date == date and other.country_id == event.country_id:
            add("__all__", f"This event is already recorded: {country}, {treaty}, {label}, {date}.")
            return problems
    if twin is not None:
        when = timezone.localtime(twin.retracted_at).date() if twin.retracted_at else "an unknown date"
        add(
            "__all__",
            f"A retracted event with this identity is recorded (retracted on {when}: "
            f"{twin.retraction_reason or 'no reason given'}); restore it instead.",
        )
        return problems
    _check_sequence(event, others, add)
    if kind in OBLIGATION_KINDS:
        _check_obligation(event, others, obligations, add)
    return problems


def _check_sequence(event: StatusEvent, others: list[StatusEvent], add) -> None:
    """Legal acts must follow one another in the order the law allows."""
    country, treaty, kind, date, label = event.country, event.treaty, event.kind, event.date, _label(event.kind)
    signatures = sorted(o.date for o in others if o.kind == EventKind.SIGNATURE)
    consents = sorted((o for o in others if o.kind in CONSENT_KINDS), key=lambda o: o.date)
    notices = sorted(o.date for o in others if o.kind == EventKind.WITHDRAWAL_NOTICE)

    def withdrawn_between(first: datetime.date, second: datetime.date) -> bool:
        low, high = sorted((first, second))
        return any(low <= n <= high for n in notices)

    if kind == EventKind.SIGNATURE:
        if signatures:
            add("__all__", f"{country} already signed the {treaty} on {signatures[0]}.")
        earlier = [c for c in consents if c.date < date and c.kind in CONSENT_AFTER_SIGNATURE_KINDS]
        if earlier:
            c = earlier[0]
            add(
                "date",
                f"{country}'s {_label(c.kind)} of the {treaty} on {c.date} comes before this signature on {date}.",
            )
    elif kind in CONSENT_KINDS:
        if kind in CONSENT_AFTER_SIGNATURE_KINDS:
            # A treaty never opened for signature (an amendment, CCW art. 8) is ratified without one.
            needs_signature = kind in CONSENT_NEEDING_SIGNATURE_KINDS and treaty.opened_for_signature is not None
            if not signatures and needs_signature:
                add(
                    "kind",
                    f"{_a(label).capitalize()} follows a signature, and {country} has no signature of the {treaty} "
                    "on record: record the signature first, or record an accession.",
                )
            elif signatures and signatures[0] > date:
                add(
                    "date",
                    f"{country} signed the {treaty} on {signatures[0]}, after this {label} dated {date}: "
                    "consent cannot come before signature.",
                )
        for other in consents:
            if not withdrawn_between(other.date, date):
                add(
                    "__all__",
                    f"{country} already consented to be bound by the {treaty} ({_label(other.kind)}, {other.date}); "
                    "a second consent needs a withdrawal in between.",
                )
                break
    elif kind == EventKind.WITHDRAWAL_NOTICE:
        if not any(c.date <= date for c in consents):
            add("kind", f"{country} has no consent to the {treaty} on or before {date} to withdraw from.")
    elif kind == EventKind.WITHDRAWAL_EFFECTIVE and not any(n <= date for n in notices):
        add(
            "kind",
            f"A withdrawal takes effect only after it is notified: {country} has no withdrawal notice on record.",
        )


def _check_date_precision(event: StatusEvent, add) -> None:
    """A date known only to the month or the year is stored on the first day of that period (DESIGN.md,
    "Date precision"): everything counts from then, so any other day would claim more than is known."""
    precision, date = event.date_precision or DatePrecision.DAY, event.date
    if precision not in DatePrecision.values:
        add("date_precision", f"Unknown date precision {precision!r}; one of: {', '.join(DatePrecision.values)}.")
    elif precision == DatePrecision.MONTH and date.day != 1:
        add(
            "date",
            f"A date known only to the month is recorded on its first day: {date.replace(day=1)}, not {date}.",
        )
    elif precision == DatePrecision.YEAR and (date.month, date.day) != (1, 1):
        add(
            "date",
            f"A date known only to the year is recorded on its first day: {date.replace(month=1, day=1)}, not {date}.",
        )
