"""Routes of the catalog's reader pages, under the "catalog" namespace.

The namespace is named after what the pages show, not after the app that serves
them: catalog models' get_absolute_url and the templates reverse
catalog:model-detail and its siblings.
"""

from django.urls import path

from core.shared_cache import shareable
from pages import catalog_views as catalog_pages
from pages import search_views
from pages.feeds import CatalogChangesFeed

app_name = "catalog"

urlpatterns = [
    path("search/", search_views.search_page, name="search"),
    path("search/suggest.json", search_views.search_suggest, name="search-suggest"),
    path("models/", catalog_pages.model_list, name="model-list"),
    path("vendors/", search_views.vendor_list, name="vendor-list"),
    path("providers/", search_views.provider_list, name="provider-list"),
    path("benchmarks/", search_views.benchmark_list, name="benchmark-list"),
    path("models/<slug:slug>/", catalog_pages.model_detail, name="model-detail"),
    path("models/<slug:slug>/card.png", catalog_pages.model_card, name="model-card"),
    path("vendors/<slug:slug>/", catalog_pages.vendor_detail, name="vendor-detail"),
    path(
        "providers/<slug:slug>/",
        catalog_pages.provider_detail,
        name="provider-detail",
    ),
    path(
        "benchmarks/<slug:slug>/",
        catalog_pages.benchmark_detail,
        name="benchmark-detail",
    ),
    # Not in the page cache (reading it announces drafts whose time has come),
    # but a shared cache in front may keep it for a second like any page.
    path("feeds/changes.atom", shareable(CatalogChangesFeed()), name="changes-feed"),
]
