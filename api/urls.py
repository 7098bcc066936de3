"""`/api/v1/` (the read API and editors' writes), `/api/schema/` (OpenAPI 3) and `/api/docs/` (Swagger UI,
served from drf-spectacular-sidecar: nothing is fetched from elsewhere)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")

app_name = "api"


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script in a file of its own (the strict CSP allows no inline script)
    and the page's few rules in api/static/api/docs.css (nor inline style). Swagger UI draws its icons
    from data: URLs, which this page alone allows as images."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


docs = csp_update({"img-src": ["'self'", "data:"]})(DocsView.as_view())

urlpatterns = [
    path("v1/treaties/", views.TreatyList.as_view(), name="treaty_list"),
    path("v1/treaties/<slug:slug>/", views.TreatyDetail.as_view(), name="treaty_detail"),
    path("v1/treaties/<slug:slug>/status/", views.TreatyStatus.as_view(), name="treaty_status"),
    path("v1/treaties/<slug:slug>/summaries/", views.TreatySummaries.as_view(), name="treaty_summaries"),
    path("v1/treaties/<slug:slug>/series/", views.TreatySeries.as_view(), name="treaty_series"),
    path("v1/compare/", views.Compare.as_view(), name="compare"),
    path("v1/countries/", views.CountryList.as_view(), name="country_list"),
    path("v1/countries/<str:iso3>/", views.CountryDetail.as_view(), name="country_detail"),
    path("v1/schemes/", views.SchemeList.as_view(), name="scheme_list"),
    path("v1/forums/", views.ForumList.as_view(), name="forum_list"),
    path("v1/forums/<slug:slug>/", views.ForumDetail.as_view(), name="forum_detail"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
]
