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
    reason: str  # "featured", "same-vendor", "price" or "recent" (filler)


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


def pair_slug(slug_a: str, slug_b: str) -> str:
    """Canonical pair slug: the two slugs in code-point order, joined by '-vs-'."""
    first, second = sorted((slug_a, slug_b))
    return f"{first}-vs-{second}"


def pair_title(name_a: str, name_b: str) -> str:
    return f"{name_a} vs {name_b}"


def blended_price(
    input_price: Decimal | None, output_price: Decimal | None, weight: Decimal
) -> Decimal | None:
    """w × input + (1 − w) × output, exactly; unknown when either price is."""
    if input_price is None or output_price is None:
        return None
    return weight * input_price + (1 - weight) * output_price


def reference_offering(model: ModelFacts, weight: Decimal) -> OfferingFacts | None:
    """The available offering with the lowest blended price (ties: input, provider slug)."""
    priced = [
        o
        for o in model.offerings
        if o.is_available
        and blended_price(o.input_price, o.output_price, weight) is not None
    ]
    return min(
        priced,
        key=lambda o: (
            blended_price(o.input_price, o.output_price, weight),
            o.input_price,
            o.provider_slug,
        ),
        default=None,
    )


def blend_text(weight: Decimal) -> str:
    """0.7 -> '70/30'."""
    return f"{fmt.decimal_plain(weight * 100)}/{fmt.decimal_plain((1 - weight) * 100)}"


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
    weight = Decimal(blend_input_weight)
    rows_a, ref_a = model_price_rows(model_a, weight, today, price_stale_days)
    rows_b, ref_b = model_price_rows(model_b, weight, today, price_stale_days)
    facts = _Facts.derive(model_a, model_b, ref_a, ref_b, weight)

    sides = []
    for model, other, rows, ref in (
        (model_a, model_b, rows_a, ref_a),
        (model_b, model_a, rows_b, ref_b),
    ):
        advantages = tuple(_advantages(model, other, facts))
        sides.append(
            Side(
                model=model,
                reference=ref,
                price_rows=rows,
                provider_count=len(provider_names(model)),
                provider_names=tuple(provider_names(model).values()),
                advantages=advantages,
                choose=_choose(model, other, advantages),
                latest_review=max(
                    model.reviews, key=lambda r: r.reviewed_on, default=None
                ),
            )
        )
    a, b = sides
    last_reviewed, fully_reviewed = _last_reviewed(a, b)
    generated_verdict = _verdict(a, b, facts)
    curated = curated or CuratedFacts()
    stamps = [
        s for s in (model_a.updated_at, model_b.updated_at, curated.updated_at) if s
    ]
    return Comparison(
        slug=pair_slug(model_a.slug, model_b.slug),
        title=pair_title(model_a.name, model_b.name),
        a=a,
        b=b,
        blend_input_weight=weight,
        blend_text=f"{facts.blend} input/output",
        prices=facts.prices,
        larger_context=facts.larger_context,
        newer_release=facts.newer_release,
        newer_cutoff=facts.newer_cutoff,
        specs=model_specs(model_a, model_b),
        capabilities=facts.capabilities,
        benchmarks=facts.benchmarks,
        largest_gap=facts.largest_gap,
        shared_providers=facts.shared_providers,
        shared_provider_names=facts.shared_provider_names,
        intro=curated.intro or _intro(model_a, model_b, facts),
        intro_is_curated=bool(curated.intro),
        verdict=curated.verdict or generated_verdict,
        verdict_is_curated=bool(curated.verdict),
        deep_dive=_deep_dive(a, b, facts),
        faq=tuple(curated.faq) + tuple(_faq(a, b, facts)),
        related=tuple(related),
        is_featured=curated.is_featured,
        last_reviewed=last_reviewed,
        is_fully_reviewed=fully_reviewed,
        is_review_stale=last_reviewed is not None
        and (today - last_reviewed).days > review_stale_days,
        sources=_sources(model_a, model_b),
        is_indexable=_is_indexable(model_a, model_b, ref_a, ref_b, facts),
        description=_description(model_a, model_b, facts),
        updated_at=max(stamps, default=None),
    )


# --- Prices ----------------------------------------------------------------------------


def model_price_rows(
    model: ModelFacts, weight: Decimal, today: date, stale_days: int
) -> tuple[tuple[PriceRow, ...], PriceRow | None]:
    """The model's offerings as table rows, and its reference offering (the "from" prices)."""
    reference = reference_offering(model, weight)

    def order(offering: OfferingFacts) -> tuple:
        blended = blended_price(offering.input_price, offering.output_price, weight)
        return (
            offering is not reference,
            not offering.is_available,
            blended is None,
            blended or 0,
            offering.provider_slug,
        )

    rows = tuple(
        _price_row(o, weight, today, stale_days, is_reference=o is reference)
        for o in sorted(model.offerings, key=order)
    )
    reference_row = next((row for row in rows if row.is_reference), None)
    return rows, reference_row


