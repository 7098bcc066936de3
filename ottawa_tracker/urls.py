from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ottawa_tracker import health

admin.site.site_header = "Ottawa Tracker staff"
admin.site.site_title = "Ottawa Tracker staff"
admin.site.index_title = "Treaty record"


class FaviconView(RedirectView):
    """`/favicon.ico`, which browsers ask for whatever the page links: the icon in static/ (a temporary
    redirect, since its static URL carries a content hash that changes with the file)."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("treaties.urls")),
]

# A database outage met outside a view (in the session or authentication middleware) answers 503, not 500.
handler500 = "ottawa_tracker.middleware.server_error"
