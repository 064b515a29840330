"""Curated comparisons in the feed, and the schema of "a comparison as data".

A pair's answer is PairSerializer rendering the derived Comparison, and three or
four models' answer is ModelTableSerializer rendering the derived ModelTable: the
same classes produce each answer and describe it in the OpenAPI schema.
"""

from django.urls import reverse
from rest_framework import serializers

from comparisons.derivation import distinct_names
from comparisons.derivation import formatting as fmt
from comparisons.models import Comparison
from core.addresses import absolute_url
from vocabulary.prices import PriceForm, price_text
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
        # Named as the pair's page names it: a shared name carries each slug.
        first, second = sorted([obj.model_a, obj.model_b], key=lambda m: m.slug)
        names = distinct_names([(first.slug, first.name), (second.slug, second.name)])
        return " vs ".join(names)

    def get_models(self, obj) -> list[str]:
        return self._slugs(obj)

    def get_url(self, obj) -> str:
        return pair_links(self.context["request"], self.get_slug(obj))["url"]

    def get_api_url(self, obj) -> str:
        return pair_links(self.context["request"], self.get_slug(obj))["api_url"]


# --- GET /api/v1/comparisons/<a>-vs-<b>/: the answer and its schema, in one place ------
#
# These read a derived Comparison (comparisons.derivation) attribute by attribute:
# no rule is computed here, so the API says exactly what the pair page shows.


class LinkField(serializers.URLField):
    """The absolute address of a route named by a slug (the object's `slug`)."""

    def __init__(self, route: str, **kwargs) -> None:
        self.route = route
        super().__init__(source="slug", read_only=True, **kwargs)

    def to_representation(self, value: str) -> str:
        return absolute_url(self.context["request"], reverse(self.route, args=[value]))


class PriceNumberField(serializers.CharField):
    """A price in US dollars per million tokens, as the API writes it ("12", "0.4")."""

    def to_representation(self, value) -> str:
        return price_text(value, form=PriceForm.NUMBER)


class InstantField(serializers.DateTimeField):
    """An instant as ISO 8601, with Z for UTC, as the derivation keeps it."""

    def to_representation(self, value) -> str | None:
        return fmt.iso_datetime(value)


class PerModelField(serializers.DictField):
    """One value per model of the pair, keyed by its slug, read from each side."""

    def __init__(self, value_of, **kwargs) -> None:
        self.value_of = value_of
        super().__init__(source="sides", read_only=True, **kwargs)

    def to_representation(self, sides) -> dict:
        return super().to_representation({s.slug: self.value_of(s) for s in sides})


class ReferenceOfferingSerializer(serializers.Serializer):
    provider = serializers.CharField(source="provider_slug")
    input_price = PriceNumberField(allow_null=True)
    output_price = PriceNumberField(allow_null=True)
    blended_price = PriceNumberField(allow_null=True)


class PairModelSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    vendor = serializers.CharField(source="model.vendor_slug")
    reference_offering = ReferenceOfferingSerializer(
        source="reference",
        allow_null=True,
        help_text="The cheapest available offering; null when unknown.",
    )
    url = LinkField("catalog:model-detail")
    api_url = LinkField("api:model-detail")


class PriceClaimSerializer(serializers.Serializer):
    cheaper = serializers.CharField(
        allow_null=True, help_text="A model slug; null for a tie or an unknown price."
    )
    saving_percent = serializers.IntegerField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True)


class BlendedClaimSerializer(PriceClaimSerializer):
    difference = PriceNumberField(
        allow_null=True, help_text="US dollars per million tokens, as a decimal string."
    )


class PriceFactsSerializer(serializers.Serializer):
    input = PriceClaimSerializer()
    output = PriceClaimSerializer()
    blended = BlendedClaimSerializer()


class ContextFactsSerializer(serializers.Serializer):
    larger = serializers.CharField(source="larger_context", allow_null=True)
    values = PerModelField(
        lambda side: side.model.context_window,
        child=serializers.IntegerField(allow_null=True),
    )


class ReleaseFactsSerializer(serializers.Serializer):
    newer = serializers.CharField(source="newer_release", allow_null=True)


class CapabilityFactSerializer(serializers.Serializer):
    name = serializers.CharField(source="key")
    values = serializers.DictField(child=serializers.BooleanField(allow_null=True))