def _price_row(
    offering: OfferingFacts,
    weight: Decimal,
    today: date,
    stale_days: int,
    *,
    is_reference: bool,
) -> PriceRow:
    blended = blended_price(offering.input_price, offering.output_price, weight)
    is_stale = (
        offering.checked_on is None or (today - offering.checked_on).days > stale_days
    )
    return PriceRow(
        provider_slug=offering.provider_slug,
        provider_name=offering.provider_name,
        provider_url=offering.provider_url,
        provider_model_id=offering.provider_model_id,
        input_price=offering.input_price,
        output_price=offering.output_price,
        blended_price=blended,
        cached_input_price=offering.cached_input_price,
        cache_write_price=offering.cache_write_price,
        tiers=offering.tiers,
        context_window=offering.context_window,
        is_available=offering.is_available,
        is_reference=is_reference,
        url=offering.url,
        source_url=offering.source_url,
        checked_on=offering.checked_on,
        is_stale=is_stale,
        input_display=fmt.money_display(offering.input_price, free=True),
        output_display=fmt.money_display(offering.output_price, free=True),
        blended_display=fmt.money_display(blended, free=True),
        cached_input_display=fmt.money_display(offering.cached_input_price, free=True),
        cache_write_display=fmt.money_display(offering.cache_write_price, free=True),
        context_display=fmt.tokens_display(offering.context_window),
        checked_display=fmt.date_display(offering.checked_on),
        tier_texts=tuple(
            f"Above {fmt.tokens_compact(t.above_tokens)} tokens: "
            f"{fmt.money(t.input_price)} input, {fmt.money(t.output_price)} output"
            for t in offering.tiers
        ),
    )


def _price_claim(
    kind: str,
    a_slug: str,
    a_value: Decimal | None,
    b_slug: str,
    b_value: Decimal | None,
) -> PriceClaim:
    values = {a_slug: a_value, b_slug: b_value}
    if a_value is None or b_value is None or a_value == b_value:
        return PriceClaim(kind, values, None, None, None, None, False, "", "")
    if a_value < b_value:
        cheaper, lower, higher = a_slug, a_value, b_value
    else:
        cheaper, lower, higher = b_slug, b_value, a_value
    saving = int(fmt.round_half_up((higher - lower) * 100 / higher))
    ratio = fmt.round_half_up(higher / lower, 1) if lower > 0 else None
    is_free = lower == 0
    if is_free:
        saving_text = "free"
    elif saving == 0:
        saving_text = "less than 1% cheaper"
    else:
        saving_text = f"{fmt.percent(saving)} cheaper"
    return PriceClaim(
        kind=kind,
        values=values,
        cheaper=cheaper,
        saving_percent=saving,
        ratio=ratio,
        difference=higher - lower,
        is_free=is_free,
        saving_text=saving_text,
        ratio_text="" if ratio is None else f"{fmt.ratio_text(ratio)} the price",
    )


def provider_names(model: ModelFacts) -> dict[str, str]:
    """Distinct providers with an available offering, slug -> name, in slug order."""
    names = {
        o.provider_slug: o.provider_name for o in model.offerings if o.is_available
    }
    return dict(sorted(names.items()))


# --- Facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """The pair-level facts the sentences are built from."""

    a: ModelFacts
    b: ModelFacts
    blend: str
    prices: dict[str, PriceClaim]
    references: dict[str, PriceRow | None]
    larger_context: str | None
    newer_release: str | None
    newer_cutoff: str | None
    capabilities: tuple[CapabilityRow, ...]
    benchmarks: tuple[BenchmarkRow, ...]
    largest_gap: LargestGap | None
    provider_counts: dict[str, int]
    shared_providers: tuple[str, ...]
    shared_provider_names: tuple[str, ...]

    @classmethod
    def derive(
        cls,
        a: ModelFacts,
        b: ModelFacts,
        ref_a: PriceRow | None,
        ref_b: PriceRow | None,
        weight: Decimal,
    ) -> _Facts:
        prices = {}
        for kind in PRICE_KINDS:
            attribute = f"{kind}_price"
            prices[kind] = _price_claim(
                kind,
                a.slug,
                getattr(ref_a, attribute, None),
                b.slug,
                getattr(ref_b, attribute, None),
            )
        providers_a, providers_b = provider_names(a), provider_names(b)
        shared = tuple(sorted(set(providers_a) & set(providers_b)))
        benchmarks = _benchmark_rows(a, b)
        return cls(
            a=a,
            b=b,
            blend=blend_text(weight),
            prices=prices,
            references={a.slug: ref_a, b.slug: ref_b},
            larger_context=_larger(a.slug, a.context_window, b.slug, b.context_window),
            newer_release=_newer(a.slug, a.release_date, b.slug, b.release_date),
            newer_cutoff=_newer(a.slug, a.knowledge_cutoff, b.slug, b.knowledge_cutoff),
            capabilities=_capability_rows(a, b),
            benchmarks=benchmarks,
            largest_gap=_largest_gap(benchmarks),
            provider_counts={a.slug: len(providers_a), b.slug: len(providers_b)},
            shared_providers=shared,
            shared_provider_names=tuple(providers_a[slug] for slug in shared),
        )

    def name(self, slug: str | None) -> str:
        return self.a.name if slug == self.a.slug else self.b.name

    def other(self, model: ModelFacts) -> ModelFacts:
        return self.b if model.slug == self.a.slug else self.a


