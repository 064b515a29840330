"""The partner API: one versioned router (/api/v1/), its schema and its docs.

Mounted at /api/ by config/urls.py. Anything else under /api/ answers a JSON 404.
"""

from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.base import api_not_found
from api.catalog.views import (
    BenchmarkViewSet,
    ChangeFeedViewSet,
    ExportViewSet,
    LLMModelViewSet,
    ProviderViewSet,
    VendorViewSet,
)
from api.comparisons.views import ComparisonViewSet

app_name = "api"
SCHEMA_CACHE_SECONDS = 10 * 60
# sha256 of the inline <style> in drf-spectacular's Swagger UI page.
DOCS_INLINE_STYLE_HASH = "sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0="

router = SimpleRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("providers", ProviderViewSet, basename="provider")
router.register("benchmarks", BenchmarkViewSet, basename="benchmark")
router.register("models", LLMModelViewSet, basename="model")
router.register("comparisons", ComparisonViewSet, basename="comparison")
router.register("export", ExportViewSet, basename="export")
router.register("changes", ChangeFeedViewSet, basename="changes")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), no key needed."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # No 'unsafe-inline': the one inline <style> of drf-spectacular's page is
        # allowed by its hash (pinned with the package); scripts stay 'self' only.
        response["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; "
            f"style-src 'self' '{DOCS_INLINE_STYLE_HASH}'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'"
        )
        return response

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs):
        # DRF would describe the view as JSON through the page's HTML template,
        # which has none to give: a 500. The docs are a page; say what it allows.
        return HttpResponse(headers={"Allow": "GET, HEAD, OPTIONS"})


urlpatterns = [
    path("v1/", include(router.urls)),
    # Generating the schema takes a while and it only changes with a deploy:
    # keep it, so the public (keyless) endpoint is no lever against the server.
    path(
        "schema/",
        cache_page(SCHEMA_CACHE_SECONDS)(SpectacularAPIView.as_view()),
        name="schema",
    ),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", api_not_found),
]
