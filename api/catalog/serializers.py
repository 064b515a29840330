"""The partner feed's catalog objects: explicit fields, a contract pinned in tests/api/."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from catalog.models import Benchmark, LLMModel, Offering, Provider, Vendor
from core.addresses import absolute_url
from vocabulary.prices import PriceForm, price_text

PRICE_SCHEMA = {
    "type": "string",
    "pattern": r"^\d+(\.\d+)?$",
    "nullable": True,
    "description": "US dollars per million tokens, as a decimal string; null if unknown.",
    "example": "0.40",
}


@extend_schema_field(PRICE_SCHEMA)
class PriceField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return price_text(value, form=PriceForm.NUMBER)


@extend_schema_field({"type": "number", "description": "In the benchmark's unit."})
class ScoreValueField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return float(value)


class LinksMixin(serializers.Serializer):
    """`url` is the reader's page on the site, `api_url` this object in the API."""

    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    api_view_name = ""

    def get_url(self, obj) -> str:
        return absolute_url(self.context["request"], obj.get_absolute_url())

    def get_api_url(self, obj) -> str:
        request = self.context["request"]
        return absolute_url(request, reverse(self.api_view_name, args=[obj.slug]))


# What a vendor and a provider both answer with (see catalog.Organisation). No
# docstring: the schema describes each with the links mixin's.
class OrganisationSerializer(LinksMixin, serializers.ModelSerializer):
    updated_at = serializers.DateTimeField(source="changed_at", read_only=True)

    class Meta:
        fields = (
            "slug",
            "name",
            "website",
            "description",
            "url",
            "api_url",
            "updated_at",
        )


class VendorSerializer(OrganisationSerializer):
    api_view_name = "api:vendor-detail"

    class Meta(OrganisationSerializer.Meta):
        model = Vendor


class ModelLinkSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:model-detail"

    class Meta:
        model = LLMModel
        fields = ("slug", "name", "url", "api_url")


class VendorDetailSerializer(VendorSerializer):
    models = ModelLinkSerializer(source="published_models", many=True, read_only=True)

    class Meta(VendorSerializer.Meta):
        fields = (*VendorSerializer.Meta.fields, "models")


class ProviderSerializer(OrganisationSerializer):
    api_view_name = "api:provider-detail"

    class Meta(OrganisationSerializer.Meta):
        model = Provider


class ProviderOfferingSerializer(serializers.ModelSerializer):
    model = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)
    input_price = PriceField()
    output_price = PriceField()
    available = serializers.BooleanField(source="is_available", read_only=True)

    class Meta:
        model = Offering
        fields = (
            "model",
            "model_name",
            "provider_model_id",
            "input_price",
            "output_price",
            "available",
            "checked_on",
            "updated_at",
        )


class ProviderDetailSerializer(ProviderSerializer):
    offerings = ProviderOfferingSerializer(
        source="published_offerings", many=True, read_only=True
    )

    class Meta(ProviderSerializer.Meta):
        fields = (*ProviderSerializer.Meta.fields, "offerings")


class BenchmarkSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:benchmark-detail"
    website = serializers.URLField(source="url", read_only=True)
    updated_at = serializers.DateTimeField(source="changed_at", read_only=True)

    class Meta:
        model = Benchmark
        fields = (
            "slug",
            "name",
            "unit",
            "higher_is_better",
            "website",
            "description",
            "url",
            "api_url",
            "updated_at",
        )
        extra_kwargs = {
            "higher_is_better": {
                "help_text": "False when a lower score is the better one."
            }
        }


class LeaderboardEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        read_only=True, help_text="1 is the best; equal values share a rank."
    )
    model = serializers.CharField(source="score.model.slug", read_only=True)
    model_name = serializers.CharField(source="score.model.name", read_only=True)
    vendor = serializers.CharField(source="score.model.vendor.slug", read_only=True)
    value = ScoreValueField(source="score.value")
    verified = serializers.BooleanField(source="score.is_verified", read_only=True)
    source_url = serializers.CharField(source="score.source_url", read_only=True)
    measured_on = serializers.DateField(
        source="score.measured_on", read_only=True, allow_null=True
    )


class BenchmarkDetailSerializer(BenchmarkSerializer):
    leaderboard = LeaderboardEntrySerializer(many=True, read_only=True)

    class Meta(BenchmarkSerializer.Meta):
        fields = (*BenchmarkSerializer.Meta.fields, "leaderboard")


class ModalitiesSerializer(serializers.Serializer):
    input = serializers.ListField(
        child=serializers.CharField(), source="input_modalities", read_only=True
    )
    output = serializers.ListField(
        child=serializers.CharField(), source="output_modalities", read_only=True
    )


class CapabilitiesSerializer(serializers.Serializer):
    """Seven flags in the catalog's order: true, false or null (unknown)."""

    vision = serializers.BooleanField(allow_null=True, read_only=True)
    multimodal = serializers.BooleanField(allow_null=True, read_only=True)
    reasoning = serializers.BooleanField(allow_null=True, read_only=True)
    function_calling = serializers.BooleanField(allow_null=True, read_only=True)
    tool_use = serializers.BooleanField(allow_null=True, read_only=True)
    structured_outputs = serializers.BooleanField(allow_null=True, read_only=True)
    code_execution = serializers.BooleanField(allow_null=True, read_only=True)


class LLMModelSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:model-detail"
    vendor = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The vendor's slug."
    )
    release_date = serializers.SerializerMethodField()
    knowledge_cutoff = serializers.SerializerMethodField()
    parameters_billions = serializers.SerializerMethodField()
    architecture = serializers.SerializerMethodField()
    license = serializers.SerializerMethodField()
    modalities = ModalitiesSerializer(source="*", read_only=True)
    capabilities = CapabilitiesSerializer(source="*", read_only=True)
    updated_at = serializers.DateTimeField(source="changed_at", read_only=True)

    class Meta:
        model = LLMModel
        fields = (
            "slug",
            "name",
            "vendor",
            "release_date",
            "knowledge_cutoff",
            "context_window",
            "max_output_tokens",
            "parameters_billions",
            "architecture",
            "license",
            "open_weights",
            "modalities",
            "capabilities",
            "lifecycle",
            "deprecation_date",
            "url",
            "api_url",
            "updated_at",
        )
        # The model's help texts speak to editors; partners read these.
        extra_kwargs = {
            "context_window": {
                "help_text": "Tokens the model reads at once; null if unknown."
            },
            "max_output_tokens": {
                "help_text": "Most tokens it writes in one answer; null if unknown."
            },
            "open_weights": {
                "help_text": "Whether anyone can download the weights; null if unknown."
            },
        }

    # Empty text means unknown in the catalog; the feed says null, as the export does.
    def get_release_date(self, obj) -> str | None:
        """YYYY-MM-DD, or YYYY-MM where only the month is known."""
        return obj.release_date or None

    def get_knowledge_cutoff(self, obj) -> str | None:
        """YYYY-MM-DD, or YYYY-MM where only the month is known."""
        return obj.knowledge_cutoff or None

    def get_parameters_billions(self, obj) -> float | None:
        value = obj.parameters_billions
        return None if value is None else float(value)

    def get_architecture(self, obj) -> str | None:
        return obj.architecture or None

    def get_license(self, obj) -> str | None:
        return obj.license or None


class TierSerializer(serializers.Serializer):
    above_tokens = serializers.IntegerField(read_only=True)
    input_price = PriceField()
    output_price = PriceField()


class PricePointSerializer(serializers.Serializer):
    until = serializers.DateField(
        read_only=True, help_text="The last day this price applied."
    )
    input_price = PriceField()
    output_price = PriceField()


class OfferingSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    input_price = PriceField()
    output_price = PriceField()
    cached_input_price = PriceField()
    cache_write_price = PriceField()
    tiers = TierSerializer(many=True, read_only=True)
    available = serializers.BooleanField(source="is_available", read_only=True)
    price_history = PricePointSerializer(many=True, read_only=True)

    class Meta:
        model = Offering
        fields = (
            "provider",
            "provider_name",
            "provider_model_id",
            "input_price",
            "output_price",
            "cached_input_price",
            "cache_write_price",
            "tiers",
            "context_window",
            "available",
            "url",
            "source_url",
            "checked_on",
            "price_history",
            "updated_at",
        )


class ScoreSerializer(serializers.Serializer):
    benchmark = serializers.CharField(source="benchmark.slug", read_only=True)
    benchmark_name = serializers.CharField(source="benchmark.name", read_only=True)
    unit = serializers.CharField(source="benchmark.unit", read_only=True)
    value = ScoreValueField()
    verified = serializers.BooleanField(source="is_verified", read_only=True)
    source_url = serializers.CharField(read_only=True)
    measured_on = serializers.DateField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(read_only=True)
    reviewer = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True, help_text="Markdown.")
    sources = serializers.ListField(child=serializers.CharField(), read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class LLMModelDetailSerializer(LLMModelSerializer):
    offerings = OfferingSerializer(many=True, read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta(LLMModelSerializer.Meta):
        fields = (
            *LLMModelSerializer.Meta.fields,
            "description",
            "offerings",
            "scores",
            "reviews",
        )


# --- The schema of GET /api/v1/changes/ (the view builds the dicts) -------------


class ChangeSerializer(serializers.Serializer):
    """One change; which key fields it has depends on its kind."""

    kind = serializers.ChoiceField(
        choices=[
            "vendor",
            "provider",
            "benchmark",
            "model",
            "offering",
            "score",
            "review",
            "comparison",
        ]
    )
    action = serializers.ChoiceField(
        choices=["upsert", "delete"],
        help_text="upsert: add or replace the object; delete: remove it (gone, "
        "or no longer published). A model's delete removes its offerings, scores "
        "and reviews too.",
    )
    slug = serializers.CharField(
        required=False,
        help_text="A vendor's, provider's, benchmark's or model's slug; a "
        "comparison's pair, 'a-vs-b'.",
    )
    model = serializers.CharField(
        required=False, help_text="An offering's, score's or review's model."
    )
    provider = serializers.CharField(required=False, help_text="An offering's.")
    benchmark = serializers.CharField(required=False, help_text="A score's.")
    reviewed_on = serializers.DateField(required=False, help_text="A review's.")
    reviewer = serializers.CharField(required=False, help_text="A review's.")
    models = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="A comparison's two models, in code-point order.",
    )
    at = serializers.DateTimeField(help_text="When the change was recorded (UTC).")
    api_url = serializers.URLField(
        help_text="Where the object is read in the API (an offering, score or "
        "review: in its model)."
    )
    object = serializers.DictField(
        required=False,
        help_text="For an upsert: the object as the full export writes it "
        "(catalog/1), as it is now.",
    )


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.URLField(
        allow_null=True,
        help_text="The next page when this one was full; null once caught up.",
    )
    cursor = serializers.CharField(
        help_text="Where this page ends: pass it as `after` next time, even when "
        "there were no results."
    )
