"""Writes: every change to treaties and status events goes through here."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from countries.models import Country
from treaties.models import StatusEvent, Treaty
from treaties.validation import status_event_problems


def status_event_validate(*, event: StatusEvent, others: list[StatusEvent] | None = None) -> None:
    """Raise ValidationError, by field, if the event contradicts the record."""
    problems = status_event_problems(event, others=others)
    if problems:
        raise ValidationError(problems)


def status_event_save(
    *, event: StatusEvent, user: AbstractBaseUser | None = None, reason: str = "", validate: bool = True
) -> StatusEvent:
    """Create or change an event: validate, write with its history entry, in one transaction."""
    if validate:
        event.full_clean(validate_unique=False, validate_constraints=False)
        status_event_validate(event=event)
    with transaction.atomic():
        _stamp_history(event, user=user, reason=reason)
        event.save()
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
        _stamp_history(event, user=user, reason=reason)
        event.delete()


def _stamp_history(instance, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Tell django-simple-history who made the change and why (outside a request too)."""
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = reason
