"""Whether a status event contradicts the record: `status_event_problems`, the one place that decides.

The service, the admin form, the CSV import and the reference loader all call it, so staff see
the same words whichever way they write. The checks of a protocol against its parent treaty
(`family.py`) and of an event about an obligation (`obligations.py`) are called from here.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

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
    VALUE_MAX_LENGTH,
    EventKind,
)
from treaties.models import Obligation, StatusEvent, Treaty
from treaties.status import Act
from treaties.validation.dates import (
    _check_date_precision,
    _check_dates,
    _check_other_dates,
)
from treaties.validation.family import _check_parent_consent
from treaties.validation.messages import _a, _label
from treaties.validation.obligations import _check_obligation

# The kinds of the other events the checks read, beside an exact duplicate of the event:
# a caller that loads `others` in bulk (the CSV import) may leave the other kinds out.
# An extension is checked against the extensions before it.
KINDS_CHECKED_AGAINST = LEGAL_KINDS | {EventKind.DEADLINE_EXTENDED}


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
    an_act = _a(kind).capitalize()
    if kind in OBLIGATION_KINDS:
        pass  # the obligation's slug: checked with the obligation below
    elif kind in FREE_VALUE_KINDS:
        if not has_visible_text(event.value):
            add(
                "value",
                _(
                    "%(an_act)s names the territories it extends the treaty to or excludes, "
                    "e.g. “exclusion: Faroe Islands”; give them in the value."
                )
                % {"an_act": an_act},
            )
        elif len(event.value) > VALUE_MAX_LENGTH:
            add(
                "value",
                _(
                    "Name the territories in at most %(max)s characters (got %(length)s); "
                    "the depositary's full text goes in the note."
                )
                % {"max": VALUE_MAX_LENGTH, "length": len(event.value)},
            )
    elif event.value not in allowed or (kind in KINDS_REQUIRING_VALUE and not event.value):
        if allowed == ("",):
            add(
                "value",
                _("%(an_act)s takes no value; leave it blank (got %(value)s).")
                % {"an_act": an_act, "value": repr(event.value)},
            )
        else:
            choices = ", ".join(v or _("blank") for v in allowed)
            add(
                "value",
                _("%(an_act)s takes one of: %(choices)s (got %(value)s).")
                % {"an_act": an_act, "choices": choices, "value": repr(event.value)},
            )

    if event.source and not has_visible_text(event.source):
        add("source", SOURCE_NOT_VISIBLE)
    if kind in KINDS_REQUIRING_NOTE and not has_visible_text(event.note):
        add(
            "note",
            _("%(an_act)s is recorded with its text, as the depositary prints it: give the text in the note.")
            % {"an_act": an_act},
        )
    if kind == EventKind.PROVISIONAL_APPLICATION and not treaty.provisional_application:
        add(
            "kind",
            _(
                "The %(treaty)s does not provide for provisional application, so a State cannot apply it "
                "provisionally (if its text does, tick “allows provisional application” on the treaty first)."
            )
            % {"treaty": treaty},
        )

    _check_date_precision(event, add)
    _check_dates(event, add, today)
    _check_other_dates(event, add)

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
            add(
                "__all__",
                _("This event is already recorded: %(country)s, %(treaty)s, %(kind)s, %(date)s.")
                % {"country": country, "treaty": treaty, "kind": label, "date": date},
            )
            return problems
    if twin is not None:
        when = timezone.localtime(twin.retracted_at).date() if twin.retracted_at else _("an unknown date")
        add(
            "__all__",
            _(
                "A retracted event with this identity is recorded (retracted on %(when)s: %(reason)s); "
                "restore it instead."
            )
            % {"when": when, "reason": twin.retraction_reason or _("no reason given")},
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
            add(
                "__all__",
                _("%(country)s already signed the %(treaty)s on %(date)s.")
                % {"country": country, "treaty": treaty, "date": signatures[0]},
            )
        earlier = [c for c in consents if c.date < date and c.kind in CONSENT_AFTER_SIGNATURE_KINDS]
        if earlier:
            c = earlier[0]
            add(
                "date",
                _(
                    "%(country)s's %(kind)s of the %(treaty)s on %(consent_date)s comes before this signature "
                    "on %(date)s."
                )
                % {"country": country, "kind": _label(c.kind), "treaty": treaty, "consent_date": c.date, "date": date},
            )
    elif kind in CONSENT_KINDS:
        if kind in CONSENT_AFTER_SIGNATURE_KINDS:
            # A treaty never opened for signature (an amendment, CCW art. 8) is ratified without one.
            needs_signature = kind in CONSENT_NEEDING_SIGNATURE_KINDS and treaty.opened_for_signature is not None
            if not signatures and needs_signature:
                add(
                    "kind",
                    _(
                        "%(an_act)s follows a signature, and %(country)s has no signature of the %(treaty)s "
                        "on record: record the signature first, or record an accession."
                    )
                    % {"an_act": _a(kind).capitalize(), "country": country, "treaty": treaty},
                )
            elif signatures and signatures[0] > date:
                add(
                    "date",
                    _(
                        "%(country)s signed the %(treaty)s on %(signed)s, after this %(kind)s dated %(date)s: "
                        "consent cannot come before signature."
                    )
                    % {"country": country, "treaty": treaty, "signed": signatures[0], "kind": label, "date": date},
                )
        for other in consents:
            if not withdrawn_between(other.date, date):
                add(
                    "__all__",
                    _(
                        "%(country)s already consented to be bound by the %(treaty)s (%(kind)s, %(date)s); "
                        "a second consent needs a withdrawal in between."
                    )
                    % {"country": country, "treaty": treaty, "kind": _label(other.kind), "date": other.date},
                )
                break
    elif kind == EventKind.WITHDRAWAL_NOTICE:
        if not any(c.date <= date for c in consents):
            add(
                "kind",
                _("%(country)s has no consent to the %(treaty)s on or before %(date)s to withdraw from.")
                % {"country": country, "treaty": treaty, "date": date},
            )
    elif kind == EventKind.WITHDRAWAL_EFFECTIVE and not any(n <= date for n in notices):
        add(
            "kind",
            _("A withdrawal takes effect only after it is notified: %(country)s has no withdrawal notice on record.")
            % {"country": country},
        )
