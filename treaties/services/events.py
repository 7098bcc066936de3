"""Writes of treaties and status events, one at a time: save, record, delete, retract and restore.

Each write validates, runs in one transaction with its history entry, and marks the
treaty's summaries (`summaries.summary_mark`) in that transaction.
"""

import copy
import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from countries.models import Country
from ottawa_tracker.history import history_stamp
from ottawa_tracker.versioning import stale_edit, versioned_save
from treaties.models import StatusEvent, Treaty
from treaties.services.summaries import summary_mark
from treaties.validation import status_event_problems


def status_event_validate(*, event: StatusEvent, others: list[StatusEvent] | None = None) -> None:
    """Raise ValidationError, by field, if the event contradicts the record."""
    problems = status_event_problems(event, others=others)
    if problems:
        raise ValidationError(problems)


def status_event_save(
    *, event: StatusEvent, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> StatusEvent:
    """Create or change an event: validate, write with its history entry, in one transaction.

    A change is written only if the event is still at `event.version` (the version its writer
    read); otherwise `StaleEdit` says who changed what since, and nothing is written.
    """
    if validate:
        event.full_clean(validate_unique=False, validate_constraints=False)
        status_event_validate(event=event)
    with transaction.atomic():
        # An event moved to another treaty changes the summaries of both.
        before = (
            StatusEvent.objects.filter(pk=event.pk).values_list("treaty_id", flat=True).first() if event.pk else None
        )
        history_stamp(event, user=user, reason=reason)
        versioned_save(event)
        summary_mark(treaty_ids={event.treaty_id, before} - {None}, reason=f"event {event.pk} saved")
    return event


def status_event_record(
    *,
    treaty: Treaty,
    country: Country,
    kind: str,
    date: datetime.date,
    source: str,
    value: str = "",
    effective_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    note: str = "",
    user: AbstractBaseUser | None = None,
    reason: str = "",
) -> StatusEvent:
    """Record a new event."""
    event = StatusEvent(
        treaty=treaty,
        country=country,
        kind=kind,
        value=value,
        date=date,
        effective_date=effective_date,
        end_date=end_date,
        source=source,
        note=note,
    )
    return status_event_save(event=event, user=user, reason=reason)


def status_event_delete(*, event: StatusEvent, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    """Delete an event; its history keeps the values it had."""
    with transaction.atomic():
        history_stamp(event, user=user, reason=reason)
        pk = event.pk
        event.delete()
        summary_mark(treaty_ids=[event.treaty_id], reason=f"event {pk} deleted")


def treaty_save(
    *, treaty: Treaty, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> Treaty:
    """Create or change a treaty; its dates and rules move its summaries. A change must be to `treaty.version`."""
    if validate:
        treaty.full_clean()
    with transaction.atomic():
        history_stamp(treaty, user=user, reason=reason)
        versioned_save(treaty)
        summary_mark(treaty_ids=[treaty.pk], reason="treaty saved")
    return treaty


def treaty_delete(*, treaty: Treaty, user: AbstractBaseUser | None = None, reason: str = "") -> None:
    """Delete a treaty without events; its summaries and mark go with it."""
    with transaction.atomic():
        history_stamp(treaty, user=user, reason=reason)
        treaty.delete()


# Retraction: staff take back an event recorded by mistake. A retracted event counts nowhere
# (`StatusEvent.objects` leaves it out), stays in the admin and its history, and can be restored.
RETRACTION_REASON_MAX = 1000
# django-simple-history keeps a change reason of at most 100 characters.
HISTORY_REASON_MAX = 100


def status_event_retract(*, event: StatusEvent, user: AbstractBaseUser | None, reason: str) -> StatusEvent:
    """Retract an event, saying why; written only if the event is still at the version `event` was read at.

    The reason is kept on the event and in the history entry, which names `user`; the
    treaty's summaries are marked in the same transaction, so its figures move.
    """
    reason = _retraction_reason(reason, "Say why the event is retracted: the reason is kept in its history.")
    if event.retracted_at is not None:
        raise ValidationError(
            f"This event was already retracted on {event.retracted_at:%Y-%m-%d %H:%M}: {event.retraction_reason}"
        )
    with transaction.atomic():
        _retraction_write(event, retracted=True, reason=reason, user=user)
        summary_mark(treaty_ids=[event.treaty_id], reason=f"event {event.pk} retracted")
    return event


def status_event_restore(*, event: StatusEvent, user: AbstractBaseUser | None, reason: str) -> StatusEvent:
    """Restore a retracted event, saying why, once it fits the record as it is now (the checks of any save)."""
    reason = _retraction_reason(reason, "Say why the event is restored: the reason is kept in its history.")
    if event.retracted_at is None:
        raise ValidationError("This event is not retracted: there is nothing to restore.")
    restored = copy.copy(event)
    restored.retracted_at, restored.retraction_reason = None, ""
    with transaction.atomic():
        problems = status_event_problems(restored)
        if problems:
            raise ValidationError(
                [f"It cannot be restored: {message}" for messages in problems.values() for message in messages]
            )
        _retraction_write(event, retracted=False, reason=reason, user=user)
        summary_mark(treaty_ids=[event.treaty_id], reason=f"event {event.pk} restored")
    return event


def _retraction_reason(reason: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > RETRACTION_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {RETRACTION_REASON_MAX} characters."})
    return reason


def _retraction_write(event: StatusEvent, *, retracted: bool, reason: str, user: AbstractBaseUser | None) -> None:
    """Retract or restore with one conditional UPDATE on the version read, then write its history entry.

    Another writer's change since `event` was read makes the UPDATE match no row: the
    caller is told who changed it, and nothing is written.
    """
    now = timezone.now()
    rows = StatusEvent.all_objects.filter(pk=event.pk, version=event.version, retracted_at__isnull=retracted)
    written = rows.update(
        retracted_at=now if retracted else None,
        retraction_reason=reason if retracted else "",
        version=F("version") + 1,
        updated_at=now,
    )
    if not written:
        raise _retraction_refused(event)
    event.refresh_from_db()
    verb = "Retracted" if retracted else "Restored"
    change_reason = f"{verb}: {reason}"
    if len(change_reason) > HISTORY_REASON_MAX:
        change_reason = change_reason[: HISTORY_REASON_MAX - 1] + "…"
    history_stamp(event, user=user, reason=change_reason)
    StatusEvent.history.bulk_history_create(
        [event], update=True, default_user=user, default_change_reason=change_reason
    )


def _retraction_refused(event: StatusEvent) -> ValidationError:
    """Who changed the event since it was read (or that it is gone), and whether it is retracted now."""
    retracted = StatusEvent.all_objects.filter(pk=event.pk).values_list("retracted_at", flat=True).first()
    advice = (
        _("It is retracted now: reload it and try again.")
        if retracted
        else _("It is not retracted now: reload it and try again.")
    )
    return stale_edit(StatusEvent, event.pk, event.version, advice=str(advice))