def _larger(
    a_slug: str, a_value: int | None, b_slug: str, b_value: int | None
) -> str | None:
    if a_value is None or b_value is None or a_value == b_value:
        return None
    return a_slug if a_value > b_value else b_slug


def date_order_key(value: str | None, other: str | None) -> tuple | None:
    """What a partial date compares by against `other`: by day, or by month if either lacks one."""
    parts, other_parts = fmt.partial_date_parts(value), fmt.partial_date_parts(other)
    if parts is None or other_parts is None:
        return None
    if parts[2] is None or other_parts[2] is None:
        return parts[:2]
    return parts


def _newer(
    a_slug: str, a_value: str | None, b_slug: str, b_value: str | None
) -> str | None:
    key_a, key_b = date_order_key(a_value, b_value), date_order_key(b_value, a_value)
    if key_a is None or key_b is None or key_a == key_b:
        return None
    return a_slug if key_a > key_b else b_slug


def _capability_rows(a: ModelFacts, b: ModelFacts) -> tuple[CapabilityRow, ...]:
    rows = []
    for key in CAPABILITY_KEYS:
        value_a, value_b = a.capability(key), b.capability(key)
        has_it = None
        if value_a is True and value_b is False:
            has_it = a.slug
        elif value_b is True and value_a is False:
            has_it = b.slug
        rows.append(
            CapabilityRow(
                key=key,
                label=CAPABILITY_LABELS[key],
                values={a.slug: value_a, b.slug: value_b},
                displays={
                    a.slug: fmt.yes_no_display(value_a),
                    b.slug: fmt.yes_no_display(value_b),
                },
                has_it=has_it,
            )
        )
    return tuple(rows)


def _benchmark_rows(a: ModelFacts, b: ModelFacts) -> tuple[BenchmarkRow, ...]:
    scores = {
        model.slug: {s.benchmark_slug: s for s in model.scores} for model in (a, b)
    }
    slugs = set(scores[a.slug]) | set(scores[b.slug])
    rows = []
    for slug in slugs:
        score_a, score_b = scores[a.slug].get(slug), scores[b.slug].get(slug)
        meta = score_a or score_b
        leader, gap = None, None
        if score_a is not None and score_b is not None:
            gap = fmt.round_half_up(abs(score_a.value - score_b.value), 1)
            if score_a.value != score_b.value:
                a_better = (score_a.value > score_b.value) == meta.higher_is_better
                leader = a.slug if a_better else b.slug
        rows.append(
            BenchmarkRow(
                slug=slug,
                name=meta.benchmark_name,
                unit=meta.unit,
                higher_is_better=meta.higher_is_better,
                url=meta.benchmark_url,
                values={
                    a.slug: None if score_a is None else score_a.value,
                    b.slug: None if score_b is None else score_b.value,
                },
                displays={
                    model.slug: fmt.UNKNOWN
                    if score is None
                    else fmt.shown(fmt.score_text(score.value, score.unit))
                    for model, score in ((a, score_a), (b, score_b))
                },
                verified={
                    a.slug: None if score_a is None else score_a.is_verified,
                    b.slug: None if score_b is None else score_b.is_verified,
                },
                is_shared=gap is not None,
                leader=leader,
                gap=gap,
                gap_text="" if gap is None else _gap_words(gap, meta.unit),
            )
        )
    rows.sort(key=lambda row: (not row.is_shared, row.name.casefold(), row.slug))
    return tuple(rows)


def _gap_words(gap: Decimal, unit: str) -> str:
    if gap == 0:
        return f"less than {fmt.gap_text(Decimal('0.1'), unit)}"
    return fmt.gap_text(gap, unit)


