"""Reader pages for the catalog: the models list, model, vendor, provider, benchmark.

Prices, spec rows and stale marks come from the comparisons derivation (the
one place the rules live), so a model page and a pair page always agree. Their
routes are in the "catalog" namespace (pages/catalog_urls.py), which catalog's
get_absolute_url reverses.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Subquery,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView

from catalog.models import (
    CAPABILITY_LABELS,
    Benchmark,
    LLMModel,
    Offering,
    PricePoint,
    Provider,
    Review,
    Score,
    Vendor,
)
from catalog.services import leaderboard_ranks, price_after
from comparisons import derivation, services
from comparisons.derivation import ModelFacts, PriceRow, formatting
from core.view_cache import cached_page
from pages import presentation
from pages.cards import card_png
from pages.forms import ModelFilterForm
from pages.meta import breadcrumbs_json_ld, markdown_html, page_meta
from pages.model_orders import (
    ModelsInOrder,
    from_blended_price,
    published_order,
    sorted_models,
    vendor_choices,
)
from pages.views import is_preview, never_cache_preview, png_response

MODELS_PER_PAGE = 50
PEER_LIMIT = 6
# Filters a page of the models list can be cut from a kept order with.
KEPT_ORDER_FILTERS = {"sort", "open_weights"}


def _with_facts(models):
    """Models with everything services.model_facts reads, prefetched."""
    return models.select_related("vendor").prefetch_related(
        Prefetch(
            "offerings",
            queryset=Offering.objects.select_related("provider")
            .prefetch_related("tiers")
            .order_by("provider__slug"),
        ),
        Prefetch("scores", queryset=Score.objects.select_related("benchmark")),
        Prefetch("reviews", queryset=Review.objects.order_by("-reviewed_on", "id")),
    )


@dataclass(frozen=True)
class ModelRow:
    """One model in a list: the model and its "from" prices."""

    model: LLMModel
    reference: presentation.FromPrices | None
    provider_count: int


def model_rows(models: Iterable[LLMModel]) -> list[ModelRow]:
    """The models (with their vendors) as list rows, in the order given.

    A row shows three prices and a count of providers, so only the models'
    available offerings are read, in one query: building each model's whole
    facts (offerings, tiers, scores, reviews, in four more) cost some 1.4 ms of
    CPU a model, 70 ms for a page of fifty.
    """
    models = list(models)
    if not models:
        return []
    offerings: dict[int, list[derivation.OfferingFacts]] = {m.pk: [] for m in models}
    for model_id, slug, name, input_price, output_price in (
        Offering.objects.available()
        .filter(model__in=list(offerings))
        .order_by()
        .values_list(
            "model_id",
            "provider__slug",
            "provider__name",
            "input_price",
            "output_price",
        )
    ):
        offerings[model_id].append(
            derivation.OfferingFacts(
                provider_slug=slug,
                provider_name=name,
                input_price=input_price,
                output_price=output_price,
            )
        )
    return [
        ModelRow(
            model,
            presentation.from_prices(offerings[model.pk]),
            presentation.provider_count(offerings[model.pk]),
        )
        for model in models
    ]


def by_benchmark(models, benchmark: Benchmark):
    """Best score on the benchmark first (its own direction), unscored models last."""
    scores = Score.objects.filter(model=OuterRef("pk"), benchmark=benchmark)
    models = models.annotate(benchmark_score=Subquery(scores.values("value")[:1]))
    score = F("benchmark_score")
    best_first = score.desc(nulls_last=True)
    if not benchmark.higher_is_better:
        best_first = score.asc(nulls_last=True)
    return models.order_by(best_first, "name", "slug")


class ModelListView(ListView):
    template_name = "catalog/model_list.html"
    paginate_by = MODELS_PER_PAGE

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Providers and benchmarks are few: one query each, whatever the catalog.
        benchmarks = list(
            Benchmark.objects.order_by("name", "slug").only(
                "slug", "name", "unit", "higher_is_better"
            )
        )
        self.benchmarks = {benchmark.slug: benchmark for benchmark in benchmarks}
        self.form = ModelFilterForm(
            request.GET or None,
            vendor_choices=vendor_choices(),
            provider_choices=list(
                Provider.objects.order_by("name", "slug").values_list("slug", "name")
            ),
            benchmark_choices=[
                (benchmark.slug, benchmark.name) for benchmark in benchmarks
            ],
        )
        self.filters = self.form.valid_filters() if self.form.is_bound else {}
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        sort = self.filters.get("sort", "name")
        if self.filters.keys() <= KEPT_ORDER_FILTERS:
            # The plain list and its weights filter: a slice of an order kept
            # per serving version, so a page costs the same at any catalog size.
            return ModelsInOrder(
                published_order(sort, self.filters.get("open_weights", ""))
            )
        models = LLMModel.objects.published().select_related("vendor")
        if vendor := self.filters.get("vendor"):
            models = models.filter(vendor__slug=vendor)
        for capability in self.filters.get("capability", []):
            models = models.filter(**{capability: True})
        if weights := self.filters.get("open_weights"):
            models = models.filter(open_weights=weights == "yes")
        if provider := self.filters.get("provider"):
            models = models.filter(
                Exists(
                    Offering.objects.available().filter(
                        model=OuterRef("pk"), provider__slug=provider
                    )
                )
            )
        if (min_context := self.filters.get("min_context")) is not None:
            models = models.filter(context_window__gte=min_context)
        if (max_price := self.filters.get("max_price")) is not None:
            models = models.annotate(from_blended=from_blended_price()).filter(
                from_blended__lte=max_price
            )
        if slug := self.filters.get("benchmark"):
            return by_benchmark(models, self.benchmarks[slug])
        return sorted_models(models, sort)

    def paginate_queryset(self, queryset, page_size):
        # An out-of-range or non-numeric page shows the last or first page, never a 404.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # Prices only for the models on this page: the list never reads them all.
        context["rows"] = model_rows(context["page_obj"].object_list)
        if slug := self.filters.get("benchmark"):
            context["benchmark"] = self.benchmarks[slug]
        query = self.request.GET.copy()
        query.pop("page", None)
        title = "All models"
        context.update(
            nav="models",
            form=self.form,
            capability_labels=CAPABILITY_LABELS,
            query_without_page=query.urlencode(),
            meta=page_meta(
                self.request,
                title=title,
                description=(
                    "Every language model in our catalog with its cheapest price, "
                    "context window and release date; filter by vendor and capability."
                ),
                path=reverse("catalog:model-list"),
                # Filtered and sorted variants are the same list: index one.
                noindex=bool(self.request.GET),
                json_ld_blocks=(
                    breadcrumbs_json_ld(
                        self.request,
                        [
                            ("Home", reverse("comparisons:home")),
                            (title, self.request.path),
                        ],
                    ),
                ),
            ),
        )
        return context


model_list = cached_page(
    ModelListView.as_view(),
    query=("page", *ModelFilterForm.base_fields),
    multi_valued=("capability",),
    numbers=("page",),
)


@dataclass(frozen=True)
class HistoryRow:
    """An earlier price in a model's history table, with when it stopped applying."""

    until: dt.date
    when: str  # "6 Dec 2026, 14:03 UTC" for an edit; "6 Dec 2026" for a dated import
    input_price: Decimal | None
    output_price: Decimal | None


