"""Derive an "A vs B" comparison from two models' facts, by comparison-rules.md.

Pure: plain frozen dataclasses in, plain data out (no ORM, views, templates or HTTP).
comparisons/services.py turns catalog rows into the inputs and calls `comparison_derive`.

Inputs
  ModelFacts(slug, name, vendor_slug, vendor_name, vendor_url, url, status, is_published,
    release_date, knowledge_cutoff ('YYYY-MM' / 'YYYY-MM-DD' / None), context_window,
    max_output_tokens, parameters_billions, architecture, license, open_weights,
    input_modalities, output_modalities, vision, multimodal, reasoning, function_calling,
    tool_use, structured_outputs, code_execution (bool | None), lifecycle, deprecation_date,
    offerings: tuple[OfferingFacts], scores: tuple[ScoreFacts], reviews: tuple[ReviewFacts],
    updated_at)
  OfferingFacts(provider_slug, provider_name, provider_url, provider_model_id, input_price,
    output_price, cached_input_price, cache_write_price (Decimal | None),
    tiers: tuple[TierFacts(above_tokens, input_price, output_price)], context_window,
    is_available, url, source_url, checked_on)
  ScoreFacts(benchmark_slug, benchmark_name, unit, higher_is_better, benchmark_url, value,
    is_verified, source_url, measured_on)
  ReviewFacts(reviewed_on, reviewer, summary, sources)
  CuratedFacts(intro, verdict, is_featured, faq: tuple[FAQEntry], updated_at)
  RelatedPair(slug, title, model_a_slug, model_b_slug, reason)

Output: Comparison (see its attributes); `Comparison.as_dict()` is the API's
"A comparison as data" without the `url` fields, which presentation adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from comparisons import formatting as fmt
from comparisons.formatting import Display

CAPABILITY_KEYS = (
    "vision",
    "multimodal",
    "reasoning",
    "function_calling",
    "tool_use",
    "structured_outputs",
    "code_execution",
)
CAPABILITY_LABELS = {
    "vision": "Vision",
    "multimodal": "Multimodal input",
    "reasoning": "Reasoning mode",
    "function_calling": "Function calling",
    "tool_use": "Tool use",
    "structured_outputs": "Structured outputs",
    "code_execution": "Code execution",
}
PRICE_KINDS = ("input", "output", "blended")
RETIRED = "retired"


# --- Inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TierFacts:
    above_tokens: int
    input_price: Decimal
    output_price: Decimal


@dataclass(frozen=True)
class OfferingFacts:
    provider_slug: str
    provider_name: str
    provider_url: str = ""
    provider_model_id: str = ""
    input_price: Decimal | None = None
    output_price: Decimal | None = None
    cached_input_price: Decimal | None = None
    cache_write_price: Decimal | None = None
    tiers: tuple[TierFacts, ...] = ()
    context_window: int | None = None
    is_available: bool = True
    url: str = ""
    source_url: str = ""
    checked_on: date | None = None


@dataclass(frozen=True)
class ScoreFacts:
    benchmark_slug: str
    benchmark_name: str
    value: Decimal
    unit: str = "%"
    higher_is_better: bool = True
    benchmark_url: str = ""
    is_verified: bool = False
    source_url: str = ""
    measured_on: date | None = None


@dataclass(frozen=True)
class ReviewFacts:
    reviewed_on: date
    reviewer: str = ""
    summary: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelFacts:
    slug: str
    name: str
    vendor_slug: str
    vendor_name: str
    vendor_url: str = ""
    url: str = ""
    status: str = "published"
    is_published: bool = True
    release_date: str | None = None
    knowledge_cutoff: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    parameters_billions: Decimal | None = None
    architecture: str | None = None
    license: str | None = None
    open_weights: bool | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    vision: bool | None = None
    multimodal: bool | None = None
    reasoning: bool | None = None
    function_calling: bool | None = None
    tool_use: bool | None = None
    structured_outputs: bool | None = None
    code_execution: bool | None = None
    lifecycle: str = "active"
    deprecation_date: date | None = None
    offerings: tuple[OfferingFacts, ...] = ()
    scores: tuple[ScoreFacts, ...] = ()
    reviews: tuple[ReviewFacts, ...] = ()
    updated_at: datetime | None = None

    def capability(self, key: str) -> bool | None:
        return getattr(self, key)


@dataclass(frozen=True)
class FAQEntry:
    question: str
    answer: str
    is_markdown: bool = False  # curated answers are Markdown; generated ones plain text


@dataclass(frozen=True)
class CuratedFacts:
    intro: str = ""
    verdict: str = ""
    is_featured: bool = False
    faq: tuple[FAQEntry, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RelatedPair:
    slug: str  # canonical "<a>-vs-<b>"
    title: str  # "GPT-4.1 Mini vs Grok 4.20"
    model_a_slug: str
    model_b_slug: str
    reason: str  # "featured", "same-vendor" or "price"


# --- Outputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceRow:
    """One offering in a model's per-provider price table."""

    provider_slug: str
    provider_name: str
    provider_url: str
    provider_model_id: str
    input_price: Decimal | None
    output_price: Decimal | None
    blended_price: Decimal | None
    cached_input_price: Decimal | None
    cache_write_price: Decimal | None
    tiers: tuple[TierFacts, ...]
    context_window: int | None
    is_available: bool
    is_reference: bool
    url: str
    source_url: str
    checked_on: date | None
    is_stale: bool  # unchecked for longer than the price staleness setting (or never)
    input_display: Display
    output_display: Display
    blended_display: Display
    cached_input_display: Display
    cache_write_display: Display
    context_display: Display
    checked_display: Display
    tier_texts: tuple[str, ...]  # "Above 200K tokens: $2.50 input, $5 output"


