"""The partner feed's catalog resources: vendors, providers, benchmarks, models, export.

Only published models ever appear, also inside other objects (a provider's
offerings, a benchmark's leaderboard, a vendor's models, the export).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    DateTimeField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from api.base import (
    UPDATED_SINCE_PARAMETER,
    ErrorSerializer,
    PartnerAPIMixin,
    PartnerReadOnlyViewSet,
    error_responses,
)
from api.catalog import filters, serializers
from api.policies import PAGE_SIZE_MESSAGE, BadParameter, single_value
from catalog import changes
from catalog.cache import serving_version
from catalog.exporting import catalog_export_chunks, moment_text
from catalog.models import (
    Benchmark,
    LLMModel,
    Offering,
    PricePoint,
    Provider,
    Review,
    Score,
    Vendor,
)
from catalog.services import leaderboard_ranks
from core.addresses import absolute_url

LIST_ERRORS = error_responses(400, 401, 405, 429)


def slug_parameter(kind: str, example: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=f"The {kind}'s slug.",
        examples=[OpenApiExample(example, value=example)],
    )


DETAIL_ERRORS = error_responses(400, 401, 404, 405, 429)


def _latest(queryset) -> Subquery:
    """The newest updated_at of a related queryset, as a subquery."""
    return Subquery(
        queryset.order_by("-updated_at").values("updated_at")[:1],
        output_field=DateTimeField(),
    )


def _changed_at(*related: Subquery) -> Greatest:
    """An object's own updated_at, or a related row's if that is newer.

    Coalesce, because SQLite's GREATEST (MAX) is null as soon as one value is.
    """
    return Greatest(
        "updated_at",
        *(Coalesce(subquery, "updated_at") for subquery in related),
        output_field=DateTimeField(),
    )


def _published_models():
    return LLMModel.objects.published()


def published_model_queryset():
    """Published models, each with changed_at: the newest of its own, its offerings',
    scores' and reviews' updated_at, so a price edit brings the model into a sync."""
    return (
        _published_models()
        .select_related("vendor")
        .annotate(
            changed_at=_changed_at(
                _latest(Offering.objects.filter(model=OuterRef("pk"))),
                _latest(Score.objects.filter(model=OuterRef("pk"))),
                _latest(Review.objects.filter(model=OuterRef("pk"))),
            ),
            # Unknown context sorts as 0, before every known one.
            context_order=Coalesce("context_window", 0),
        )
    )


class CatalogViewSet(PartnerReadOnlyViewSet):
    updated_at_field = "changed_at"


# Vendors or providers: each changed when a published row naming it last did.
# A concrete viewset names its model, the published rows that refer to it
# (through `link`), and where its detail answer finds them (`related_name`, kept
# on the object as `to_attr`). No docstring: the schema shows the base's.
class OrganisationViewSet(CatalogViewSet):
    model: type[Vendor | Provider]
    link: str
    related_name: str
    to_attr: str

    def related(self) -> QuerySet:
        """The published rows that name an organisation."""
        raise NotImplementedError

    def related_in_detail(self, related: QuerySet) -> QuerySet:
        """Those rows as the detail answer lists them."""
        raise NotImplementedError

    def get_queryset(self):
        related = self.related()
        queryset = self.model.objects.annotate(
            changed_at=_changed_at(
                _latest(related.filter(**{self.link: OuterRef("pk")}))
            )
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    self.related_name,
                    queryset=self.related_in_detail(related),
                    to_attr=self.to_attr,
                )
            )
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Vendors",
        parameters=[UPDATED_SINCE_PARAMETER],
        responses={200: serializers.VendorSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A vendor and its published models",
        parameters=[slug_parameter("vendor", "openai")],
        responses={200: serializers.VendorDetailSerializer, **DETAIL_ERRORS},
    ),
)
class VendorViewSet(OrganisationViewSet):
    list_serializer_class = serializers.VendorSerializer
    detail_serializer_class = serializers.VendorDetailSerializer
    model = Vendor
    link = "vendor"
    related_name = "models"
    to_attr = "published_models"

    def related(self) -> QuerySet:
        return _published_models()

    def related_in_detail(self, related: QuerySet) -> QuerySet:
        return related.order_by("slug")


@extend_schema_view(
    list=extend_schema(
        summary="Hosting providers",
        parameters=[UPDATED_SINCE_PARAMETER],
        responses={200: serializers.ProviderSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A provider and the published models it offers",
        parameters=[slug_parameter("provider", "openrouter")],
        responses={200: serializers.ProviderDetailSerializer, **DETAIL_ERRORS},
    ),
)
class ProviderViewSet(OrganisationViewSet):
    list_serializer_class = serializers.ProviderSerializer
    detail_serializer_class = serializers.ProviderDetailSerializer
    model = Provider
    link = "provider"
    related_name = "offerings"
    to_attr = "published_offerings"

    def related(self) -> QuerySet:
        return Offering.objects.filter(model__in=_published_models())

    def related_in_detail(self, related: QuerySet) -> QuerySet:
        return related.select_related("model").order_by("model__slug")


class LeaderboardEntry:
    def __init__(self, rank: int, score: Score) -> None:
        self.rank = rank
        self.score = score


def leaderboard(benchmark: Benchmark, scores: list[Score]) -> list[LeaderboardEntry]:
    """Scores best first by the benchmark's direction; equal values share a rank."""
    sign = -1 if benchmark.higher_is_better else 1
    ordered = sorted(scores, key=lambda s: (sign * s.value, s.model.slug))
    return [
        LeaderboardEntry(rank, score)
        for rank, score in leaderboard_ranks(scores=ordered)
    ]


