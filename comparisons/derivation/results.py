"""What the derivation gives back: a pair's sides, claims and rows, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from comparisons.derivation.facts import (
    FAQEntry,
    ModelFacts,
    RelatedPair,
    ReviewFacts,
    TierFacts,
)
from comparisons.derivation.formatting import Display

if TYPE_CHECKING:
    from comparisons.derivation.curated import FactChange

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
    largest_gap_note: str  # what the key number says when there is no largest gap
    shared_providers: tuple[str, ...]  # slugs, in slug order
    shared_provider_names: tuple[str, ...]
    intro: str
    intro_is_curated: bool  # curated text is Markdown
    verdict: str
    verdict_is_curated: bool
    # False when curated text exists but is withheld: facts it rests on changed.
    curated_current: bool
    curated_changes: tuple[FactChange, ...]
    deep_dive: tuple[str, ...]  # paragraphs
    faq: tuple[FAQEntry, ...]
    related: tuple[RelatedPair, ...]
    today: date  # the day it was derived for: dates are spoken of relative to it
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
