from django.urls import path

from catalog import views
from catalog.feeds import CatalogChangesFeed

app_name = "catalog"

urlpatterns = [
    path("models/", views.model_list, name="model-list"),
    path("models/<slug:slug>/", views.model_detail, name="model-detail"),
    path("vendors/<slug:slug>/", views.vendor_detail, name="vendor-detail"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider-detail"),
    path("benchmarks/<slug:slug>/", views.benchmark_detail, name="benchmark-detail"),
    path("feeds/changes.atom", CatalogChangesFeed(), name="changes-feed"),
]
