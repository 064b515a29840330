"""What the derivation takes in: one model's facts, as plain frozen dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# The shared capability keys and labels, named here for the derivation.
from vocabulary.capabilities import CAPABILITIES as CAPABILITY_KEYS  # noqa: F401
from vocabulary.capabilities import CAPABILITY_LABELS  # noqa: F401

PRICE_KINDS = ("input", "output", "blended")
RETIRED = "retired"
DEPRECATED = "deprecated"


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

    @property
    def is_retired(self) -> bool:
        return self.lifecycle == RETIRED


def lifecycle_on(model: ModelFacts, today: date) -> str:
    """The model's lifecycle as of today: from its deprecation date on it is retired."""
    if model.deprecation_date is not None and today >= model.deprecation_date:
        return RETIRED
    return model.lifecycle


def model_on(model: ModelFacts, today: date) -> ModelFacts:
    """The model as it stands on `today` (the calendar can retire it, no edit needed)."""
    lifecycle = lifecycle_on(model, today)
    if lifecycle == model.lifecycle:
        return model
    return dataclasses.replace(model, lifecycle=lifecycle)


def distinct_names(slugs_and_names: list[tuple[str, str]]) -> list[str]:
    """The names, each that another shares (case aside) followed by its slug.

    The catalog can hold one model under several slugs; "Opus 4.6 is cheaper than
    Opus 4.6" is a sentence no reader can check, so such names carry the slug.
    """
    counts: dict[str, int] = {}
    for _, name in slugs_and_names:
        counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
    return [
        f"{name} ({slug})" if counts[name.casefold()] > 1 else name
        for slug, name in slugs_and_names
    ]


def names_distinct(models: tuple[ModelFacts, ...]) -> tuple[ModelFacts, ...]:
    """The models, renamed by `distinct_names` where their names coincide."""
    names = distinct_names([(model.slug, model.name) for model in models])
    return tuple(
        model if name == model.name else dataclasses.replace(model, name=name)
        for model, name in zip(models, names, strict=True)
    )


@dataclass(frozen=True)
class FAQEntry:
    question: str
    answer: str
    is_markdown: bool = False  # curated answers are Markdown; generated ones plain text
    topic: str = ""  # what a generated question is about: "context", "price", ...


@dataclass(frozen=True)
class CuratedFacts:
    intro: str = ""
    verdict: str = ""
    is_featured: bool = False
    faq: tuple[FAQEntry, ...] = ()
    updated_at: datetime | None = None
    # The facts the text was written against (derivation.curated); None when
    # none were ever recorded.
    record: dict | None = None


@dataclass(frozen=True)
class RelatedPair:
    slug: str  # canonical "<a>-vs-<b>"
    title: str  # "GPT-4.1 Mini vs Grok 4.20"
    model_a_slug: str
    model_b_slug: str
    reason: str  # "featured", "same-vendor", "price" or "recent" (filler)
