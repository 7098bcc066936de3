"""Thin views: read the state from the URL, call one selector, render.

`pages.py` holds the HTML pages and the map, `exports.py` the CSV files, `mixins.py` what they share.
"""

from treaties.views.exports import (
    EventExportView,
    ForumMemberExportView,
    ForumSummaryExportView,
    RegionCountryExportView,
    RegionSummaryExportView,
    SummarySeriesExportView,
    TreatyStatusExportView,
)
from treaties.views.mixins import (
    DEFAULT_SCHEME,
    AsOfMixin,
    CsvExportMixin,
    EventFilterMixin,
    TreatyChoiceMixin,
    bad_request,
    get_by_slug_or_404,
)
from treaties.views.pages import (
    GROUP_SORTS,
    CountryDetailView,
    EventListView,
    ForumDetailView,
    ForumListView,
    GroupSortMixin,
    HomeView,
    RegionDetailView,
    RegionListView,
    TreatyDetailView,
    TreatyMapView,
    freshness_context,
    summary_context,
)

__all__ = [
    "DEFAULT_SCHEME",
    "GROUP_SORTS",
    "AsOfMixin",
    "CountryDetailView",
    "CsvExportMixin",
    "EventExportView",
    "EventFilterMixin",
    "EventListView",
    "ForumDetailView",
    "ForumListView",
    "ForumMemberExportView",
    "ForumSummaryExportView",
    "GroupSortMixin",
    "HomeView",
    "RegionCountryExportView",
    "RegionDetailView",
    "RegionListView",
    "RegionSummaryExportView",
    "SummarySeriesExportView",
    "TreatyChoiceMixin",
    "TreatyDetailView",
    "TreatyMapView",
    "TreatyStatusExportView",
    "bad_request",
    "freshness_context",
    "get_by_slug_or_404",
    "summary_context",
]