def _largest_gap(rows: tuple[BenchmarkRow, ...]) -> LargestGap | None:
    candidates = [
        row
        for row in rows
        if row.is_shared and row.unit == "%" and row.gap and row.leader
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda row: (-row.gap, row.slug))
    return LargestGap(
        benchmark=best.slug,
        name=best.name,
        leader=best.leader,
        gap=best.gap,
        gap_text=best.gap_text,
    )


# --- Specs -----------------------------------------------------------------------------


def model_specs(a: ModelFacts, b: ModelFacts) -> tuple[SpecRow, ...]:
    """The spec table's rows for two models (a model page passes the same model twice)."""

    def row(label: str, render) -> SpecRow:
        return SpecRow(label=label, displays={m.slug: render(m) for m in (a, b)})

    def parameters(m: ModelFacts) -> Display:
        if m.parameters_billions is None:
            return fmt.UNKNOWN
        return fmt.shown(f"{fmt.decimal_plain(m.parameters_billions)}B")

    def modalities(values: tuple[str, ...]) -> Display:
        return fmt.shown(", ".join(values) if values else None)

    def lifecycle(m: ModelFacts) -> Display:
        return fmt.shown(m.lifecycle.capitalize() if m.lifecycle else None)

    return (
        row("Vendor", lambda m: fmt.shown(m.vendor_name)),
        row("Released", lambda m: fmt.partial_date_display(m.release_date)),
        row("Knowledge cutoff", lambda m: fmt.partial_date_display(m.knowledge_cutoff)),
        row("Context window", lambda m: fmt.tokens_display(m.context_window)),
        row("Maximum output", lambda m: fmt.tokens_display(m.max_output_tokens)),
        row("Parameters", parameters),
        row("Architecture", lambda m: fmt.shown(m.architecture)),
        row("License", lambda m: fmt.shown(m.license)),
        row("Open weights", lambda m: fmt.yes_no_display(m.open_weights)),
        row("Input", lambda m: modalities(m.input_modalities)),
        row("Output", lambda m: modalities(m.output_modalities)),
        row("Lifecycle", lifecycle),
        row("Deprecation date", lambda m: fmt.date_display(m.deprecation_date)),
    )


# --- Advantages, verdict, "choose" -----------------------------------------------------

PRICE_LABELS = {
    "input": "input price",
    "output": "output price",
    "blended": "blended price",
}


def _advantages(model: ModelFacts, other: ModelFacts, facts: _Facts):
    """The facts that favour `model`, in the order the rules list them."""
    yield from _price_advantages(model, other, facts)
    if facts.larger_context == model.slug:
        mine = fmt.tokens_compact(model.context_window)
        theirs = fmt.tokens_compact(other.context_window)
        yield Advantage(
            "context",
            f"a larger context window ({mine} tokens against {theirs})",
            f"Larger context window: {mine} tokens against {theirs} for {other.name}.",
        )
    if facts.newer_cutoff == model.slug:
        mine = fmt.partial_date_text(model.knowledge_cutoff)
        theirs = fmt.partial_date_text(other.knowledge_cutoff)
        yield Advantage(
            "cutoff",
            f"a more recent knowledge cutoff ({mine} against {theirs})",
            f"More recent knowledge cutoff: {mine} against {theirs} for {other.name}.",
        )
    for row in facts.capabilities:
        if row.has_it == model.slug:
            yield Advantage(
                f"capability:{row.key}",
                f"{row.label.lower()} ({other.name} lacks it)",
                f"{row.label}: {model.name} has it and {other.name} does not.",
            )
    for row in facts.benchmarks:
        if row.leader == model.slug:
            mine = row.displays[model.slug].text
            theirs = row.displays[other.slug].text
            yield Advantage(
                f"benchmark:{row.slug}",
                f"a lead of {row.gap_text} on {row.name} ({mine} against {theirs})",
                f"Leads on {row.name}: {mine} against {theirs} for {other.name}, "
                f"by {row.gap_text}.",
            )
    mine, theirs = facts.provider_counts[model.slug], facts.provider_counts[other.slug]
    if mine > theirs:
        yield Advantage(
            "providers",
            f"more providers ({mine} against {theirs})",
            f"More providers to choose from: {mine} against {theirs} for {other.name}.",
        )
    if model.open_weights is True and other.open_weights is False:
        yield Advantage(
            "open_weights",
            f"open weights, which {other.name} does not offer",
            f"Open weights: you can download {model.name} and run it yourself; "
            f"{other.name}'s weights are closed.",
        )


