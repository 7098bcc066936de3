from django.urls import path

from treaties import views

app_name = "treaties"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("treaties/<slug:slug>/", views.TreatyDetailView.as_view(), name="treaty_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events.csv", views.EventExportView.as_view(), name="event_export"),
    path("treaties/<slug:slug>/status.csv", views.TreatyStatusExportView.as_view(), name="treaty_status_export"),
]
