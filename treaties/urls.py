from django.urls import path

from treaties import views

app_name = "treaties"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("treaties/<slug:slug>/", views.TreatyDetailView.as_view(), name="treaty_detail"),
    path("treaties/<slug:slug>/status.csv", views.TreatyStatusExportView.as_view(), name="treaty_status_export"),
    path("regions.csv", views.RegionSummaryExportView.as_view(), name="region_summary_export"),
    path("forums.csv", views.ForumSummaryExportView.as_view(), name="forum_summary_export"),
]