def _price_advantages(model: ModelFacts, other: ModelFacts, facts: _Facts):
    for kind in PRICE_KINDS:
        claim = facts.prices[kind]
        if claim.cheaper != model.slug:
            continue
        label = PRICE_LABELS[kind]
        if kind == "blended":
            label = f"blended price ({facts.blend} input/output)"
        mine = _per_million(claim.values[model.slug])
        theirs = fmt.money(claim.values[other.slug])
        how_much = "" if claim.is_free else f", {claim.saving_text}"
        yield Advantage(
            kind,
            f"a lower {label} ({mine} against {theirs}{how_much})",
            f"Lower {label}: {mine} against {theirs} for {other.name}{how_much}.",
        )


def _per_million(value: Decimal | None) -> str:
    if value is None:
        return fmt.UNKNOWN_LABEL
    if value == 0:
        return "free"
    return f"{fmt.money(value)} per million tokens"


def _choose(model: ModelFacts, other: ModelFacts, advantages: tuple[Advantage, ...]):
    if not advantages:
        return (f"This catalog shows no advantage of {model.name} over {other.name}.",)
    return tuple(advantage.sentence for advantage in advantages)


VERDICT_MAX_PHRASES = 4


def _offers(advantages: tuple[Advantage, ...]) -> str:
    phrases = [a.phrase for a in advantages[:VERDICT_MAX_PHRASES]]
    extra = len(advantages) - len(phrases)
    if extra:
        phrases.append(f"{extra} more advantage{'s' if extra > 1 else ''} listed below")
    return fmt.names_list(phrases)


def _verdict(a: Side, b: Side, facts: _Facts) -> str:
    blended = facts.prices["blended"]
    if blended.cheaper is not None:
        cheap, pricey = (a, b) if blended.cheaper == a.slug else (b, a)
        high = fmt.money(blended.values[pricey.slug])
        if blended.is_free:
            first = (
                f"{cheap.name} is the cheaper model: free at {cheap.reference.provider_name}, "
                f"against {high} per million tokens for {pricey.name}."
            )
        else:
            low = fmt.money(blended.values[cheap.slug])
            first = (
                f"{cheap.name} is the cheaper model, {blended.saving_text} on a {facts.blend} "
                f"input/output blend ({low} against {high} per million tokens)."
            )
        pricey_offers = tuple(x for x in pricey.advantages if x.kind != "blended")
        if pricey_offers:
            return (
                f"{first} {pricey.name} costs more but offers {_offers(pricey_offers)}."
            )
        return (
            f"{first} The data shows nothing {pricey.name} offers for its higher price."
        )
    if a.reference is not None and b.reference is not None:
        price = fmt.money(a.reference.blended_price)
        first = (
            f"{a.name} and {b.name} cost the same on a {facts.blend} input/output blend "
            f"({price} per million tokens)."
        )
    else:
        unknown = [s.name for s in (a, b) if s.reference is None]
        verb = "has" if len(unknown) == 1 else "have"
        first = f"No price comparison is made: {fmt.names_list(unknown)} {verb} no known price."
    return f"{first} {_other_facts(a, b)}"


def _other_facts(a: Side, b: Side) -> str:
    parts = [
        f"{s.name} offers {_offers(s.advantages)}." for s in (a, b) if s.advantages
    ]
    if not parts:
        return "Beyond that, the data shows no advantage for either model."
    return " ".join(parts)


# --- Deep dive -------------------------------------------------------------------------


def _deep_dive(a: Side, b: Side, facts: _Facts) -> tuple[str, ...]:
    return (
        _benchmark_paragraph(a, b, facts),
        _capability_paragraph(a, b, facts),
        _cost_paragraph(a, b, facts),
        _provider_paragraph(a, b, facts),
    )


def _benchmark_paragraph(a: Side, b: Side, facts: _Facts) -> str:
    shared = [row for row in facts.benchmarks if row.is_shared]
    sentences = []
    if shared:
        count = len(shared)
        details = []
        for row in shared:
            detail = (
                f"{row.name}: {a.name} {row.displays[a.slug].text}, "
                f"{b.name} {row.displays[b.slug].text}"
            )
            if row.leader:
                detail += f" ({facts.name(row.leader)} ahead by {row.gap_text})"
            else:
                detail += " (level)"
            details.append(detail)
        sentences.append(
            (
                "Both models have a score on one benchmark. "
                if count == 1
                else f"Both models have scores on {count} benchmarks. "
            )
            + "; ".join(details)
            + "."
        )
        gap = facts.largest_gap
        if gap is not None:
            sentences.append(
                f"The largest gap among benchmarks scored in percent is {gap.gap_text} "
                f"on {gap.name}, in favour of {facts.name(gap.leader)}."
            )
        else:
            sentences.append("No benchmark scored in percent separates them.")
    elif any(row for row in facts.benchmarks):
        sentences.append(
            "The two models have no benchmark in common, so no score is compared."
        )
    else:
        sentences.append("Neither model has a benchmark score in this catalog yet.")
    for side in (a, b):
        own = [
            row.name
            for row in facts.benchmarks
            if not row.is_shared and row.values[side.slug] is not None
        ]
        if own:
            sentences.append(f"Only {side.name} has a score on {fmt.names_list(own)}.")
    return " ".join(sentences)


