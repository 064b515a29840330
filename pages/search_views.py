"""Reader search: the results page, the suggestions the compare picker reads,
and the index pages of vendors, providers and benchmarks."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import ListView

from catalog.models import Benchmark, LLMModel, Offering, Provider, Score, Vendor
from catalog.search import KINDS, MAX_QUERY_LENGTH, search
from core.view_cache import cached_page
from pages.meta import breadcrumbs_json_ld, page_meta

SEARCH_RESULTS = 30
SUGGESTIONS = 8
UNKNOWN_KIND_MESSAGE = "kind must be one of: " + ", ".join(KINDS) + "."
QUERY_TOO_LONG_MESSAGE = f"q must be at most {MAX_QUERY_LENGTH} characters."


@cached_page(long_tail=True, query=("q",))
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = search(query, limit=SEARCH_RESULTS) if query else []
    title = f"Search results for “{query}”" if query else "Search"
    context = {
        "nav": "search",
        "query": query,
        "results": results,
        "meta": page_meta(
            request,
            title=title,
            description="Search the catalog's models, vendors, providers and benchmarks.",
            path=reverse("catalog:search"),
            # Result lists are for readers, not for search engines' indexes.
            noindex=True,
        ),
    }
    return render(request, "catalog/search.html", context)


@cached_page(long_tail=True, query=("q", "kind"))
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The few best matches as JSON, for type-ahead boxes; ?kind=model for models only."""
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    if kind and kind not in KINDS:
        return JsonResponse({"kind": [UNKNOWN_KIND_MESSAGE]}, status=400)
    if len(query) > MAX_QUERY_LENGTH:
        return JsonResponse({"q": [QUERY_TOO_LONG_MESSAGE]}, status=400)
    results = search(query, limit=SUGGESTIONS, kinds=(kind,) if kind else KINDS)
    return JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "kind": result.kind,
                    "slug": result.slug,
                    "name": result.name,
                    "detail": result.detail,
                    "url": result.url,
                }
                for result in results
            ],
        }
    )


def _count(queryset, link: str) -> Coalesce:
    """How many rows of queryset point at the outer row through `link`."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class IndexViewMixin:
    """An index of one kind of catalog row, each with a count, under one heading."""

    nav = ""
    title = ""
    description = ""
    url_name = ""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["nav"] = self.nav
        context["meta"] = page_meta(
            self.request,
            title=self.title,
            description=self.description,
            path=reverse(self.url_name),
            json_ld_blocks=(
                breadcrumbs_json_ld(
                    self.request,
                    [
                        ("Home", reverse("comparisons:home")),
                        (self.title, reverse(self.url_name)),
                    ],
                ),
            ),
        )
        return context


class VendorListView(IndexViewMixin, ListView):
    template_name = "catalog/vendor_list.html"
    nav = "vendors"
    title = "Vendors"
    url_name = "catalog:vendor-list"
    description = "Every company whose language models we track, with how many."

    def get_queryset(self):
        # A vendor known only from drafts stays unlisted, as in the sitemap.
        return (
            Vendor.objects.annotate(
                model_count=_count(LLMModel.objects.published(), "vendor")
            )
            .filter(model_count__gt=0)
            .order_by("name", "slug")
        )


class ProviderListView(IndexViewMixin, ListView):
    template_name = "catalog/provider_list.html"
    nav = "providers"
    title = "Providers"
    url_name = "catalog:provider-list"
    description = "Every hosting provider we track, with how many models each serves."

    def get_queryset(self):
        serving = Offering.objects.available().filter(
            model__in=LLMModel.objects.published()
        )
        return Provider.objects.annotate(
            model_count=_count(serving, "provider")
        ).order_by("name", "slug")


class BenchmarkListView(IndexViewMixin, ListView):
    template_name = "catalog/benchmark_list.html"
    nav = "benchmarks"
    title = "Benchmarks"
    url_name = "catalog:benchmark-list"
    description = "Every benchmark we track, with how many models have a score on it."

    def get_queryset(self):
        scored = Score.objects.filter(model__in=LLMModel.objects.published())
        return Benchmark.objects.annotate(
            model_count=_count(scored, "benchmark")
        ).order_by("name", "slug")


vendor_list = cached_page(VendorListView.as_view())
provider_list = cached_page(ProviderListView.as_view())
benchmark_list = cached_page(BenchmarkListView.as_view())
