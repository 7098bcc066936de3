from django.urls import path

from treaties import views

app_name = "treaties"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("treaties/<slug:slug>/", views.TreatyDetailView.as_view(), name="treaty_detail"),
    path("treaties/<slug:slug>/status.csv", views.TreatyStatusExportView.as_view(), name="treaty_status_export"),
    path("treaties/<slug:slug>/map.svg", views.TreatyMapView.as_view(), name="treaty_map"),
    path("countries/<str:iso3>/", views.CountryDetailView.as_view(), name="country_detail"),
]
