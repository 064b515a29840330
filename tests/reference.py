"""The reference pair, GPT-4.1 Mini vs Grok 4.20, built one way for every test.

`reference_pair()` writes the two models and everything around them to the
database; each fixture passes only what its tests pin differently (dates,
prices, hosts, extra fields). The same pair as plain derivation input, for
tests that need no database, is in `tests.comparisons.reference_pair`.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from catalog.models import LLMModel
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)

MINI = "gpt-4-1-mini"
GROK = "grok-4-20"

MINI_FIELDS: dict[str, Any] = {
    "slug": MINI,
    "name": "GPT-4.1 Mini",
    "release_date": "2025-04-01",
    "context_window": 1_000_000,
    "vision": True,
    "reasoning": False,
}
GROK_FIELDS: dict[str, Any] = {
    "slug": GROK,
    "name": "Grok 4.20",
    "release_date": "2026-01-01",
    "context_window": 2_000_000,
    "vision": False,
    "reasoning": True,
}
# Provider slug -> hosted models, in the order the offerings are written.
HOSTS: dict[str, tuple[str, ...]] = {
    MINI: ("openai", "openrouter", "replicate"),
    GROK: ("xai", "openrouter"),
}
PRICES: dict[str, tuple[str, str]] = {MINI: ("0.40", "1.60"), GROK: ("1.25", "2.50")}
SWE_BENCH: dict[str, str] = {MINI: "23.6", GROK: "76.7"}


def reference_pair(
    *,
    mini: Mapping[str, Any] = (),
    grok: Mapping[str, Any] = (),
    vendors: Mapping[str, Mapping[str, Any]] = (),
    providers: Mapping[str, Mapping[str, Any]] = (),
    benchmark: Mapping[str, Any] = (),
    hosts: Mapping[str, Iterable[str]] = (),
    offerings: Mapping[tuple[str, str], Mapping[str, Any]] = (),
    prices: Mapping[str, tuple[str, str]] = (),
    scores: Mapping[str, Mapping[str, Any]] = (),
    reviews: Mapping[str, Mapping[str, Any] | None] = (),
    offering_fields: Mapping[str, Any] = (),
    score_fields: Mapping[str, Any] = (),
) -> tuple[LLMModel, LLMModel]:
    """GPT-4.1 Mini and Grok 4.20 with their offerings, SWE-bench scores and reviews.

    Every mapping overrides the defaults above for the part it names: `mini` and
    `grok` model fields, `vendors`/`providers` rows by slug, `hosts` the providers
    per model slug, `offerings` one offering's fields by (model slug, provider
    slug), `offering_fields`/`score_fields` fields given to all of them, and
    `reviews` a model's review fields (None for no review).
    """
    vendors, providers, hosts = dict(vendors), dict(providers), dict(hosts)
    offerings, prices, scores = dict(offerings), dict(prices), dict(scores)
    reviews, benchmark = dict(reviews), dict(benchmark)
    openai = VendorFactory(
        slug="openai", **{"name": "OpenAI", **vendors.get("openai", {})}
    )
    xai = VendorFactory(slug="xai", **{"name": "xAI", **vendors.get("xai", {})})
    swe = BenchmarkFactory(
        **{"slug": "swe-bench-verified", "name": "SWE-bench Verified", **benchmark}
    )
    pair = (
        LLMModelFactory(**{**MINI_FIELDS, "vendor": openai, **dict(mini)}),
        LLMModelFactory(**{**GROK_FIELDS, "vendor": xai, **dict(grok)}),
    )
    for key, model in zip((MINI, GROK), pair, strict=True):
        input_price, output_price = prices.get(key, PRICES[key])
        for host in hosts.get(key, HOSTS[key]):
            OfferingFactory(
                **{
                    "model": model,
                    "provider": ProviderFactory(slug=host, **providers.get(host, {})),
                    "input_price": Decimal(input_price),
                    "output_price": Decimal(output_price),
                    **dict(offering_fields),
                    **offerings.get((key, host), {}),
                }
            )
    for key, model in zip((MINI, GROK), pair, strict=True):
        ScoreFactory(
            **{
                "model": model,
                "benchmark": swe,
                "value": Decimal(SWE_BENCH[key]),
                **dict(score_fields),
                **scores.get(key, {}),
            }
        )
    for key, model in zip((MINI, GROK), pair, strict=True):
        review = reviews.get(key, {"reviewed_on": dt.date(2026, 5, 14)})
        if review is not None:
            ReviewFactory(model=model, **review)
    return pair
