from copy import copy
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.messages import ERROR, SUCCESS
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ottawa_tracker.admin_base import ServiceAdmin, UnverifiedFilter
from ottawa_tracker.history import history_stamp
from ottawa_tracker.versioning import VersionedModelForm, versioned_save
from treaties import services
from treaties.admin_retraction import RetractedFilter, RetractionAdminMixin, retraction_form_problems
from treaties.choices import DatePrecision
from treaties.exports import EVENT_HEADER
from treaties.forms import EventImportUploadForm, StatusEventValueField
from treaties.imports import ImportFileError, max_import_bytes, status_event_csv_read
from treaties.models import Obligation, ObligationOverdue, ObligationSummary, StatusEvent, Treaty
from treaties.models.obligation_summaries import STATE_COLUMNS
from treaties.services.imports import ImportResult
from treaties.services.staging import staged_import_drop, staged_import_get, staged_import_keep
from treaties.validation import status_event_problems

# Dates as the public pages write them, YYYY-MM-DD, in lists and in the date fields (whose inputs accept
# that format besides the locale's; static/js/admin_event_value.js makes the calendar write it too).
ISO_DATE_FIELDS = {models.DateField: {"widget": AdminDateWidget(format="%Y-%m-%d")}}


def iso_date(name: str, label: str):
    """A list_display column showing the date field `name` as YYYY-MM-DD, sortable by it."""

    @admin.display(description=label, ordering=name)
    def column(obj):
        value = getattr(obj, name)
        return value.isoformat() if value else None

    column.__name__ = f"{name}_iso"
    return column


