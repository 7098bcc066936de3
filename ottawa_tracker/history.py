"""History stamping for django-simple-history: who made a change, and why."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models


def history_stamp(instance: models.Model, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Tell django-simple-history who made the change and why (outside a request too)."""
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = reason
