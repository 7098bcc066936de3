"""The admin's side of retraction: take an event back with a reason, see it, restore it.

A retracted event counts nowhere (`StatusEvent.objects` leaves it out), but the admin
lists it (`StatusEvent.all_objects`), filters on it and shows it read-only, with a
"Restore" button. Retracting and restoring go through `services.status_event_retract`
and `services.status_event_restore`, one event from its change page or several at once
from the list, always with a reason kept in the history.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.messages import ERROR, SUCCESS, WARNING
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from treaties import services
from treaties.choices import EventKind
from treaties.models import StatusEvent

RETRACTION_FIELDS = ("retracted_at", "retraction_reason")


class RetractedFilter(admin.SimpleListFilter):
    """All events by default; retracted ones, or only those that count."""

    title = _("retracted")
    parameter_name = "retracted"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes (counts nowhere)")), ("no", _("No (counts)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(retracted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(retracted_at__isnull=True)
        return queryset


class RetractionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=services.RETRACTION_REASON_MAX,
        help_text=_("Required: kept on the event and in its history, beside your name."),
        error_messages={"required": _("Say why: the reason is kept in the history.")},
    )
    # The version the page showed: a change by someone else since then refuses the action.
    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(gettext("Say why: the reason is kept in the history."))
        return reason


def retraction_form_problems(instance: StatusEvent, event: StatusEvent) -> list[str]:
    """What the admin's event form refuses about retraction, in words.

    `instance` is the form's instance (for a revert from History, the version reverted to),
    `event` the event as the form would save it. A retracted event is changed only by
    restoring it, and a save never retracts or restores: the retraction columns are set
    back to what is stored. (A new event with the identity of a retracted one is refused by
    `validation.status_event_problems`: restore that one instead.)
    """
    problems = []
    if instance.pk:
        stored = StatusEvent.all_objects.filter(pk=instance.pk).values_list(*RETRACTION_FIELDS).first()
        if stored is not None:
            if stored[0] is not None:
                problems.append("This event is retracted: restore it before changing it.")
            instance.retracted_at, instance.retraction_reason = stored
            event.retracted_at, event.retraction_reason = stored
    return problems


class RetractionAdminMixin:
    """For `StatusEventAdmin`: every event listed, retracted ones read-only, retract and restore."""

    retraction_template = "admin/treaties/statusevent/retraction.html"
    actions = ["retract_selected", "restore_selected"]

    def get_queryset(self, request):
        # Retracted events stay visible to staff (the change page and History read this too).
        queryset = StatusEvent.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.retracted_at is not None:
            return False  # read-only until restored
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.retracted_at is not None:
            fields += RETRACTION_FIELDS
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.retracted_at is None:
            return fieldsets
        rest = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in RETRACTION_FIELDS]})
            for name, options in fieldsets
        ]
        retracted = (
            _("Retracted"),
            {
                "fields": RETRACTION_FIELDS,
                "description": _(
                    "This event was taken back: it counts nowhere, on no page and in no figure. "
                    "Restore it to count it again."
                ),
            },
        )
        return [retracted, *rest]

    @admin.display(description=_("retracted"), ordering="retracted_at")
    def retracted(self, obj):
        return f"{timezone.localtime(obj.retracted_at):%Y-%m-%d}" if obj.retracted_at else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request):
            name = "restore" if obj.retracted_at else "retract"
            context["retraction_tool"] = {
                "url": reverse(f"{self.admin_site.name}:treaties_statusevent_{name}", args=[quote(obj.pk)]),
                "label": gettext("Restore") if obj.retracted_at else gettext("Retract"),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/retract/",
                self.admin_site.admin_view(self.retract_view),
                name="treaties_statusevent_retract",
            ),
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="treaties_statusevent_restore",
            ),
            *super().get_urls(),
        ]

    def retract_view(self, request, object_id):
        return self._retraction_view(request, object_id, retract=True)

    def restore_view(self, request, object_id):
        return self._retraction_view(request, object_id, retract=False)

    def _retraction_view(self, request, object_id, *, retract: bool):
        """A small form asking the reason; on success, back to the event's change page."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = reverse(f"{self.admin_site.name}:treaties_statusevent_change", args=[quote(event.pk)])
        if retract == (event.retracted_at is not None):
            if retract:
                message = gettext("“%(event)s” is already retracted.")
            else:
                message = gettext("“%(event)s” is not retracted.")
            self.message_user(request, message % {"event": event}, WARNING)
            return redirect(change_url)
        form = RetractionForm(request.POST or None, initial={"read_version": event.version})
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["read_version"]:
                event.version = form.cleaned_data["read_version"]
            reason = form.cleaned_data["reason"]
            try:
                self._retraction_apply(request, event, reason=reason, retract=retract)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
                if getattr(exc, "current_version", None):
                    # Shown again at the current version: confirming again, after a look, goes through.
                    form.data = form.data.copy()
                    form.data["read_version"] = str(exc.current_version)
            else:
                if retract:
                    message = gettext("“%(event)s” was retracted: it counts nowhere now.")
                else:
                    message = gettext("“%(event)s” was restored: it counts again.")
                self.message_user(request, message % {"event": event}, SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Retract an event") if retract else gettext("Restore an event"),
            "event": event,
            "retract": retract,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, self.retraction_template, context)

    def _retraction_apply(self, request, event: StatusEvent, *, reason: str, retract: bool) -> None:
        if retract:
            services.status_event_retract(event=event, user=request.user, reason=reason)
        else:
            services.status_event_restore(event=event, user=request.user, reason=reason)
        self.log_change(request, event, f"{'Retracted' if retract else 'Restored'}: {reason}")

    # The same from the list, for several events: an intermediate page asks the reason.

    @admin.action(permissions=["change"], description=_("Retract the selected events (asks why)"))
    def retract_selected(self, request, queryset):
        return self._retraction_action(request, queryset, retract=True)

    @admin.action(permissions=["change"], description=_("Restore the selected retracted events (asks why)"))
    def restore_selected(self, request, queryset):
        return self._retraction_action(request, queryset, retract=False)

    def _retraction_action(self, request, queryset, *, retract: bool):
        events = list(queryset.filter(retracted_at__isnull=retract).select_related("country", "treaty"))
        skipped = queryset.count() - len(events)
        if not events:
            if retract:
                message = gettext("Nothing to do: the selected events are already retracted.")
            else:
                message = gettext("Nothing to do: the selected events are not retracted.")
            self.message_user(request, message, WARNING)
            return None
        form = RetractionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            # Oldest first, and again while a round restores something: a ratification is
            # restored once the signature before it is.
            waiting, done = sorted(events, key=lambda e: (e.date, e.kind != EventKind.SIGNATURE, e.pk)), 0
            while waiting:
                refused: list[tuple[StatusEvent, ValidationError]] = []
                for event in waiting:
                    try:
                        self._retraction_apply(request, event, reason=form.cleaned_data["reason"], retract=retract)
                    except ValidationError as exc:
                        refused.append((event, exc))
                if len(refused) == len(waiting):
                    break
                done += len(waiting) - len(refused)
                waiting = [event for event, _exc in refused]
            if done:
                if retract:
                    message = ngettext("Retracted %(count)s event.", "Retracted %(count)s events.", done)
                else:
                    message = ngettext("Restored %(count)s event.", "Restored %(count)s events.", done)
                self.message_user(request, message % {"count": done}, SUCCESS)
            not_done = (
                gettext("Not retracted: “%(event)s”: %(why)s")
                if retract
                else gettext("Not restored: “%(event)s”: %(why)s")
            )
            for event, exc in refused:
                self.message_user(request, not_done % {"event": event, "why": " ".join(exc.messages)}, ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": (
                ngettext("Retract %(count)s event", "Retract %(count)s events", len(events))
                if retract
                else ngettext("Restore %(count)s event", "Restore %(count)s events", len(events))
            )
            % {"count": len(events)},
            "events": events,
            "skipped": skipped,
            "retract": retract,
            "form": form,
            "action": "retract_selected" if retract else "restore_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.retraction_template, context)