@dataclass(frozen=True)
class Side:
    """What the comparison derives about one of the two models."""

    model: ModelFacts
    reference: PriceRow | None  # the "from" prices; None when unknown
    price_rows: tuple[PriceRow, ...]  # available offerings first, reference first
    provider_count: int
    provider_names: tuple[str, ...]
    advantages: tuple[Advantage, ...]
    choose: tuple[str, ...]  # sentences; one saying "none" when there are no advantages
    latest_review: ReviewFacts | None

    @property
    def slug(self) -> str:
        return self.model.slug

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def has_advantages(self) -> bool:
        return bool(self.advantages)


@dataclass(frozen=True)
class Advantage:
    kind: str  # "input", "output", "blended", "context", "cutoff", "capability:<key>",
    #            "benchmark:<slug>", "providers", "open_weights"
    phrase: (
        str  # fits in "X offers …": "a larger context window (2M against 1M tokens)"
    )
    sentence: str  # stands alone in a "choose" list


@dataclass(frozen=True)
class PriceClaim:
    kind: str  # "input", "output" or "blended"
    values: dict[str, Decimal | None]  # by model slug
    cheaper: str | None  # model slug; None for a tie or an unknown price
    saving_percent: int | None
    ratio: Decimal | None  # one decimal; None when the lower price is zero
    difference: Decimal | None
    is_free: bool  # the cheaper price is zero: say "free", not "100% cheaper"
    saving_text: str  # "68% cheaper", "free", "" when no claim
    ratio_text: str  # "3.1× the price", "" when none


@dataclass(frozen=True)
class CapabilityRow:
    key: str
    label: str
    values: dict[str, bool | None]
    displays: dict[str, Display]
    has_it: str | None  # slug of the model that has it when the other lacks it


@dataclass(frozen=True)
class BenchmarkRow:
    slug: str
    name: str
    unit: str
    higher_is_better: bool
    url: str
    values: dict[str, Decimal | None]
    displays: dict[str, Display]
    verified: dict[str, bool | None]  # False = vendor-reported; None = no score
    is_shared: bool
    leader: str | None
    gap: Decimal | None  # one decimal, in the unit; None unless shared
    gap_text: str  # "53.1 points", "" unless shared


@dataclass(frozen=True)
class LargestGap:
    benchmark: str
    name: str
    leader: str
    gap: Decimal
    gap_text: str


@dataclass(frozen=True)
class SpecRow:
    label: str
    displays: dict[str, Display]


@dataclass(frozen=True)
class Source:
    url: str
    label: str


@dataclass(frozen=True)
class Comparison:
    slug: str
    title: str
    a: Side
    b: Side
    blend_input_weight: Decimal
    blend_text: str  # "70/30 input/output"
    prices: dict[str, PriceClaim]  # "input", "output", "blended"
    larger_context: str | None
    newer_release: str | None
    newer_cutoff: str | None
    specs: tuple[SpecRow, ...]
    capabilities: tuple[CapabilityRow, ...]
    benchmarks: tuple[BenchmarkRow, ...]  # shared first
    largest_gap: LargestGap | None
    shared_providers: tuple[str, ...]  # slugs, in slug order
    shared_provider_names: tuple[str, ...]
    intro: str
    intro_is_curated: bool  # curated text is Markdown
    verdict: str
    verdict_is_curated: bool
    deep_dive: tuple[str, ...]  # paragraphs
    faq: tuple[FAQEntry, ...]
    related: tuple[RelatedPair, ...]
    is_featured: bool
    last_reviewed: date | None
    is_fully_reviewed: bool
    is_review_stale: bool
    sources: tuple[Source, ...]
    is_indexable: bool
    description: str  # meta description
    updated_at: datetime | None

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.a, self.b)

    def side(self, slug: str) -> Side:
        return self.a if slug == self.a.slug else self.b

    def as_dict(self) -> dict:
        """The API's "A comparison as data", minus the `url` fields."""
        return {
            "slug": self.slug,
            "models": [_model_dict(side) for side in self.sides],
            "intro": self.intro,
            "verdict": self.verdict,
            "facts": {
                "blend_input_weight": float(self.blend_input_weight),
                "price": {kind: _price_dict(self.prices[kind]) for kind in PRICE_KINDS},
                "context_window": {
                    "larger": self.larger_context,
                    "values": {s.slug: s.model.context_window for s in self.sides},
                },
                "release_date": {"newer": self.newer_release},
                "capabilities": [
                    {"name": row.key, "values": dict(row.values)}
                    for row in self.capabilities
                ],
                "benchmarks": [_benchmark_dict(row) for row in self.benchmarks],
                "largest_gap": None
                if self.largest_gap is None
                else {
                    "benchmark": self.largest_gap.benchmark,
                    "leader": self.largest_gap.leader,
                    "gap": float(self.largest_gap.gap),
                },
                "providers": {
                    "counts": {s.slug: s.provider_count for s in self.sides},
                    "shared": list(self.shared_providers),
                },
            },
            "choose": {s.slug: list(s.choose) for s in self.sides},
            "faq": [{"question": e.question, "answer": e.answer} for e in self.faq],
            "related": [{"slug": r.slug, "title": r.title} for r in self.related],
            "last_reviewed": None
            if self.last_reviewed is None
            else self.last_reviewed.isoformat(),
            "updated_at": fmt.iso_datetime(self.updated_at),
        }


