"""Top-level routes: the reader's site, the admin, the partner API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("pages.catalog_urls")),
    path("", include("pages.comparison_urls")),
]

# A database outage outside a view is a 503 too, never a stack trace.
handler500 = "core.security.server_error"