@extend_schema_view(
    list=extend_schema(
        summary="Benchmarks",
        parameters=[UPDATED_SINCE_PARAMETER],
        responses={200: serializers.BenchmarkSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A benchmark with its leaderboard of published models",
        parameters=[slug_parameter("benchmark", "swe-bench-verified")],
        responses={200: serializers.BenchmarkDetailSerializer, **DETAIL_ERRORS},
    ),
)
class BenchmarkViewSet(CatalogViewSet):
    list_serializer_class = serializers.BenchmarkSerializer
    detail_serializer_class = serializers.BenchmarkDetailSerializer

    def get_queryset(self):
        scores = Score.objects.filter(model__in=_published_models())
        queryset = Benchmark.objects.annotate(
            changed_at=_changed_at(_latest(scores.filter(benchmark=OuterRef("pk"))))
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "scores",
                    queryset=scores.select_related("model__vendor"),
                    to_attr="published_scores",
                )
            )
        return queryset

    def get_object(self):
        benchmark = super().get_object()
        benchmark.leaderboard = leaderboard(benchmark, benchmark.published_scores)
        return benchmark


@extend_schema_view(
    list=extend_schema(
        summary="Models",
        description="Published models. Filters combine with AND.",
        parameters=[UPDATED_SINCE_PARAMETER, *filters.MODEL_FILTER_PARAMETERS],
        responses={200: serializers.LLMModelSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A model with its offerings (tiers, price history), scores and reviews",
        parameters=[slug_parameter("model", "gpt-4-1-mini")],
        responses={200: serializers.LLMModelDetailSerializer, **DETAIL_ERRORS},
    ),
)
class LLMModelViewSet(CatalogViewSet):
    list_serializer_class = serializers.LLMModelSerializer
    detail_serializer_class = serializers.LLMModelDetailSerializer
    list_parameters = filters.MODEL_FILTERS

    def get_queryset(self):
        queryset = published_model_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "offerings",
                    queryset=Offering.objects.select_related("provider")
                    .prefetch_related(
                        "tiers",
                        Prefetch(
                            "price_history",
                            queryset=PricePoint.objects.order_by("changed_at", "id"),
                        ),
                    )
                    .order_by("provider__slug"),
                ),
                Prefetch(
                    "scores",
                    queryset=Score.objects.select_related("benchmark").order_by(
                        "benchmark__slug"
                    ),
                ),
                Prefetch(
                    "reviews", queryset=Review.objects.order_by("-reviewed_on", "id")
                ),
            )
        return queryset

    def get_cursor_ordering(self) -> tuple[str, ...]:
        return filters.model_ordering(self.request)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        queryset = filters.model_filter(queryset, self.request)
        return filters.with_ordering_values(queryset, self.request)


def catalog_last_modified():
    """The newest updated_at in the published catalog."""
    published = _published_models()
    moments = [
        Vendor.objects.aggregate(m=Max("updated_at"))["m"],
        Provider.objects.aggregate(m=Max("updated_at"))["m"],
        Benchmark.objects.aggregate(m=Max("updated_at"))["m"],
        published.aggregate(m=Max("updated_at"))["m"],
        Offering.objects.filter(model__in=published).aggregate(m=Max("updated_at"))[
            "m"
        ],
        Score.objects.filter(model__in=published).aggregate(m=Max("updated_at"))["m"],
        Review.objects.filter(model__in=published).aggregate(m=Max("updated_at"))["m"],
    ]
    return max((m for m in moments if m is not None), default=None)


