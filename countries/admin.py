from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from countries import services
from countries.models import (
    Country,
    CountryFormerName,
    CountrySuccession,
    Forum,
    ForumMembership,
    ReferenceDataset,
    Region,
    RegionAssignment,
    RegionScheme,
)

UNVERIFIED = "recall, unverified"


class UnverifiedFilter(admin.SimpleListFilter):
    """Rows whose source says `recall, unverified`, for staff to confirm."""

    title = "source checked"
    parameter_name = "unverified"
    fields = ("source",)

    def lookups(self, request, model_admin):
        return [("yes", "Unverified (from recall)"), ("no", "Sourced")]

    def queryset(self, request, queryset):
        flagged = Q()
        for field in self.fields:
            flagged |= Q(**{f"{field}__icontains": UNVERIFIED})
        if self.value() == "yes":
            return queryset.filter(flagged)
        if self.value() == "no":
            return queryset.exclude(flagged)
        return queryset


class MembershipUnverifiedFilter(UnverifiedFilter):
    fields = ("source", "start_source", "end_note")


class ServiceAdmin(SimpleHistoryAdmin):
    """Writes through the services, as every other writer does, so each change that moves the
    counts marks the treaties' summaries in its own transaction.

    `service` names the pair `<entity>_save` / `<entity>_delete` in `countries.services`, whose
    keyword argument is `<argument>`.
    """

    service: str
    argument: str

    def save_model(self, request, obj, form, change):
        # The form has validated the object already.
        getattr(services, f"{self.service}_save")(**{self.argument: obj}, user=request.user, validate=False)

    def delete_model(self, request, obj):
        getattr(services, f"{self.service}_delete")(**{self.argument: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class CountryFormerNameInline(admin.TabularInline):
    model = CountryFormerName
    extra = 0


@admin.register(Country)
class CountryAdmin(ServiceAdmin):
    service, argument = "country", "country"
    list_display = ("name", "iso3", "iso2", "m49", "kind", "participant", "valid_from", "valid_until")
    list_filter = ("participant", "kind")
    search_fields = ("name", "official_name", "iso3", "iso2", "former_names__name")
    inlines = [CountryFormerNameInline]
    fieldsets = [
        (None, {"fields": ("name", "official_name", "kind", "participant")}),
        ("Codes", {"fields": ("iso2", "iso3", "m49")}),
        ("Existence", {"fields": ("valid_from", "valid_until", "source")}),
    ]


@admin.register(CountrySuccession)
class CountrySuccessionAdmin(ServiceAdmin):
    service, argument = "country_succession", "succession"
    list_display = ("predecessor", "successor", "date", "continuation")
    list_filter = ("continuation",)
    list_select_related = ("predecessor", "successor")
    autocomplete_fields = ("predecessor", "successor")
    search_fields = ("predecessor__name", "successor__name")


class RegionInline(admin.TabularInline):
    model = Region
    extra = 0
    fields = ("name", "slug", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RegionScheme)
class RegionSchemeAdmin(ServiceAdmin):
    service, argument = "region_scheme", "scheme"
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RegionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Region:
            return super().save_formset(request, form, formset, change)
        for region in formset.save(commit=False):
            services.region_save(region=region, user=request.user, validate=False)
        for region in formset.deleted_objects:
            services.region_delete(region=region, user=request.user)


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    service, argument = "region", "region"
    list_display = ("name", "scheme", "code")
    list_filter = ("scheme",)
    list_select_related = ("scheme",)
    search_fields = ("name", "code", "scheme__name")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(ServiceAdmin):
    service, argument = "region_assignment", "assignment"
    list_display = ("country", "region", "scheme", "note")
    list_filter = ("scheme", "region")
    list_select_related = ("country", "region", "scheme")
    autocomplete_fields = ("country", "region")
    search_fields = ("country__name", "country__iso3", "region__name")


@admin.register(Forum)
class ForumAdmin(ServiceAdmin):
    service, argument = "forum", "forum"
    list_display = ("name", "short_name", "slug")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(ForumMembership)
class ForumMembershipAdmin(ServiceAdmin):
    service, argument = "forum_membership", "membership"
    list_display = ("country", "forum", "role", "start_date", "start_precision", "end_date")
    list_filter = ("forum", "role", "start_precision", MembershipUnverifiedFilter)
    list_select_related = ("country", "forum")
    autocomplete_fields = ("country", "forum")
    search_fields = ("country__name", "country__iso3", "forum__name", "forum__short_name", "note")
    date_hierarchy = "start_date"


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(admin.ModelAdmin):
    """What `load_reference_data` last loaded; written only by that command."""

    list_display = ("name", "loaded_at", "summary")
    readonly_fields = ("name", "fingerprint", "loaded_at", "summary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