def _capability_paragraph(a: Side, b: Side, facts: _Facts) -> str:
    rows = facts.capabilities
    differ = [
        f"{row.label.lower()} ({facts.name(row.has_it)} only)"
        for row in rows
        if row.has_it
    ]
    both = [
        row.label.lower() for row in rows if all(v is True for v in row.values.values())
    ]
    neither = [
        row.label.lower()
        for row in rows
        if all(v is False for v in row.values.values())
    ]
    unknown = [row.label.lower() for row in rows if None in row.values.values()]
    sentences = []
    if differ:
        sentences.append(f"Their capabilities differ on {fmt.names_list(differ)}.")
    else:
        sentences.append("No recorded capability sets them apart.")
    if both:
        sentences.append(f"Both support {fmt.names_list(both)}.")
    if neither:
        sentences.append(f"Neither supports {fmt.names_list(neither)}.")
    if unknown:
        sentences.append(
            f"For {fmt.names_list(unknown)}, the catalog has no data on at least one of them."
        )
    return " ".join(sentences)


def _cost_paragraph(a: Side, b: Side, facts: _Facts) -> str:
    blended = facts.prices["blended"]
    if a.reference is None or b.reference is None:
        unknown = [s.name for s in (a, b) if s.reference is None]
        verb = "has" if len(unknown) == 1 else "have"
        return (
            f"Their costs cannot be compared: {fmt.names_list(unknown)} {verb} no known price "
            "at an available provider."
        )
    parts = [
        f"{side.name} costs {_per_million(side.reference.blended_price)} at "
        f"{side.reference.provider_name}"
        for side in (a, b)
    ]
    first = (
        f"On a {facts.blend} input/output blend at each model's cheapest available provider, "
        f"{parts[0]}, and {parts[1]}."
    )
    if blended.cheaper is None:
        return f"{first} Their blended cost is the same."
    return (
        f"{first} That makes {facts.name(blended.cheaper)} cheaper by "
        f"{fmt.money(blended.difference)} per million tokens."
    )


def _provider_paragraph(a: Side, b: Side, facts: _Facts) -> str:
    def count(side: Side) -> str:
        n = side.provider_count
        if n == 0:
            return "no provider in this catalog"
        return f"{n} provider{'s' if n > 1 else ''}"

    first = f"{a.name} is available from {count(a)} and {b.name} from {count(b)}."
    if facts.shared_provider_names:
        return f"{first} Both can be used through {fmt.names_list(facts.shared_provider_names)}."
    if a.provider_count and b.provider_count:
        return f"{first} They have no provider in common."
    return first


# --- Intro and description ------------------------------------------------------------


def _intro(a: ModelFacts, b: ModelFacts, facts: _Facts) -> str:
    def who(m: ModelFacts) -> str:
        year = fmt.year_text(m.release_date)
        return (
            f"{m.name} ({m.vendor_name}, {year})"
            if year
            else f"{m.name} ({m.vendor_name})"
        )

    sentences = [f"This page sets {who(a)} beside {who(b)}."]
    if a.context_window and b.context_window:
        if a.context_window == b.context_window:
            sentences.append(
                f"Both read up to {fmt.tokens_compact(a.context_window)} tokens at once."
            )
        else:
            sentences.append(
                f"{a.name} reads up to {fmt.tokens_compact(a.context_window)} tokens at once, "
                f"{b.name} up to {fmt.tokens_compact(b.context_window)}."
            )
    else:
        for m in (a, b):
            if m.context_window:
                sentences.append(
                    f"{m.name} reads up to {fmt.tokens_compact(m.context_window)} tokens at once."
                )
    gap = facts.largest_gap
    if gap is not None:
        sentences.append(
            f"Their widest benchmark gap is on {gap.name}, where {facts.name(gap.leader)} "
            f"leads by {gap.gap_text}."
        )
    sentences.append(
        "Below: specs, prices at each provider, capabilities, benchmark scores and sources."
    )
    return " ".join(sentences)


def _description(a: ModelFacts, b: ModelFacts, facts: _Facts) -> str:
    """The meta description: what the page compares, and the price claim if there is one."""
    text = (
        f"{a.name} vs {b.name}: prices at each provider, context windows, "
        "capabilities and benchmark scores, side by side."
    )
    blended = facts.prices["blended"]
    if blended.cheaper is not None:
        how = "free" if blended.is_free else blended.saving_text
        text += f" {facts.name(blended.cheaper)} is {how} on a {facts.blend} blend."
    return text