@extend_schema_view(
    list=extend_schema(
        summary="The whole published catalog as one catalog/1 document",
        description="Streamed. The same format `manage.py import_catalog` reads; "
        "drafts are never included.",
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description="A catalog/1 document."
            ),
            **error_responses(401, 405, 429),
        },
    ),
)
class ExportViewSet(PartnerAPIMixin, viewsets.ViewSet):
    def accepted_parameters(self) -> tuple[str, ...]:
        return ()  # one whole document: no pages, no filters

    def list(self, request, *args, **kwargs):
        # Before the export's snapshot: a due publication is in the log first,
        # so the document and its cursor agree about it.
        changes.due_publications_announce()
        last_modified = catalog_last_modified()
        # The body is streamed, so it is not hashed: the catalog version changes
        # on every catalog write, which is exactly when the export changes.
        etag = f'"export-{serving_version()}"'
        timestamp = None if last_modified is None else int(last_modified.timestamp())
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=timestamp
        )
        if not_modified is not None:
            not_modified["ETag"] = etag
            return not_modified
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in catalog_export_chunks(published_only=True)),
            content_type="application/json",
        )
        response["ETag"] = etag
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        response["Content-Disposition"] = 'inline; filename="versus-catalog.json"'
        return response


AFTER_MISSING_MESSAGE = (
    "after is required: start from the 'cursor' of a full export "
    "(/api/v1/export/), then use the 'cursor' each page of changes gives."
)
AFTER_MESSAGE = (
    "after must be a cursor this API gave out (an export's or a page's 'cursor'), "
    "as it is (got {value!r})."
)
CURSOR_EXPIRED_MESSAGE = (
    "This cursor is older than the {days} days of changes kept. Take a new full "
    "export (/api/v1/export/) and follow the changes from its cursor."
)


class CursorGone(exceptions.APIException):
    status_code = 410
    default_code = "cursor_expired"


@extend_schema_view(
    list=extend_schema(
        summary="Changes after a cursor, in commit order",
        description="Every change to what partners can see, oldest first, as "
        "`upsert` (with the object as the export writes it) or `delete`. Start "
        "from an export's `cursor`; keep each page's `cursor` for the next call. "
        'See the API guide, "Change feed".',
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.STR,
                required=True,
                description="The cursor to continue from: an export's or a "
                "page's `cursor`, as given.",
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description="Changes read per page, 1 to 200 (default 50).",
            ),
        ],
        responses={
            200: serializers.ChangesPageSerializer,
            410: OpenApiResponse(
                ErrorSerializer,
                description="The cursor is older than the changes kept: export again.",
            ),
            **error_responses(400, 401, 405, 429),
        },
    ),
)
class ChangeFeedViewSet(PartnerAPIMixin, viewsets.ViewSet):
    default_page_size = 50
    max_page_size = 200

    def accepted_parameters(self) -> tuple[str, ...]:
        return ("after", "page_size")

    def list(self, request, *args, **kwargs):
        after = self.after_position(request)
        limit = self.page_size(request)
        changes.due_publications_announce()
        try:
            page = changes.changes_page(after=after, limit=limit)
        except changes.CursorExpired:
            raise CursorGone(
                CURSOR_EXPIRED_MESSAGE.format(days=settings.VERSUS_CHANGES_WINDOW_DAYS)
            ) from None
        cursor = changes.cursor_text(page.position)
        self.note_modified(*(result["at"] for result in page.results))
        results = []
        for result in page.results:
            result["at"] = moment_text(result["at"])
            result["api_url"] = absolute_url(request, change_api_path(result))
            if "object" in result:
                result["object"] = result.pop("object")  # last, after the keys
            results.append(result)
        next_url = None
        if page.is_full:
            next_url = absolute_url(
                request,
                f"{request.path}?{urlencode({'after': cursor, 'page_size': limit})}",
            )
        return Response({"results": results, "next": next_url, "cursor": cursor})

    def after_position(self, request) -> int:
        value = single_value(request, "after")
        if value is None:
            raise BadParameter(AFTER_MISSING_MESSAGE)
        try:
            return changes.cursor_position(value)
        except ValueError:
            raise BadParameter(AFTER_MESSAGE.format(value=value)) from None

    def page_size(self, request) -> int:
        value = single_value(request, "page_size")
        if value is None:
            return self.default_page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise BadParameter(
                PAGE_SIZE_MESSAGE.format(max=self.max_page_size, value=value)
            )
        return int(value)


def change_api_path(result: dict) -> str:
    """Where the object of a change is read in the API (a part: its model)."""
    kind = result["kind"]
    if kind in ("offering", "score", "review"):
        return reverse("api:model-detail", args=[result["model"]])
    if kind == "comparison":
        return reverse("api:comparison-detail", args=[result["slug"]])
    return reverse(f"api:{kind}-detail", args=[result["slug"]])
