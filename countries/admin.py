from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
from ottawa_tracker.admin_base import ServiceAdmin, UnverifiedFilter
from ottawa_tracker.versioning import VersionedModelForm

# The names side by side: English (the base, read by CSV and the API), French, Spanish.
NAMES_HELP = _(
    "Pages in French and Spanish show the French and Spanish names; a blank one shows the English. "
    "CSV files and the API keep the English. A name written here stays when the shipped data is reloaded."
)
NAMES = ("name", "name_fr", "name_es")


class MembershipUnverifiedFilter(UnverifiedFilter):
    fields = ("source", "start_source", "end_note")


class CountryFormerNameInline(admin.TabularInline):
    model = CountryFormerName
    extra = 0


@admin.register(Country)
class CountryAdmin(ServiceAdmin):
    save_service = staticmethod(services.country_save)
    delete_service = staticmethod(services.country_delete)
    argument = "country"
    form = VersionedModelForm
    list_display = ("name", "iso3", "iso2", "m49", "kind", "participant", "valid_from", "valid_until")
    list_filter = ("participant", "kind")
    search_fields = ("name", "name_fr", "name_es", "official_name", "iso3", "iso2", "former_names__name")
    inlines = [CountryFormerNameInline]
    fieldsets = [
        (_("Names"), {"fields": (NAMES, "official_name"), "description": NAMES_HELP}),
        (None, {"fields": ("kind", "participant")}),
        (_("Codes"), {"fields": ("iso2", "iso3", "m49")}),
        (_("Existence"), {"fields": ("valid_from", "valid_until", "source")}),
    ]


@admin.register(CountrySuccession)
class CountrySuccessionAdmin(ServiceAdmin):
    save_service = staticmethod(services.country_succession_save)
    delete_service = staticmethod(services.country_succession_delete)
    argument = "succession"
    list_display = ("predecessor", "successor", "date", "continuation")
    list_filter = ("continuation",)
    list_select_related = ("predecessor", "successor")
    autocomplete_fields = ("predecessor", "successor")
    search_fields = ("predecessor__name", "successor__name")


class RegionInline(admin.TabularInline):
    model = Region
    extra = 0
    fields = (*NAMES, "slug", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(RegionScheme)
class RegionSchemeAdmin(ServiceAdmin):
    save_service = staticmethod(services.region_scheme_save)
    delete_service = staticmethod(services.region_scheme_delete)
    argument = "scheme"
    list_display = ("name", "name_fr", "name_es", "slug")
    search_fields = ("name", "name_fr", "name_es", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = [(None, {"fields": (NAMES, "slug", "description", "source"), "description": NAMES_HELP})]
    inlines = [RegionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Region:
            return super().save_formset(request, form, formset, change)
        for region in formset.save(commit=False):
            services.region_save(region=region, user=request.user, reason=self.change_reason(form), validate=False)
        for region in formset.deleted_objects:
            services.region_delete(region=region, user=request.user)


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    save_service = staticmethod(services.region_save)
    delete_service = staticmethod(services.region_delete)
    argument = "region"
    list_display = ("name", "name_fr", "name_es", "scheme", "code")
    list_filter = ("scheme",)
    list_select_related = ("scheme",)
    search_fields = ("name", "name_fr", "name_es", "code", "scheme__name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = [(None, {"fields": ("scheme", NAMES, "slug", "code"), "description": NAMES_HELP})]


@admin.register(RegionAssignment)
class RegionAssignmentAdmin(ServiceAdmin):
    save_service = staticmethod(services.region_assignment_save)
    delete_service = staticmethod(services.region_assignment_delete)
    argument = "assignment"
    form = VersionedModelForm
    list_display = ("country", "region", "scheme", "note")
    list_filter = ("scheme", "region")
    list_select_related = ("country", "region", "scheme")
    autocomplete_fields = ("country", "region")
    search_fields = ("country__name", "country__iso3", "region__name")


@admin.register(Forum)
class ForumAdmin(ServiceAdmin):
    save_service = staticmethod(services.forum_save)
    delete_service = staticmethod(services.forum_delete)
    argument = "forum"
    list_display = ("name", "short_name", "slug")
    search_fields = ("name", "name_fr", "name_es", "short_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}
    fieldsets = [
        (
            None,
            {
                "fields": (NAMES, ("short_name", "short_name_fr", "short_name_es"), "slug", "description", "source"),
                "description": NAMES_HELP,
            },
        )
    ]


@admin.register(ForumMembership)
class ForumMembershipAdmin(ServiceAdmin):
    save_service = staticmethod(services.forum_membership_save)
    delete_service = staticmethod(services.forum_membership_delete)
    argument = "membership"
    form = VersionedModelForm
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