# --- FAQ -------------------------------------------------------------------------------


def _faq(a: Side, b: Side, facts: _Facts):
    for builder in (
        _faq_context,
        _faq_price,
        _faq_open_weights,
        _faq_vision,
        _faq_multimodal,
        _faq_reasoning,
        _faq_providers,
        _faq_largest_gap,
        _faq_newer,
    ):
        entry = builder(a, b, facts)
        if entry is not None:
            yield entry


def _faq_context(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    ctx_a, ctx_b = a.model.context_window, b.model.context_window
    if ctx_a is None or ctx_b is None:
        return None
    question = f"Which has a larger context window, {a.name} or {b.name}?"
    if facts.larger_context is None:
        answer = (
            f"Neither: both read up to {fmt.tokens_compact(ctx_a)} tokens "
            f"({ctx_a:,}) at once."
        )
    else:
        big, small = (a, b) if facts.larger_context == a.slug else (b, a)
        big_ctx, small_ctx = big.model.context_window, small.model.context_window
        answer = (
            f"{big.name}: it reads up to {fmt.tokens_compact(big_ctx)} tokens "
            f"({big_ctx:,}) at once, against {fmt.tokens_compact(small_ctx)} "
            f"({small_ctx:,}) for {small.name}."
        )
    return FAQEntry(question, answer)


def _faq_price(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    if a.reference is None or b.reference is None:
        return None
    question = f"Which is cheaper, {a.name} or {b.name}?"
    listed = [
        f"{side.name} costs {_price_per_kind(side.reference.input_price, 'input')} and "
        f"{_price_per_kind(side.reference.output_price, 'output')} at "
        f"{side.reference.provider_name}"
        for side in (a, b)
    ]
    blended = facts.prices["blended"]
    if blended.cheaper is None:
        overall = f"On a {facts.blend} input/output blend they cost the same."
    else:
        overall = (
            f"On a {facts.blend} input/output blend, {facts.name(blended.cheaper)} "
            f"is the cheaper of the two."
        )
    answer = (
        f"At each model's cheapest available provider, {listed[0]}; {listed[1]}. "
        f"{_price_claims_sentence(facts)} {overall}"
    )
    return FAQEntry(question, answer)


def _price_per_kind(value: Decimal, kind: str) -> str:
    if value == 0:
        return f"nothing for {kind}"
    return f"{fmt.money(value)} per million {kind} tokens"


def _price_claims_sentence(facts: _Facts) -> str:
    """'A is 68% cheaper for input and 36% cheaper for output.' and its variants."""
    claims = {kind: facts.prices[kind] for kind in ("input", "output")}

    def how(claim: PriceClaim) -> str:
        return (
            f"free for {claim.kind}"
            if claim.is_free
            else f"{claim.saving_text} for {claim.kind}"
        )

    winners = {claim.cheaper for claim in claims.values()}
    if winners == {None}:
        return "They cost the same for input and for output."
    if len(winners) == 1:
        (winner,) = winners
        parts = [how(claim) for claim in claims.values()]
        return f"{facts.name(winner)} is {fmt.names_list(parts)}."
    sentences = []
    for claim in claims.values():
        if claim.cheaper is None:
            sentences.append(f"They cost the same for {claim.kind}.")
        else:
            sentences.append(f"{facts.name(claim.cheaper)} is {how(claim)}.")
    return " ".join(sentences)


def _faq_open_weights(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    if a.model.open_weights is None or b.model.open_weights is None:
        return None
    question = f"Are {a.name} and {b.name} open-weights models?"
    parts = []
    for side in (a, b):
        status = "has open weights" if side.model.open_weights else "has closed weights"
        license_text = f" (license: {side.model.license})" if side.model.license else ""
        parts.append(f"{side.name} {status}{license_text}")
    return FAQEntry(question, f"{parts[0]}; {parts[1]}.")


def _faq_capability(a: Side, b: Side, facts: _Facts, key: str, question: str):
    row = next(r for r in facts.capabilities if r.key == key)
    value_a, value_b = row.values[a.slug], row.values[b.slug]
    if value_a is None or value_b is None:
        return None
    label = row.label.lower()
    if row.has_it:
        has, lacks = (a, b) if row.has_it == a.slug else (b, a)
        answer = f"{has.name} supports {label}; {lacks.name} does not."
    elif value_a:
        answer = f"Both support {label}."
    else:
        answer = f"Neither supports {label}."
    return FAQEntry(question, answer)


def _faq_vision(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    return _faq_capability(
        a, b, facts, "vision", f"Can {a.name} or {b.name} understand images?"
    )


def _faq_multimodal(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    return _faq_capability(
        a,
        b,
        facts,
        "multimodal",
        f"Do {a.name} and {b.name} accept input other than text?",
    )


def _faq_reasoning(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    return _faq_capability(
        a, b, facts, "reasoning", f"Do {a.name} and {b.name} have a reasoning mode?"
    )


def _faq_providers(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    if not a.provider_count and not b.provider_count:
        return None
    question = f"Where can I run {a.name} and {b.name}?"
    parts = []
    for side in (a, b):
        if side.provider_names:
            parts.append(
                f"{side.name} is offered by {fmt.names_list(side.provider_names)}."
            )
        else:
            parts.append(f"This catalog lists no provider for {side.name}.")
    if facts.shared_provider_names:
        parts.append(f"Both are on {fmt.names_list(facts.shared_provider_names)}.")
    return FAQEntry(question, " ".join(parts))


def _faq_largest_gap(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    gap = facts.largest_gap
    if gap is None:
        return None
    row = next(r for r in facts.benchmarks if r.slug == gap.benchmark)
    leader = facts.name(gap.leader)
    other = facts.name(a.slug if gap.leader == b.slug else b.slug)
    question = f"Which scores better on {gap.name}, {a.name} or {b.name}?"
    answer = (
        f"{leader}, with {row.displays[gap.leader].text} against "
        f"{row.displays[a.slug if gap.leader == b.slug else b.slug].text} for {other}: "
        f"a lead of {gap.gap_text}, the widest between them on a benchmark scored in percent."
    )
    unverified = [facts.name(slug) for slug, ok in row.verified.items() if ok is False]
    if len(unverified) == 1:
        answer += f" The score of {unverified[0]} is vendor-reported."
    elif unverified:
        answer += " Both scores are vendor-reported."
    return FAQEntry(question, answer)


def _on_or_in(value: str) -> str:
    """'on 1 Apr 2025' for a day, 'in Jan 2025' for a month."""
    parts = fmt.partial_date_parts(value)
    preposition = "in" if parts is None or parts[2] is None else "on"
    return f"{preposition} {fmt.partial_date_text(value)}"


def _faq_newer(a: Side, b: Side, facts: _Facts) -> FAQEntry | None:
    date_a, date_b = a.model.release_date, b.model.release_date
    if fmt.partial_date_parts(date_a) is None or fmt.partial_date_parts(date_b) is None:
        return None
    question = f"Which is newer, {a.name} or {b.name}?"
    if facts.newer_release is None:
        if date_a == date_b:
            answer = f"Neither: both were released {_on_or_in(date_a)}."
        else:
            answer = (
                f"Neither, as far as the dates show: {a.name} came out {_on_or_in(date_a)} "
                f"and {b.name} {_on_or_in(date_b)}, the same month."
            )
    else:
        new, old = (a, b) if facts.newer_release == a.slug else (b, a)
        answer = (
            f"{new.name}, released {_on_or_in(new.model.release_date)}; "
            f"{old.name} was released {_on_or_in(old.model.release_date)}."
        )
    return FAQEntry(question, answer)


# --- Freshness, sources, indexing -------------------------------------------------------


def _last_reviewed(a: Side, b: Side) -> tuple[date | None, bool]:
    if a.latest_review is None or b.latest_review is None:
        return None, False
    return min(a.latest_review.reviewed_on, b.latest_review.reviewed_on), True


def _sources(a: ModelFacts, b: ModelFacts) -> tuple[Source, ...]:
    found: dict[str, Source] = {}
    for model in (a, b):
        for review in model.reviews:
            for url in review.sources:
                found.setdefault(
                    url,
                    Source(
                        url,
                        f"{model.name} review ({fmt.date_text(review.reviewed_on)})",
                    ),
                )
    for model in (a, b):
        for score in model.scores:
            if score.source_url:
                kind = "" if score.is_verified else ", vendor-reported"
                found.setdefault(
                    score.source_url,
                    Source(
                        score.source_url,
                        f"{model.name} on {score.benchmark_name}{kind}",
                    ),
                )
    return tuple(found.values())


def _is_indexable(
    a: ModelFacts,
    b: ModelFacts,
    ref_a: PriceRow | None,
    ref_b: PriceRow | None,
    facts: _Facts,
) -> bool:
    if not (a.is_published and b.is_published):
        return False
    if RETIRED in (a.lifecycle, b.lifecycle):
        return False
    thin = (ref_a is None or ref_b is None) and not any(
        r.is_shared for r in facts.benchmarks
    )
    return not thin
