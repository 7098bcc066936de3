"""Optimistic concurrency: a write of a versioned record names the version its writer read.

Treaty, StatusEvent, Country, ForumMembership and RegionAssignment carry `version`, bumped by
every write. A change is written as a conditional UPDATE inside the writer's transaction,

    UPDATE … SET version = version + 1 WHERE id = <pk> AND version = <read>

and then saved (so django-simple-history writes its entry, with user, reason and the new
version). When no row matches, someone else wrote since: the writer gets `StaleEdit`, which
says who changed what since, from the history entries newer than the version read. On
PostgreSQL the UPDATE waits for a concurrent writer of the same row to commit and then
matches nothing, so of two writers that read the same version exactly one wins.

Both apps use this module (`countries` must not import `treaties`); the admin's form carries
the version it showed as the hidden field `read_version` (`VersionedModelForm`).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import to_historic

# How many of the changes since a read a message lists (the latest ones).
CHANGES_LISTED = 5
VALUE_CHARS = 60
SINCE_OPENED = _("since you opened it")
CHECK_AND_SAVE = _("Check their change, then save again.")


def version_field() -> models.PositiveIntegerField:
    """The `version` column of a versioned model: bumped by every write, never edited by hand."""
    return models.PositiveIntegerField(
        default=1,
        editable=False,
        verbose_name=_("version"),
        help_text=_("Bumped by every write; a writer must name the version it read."),
    )


@dataclass(frozen=True)
class Change:
    """One history entry written after the version a writer read."""

    user: str
    when: datetime.datetime
    action: str  # "changed", "created", "deleted"
    fields: tuple[tuple[str, str, str], ...]  # (field, before, after)

    def fields_text(self) -> str:
        return ", ".join(f"{name} {before} → {after}" for name, before, after in self.fields)


class StaleEdit(ValidationError):
    """A write refused because the record changed since its writer read it; nothing was written.

    `changes` are the history entries written since (oldest first); the message says them in words.
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        pk,
        read_version: int,
        current_version: int | None,
        changes: list[Change],
        since: str = SINCE_OPENED,
        advice: str = CHECK_AND_SAVE,
    ):
        self.model, self.pk, self.read_version = model, pk, read_version
        self.current_version, self.changes = current_version, changes
        super().__init__(stale_message(model, changes, current_version, read_version, since, advice), code="stale")


# Whole sentences per action, so that each language can word and order them (the action is a key).
_FIRST_CHANGE = {
    "changed": _("%(user)s changed this %(model)s on %(when)s %(since)s"),
    "created": _("%(user)s created this %(model)s on %(when)s %(since)s"),
    "deleted": _("%(user)s deleted this %(model)s on %(when)s %(since)s"),
}
_LATER_CHANGE = {
    "changed": _("then %(user)s changed it on %(when)s"),
    "created": _("then %(user)s created it on %(when)s"),
    "deleted": _("then %(user)s deleted it on %(when)s"),
}


def stale_message(model, changes, current_version, read_version, since, advice) -> str:
    names = {"model": model._meta.verbose_name, "since": since}
    if not changes:
        if current_version is None:
            return gettext("Someone deleted this %(model)s %(since)s.") % names
        return gettext(
            "Someone changed this %(model)s %(since)s (it is at version %(current)s now; you had version "
            "%(read)s). %(advice)s"
        ) % {**names, "current": current_version, "read": read_version, "advice": advice}
    parts = []
    shown = changes[-CHANGES_LISTED:]
    for index, change in enumerate(shown):
        when = timezone.localtime(change.when).strftime("%Y-%m-%d %H:%M")
        phrases = _FIRST_CHANGE if index == 0 else _LATER_CHANGE
        text = phrases[change.action] % {**names, "user": change.user, "when": when}
        if change.fields:
            text += f": {change.fields_text()}"
        parts.append(text)
    earlier = len(changes) - len(shown)
    message = "; ".join(parts) + "."
    if earlier:
        message = ngettext(
            "%(message)s (%(count)s earlier change not listed.)",
            "%(message)s (%(count)s earlier changes not listed.)",
            earlier,
        ) % {"message": message, "count": earlier}
    if current_version is None:
        return message
    return f"{message} {advice}"


