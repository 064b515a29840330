"""Curated comparisons, and any pair as data, straight from comparisons.services.

The pair answer is Comparison.as_dict() plus links: no rule is computed here,
so the API says exactly what the pair page shows.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
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
from api.catalog.serializers import absolute_url
from api.comparisons.serializers import (
    CuratedComparisonSerializer,
    PairSerializer,
    pair_links,
)
from catalog.models import Comparison, LLMModel
from comparisons import services

PAIR_NOT_FOUND_MESSAGE = (
    "No such pair: use /api/v1/comparisons/<a>-vs-<b>/ with the slugs of two "
    "different published models."
)

PAIR_PARAMETER = OpenApiParameter(
    "pair",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Two model slugs joined by '-vs-', in code-point order "
    "(the other order answers 301 to this one).",
    examples=[
        OpenApiExample("gpt-4-1-mini-vs-grok-4-20", value="gpt-4-1-mini-vs-grok-4-20")
    ],
)


def pair_data(request, comparison) -> dict:
    """The derivation's dict with the page's and the API's addresses added."""
    data = comparison.as_dict()
    for model in data["models"]:
        model["url"] = absolute_url(
            request, reverse("catalog:model-detail", args=[model["slug"]])
        )
        model["api_url"] = absolute_url(
            request, reverse("api:model-detail", args=[model["slug"]])
        )
    for related in data["related"]:
        related.update(pair_links(request, related["slug"]))
    return {"slug": data.pop("slug"), **pair_links(request, comparison.slug), **data}


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
        summary="Any pair of published models, as data",
        description="The pair page's content: the same facts, verdict, FAQ and "
        "numbers the page shows.",
        parameters=[PAIR_PARAMETER],
        responses={
            200: PairSerializer,
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

    def build_detail(self, request, **kwargs):
        pair = kwargs["pair"]
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