class BenchmarkFactSerializer(serializers.Serializer):
    benchmark = serializers.CharField(source="slug")
    unit = serializers.CharField()
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    leader = serializers.CharField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)


class LargestGapSerializer(serializers.Serializer):
    benchmark = serializers.CharField()
    leader = serializers.CharField()
    gap = serializers.FloatField()


class ProviderFactsSerializer(serializers.Serializer):
    counts = PerModelField(
        lambda side: side.provider_count, child=serializers.IntegerField()
    )
    shared = serializers.ListField(
        source="shared_providers", child=serializers.CharField()
    )


class FactsSerializer(serializers.Serializer):
    blend_input_weight = serializers.FloatField()
    price = PriceFactsSerializer(source="prices")
    context_window = ContextFactsSerializer(source="*")
    release_date = ReleaseFactsSerializer(source="*")
    capabilities = CapabilityFactSerializer(many=True)
    benchmarks = BenchmarkFactSerializer(many=True)
    largest_gap = LargestGapSerializer(allow_null=True)
    providers = ProviderFactsSerializer(source="*")


class RelatedPairSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = LinkField("comparisons:pair")
    api_url = LinkField("api:comparison-detail")


class PairSerializer(serializers.Serializer):
    """Any pair's page content as data (docs/api.md, "A comparison as data").

    Renders a derived Comparison; needs the request in its context (for links).
    """

    slug = serializers.CharField()
    url = LinkField("comparisons:pair")
    api_url = LinkField("api:comparison-detail")
    models = PairModelSerializer(source="sides", many=True)
    intro = serializers.CharField()
    verdict = serializers.CharField()
    curated_current = serializers.BooleanField(
        help_text="False when the pair's curated intro, verdict and FAQ answers are "
        "withheld because facts they were written against have changed since an "
        "editor last reviewed them (the generated text is given instead); true "
        "otherwise."
    )
    facts = FactsSerializer(source="*")
    choose = PerModelField(
        lambda side: side.choose,
        child=serializers.ListField(child=serializers.CharField()),
    )
    faq = FAQEntrySerializer(many=True)
    related = RelatedPairSerializer(many=True)
    last_reviewed = serializers.DateField(allow_null=True)
    updated_at = InstantField(allow_null=True)


# --- GET /api/v1/comparisons/<a>-vs-<b>-vs-<c>[-vs-<d>]/: the answer and its schema ----
#
# These read a derived ModelTable (comparisons.derivation.table) the same way.


class BetterField(serializers.ChoiceField):
    """What makes a row's value best; null for a row that is not ranked."""

    def to_representation(self, value: str) -> str | None:
        return super().to_representation(value) or None


class RowValuesField(serializers.DictField):
    """A row's cells by model slug, each value typed by the row's group."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row) -> dict:
        return super().to_representation(
            {cell.slug: self.value_data(row.group, cell.value) for cell in row.cells}
        )

    @staticmethod
    def value_data(group: str, value):
        """Prices as decimal strings, scores as numbers, anything else as it is."""
        if value is None:
            return None
        if group == "prices":
            return price_text(value, form=PriceForm.NUMBER)
        if group == "benchmarks":
            return float(value)
        return value


class TableRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="input_price, output_price, blended_price, context_window, "
        "max_output_tokens, release_date, knowledge_cutoff, lifecycle, open_weights, "
        "capability:<name> or benchmark:<slug>."
    )
    label = serializers.CharField(help_text="The row's heading on the page.")
    better = BetterField(
        choices=("lower", "higher", "newer", "yes"),
        allow_null=True,
        help_text="What makes a value best; null for a row that is not ranked "
        "(lifecycle).",
    )
    values = RowValuesField(
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

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if instance.group != "benchmarks":
            del data["unit"]
        return data


class ContainedPairSerializer(RelatedPairSerializer):
    """A pair page the table contains (its own schema component)."""


class ModelTableSerializer(serializers.Serializer):
    """Three or four models in one table (docs/api.md, "Three or four models").

    Renders a derived ModelTable; needs the request in its context (for links).
    """

    slug = serializers.CharField()
    title = serializers.CharField()
    url = LinkField("comparisons:models")
    api_url = LinkField("api:comparison-detail")
    models = PairModelSerializer(source="columns", many=True)
    blend_input_weight = serializers.FloatField()
    rows = TableRowSerializer(many=True)
    pairs = ContainedPairSerializer(many=True)
    updated_at = InstantField(allow_null=True)
