"""The event list's filters for the API: the pages' `StatusEventFilterSet` itself, with the value types
of its method filters written out so the OpenAPI schema says them (codes, not ids)."""

from django.db.models import QuerySet

from countries.models import Country, Forum, Region
from treaties.filtersets import IdFilter, StatusEventFilterSet
from treaties.models import Treaty


class EventFilterSet(StatusEventFilterSet):
    treaty_id = IdFilter(field_name="treaty", queryset=Treaty.objects.all(), distinct=False, label="Treaty (id)")
    country_id = IdFilter(field_name="country", queryset=Country.objects.all(), distinct=False, label="Country (id)")
    region_id = IdFilter(method="filter_region", queryset=Region.objects.all(), label="Region (id)")
    forum_id = IdFilter(method="filter_forum", queryset=Forum.objects.all(), label="Forum (id)")

    def filter_region(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return super().filter_region(queryset, name, value)

    def filter_forum(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return super().filter_forum(queryset, name, value)
