from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ottawa Tracker staff"
admin.site.site_title = "Ottawa Tracker staff"
admin.site.index_title = "Treaty record"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("treaties.urls")),
]