def iso_moment(value) -> str | None:
    """A timestamp as YYYY-MM-DD HH:MM, in the site's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


@admin.register(Treaty)
class TreatyAdmin(ServiceAdmin):
    # Through the services, which mark the treaty's summaries for a recompute.
    save_service = staticmethod(services.treaty_save)
    delete_service = staticmethod(services.treaty_delete)
    argument = "treaty"
    form = VersionedModelForm
    list_display = (
        "short_name",
        "slug",
        "parent",
        iso_date("opened_for_signature", _("Opened for signature")),
        iso_date("entry_into_force", _("Entry into force")),
        "depositary",
    )
    formfield_overrides = ISO_DATE_FIELDS
    search_fields = ("short_name", "short_name_fr", "short_name_es", "title", "slug", "reference")
    prepopulated_fields = {"slug": ("short_name",)}
    fieldsets = [
        (
            _("Names"),
            {
                # English, French, Spanish side by side; CSV and the API keep the English.
                "fields": (("short_name", "short_name_fr", "short_name_es"), ("title", "title_fr", "title_es")),
                "description": _(
                    "Pages in French and Spanish show these names; a blank one shows the English. "
                    "A name written here stays when the shipped data is reloaded."
                ),
            },
        ),
        (None, {"fields": ("slug", "parent", "depositary", "reference", "url")}),
        (
            _("Dates"),
            {
                "fields": (
                    "adopted",
                    "opened_for_signature",
                    "signature_closes",
                    "entry_into_force",
                    "eif_instruments",
                    "eif_threshold_date",
                )
            },
        ),
        (
            _("Rules for one state"),
            {
                "fields": (
                    "late_eif_unit",
                    "late_eif_count",
                    "withdrawal_unit",
                    "withdrawal_count",
                    "withdrawal_armed_conflict_hold",
                    "provisional_application",
                ),
                "description": _(
                    "Entry into force for an instrument deposited after the threshold, and when a "
                    "withdrawal takes effect. Ottawa: the first day of the 6th month; 6 months; an armed conflict "
                    "holds a withdrawal; article 1(1) may be applied provisionally (art. 18)."
                ),
            },
        ),
        (_("Source"), {"fields": ("source",)}),
    ]


class StatusEventAdminForm(VersionedModelForm):
    """Shows every contradiction with the record in words, from the same checks every writer uses."""

    value = StatusEventValueField(
        label=_("Value"),
        help_text=_(
            "A stance, a vote or a moratorium's scope; `consent` on a withdrawal of consent only; the "
            "territories of a territorial application, e.g. “exclusion: Faroe Islands”. The menu offers the values "
            "of the kind chosen. A declaration, reservation or objection keeps its text in the note."
        ),
    )

    class Meta:
        model = StatusEvent
        fields = (
            "treaty",
            "country",
            "kind",
            "value",
            "date",
            "date_precision",
            "effective_date",
            "end_date",
            "source",
            "note",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank is `day`, so that a form posted without the menu (a script, an older page) still saves.
        if "date_precision" in self.fields:
            self.fields["date_precision"].required = False

    def clean_date_precision(self):
        return self.cleaned_data.get("date_precision") or DatePrecision.DAY

    def clean(self):
        cleaned = super().clean()
        event = copy(self.instance)
        for name, value in cleaned.items():
            setattr(event, name, value)
        for field, messages in status_event_problems(event).items():
            for message in messages:
                self.add_error(None if field == "__all__" or field not in self.fields else field, message)
        for message in retraction_form_problems(self.instance, event):
            self.add_error(None, message)
        return cleaned


@admin.register(StatusEvent)
class StatusEventAdmin(RetractionAdminMixin, ServiceAdmin):
    # The form has validated; the service writes, records history and schedules follow-up work.
    save_service = staticmethod(services.status_event_save)
    delete_service = staticmethod(services.status_event_delete)
    argument = "event"
    form = StatusEventAdminForm
    list_display = (
        "country",
        "treaty",
        "kind",
        "value",
        iso_date("date", _("Date")),
        iso_date("effective_date", _("Effective")),
        iso_date("end_date", _("Ended")),
        "retracted",
    )
    list_filter = ("treaty", "kind", UnverifiedFilter, RetractedFilter)
    list_select_related = ("country", "treaty")
    autocomplete_fields = ("treaty", "country")
    search_fields = ("country__name", "country__iso3", "treaty__short_name", "source", "note")
    date_hierarchy = "date"
    ordering = ("-date", "-pk")  # newest first, here only: the public lists keep their own order
    readonly_fields = ("created_iso", "updated_iso")
    formfield_overrides = ISO_DATE_FIELDS

    class Media:
        js = ("js/admin_event_value.js",)

    @admin.display(description=_("Created"))
    def created_iso(self, obj):
        return iso_moment(obj.created_at)

    @admin.display(description=_("Updated"))
    def updated_iso(self, obj):
        return iso_moment(obj.updated_at)

    # The treaty of a new event: the one this user last saved an event for, or the only one there is.

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "treaty" not in initial:
            last = request.session.get(LAST_TREATY_KEY)
            ids = list(Treaty.objects.filter(pk=last).values_list("pk", flat=True)) if last else []
            if not ids:
                ids = list(Treaty.objects.values_list("pk", flat=True)[:2])
            if len(ids) == 1:
                initial["treaty"] = ids[0]
        return initial

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.session[LAST_TREATY_KEY] = obj.treaty_id

    # CSV import: upload, a dry-run preview, then confirm. Importing creates and changes
    # events, so it needs both permissions (editors have them, viewers do not).

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="treaties_statusevent_import"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import events from CSV",
            "columns": ",".join(EVENT_HEADER),
            "max_mib": f"{max_import_bytes() / 1048576:g}",
            "shown": IMPORT_ROWS_SHOWN,
        }
        form = EventImportUploadForm()
        if request.method == "POST" and "digest" in request.POST:
            return self._import_confirm(request, context)
        if request.method == "POST":
            form = EventImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    rows = status_event_csv_read(data)
                except ImportFileError as exc:
                    form.add_error("file", exc.message)
                else:
                    result = services.status_event_import(rows=rows, user=request.user, dry_run=True)
                    context.update(result=result, preview=import_preview(result), filename=upload.name[:200])
                    if result.ok:
                        # The confirmation refuses rows whose events move after this preview.
                        versions = {str(item.event.pk): item.version for item in result.changed}
                        context["digest"] = staged_import_keep(
                            data=data, user_id=request.user.pk, filename=upload.name, versions=versions
                        )
        context["form"] = form
        return TemplateResponse(request, "admin/treaties/statusevent/import.html", context)

    def _import_confirm(self, request, context):
        """Import the file previewed: kept on the server under its digest, checked again against the record now."""
        digest, filename = request.POST["digest"], request.POST.get("filename", "")[:200]
        staged = staged_import_get(digest=digest, user_id=request.user.pk)
        if staged is None:
            self.message_user(
                request, gettext("The previewed file is no longer kept on the server; upload it again."), ERROR
            )
            return redirect("admin:treaties_statusevent_import")
        try:
            rows = status_event_csv_read(staged.data)
        except ImportFileError as exc:
            self.message_user(request, exc.message, ERROR)
            return redirect("admin:treaties_statusevent_import")
        result = services.status_event_import(
            rows=rows,
            user=request.user,
            dry_run=False,
            reason=f"CSV import {filename} ({digest[:12]})",
            expected_versions=staged.versions,
        )
        if not result.ok:
            # The record changed since the preview; nothing was written.
            context.update(
                result=result,
                preview=import_preview(result),
                filename=filename,
                form=EventImportUploadForm(),
                changed_since=True,
            )
            return TemplateResponse(request, "admin/treaties/statusevent/import.html", context)
        staged_import_drop(digest=digest, user_id=request.user.pk)
        self.message_user(
            request,
            gettext("Imported %(filename)s: %(created)s events created, %(changed)s changed, %(unchanged)s unchanged.")
            % {
                "filename": filename,
                "created": f"{len(result.created):,}",
                "changed": f"{len(result.changed):,}",
                "unchanged": f"{len(result.unchanged):,}",
            },
            SUCCESS,
        )
        return redirect("admin:treaties_statusevent_changelist")


@dataclass(frozen=True)
class ImportPreview:
    """What a file would do, each row counted once: a bad row counts as bad, not also as one to create or change."""

    created: list
    changed: list
    unchanged: int
    bad: int


def import_preview(result: ImportResult) -> ImportPreview:
    bad_rows = {error.number for error in result.errors}
    return ImportPreview(
        created=[(number, event) for number, event in result.created if number not in bad_rows],
        changed=[item for item in result.changed if item.number not in bad_rows],
        unchanged=len(result.unchanged),
        bad=len(bad_rows),
    )


# How many rows of each kind the preview lists (the counts are always complete).
IMPORT_ROWS_SHOWN = 200
# The session key of the treaty a user last saved an event for (the admin's default for the next one).
LAST_TREATY_KEY = "treaties.statusevent.last_treaty"


def obligation_save(*, obligation: Obligation, user=None, reason: str = "", validate: bool = True) -> Obligation:
    """Create or change an obligation, at the version its writer read, with its history entry. Its clock
    moves the stored obligation summaries and the overdue record: the treaty is marked for a recompute."""
    if validate:
        obligation.full_clean()
    with transaction.atomic():
        history_stamp(obligation, user=user, reason=reason)
        versioned_save(obligation)
        services.summary_mark(treaty_ids=[obligation.treaty_id], reason=f"obligation {obligation.slug} saved")
    return obligation


def obligation_delete(*, obligation: Obligation, user=None, reason: str = "") -> None:
    """Delete an obligation (its stored counts and overdue record go with it) and mark its treaty."""
    with transaction.atomic():
        history_stamp(obligation, user=user, reason=reason)
        obligation.delete()
        services.summary_mark(treaty_ids=[obligation.treaty_id], reason=f"obligation {obligation.slug} deleted")


@admin.register(Obligation)
class ObligationAdmin(ServiceAdmin):
    """A treaty's obligations and their clocks (DESIGN.md, "Obligations, as data"); the events that meet,
    extend or waive one name its slug in their value."""

    save_service = staticmethod(obligation_save)
    delete_service = staticmethod(obligation_delete)
    argument = "obligation"
    form = VersionedModelForm
    list_display = ("treaty", "article", "name", "slug", "clock", "extendable", "complete_record")
    list_filter = ("treaty", "clock", "extendable", UnverifiedFilter)
    search_fields = ("name", "slug", "article", "treaty__short_name")
    list_select_related = ("treaty",)
    fieldsets = [
        (None, {"fields": ("treaty", "name", "slug", "article", "order")}),
        (
            _("Clock"),
            {
                "fields": (
                    "clock",
                    "period_unit",
                    "period_count",
                    "yearly_month",
                    "yearly_day",
                    "covers",
                    "follows",
                    "extendable",
                    "complete_record",
                ),
                "description": _(
                    "After entry into force: a unit and a count (Ottawa art. 4: 48 months; art. 7(1): "
                    "180 days). Yearly: a month and a day (art. 7(2): 4 and 30) and the obligation it follows."
                ),
            },
        ),
        (_("Source"), {"fields": ("source",)}),
    ]


class DerivedRowsAdmin(admin.ModelAdmin):
    """Rows the recompute and the daily job derive from the events: listed for staff, never edited here
    (an edit would be overwritten by the next run; change the events instead)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ObligationSummary)
class ObligationSummaryAdmin(DerivedRowsAdmin):
    """The obligations' stored counts by state, per grouping and stored date (`services.summaries`)."""

    list_display = ("treaty", "obligation", "date", "label", "parties", *STATE_COLUMNS, "computed_at")
    list_filter = ("treaty", "panel")
    search_fields = ("label", "obligation__slug")
    date_hierarchy = "date"
    list_select_related = ("treaty", "obligation")


@admin.register(ObligationOverdue)
class ObligationOverdueAdmin(DerivedRowsAdmin):
    """When each State fell overdue on a deadline, as the daily job recorded it (`services.obligations`)."""

    list_display = ("treaty", "obligation", "country", "due_date", "since", "recorded_on", "cleared_on")
    list_filter = ("treaty", "obligation", ("cleared_on", admin.EmptyFieldListFilter))
    search_fields = ("country__name", "country__iso3")
    date_hierarchy = "since"
    list_select_related = ("treaty", "obligation", "country")
