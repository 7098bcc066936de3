from copy import copy

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from countries.admin import UnverifiedFilter
from treaties import services
from treaties.models import StatusEvent, Treaty
from treaties.validation import status_event_problems


@admin.register(Treaty)
class TreatyAdmin(SimpleHistoryAdmin):
    list_display = ("short_name", "slug", "opened_for_signature", "entry_into_force", "depositary")
    search_fields = ("short_name", "title", "slug", "reference")
    prepopulated_fields = {"slug": ("short_name",)}
    fieldsets = [
        (None, {"fields": ("short_name", "slug", "title", "depositary", "reference", "url")}),
        (
            "Dates",
            {
                "fields": (
                    "adopted",
                    "opened_for_signature",
                    "entry_into_force",
                    "eif_instruments",
                    "eif_threshold_date",
                )
            },
        ),
        (
            "Rules for one state",
            {
                "fields": ("late_eif_unit", "late_eif_count", "withdrawal_unit", "withdrawal_count"),
                "description": "Entry into force for an instrument deposited after the threshold, and when a "
                "withdrawal takes effect. Ottawa: the first day of the 6th month; 6 months.",
            },
        ),
        ("Source", {"fields": ("source",)}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service, which marks the treaty's summaries for a recompute.
        services.treaty_save(treaty=obj, user=request.user, validate=False)

    def delete_model(self, request, obj):
        services.treaty_delete(treaty=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for treaty in queryset:
            services.treaty_delete(treaty=treaty, user=request.user)


class StatusEventAdminForm(forms.ModelForm):
    """Shows every contradiction with the record in words, from the same checks every writer uses."""

    class Meta:
        model = StatusEvent
        fields = ("treaty", "country", "kind", "value", "date", "effective_date", "end_date", "source", "note")

    def clean(self):
        cleaned = super().clean()
        event = copy(self.instance)
        for name, value in cleaned.items():
            setattr(event, name, value)
        for field, messages in status_event_problems(event).items():
            for message in messages:
                self.add_error(None if field == "__all__" or field not in self.fields else field, message)
        return cleaned


@admin.register(StatusEvent)
class StatusEventAdmin(SimpleHistoryAdmin):
    form = StatusEventAdminForm
    list_display = ("country", "treaty", "kind", "value", "date", "effective_date", "end_date")
    list_filter = ("treaty", "kind", UnverifiedFilter)
    list_select_related = ("country", "treaty")
    autocomplete_fields = ("treaty", "country")
    search_fields = ("country__name", "country__iso3", "treaty__short_name", "source", "note")
    date_hierarchy = "date"
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        # The form has validated; the service writes, records history and schedules follow-up work.
        services.status_event_save(event=obj, user=request.user, validate=False)

    def delete_model(self, request, obj):
        services.status_event_delete(event=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for event in queryset:
            services.status_event_delete(event=event, user=request.user)
