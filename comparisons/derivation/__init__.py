"""Derive an "A vs B" comparison from two models' facts, by comparison-rules.md.

Pure: plain frozen dataclasses in, plain data out (no ORM, views, templates or HTTP).
comparisons/services/ turns catalog rows into the inputs and calls `comparison_derive`.

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

Output: Comparison (see its attributes); the API renders it as "A comparison as
data" with api.comparisons.serializers.PairSerializer, and pages with templates.
ModelTable (three or four models) is rendered the same way, by ModelTableSerializer.

Modules
  facts       the inputs above, and the capability keys
  results     the outputs: Comparison, Side, PriceRow, PriceClaim, rows and sources
  prices      blended price, reference offering, price rows and price claims
  claims      the facts compared side by side (PairFacts), capabilities, benchmarks, specs
  prose       advantages, verdict, "choose", deep dive, intro and description
  faq         the generated questions and answers
  curated     the facts curated text rests on, and what changed since
  pair        comparison_derive: one pair whole, with freshness, sources and indexing
  table       model_table_derive: three or four models in one table, best values marked
  frontier    price_frontier: the models nobody beats on both price and score
  formatting  numbers, money, tokens and dates as readers see them

The names imported here are the package's surface for the rest of the project.
"""

from comparisons.derivation.claims import (
    model_specs,
)
from comparisons.derivation.curated import (
    FactChange,
    curated_changes,
    curated_record,
)
from comparisons.derivation.facts import (
    CAPABILITY_KEYS,
    CAPABILITY_LABELS,
    PRICE_KINDS,
    RETIRED,
    CuratedFacts,
    FAQEntry,
    ModelFacts,
    OfferingFacts,
    RelatedPair,
    ReviewFacts,
    ScoreFacts,
    TierFacts,
    distinct_names,
    lifecycle_on,
    model_on,
)
from comparisons.derivation.frontier import (
    QualityPoint,
    price_frontier,
)
from comparisons.derivation.pair import (
    comparison_derive,
    pair_title,
)
from comparisons.derivation.prices import (
    blend_text,
    blended_price,
    cheapest_offering,
    model_price_rows,
    provider_names,
    reference_offering,
    serving_providers,
)
from comparisons.derivation.prose import lifecycle_sentence
from comparisons.derivation.results import (
    Advantage,
    BenchmarkRow,
    CapabilityRow,
    Comparison,
    LargestGap,
    PriceClaim,
    PriceRow,
    Side,
    Source,
    SpecRow,
)
from comparisons.derivation.table import (
    MAX_MODELS,
    MIN_MODELS,
    ModelTable,
    TableRow,
    model_table_derive,
    models_title,
)
from vocabulary.slugs import models_parse, models_slug, pair_slug

__all__ = [
    "CAPABILITY_KEYS",
    "CAPABILITY_LABELS",
    "MAX_MODELS",
    "MIN_MODELS",
    "PRICE_KINDS",
    "RETIRED",
    "Advantage",
    "BenchmarkRow",
    "CapabilityRow",
    "Comparison",
    "FactChange",
    "CuratedFacts",
    "FAQEntry",
    "LargestGap",
    "ModelFacts",
    "ModelTable",
    "OfferingFacts",
    "PriceClaim",
    "PriceRow",
    "QualityPoint",
    "RelatedPair",
    "ReviewFacts",
    "ScoreFacts",
    "Side",
    "Source",
    "SpecRow",
    "TableRow",
    "TierFacts",
    "blend_text",
    "blended_price",
    "cheapest_offering",
    "comparison_derive",
    "curated_changes",
    "curated_record",
    "distinct_names",
    "lifecycle_on",
    "lifecycle_sentence",
    "model_price_rows",
    "model_on",
    "model_specs",
    "model_table_derive",
    "models_parse",
    "models_slug",
    "models_title",
    "pair_slug",
    "pair_title",
    "price_frontier",
    "provider_names",
    "reference_offering",
    "serving_providers",
]
