from django.urls import path, register_converter

from treaties import feeds, views
from treaties.views.family import CompareExportView, CompareView, TreatyListView
from treaties.views.obligations import TreatyObligationsExportView, TreatyObligationsView
from treaties.views.votes import TreatyVotesExportView, TreatyVotesView


class Iso3Converter:
    """Three letters, either case: anything else in a country URL is simply not found."""

    regex = "[A-Za-z]{3}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(Iso3Converter, "iso3")

app_name = "treaties"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("treaties/", TreatyListView.as_view(), name="treaty_list"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("compare.csv", CompareExportView.as_view(), name="compare_export"),
    path("treaties/<slug:slug>/", views.TreatyDetailView.as_view(), name="treaty_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events.csv", views.EventExportView.as_view(), name="event_export"),
    path("treaties/<slug:slug>/status.csv", views.TreatyStatusExportView.as_view(), name="treaty_status_export"),
    path("treaties/<slug:slug>/votes/", TreatyVotesView.as_view(), name="treaty_votes"),
    path("treaties/<slug:slug>/votes.csv", TreatyVotesExportView.as_view(), name="treaty_votes_export"),
    path("treaties/<slug:slug>/obligations/", TreatyObligationsView.as_view(), name="treaty_obligations"),
    path(
        "treaties/<slug:slug>/obligations.csv",
        TreatyObligationsExportView.as_view(),
        name="treaty_obligations_export",
    ),
    path("treaties/<slug:slug>/map.svg", views.TreatyMapView.as_view(), name="treaty_map"),
    path("treaties/<slug:slug>/series.csv", views.SummarySeriesExportView.as_view(), name="summary_series_export"),
    path("countries/<iso3:iso3>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<slug:scheme>/<slug:region>/", views.RegionDetailView.as_view(), name="region_detail"),
    path(
        "regions/<slug:scheme>/<slug:region>/countries.csv",
        views.RegionCountryExportView.as_view(),
        name="region_country_export",
    ),
    path("forums/", views.ForumListView.as_view(), name="forum_list"),
    path("forums/<slug:slug>/", views.ForumDetailView.as_view(), name="forum_detail"),
    path("forums/<slug:slug>/members.csv", views.ForumMemberExportView.as_view(), name="forum_member_export"),
    path("regions.csv", views.RegionSummaryExportView.as_view(), name="region_summary_export"),
    path("forums.csv", views.ForumSummaryExportView.as_view(), name="forum_summary_export"),
    # Atom feeds of newly recorded acts and positions (treaties/feeds.py).
    path("treaties/<slug:slug>/feed/", feeds.TreatyFeed(), name="treaty_feed"),
    path("countries/<iso3:iso3>/feed/", feeds.CountryFeed(), name="country_feed"),
    path("regions/<slug:scheme>/<slug:region>/feed/", feeds.RegionFeed(), name="region_feed"),
    path("forums/<slug:slug>/feed/", feeds.ForumFeed(), name="forum_feed"),
]