def _price_text(value: Decimal | None) -> str | None:
    return None if value is None else fmt.decimal_text(value)


def _model_dict(side: Side) -> dict:
    ref = side.reference
    return {
        "slug": side.slug,
        "name": side.name,
        "vendor": side.model.vendor_slug,
        "reference_offering": None
        if ref is None
        else {
            "provider": ref.provider_slug,
            "input_price": _price_text(ref.input_price),
            "output_price": _price_text(ref.output_price),
            "blended_price": _price_text(ref.blended_price),
        },
    }


def _price_dict(claim: PriceClaim) -> dict:
    data = {
        "cheaper": claim.cheaper,
        "saving_percent": claim.saving_percent,
        "ratio": None if claim.ratio is None else float(claim.ratio),
    }
    if claim.kind == "blended":
        data["difference"] = _price_text(claim.difference)
    return data


def _benchmark_dict(row: BenchmarkRow) -> dict:
    return {
        "benchmark": row.slug,
        "unit": row.unit,
        "values": {
            slug: None if v is None else float(v) for slug, v in row.values.items()
        },
        "leader": row.leader,
        "gap": None if row.gap is None else float(row.gap),
    }


# --- Derivation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The editorial settings the derivation needs, passed in (never read here)."""

    blend_input_weight: Decimal = Decimal("0.7")
    review_stale_days: int = 180
    price_stale_days: int = 90


def pair_slug(slug_a: str, slug_b: str) -> str:
    """Canonical pair slug: the two slugs in code-point order, joined by '-vs-'."""
    first, second = sorted((slug_a, slug_b))
    return f"{first}-vs-{second}"


def comparison_derive(
    *,
    model_a: ModelFacts,
    model_b: ModelFacts,
    today: date,
    curated: CuratedFacts | None = None,
    related: tuple[RelatedPair, ...] = (),
    blend_input_weight: Decimal = Decimal("0.7"),
    review_stale_days: int = 180,
    price_stale_days: int = 90,
) -> Comparison:
    """Every fact, sentence and flag of one pair's page, in canonical order."""
    if model_b.slug < model_a.slug:
        model_a, model_b = model_b, model_a
    a = _side_stub(model_a)
    b = _side_stub(model_b)
    empty_claim = {
        kind: PriceClaim(kind, {}, None, None, None, None, False, "", "")
        for kind in PRICE_KINDS
    }
    return Comparison(
        slug=pair_slug(model_a.slug, model_b.slug),
        title=f"{model_a.name} vs {model_b.name}",
        a=a,
        b=b,
        blend_input_weight=blend_input_weight,
        blend_text="70/30 input/output",
        prices=empty_claim,
        larger_context=None,
        newer_release=None,
        newer_cutoff=None,
        specs=(),
        capabilities=(),
        benchmarks=(),
        largest_gap=None,
        shared_providers=(),
        shared_provider_names=(),
        intro=curated.intro if curated and curated.intro else "",
        intro_is_curated=bool(curated and curated.intro),
        verdict=curated.verdict if curated and curated.verdict else "",
        verdict_is_curated=bool(curated and curated.verdict),
        deep_dive=(),
        faq=curated.faq if curated else (),
        related=related,
        is_featured=bool(curated and curated.is_featured),
        last_reviewed=None,
        is_fully_reviewed=False,
        is_review_stale=False,
        sources=(),
        is_indexable=False,
        description="",
        updated_at=None,
    )


def _side_stub(model: ModelFacts) -> Side:
    return Side(
        model=model,
        reference=None,
        price_rows=(),
        provider_count=0,
        provider_names=(),
        advantages=(),
        choose=(),
        latest_review=None,
    )