def _history_rows(points: list[PricePoint]) -> list[HistoryRow]:
    """Each change in order, with its moment; an entry equal to what followed it
    (no change at all) is left out."""
    rows = []
    for point in points:
        after = price_after(point)
        if (point.input_price, point.output_price) == after:
            continue
        when = formatting.date_text(point.until)
        moment = point.changed_at.astimezone(dt.UTC)
        if moment.date() == point.until and moment.time() != dt.time.max:
            when += f", {moment:%H:%M:%S} UTC"
        rows.append(
            HistoryRow(point.until, when, point.input_price, point.output_price)
        )
    return rows


def _price_history(model: LLMModel, facts: ModelFacts, reference: PriceRow | None):
    """Earlier prices per offering (oldest first) and a chart of the reference's."""
    history = []
    for offering in model.offerings.all():
        points = _history_rows(list(offering.price_history.all()))
        if points:
            history.append((offering, points))
    chart = None
    if reference is not None:
        for offering, points in history:
            if offering.provider.slug == reference.provider_slug:
                dated = [(p.until, p.input_price, p.output_price) for p in points]
                if all(i is not None and o is not None for _, i, o in dated):
                    dated.append(
                        (
                            timezone.localdate(),
                            reference.input_price,
                            reference.output_price,
                        )
                    )
                    chart = presentation.price_history_chart(
                        title=f"{model.name} prices at {reference.provider_name} over time",
                        points=dated,
                    )
    return history, chart


