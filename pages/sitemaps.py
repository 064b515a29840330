"""Sitemap sections for the catalog's public pages: models, vendors, providers, benchmarks."""

from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from catalog.models import (
    Benchmark,
    LLMModel,
    Offering,
    Provider,
    Review,
    Score,
    Vendor,
)


class SiteUrlSitemap(Sitemap):
    """Item addresses on SITE_URL when it is set, as in canonical links."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)


def _latest_change(related) -> Coalesce:
    """The newest updated_at among a model's related rows, or the model's own."""
    newest = Subquery(
        related.objects.filter(model=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return Coalesce(newest, F("updated_at"))


def models_with_last_change():
    """Published models, each annotated `last_changed`: the latest edit to it or its rows."""
    return LLMModel.objects.published().annotate(
        last_changed=Greatest(
            F("updated_at"),
            _latest_change(Offering),
            _latest_change(Score),
            _latest_change(Review),
        )
    )


def latest_model_change():
    return (
        models_with_last_change()
        .order_by("-last_changed")
        .values_list("last_changed", flat=True)
        .first()
    )


class StaticSitemap(SiteUrlSitemap):
    """Home, the compare index and the index pages: they change with any model."""

    changefreq = "daily"

    def items(self):
        return [
            "comparisons:home",
            "comparisons:index",
            "catalog:model-list",
            "catalog:vendor-list",
            "catalog:provider-list",
            "catalog:benchmark-list",
        ]

    def location(self, item):
        return reverse(item)

    @cached_property
    def _latest(self):
        return latest_model_change()

    def lastmod(self, item):
        return self._latest

    def get_latest_lastmod(self):
        return self._latest


class ModelSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return models_with_last_change().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.last_changed

    def get_latest_lastmod(self):
        return (
            models_with_last_change()
            .order_by("-last_changed")
            .values_list("last_changed", flat=True)
            .first()
        )


class _UpdatedSitemap(SiteUrlSitemap):
    model = None

    def items(self):
        return self.model.objects.order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return (
            self.model.objects.order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )


class VendorSitemap(_UpdatedSitemap):
    """Vendors with a published model: one known only from drafts stays unlisted."""

    model = Vendor

    def items(self):
        published = LLMModel.objects.published()
        return Vendor.objects.filter(models__in=published).distinct().order_by("slug")


class ProviderSitemap(_UpdatedSitemap):
    model = Provider


class BenchmarkSitemap(_UpdatedSitemap):
    model = Benchmark