def stale_edit(
    model: type[models.Model], pk, read_version: int, *, since: str = SINCE_OPENED, advice: str | None = None
) -> StaleEdit:
    """The `StaleEdit` for a writer that read version `read_version` of the row `pk`, as the row stands now."""
    current = model._base_manager.filter(pk=pk).values_list("version", flat=True).first()
    kwargs = {"since": since} if advice is None else {"since": since, "advice": advice}
    return StaleEdit(
        model=model,
        pk=pk,
        read_version=read_version,
        current_version=current,
        changes=changes_since(model, pk, read_version),
        **kwargs,
    )


def changes_since(model: type[models.Model], pk, read_version: int) -> list[Change]:
    """The history entries written after version `read_version` of row `pk`, oldest first, in words."""
    history = getattr(model, "history", None)
    if history is None:
        return []
    rows = list(
        history.filter(**{model._meta.pk.attname: pk})
        .filter(Q(version__gt=read_version) | Q(history_type="-", version__gte=read_version))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    for row in rows:
        action = {"+": "created", "-": "deleted"}.get(row.history_type, "changed")
        fields: tuple = ()
        previous = row.prev_record if row.history_type == "~" else None
        if previous is not None:
            delta = row.diff_against(previous, foreign_keys_are_objs=True)
            fields = tuple(
                (_label(model, c.field), _shown(c.old), _shown(c.new)) for c in delta.changes if c.field != "version"
            )
        changes.append(Change(user=_who(row.history_user), when=row.history_date, action=action, fields=fields))
    return changes


def _who(user) -> str:
    if user is None:
        return gettext("Someone")
    return user.get_full_name() or user.get_username()


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field since removed still has its name
        return name


def _shown(value) -> str:
    if value is None or value == "":
        return gettext("(blank)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return Truncator(" ".join(str(value).split())).chars(VALUE_CHARS)


def versioned_save(instance: models.Model) -> models.Model:
    """Save `instance` in the caller's transaction; a change only if the row is still at `instance.version`.

    A new row is inserted at version 1. For a change, one conditional UPDATE claims the row
    at the version read and bumps it; then the full save writes the values and the history
    entry, which records the new version. Raises `StaleEdit` (nothing written) when the row
    moved on or is gone.
    """
    if instance._state.adding:
        instance.save()
        return instance
    model = type(instance)
    read = instance.version
    if not model._base_manager.filter(pk=instance.pk, version=read).update(version=read + 1):
        raise stale_edit(model, instance.pk, read)
    instance.version = read + 1
    try:
        instance.save()
    except BaseException:
        instance.version = read
        raise
    return instance


# The admin ------------------------------------------------------------------------------

READ_VERSION = "read_version"
MISSING_VERSION = _(
    "This form does not say which version of the record you opened, so it cannot be checked against "
    "changes made since: reload the page, then save again."
)


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version it showed, and refuses to save over a later one.

    On a change, `read_version` (hidden) holds the version of the row as the form was opened:
    the row's own for a change form, the row's current one for a revert from its history (whose
    other values, not on the form, stay as they are now). `clean()` compares it with the row
    now; if someone saved since, the form is shown again with the user's input and a message
    saying who changed what, and carries the current version, so that saving again (after a
    look at their change) goes through. The service repeats the check in its UPDATE, so a save
    between the two is refused too (the admin then shows this form again).
    """

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self._changes_a_row():
            return
        if to_historic(self.instance) is not None:
            self._keep_live_values()
        self.initial[READ_VERSION] = self.instance.version

    def _changes_a_row(self) -> bool:
        return self.instance.pk is not None and not self.instance._state.adding

    def _keep_live_values(self) -> None:
        """A revert sets the form's fields to an earlier state; the rest (version, retraction...) stays as now."""
        model = type(self.instance)
        try:
            live = model._base_manager.get(pk=self.instance.pk)
        except ObjectDoesNotExist:
            return
        for field in model._meta.concrete_fields:
            if not field.primary_key and field.name not in self.fields:
                setattr(self.instance, field.attname, getattr(live, field.attname))

    def clean(self):
        cleaned = super().clean()
        if not self._changes_a_row() or READ_VERSION in self.errors:
            return cleaned
        read = cleaned.get(READ_VERSION)
        if read is None:
            self.add_error(None, MISSING_VERSION)
            return cleaned
        model = type(self.instance)
        current = model._base_manager.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current != read:
            self.add_error(None, stale_edit(model, self.instance.pk, read))
            if current is not None:
                # Shown again with the current version: saving again, after a look, is meant.
                data = self.data.copy()
                data[self.add_prefix(READ_VERSION)] = str(current)
                self.data = data
            return cleaned
        self.instance.version = read
        return cleaned
