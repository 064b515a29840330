"""Curated comparisons in the feed, and the schema of "a comparison as data".

The pair answer itself is built by comparisons.services (Comparison.as_dict());
the serializers below only describe its shape for the OpenAPI schema.
"""

from django.urls import reverse
from rest_framework import serializers

from catalog.models import Comparison
from core.addresses import absolute_url
from vocabulary.slugs import pair_slug


def pair_links(request, slug: str) -> dict[str, str]:
    """The reader's page and the API answer of a canonical pair slug."""
    return {
        "url": absolute_url(request, reverse("comparisons:pair", args=[slug])),
        "api_url": absolute_url(request, reverse("api:comparison-detail", args=[slug])),
    }


class FAQEntrySerializer(serializers.Serializer):
    question = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True, help_text="Markdown.")


class CuratedComparisonSerializer(serializers.ModelSerializer):
    slug = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    models = serializers.SerializerMethodField()
    featured = serializers.BooleanField(source="is_featured", read_only=True)
    faq = FAQEntrySerializer(source="faq_entries", many=True, read_only=True)
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    curated_current = serializers.SerializerMethodField(
        help_text="False when facts the curated text was written against have "
        "changed since an editor last reviewed it: intro and verdict are then "
        "empty and faq is empty, as the pair's page shows the generated text."
    )

    class Meta:
        model = Comparison
        fields = (
            "slug",
            "title",
            "models",
            "featured",
            "intro",
            "verdict",
            "curated_current",
            "faq",
            "url",
            "api_url",
            "updated_at",
        )

    def get_curated_current(self, obj) -> bool:
        stale = self.context.get("stale_curated", frozenset())
        return obj.pk not in stale

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not data["curated_current"]:
            # Withheld, as on the page: no curated sentence whose facts changed.
            data.update(intro="", verdict="", faq=[])
        return data

    def _slugs(self, obj) -> list[str]:
        # Stored in canonical order already; sort anyway, by code point.
        return sorted([obj.model_a.slug, obj.model_b.slug])

    def get_slug(self, obj) -> str:
        return pair_slug(obj.model_a.slug, obj.model_b.slug)

    def get_title(self, obj) -> str:
        first, second = sorted([obj.model_a, obj.model_b], key=lambda m: m.slug)
        return f"{first.name} vs {second.name}"

    def get_models(self, obj) -> list[str]:
        return self._slugs(obj)

    def get_url(self, obj) -> str:
        return pair_links(self.context["request"], self.get_slug(obj))["url"]

    def get_api_url(self, obj) -> str:
        return pair_links(self.context["request"], self.get_slug(obj))["api_url"]


# --- The schema of GET /api/v1/comparisons/<a>-vs-<b>/ --------------------------


class ReferenceOfferingSerializer(serializers.Serializer):
    provider = serializers.CharField()
    input_price = serializers.CharField(allow_null=True)
    output_price = serializers.CharField(allow_null=True)
    blended_price = serializers.CharField(allow_null=True)


class PairModelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    vendor = serializers.CharField()
    reference_offering = ReferenceOfferingSerializer(
        allow_null=True, help_text="The cheapest available offering; null when unknown."
    )
    url = serializers.URLField()
    api_url = serializers.URLField()


class PriceClaimSerializer(serializers.Serializer):
    cheaper = serializers.CharField(
        allow_null=True, help_text="A model slug; null for a tie or an unknown price."
    )
    saving_percent = serializers.IntegerField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)


class BlendedClaimSerializer(PriceClaimSerializer):
    difference = serializers.CharField(
        allow_null=True, help_text="US dollars per million tokens, as a decimal string."
    )


class PriceFactsSerializer(serializers.Serializer):
    input = PriceClaimSerializer()
    output = PriceClaimSerializer()
    blended = BlendedClaimSerializer()


class ContextFactsSerializer(serializers.Serializer):
    larger = serializers.CharField(allow_null=True)
    values = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class ReleaseFactsSerializer(serializers.Serializer):
    newer = serializers.CharField(allow_null=True)


class CapabilityFactSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.DictField(child=serializers.BooleanField(allow_null=True))


class BenchmarkFactSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    unit = serializers.CharField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    leader = serializers.CharField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)


class LargestGapSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    leader = serializers.CharField()
    gap = serializers.FloatField()


class ProviderFactsSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    shared = serializers.ListField(child=serializers.CharField())


class FactsSerializer(serializers.Serializer):
    blend_input_weight = serializers.FloatField()
    price = PriceFactsSerializer()
    context_window = ContextFactsSerializer()
    release_date = ReleaseFactsSerializer()
    capabilities = CapabilityFactSerializer(many=True)
    benchmarks = BenchmarkFactSerializer(many=True)
    largest_gap = LargestGapSerializer(allow_null=True)
    providers = ProviderFactsSerializer()


class RelatedPairSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()


class PairSerializer(serializers.Serializer):
    """Any pair's page content as data (docs/api.md, "A comparison as data")."""

    slug = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()
    models = PairModelSerializer(many=True)
    intro = serializers.CharField()
    verdict = serializers.CharField()
    curated_current = serializers.BooleanField(
        help_text="False when the pair's curated intro, verdict and FAQ answers are "
        "withheld because facts they were written against have changed since an "
        "editor last reviewed them (the generated text is given instead); true "
        "otherwise."
    )
    facts = FactsSerializer()
    choose = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField())
    )
    faq = FAQEntrySerializer(many=True)
    related = RelatedPairSerializer(many=True)
    last_reviewed = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


# --- The schema of GET /api/v1/comparisons/<a>-vs-<b>-vs-<c>[-vs-<d>]/ -----------------


class TableRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="input_price, output_price, blended_price, context_window, "
        "max_output_tokens, release_date, knowledge_cutoff, lifecycle, open_weights, "
        "capability:<name> or benchmark:<slug>."
    )
    label = serializers.CharField(help_text="The row's heading on the page.")
    better = serializers.ChoiceField(
        choices=("lower", "higher", "newer", "yes"),
        allow_null=True,
        help_text="What makes a value best; null for a row that is not ranked "
        "(lifecycle).",
    )
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="By model slug: prices as decimal strings, token counts as "
        "integers, dates as 'YYYY-MM' or 'YYYY-MM-DD', lifecycle as text, flags as "
        "booleans, scores as numbers; null when unknown.",
    )
    best = serializers.ListField(
        child=serializers.CharField(),
        help_text="The slugs whose value is best (ties all listed); empty when "
        "fewer than two values are known or all known values are equal.",
    )
    unit = serializers.CharField(required=False, help_text="Benchmark rows only.")


class ContainedPairSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()


class ModelTableSerializer(serializers.Serializer):
    """Three or four models in one table (docs/api.md, "Three or four models")."""

    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()
    models = PairModelSerializer(many=True)
    blend_input_weight = serializers.FloatField()
    rows = TableRowSerializer(many=True)
    pairs = ContainedPairSerializer(many=True)
    updated_at = serializers.DateTimeField(allow_null=True)
