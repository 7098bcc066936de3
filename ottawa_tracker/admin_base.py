"""The admin's base classes, shared by every app's admin (countries, treaties).

- `UnverifiedFilter`: rows whose source says `recall, unverified`;
- `ChangeReasonMixin`: an optional "Reason for this change", kept in the history entry;
- `HistoryAdmin`: django-simple-history's admin, where a revert is a change like any other;
- `ServiceAdmin`: saves and deletes through the app's services, named explicitly.

This module imports no app: each admin names its own services.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ottawa_tracker.versioning import READ_VERSION, StaleEdit

UNVERIFIED = "recall, unverified"


class UnverifiedFilter(admin.SimpleListFilter):
    """Rows whose source says `recall, unverified`, for staff to confirm."""

    title = _("source checked")
    parameter_name = "unverified"
    fields = ("source",)

    def lookups(self, request, model_admin):
        return [("yes", _("Unverified (from recall)")), ("no", _("Sourced"))]

    def queryset(self, request, queryset):
        flagged = Q()
        for field in self.fields:
            flagged |= Q(**{f"{field}__icontains": UNVERIFIED})
        if self.value() == "yes":
            return queryset.filter(flagged)
        if self.value() == "no":
            return queryset.exclude(flagged)
        return queryset


CHANGE_REASON_FIELD = "change_reason"
# django-simple-history keeps a change reason of at most 100 characters.
CHANGE_REASON_MAX = 100


class ChangeReasonMixin:
    """An optional "Reason for this change" on the change form of a history-tracked model.

    Shown to whoever may save the form; `change_reason(form)` gives it to the service,
    which keeps it in the history entry (django-simple-history's "Change reason").
    """

    def _asks_change_reason(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        if self._asks_change_reason(request, obj) and CHANGE_REASON_FIELD not in base.base_fields:
            reason = forms.CharField(
                label=_("Reason for this change"),
                required=False,
                max_length=CHANGE_REASON_MAX,
                help_text=_("Optional: kept in the history beside your name."),
            )
            kwargs["form"] = type(base)(f"{base.__name__}WithReason", (base,), {CHANGE_REASON_FIELD: reason})
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != CHANGE_REASON_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if self._asks_change_reason(request, obj):
            fieldsets.append((_("History"), {"fields": [CHANGE_REASON_FIELD]}))
        return fieldsets

    @staticmethod
    def change_reason(form) -> str:
        return (getattr(form, "cleaned_data", None) or {}).get(CHANGE_REASON_FIELD, "") if form else ""


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, where a revert is a change like any other.

    - Reverting (POSTing a history entry's form) needs the model's change permission;
      django-simple-history itself only checks the view permission there.
    - A revert saves through `save_model`, so through the service and the form's checks,
      as a change does, in one transaction.
    - Versioned models use a `VersionedModelForm`: the form carries the version it showed
      (hidden), and a save over a later change is refused with who changed what. A save that
      slips in between the form's check and the service's conditional UPDATE makes the
      service raise `StaleEdit`: the view then runs again, and the form reports it.
    """

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.has_change_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        self._check_ids(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_ids(object_id, version_id)
        if request.method == "POST":
            live = self.get_object(request, unquote(object_id))
            if self.revert_disabled(request, live):
                raise PermissionDenied
        return self._retried_if_stale(super().history_form_view, request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._retried_if_stale(super().changeform_view, request, object_id, form_url, extra_context)

    def _check_ids(self, object_id, version_id=None) -> None:
        """A URL naming no possible row is a 404 (django-simple-history lets the ORM raise, a 500)."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError as exc:
            raise Http404("No such record or history entry.") from exc

    def _retried_if_stale(self, view, request, *args):
        for attempt in range(3):
            try:
                with transaction.atomic(using=router.db_for_write(self.model)):
                    return view(request, *args)
            except StaleEdit:
                if attempt == 2 or request.method != "POST":
                    raise

    def get_fieldsets(self, request, obj=None):
        """The hidden `read_version` goes with the form of a change that may be saved, and nowhere else."""
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != READ_VERSION]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        versioned = READ_VERSION in self.form.base_fields
        if versioned and obj is not None and fieldsets and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], READ_VERSION]})
        return fieldsets


class ServiceAdmin(ChangeReasonMixin, HistoryAdmin):
    """Writes through the services, as every other writer does, so each change that moves the
    counts marks the treaties' summaries in its own transaction.

    A subclass names its pair of services and their keyword argument, e.g.
    `save_service = staticmethod(services.country_save)`,
    `delete_service = staticmethod(services.country_delete)`, `argument = "country"`:
    `save_service(<argument>=obj, user=..., reason=..., validate=False)` and
    `delete_service(<argument>=obj, user=...)`.
    """

    save_service: Callable[..., models.Model]
    delete_service: Callable[..., None]
    argument: str

    def save_model(self, request, obj, form, change):
        # The form has validated the object already.
        self.save_service(**{self.argument: obj}, user=request.user, reason=self.change_reason(form), validate=False)

    def delete_model(self, request, obj):
        self.delete_service(**{self.argument: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