@cached_page
def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    preview = is_preview(request)
    models = _with_facts(
        LLMModel.objects.all() if preview else LLMModel.objects.published()
    )
    model = get_object_or_404(
        models.prefetch_related(
            Prefetch(
                "offerings__price_history",
                queryset=PricePoint.objects.order_by("changed_at", "id"),
            )
        ),
        slug=slug,
    )
    facts = services.model_facts(model)
    price_rows, reference = presentation.model_price_rows(facts)
    history, history_chart = _price_history(model, facts, reference)
    peers = services.related_pairs(
        model_a=model,
        model_b=model,
        price_a=reference.blended_price if reference else None,
        price_b=reference.blended_price if reference else None,
    )[:PEER_LIMIT]
    reviews = [(review, markdown_html(review.body)) for review in model.reviews.all()]
    scores = sorted(model.scores.all(), key=lambda score: score.benchmark.name.lower())
    description = (
        f"{model.name} by {model.vendor.name}: prices at every provider, context "
        "window, capabilities, benchmark scores and reviews, with sources."
    )
    context = {
        "nav": "models",
        "model": model,
        "facts": facts,
        "description_html": markdown_html(model.description),
        "specs": presentation.model_specs(facts),
        "lifecycle_notice": presentation.model_lifecycle_notice(facts),
        "price_rows": price_rows,
        "reference": reference,
        "provider_count": presentation.model_provider_count(facts),
        "history": history,
        "history_chart": history_chart,
        "scores": scores,
        "reviews": reviews,
        "peers": peers,
        "capabilities": [
            (label, getattr(model, key)) for key, label in CAPABILITY_LABELS.items()
        ],
        "is_preview": preview and not model.is_published,
        "meta": page_meta(
            request,
            title=model.name,
            description=description,
            path=model.get_absolute_url(),
            noindex=not model.is_published,
            # Cards are drawn for published models only: a draft's preview names none.
            image=(
                reverse("catalog:model-card", args=[model.slug]),
                presentation.model_card(facts, reference)[1],
            )
            if model.is_published
            else None,
            json_ld_blocks=(
                breadcrumbs_json_ld(
                    request,
                    [
                        ("Home", reverse("comparisons:home")),
                        ("Models", reverse("catalog:model-list")),
                        (model.name, model.get_absolute_url()),
                    ],
                ),
            ),
        ),
    }
    response = render(request, "catalog/model_detail.html", context)
    return never_cache_preview(response) if preview else response


@cached_page
def model_card(request: HttpRequest, slug: str) -> HttpResponse:
    """A published model's share card, for link previews."""
    ref = services.published_model(slug)
    if ref is None:
        raise Http404("We have no such model.")
    (facts,) = services.facts_of(ref)
    _, reference = presentation.model_price_rows(facts)
    lines, _ = presentation.model_card(facts, reference)
    return png_response(card_png(lines=lines))


class PublicDetailMixin:
    """Detail pages of vendors, providers and benchmarks, with shared metadata."""

    slug_field = "slug"
    crumb = ""
    crumb_url_name = "catalog:model-list"

    def meta_description(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["nav"] = "models"
        context["description_html"] = markdown_html(obj.description)
        context["meta"] = page_meta(
            self.request,
            title=obj.name,
            description=self.meta_description(),
            path=obj.get_absolute_url(),
            json_ld_blocks=(
                breadcrumbs_json_ld(
                    self.request,
                    [
                        ("Home", reverse("comparisons:home")),
                        ("Models", reverse("catalog:model-list")),
                        (obj.name, obj.get_absolute_url()),
                    ],
                ),
            ),
        )
        return context


class VendorDetailView(PublicDetailMixin, DetailView):
    model = Vendor
    template_name = "catalog/vendor_detail.html"

    def meta_description(self) -> str:
        return (
            f"Every {self.object.name} language model we track, with prices and specs."
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        models = sorted_models(
            LLMModel.objects.published()
            .filter(vendor=self.object)
            .select_related("vendor"),
            "release",
        )
        context["rows"] = model_rows(models)
        return context


class ProviderDetailView(PublicDetailMixin, DetailView):
    model = Provider
    template_name = "catalog/provider_detail.html"

    def meta_description(self) -> str:
        return f"Language models served by {self.object.name}, with their prices."

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        provider = self.object
        models = _with_facts(
            LLMModel.objects.published().filter(offerings__provider=provider)
        ).order_by("name", "slug")
        rows = []
        for model in models:
            price_rows, _ = presentation.model_price_rows(services.model_facts(model))
            rows += [
                (model, row) for row in price_rows if row.provider_slug == provider.slug
            ]
        context["offerings"] = rows
        return context


class BenchmarkDetailView(PublicDetailMixin, DetailView):
    model = Benchmark
    template_name = "catalog/benchmark_detail.html"

    def meta_description(self) -> str:
        return f"Leaderboard of language models on {self.object.name}, with sources."

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        benchmark = self.object
        order = "-value" if benchmark.higher_is_better else "value"
        scores = (
            Score.objects.filter(
                benchmark=benchmark, model__in=LLMModel.objects.published()
            )
            .select_related("model__vendor", "benchmark")
            .order_by(order, "model__name")
        )
        ranked = list(leaderboard_ranks(scores=scores))
        rows, chart, summary = presentation.price_quality(
            benchmark_name=benchmark.name,
            unit=benchmark.unit,
            higher_is_better=benchmark.higher_is_better,
            ranked=ranked,
            prices=services.from_blended_prices(
                model_ids=[score.model_id for _, score in ranked]
            ),
        )
        context["rows"] = rows
        context["price_chart"] = chart
        context["price_summary"] = summary
        context["blend_text"] = derivation.blend_text(services.blend_input_weight())
        return context


vendor_detail = cached_page(VendorDetailView.as_view())
provider_detail = cached_page(ProviderDetailView.as_view())
benchmark_detail = cached_page(BenchmarkDetailView.as_view())
