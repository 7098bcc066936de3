from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ottawa_tracker import health

admin.site.site_header = _("Ottawa Tracker staff")
admin.site.site_title = _("Ottawa Tracker staff")
admin.site.index_title = _("Treaty record")


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
    # set_language (POST): the admin's language, kept in a cookie (ottawa_tracker/i18n.py).
    path("i18n/", include("django.conf.urls.i18n")),
]
# The public pages in English at the URLs they always had, and under /fr/ and /es/ (issue 16). The CSV
# exports and feeds come along so that a French page's links stay in French pages; their CSV is the same
# bytes at either URL (ISO dates, English codes: tests/test_i18n.py).
urlpatterns += i18n_patterns(path("", include("treaties.urls")), prefix_default_language=False)

# A database outage met outside a view (in the session or authentication middleware) answers 503, not 500.
handler500 = "ottawa_tracker.middleware.server_error"
