"""Curated comparisons, and any pair as data, straight from comparisons.services.

The pair answer is PairSerializer rendering the derived Comparison, and the answer for
three or four models ModelTableSerializer rendering the derived ModelTable: no rule is
computed here, so the API says exactly what the pages show.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions
from rest_framework.response import Response

from api.base import (
    UPDATED_SINCE_PARAMETER,
    PartnerReadOnlyViewSet,
    error_responses,
)
from api.comparisons.serializers import (
    CuratedComparisonSerializer,
    ModelTableSerializer,
    PairSerializer,
)
from catalog.models import LLMModel
from comparisons import derivation, services
from comparisons.models import Comparison

PAIR_NOT_FOUND_MESSAGE = (
    "No such pair: use /api/v1/comparisons/<a>-vs-<b>/ with the slugs of two "
    "different published models."
)

MODELS_NOT_FOUND_MESSAGE = (
    "No such comparison: use /api/v1/comparisons/<a>-vs-<b>-vs-<c>/ (or with a "
    "fourth slug) with the slugs of three or four different published models."
)

PAIR_PARAMETER = OpenApiParameter(
    "pair",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Two, three or four model slugs joined by '-vs-', in code-point "
    "order (another order answers 301 to this one).",
    examples=[
        OpenApiExample("gpt-4-1-mini-vs-grok-4-20", value="gpt-4-1-mini-vs-grok-4-20"),
        OpenApiExample(
            "Three models",
            value="claude-sonnet-4-5-vs-gpt-4-1-mini-vs-grok-4-20",
        ),
    ],
)


def pair_data(request, comparison) -> dict:
    """The pair's answer: the derived Comparison rendered by PairSerializer."""
    return PairSerializer(comparison, context={"request": request}).data


def table_data(request, table) -> dict:
    """The table's answer: the derived ModelTable rendered by ModelTableSerializer."""
    return ModelTableSerializer(table, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(
        summary="Curated comparisons",
        description="Pairs editors added an intro, verdict, FAQ entries or a featured "
        "flag to. Any other pair still has an answer at its own address.",
        parameters=[UPDATED_SINCE_PARAMETER],
        responses={
            200: CuratedComparisonSerializer(many=True),
            **error_responses(400, 401, 405, 429),
        },
    ),
    retrieve=extend_schema(
        summary="Any two, three or four published models, as data",
        description="For two models, the pair page's content: the same facts, "
        "verdict, FAQ and numbers the page shows. For three or four, the table "
        "their page shows, row by row, with the best values of each row.",
        parameters=[PAIR_PARAMETER],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ComparisonAnswer",
                serializers=[PairSerializer, ModelTableSerializer],
                resource_type_field_name=None,
            ),
            301: OpenApiResponse(
                description="The pair in the other order: see Location."
            ),
            **error_responses(400, 401, 404, 405, 429),
        },
    ),
)
class ComparisonViewSet(PartnerReadOnlyViewSet):
    lookup_field = "pair"
    lookup_url_kwarg = "pair"
    list_serializer_class = CuratedComparisonSerializer
    detail_serializer_class = PairSerializer
    cursor_ordering = ("id",)

    def get_queryset(self):
        published = LLMModel.objects.published()
        return (
            Comparison.objects.filter(model_a__in=published, model_b__in=published)
            .select_related("model_a", "model_b")
            .prefetch_related("faq_entries")
        )

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:
            rows = list(args[0])
            changes = services.curated_changes_list(comparisons=rows)
            context = self.get_serializer_context()
            context["stale_curated"] = frozenset(
                pk for pk, found in changes.items() if found
            )
            kwargs["context"] = context
            return self.get_serializer_class()(rows, *args[1:], **kwargs)
        return super().get_serializer(*args, **kwargs)

    def build_detail(self, request, **kwargs):
        pair = kwargs["pair"]
        if len(derivation.models_parse(pair)) > 2:
            return self.build_table(request, pair)
        found = services.published_pair(pair)
        if found is None:
            raise exceptions.NotFound(PAIR_NOT_FOUND_MESSAGE)
        model_a, model_b = found
        canonical = services.pair_slug(model_a.slug, model_b.slug)
        if pair != canonical:
            return HttpResponsePermanentRedirect(
                reverse("api:comparison-detail", args=[canonical])
            )
        comparison = services.comparison_build(model_a=model_a, model_b=model_b)
        self.note_modified(comparison.updated_at)
        return Response(pair_data(request, comparison))

    def build_table(self, request, text: str):
        refs = services.published_models(text)
        if refs is None:
            raise exceptions.NotFound(MODELS_NOT_FOUND_MESSAGE)
        canonical = derivation.models_slug([ref.slug for ref in refs])
        if text != canonical:
            return HttpResponsePermanentRedirect(
                reverse("api:comparison-detail", args=[canonical])
            )
        table = services.model_table_build(models=refs)
        self.note_modified(table.updated_at)
        return Response(table_data(request, table))
