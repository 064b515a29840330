"""Top-level routes: the reader's site, the admin, the partner API."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

# Admin pages of models that left the catalog app for the app they serve
# (docs/architecture.md, "Moving a model to another app"): bookmarks and old
# links land on the same page under its new address.
MOVED_ADMIN_PAGES = {
    "catalog/partnerkey": "api/partnerkey",
    "catalog/comparison": "comparisons/comparison",
}

urlpatterns = [
    *(
        re_path(
            rf"^admin/{old}/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{new}/%(rest)s", query_string=True),
        )
        for old, new in MOVED_ADMIN_PAGES.items()
    ),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("pages.catalog_urls")),
    path("", include("pages.comparison_urls")),
]

# A database outage outside a view is a 503 too, never a stack trace.
handler500 = "core.security.server_error"
