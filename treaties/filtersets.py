"""One FilterSet per list, shared by the page and its CSV export (NetBox's filtersets)."""

from collections.abc import Mapping

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

from countries.choices import MembershipRole
from countries.models import Country, Forum, ForumMembership, Region, RegionAssignment
from treaties.choices import EventKind
from treaties.models import StatusEvent, Treaty

ISO_DATE = ["%Y-%m-%d"]


class CodeMultipleChoiceField(ModelMultipleChoiceField):
    """Several codes or slugs, matched whatever their case: `country=can` is Canada."""

    def __init__(self, *args, case: str = "lower", **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if value:
            value = [getattr(str(v).strip(), self.case)() for v in value]
        return super().clean(value)


# The largest id a 64-bit column holds (SQLite's INTEGER, PostgreSQL's bigint).
MAX_ID = 2**63 - 1


class IdsField(ModelMultipleChoiceField):
    """Ids, refusing one no database column holds as an unknown choice: SQLite raises OverflowError on
    `treaty_id=99999999999999999999` (a 500) where the id simply matches nothing."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # the parent says it is not a valid choice
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class IdFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdsField


class CodeFilter(django_filters.ModelMultipleChoiceFilter):
    """Objects named by code or slug in the URL, filtered by their id (no join)."""

    field_class = CodeMultipleChoiceField

    def get_filter_predicate(self, v) -> dict:
        return {self.field_name: v}


def without_empty(data: Mapping) -> QueryDict:
    """The same parameters without empty values: an empty value means "no filter".

    A form's "All treaties" option, a blank date or search box all send `name=`; dropping them
    here lets the page, its CSV and the links that keep the query treat them alike.
    """
    kept = QueryDict(mutable=True)
    if isinstance(data, QueryDict):
        lists = data.lists()
    else:
        lists = ((k, v if isinstance(v, list) else [v]) for k, v in data.items())
    for name, values in lists:
        kept.setlist(name, [str(v) for v in values if str(v).strip()])
        if not kept.getlist(name):
            del kept[name]
    return kept


def _regions_by_key() -> QuerySet[Region]:
    # A region slug is unique only within its scheme, so the URL names both: `m49:asia`.
    return Region.objects.select_related("scheme").annotate(
        key=Concat("scheme__slug", Value(":"), "slug", output_field=CharField())
    )


class StatusEventFilterSet(django_filters.FilterSet):
    """The event list's filters, for `/events/` and `/events.csv` alike.

    Several values of one filter widen it (`kind=signature&kind=accession`); different
    filters narrow each other.
    """

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_("Words in the country, treaty, kind, value, source or note."),
    )
    treaty = CodeFilter(
        field_name="treaty",
        to_field_name="slug",
        queryset=Treaty.objects.all(),
        distinct=False,
        label=_("Treaty"),
        help_text=_("Treaty slug, e.g. ottawa."),
    )
    treaty_id = IdFilter(field_name="treaty", queryset=Treaty.objects.all(), distinct=False, label=_("Treaty (id)"))
    country = CodeFilter(
        field_name="country",
        to_field_name="iso3",
        queryset=Country.objects.all(),
        distinct=False,
        case="upper",
        label=_("Country"),
        help_text=_("ISO 3166-1 alpha-3 code, e.g. CAN. Only the events recorded for that state itself."),
    )
    country_id = IdFilter(field_name="country", queryset=Country.objects.all(), distinct=False, label=_("Country (id)"))
    region = CodeFilter(
        method="filter_region",
        to_field_name="key",
        queryset=_regions_by_key(),
        label=_("Region"),
        help_text=_(
            "Scheme and region slugs joined by a colon, e.g. m49:asia or un-groups:african: "
            "the events of the countries the scheme places in that region."
        ),
    )
    region_id = IdFilter(method="filter_region", queryset=Region.objects.all(), label=_("Region (id)"))
    forum = CodeFilter(
        method="filter_forum",
        to_field_name="slug",
        queryset=Forum.objects.all(),
        label=_("Forum"),
        help_text=_(
            "Forum slug, e.g. cd: the events of countries that were members (not observers) of the forum "
            "on the event's date. A membership whose start no source gave counts from the beginning."
        ),
    )
    forum_id = IdFilter(method="filter_forum", queryset=Forum.objects.all(), label=_("Forum (id)"))
    kind = django_filters.MultipleChoiceFilter(
        choices=EventKind.choices,
        distinct=False,
        label=_("Kind"),
        help_text=_("One or more kinds, e.g. signature."),
    )
    date_after = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        label=_("From"),
        help_text=_("Events on or after this date (YYYY-MM-DD)."),
    )
    date_before = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        label=_("Until"),
        help_text=_("Events on or before this date (YYYY-MM-DD)."),
    )

    class Meta:
        model = StatusEvent
        fields: list[str] = []

    def __init__(self, data: Mapping | None = None, *args, **kwargs):
        super().__init__(None if data is None else without_empty(data), *args, **kwargs)

    def chosen(self) -> dict[str, list[str]]:
        """The values sent for each filter, empty ones left out (for the form to show them chosen)."""
        return {name: self.data.getlist(name) for name in self.filters}

    def query_string(self) -> str:
        """The filters as a query string, for links that keep them (pages, the CSV): only filters, never empty."""
        kept = QueryDict(mutable=True)
        for name in self.filters:
            if values := self.data.getlist(name):
                kept.setlist(name, values)
        return kept.urlencode()

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(country__name__icontains=value)
            | Q(country__iso3__iexact=value)
            | Q(treaty__short_name__icontains=value)
            | Q(treaty__slug__iexact=value)
            | Q(kind__icontains=value)
            | Q(value__icontains=value)
            | Q(source__icontains=value)
            | Q(note__icontains=value)
        )

    def filter_region(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:  # an empty choice arrives as an empty queryset, which django-filter passes on
            return queryset
        # A subquery, not a join, so an event never appears twice.
        countries = RegionAssignment.objects.filter(region__in=[r.pk for r in value]).values("country_id")
        return queryset.filter(country_id__in=countries)

    def filter_forum(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        seated = ForumMembership.objects.filter(
            forum__in=[f.pk for f in value],
            role=MembershipRole.MEMBER,
            country=OuterRef("country"),
        ).filter(
            Q(start_date__isnull=True) | Q(start_date__lte=OuterRef("date")),
            Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("date")),
        )
        return queryset.filter(Exists(seated))
