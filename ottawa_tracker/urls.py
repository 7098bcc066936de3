from django.contrib import admin
from django.urls import include, path

from ottawa_tracker import health

admin.site.site_header = "Ottawa Tracker staff"
admin.site.site_title = "Ottawa Tracker staff"
admin.site.index_title = "Treaty record"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("treaties.urls")),
]

# A database outage met outside a view (in the session or authentication middleware) answers 503, not 500.
handler500 = "ottawa_tracker.middleware.server_error"
