"""The reference pair (GPT-4.1 Mini vs Grok 4.20) as plain derivation input, from the demo catalog."""

from datetime import date
from decimal import Decimal

from comparisons.derivation import (
    ModelFacts,
    OfferingFacts,
    ReviewFacts,
    ScoreFacts,
    TierFacts,
)

TODAY = date(2026, 7, 15)


def offering(provider: str, input_price: str | None, output_price: str | None, **extra):
    return OfferingFacts(
        provider_slug=provider,
        provider_name=extra.pop("provider_name", provider.capitalize()),
        input_price=None if input_price is None else Decimal(input_price),
        output_price=None if output_price is None else Decimal(output_price),
        source_url=extra.pop("source_url", f"https://{provider}.example.com/pricing"),
        checked_on=extra.pop("checked_on", date(2026, 7, 1)),
        **extra,
    )


def swe_bench(value: str, **extra) -> ScoreFacts:
    return ScoreFacts(
        benchmark_slug="swe-bench-verified",
        benchmark_name="SWE-bench Verified",
        value=Decimal(value),
        unit="%",
        higher_is_better=True,
        **extra,
    )


GPT_41_MINI = ModelFacts(
    slug="gpt-4-1-mini",
    name="GPT-4.1 Mini",
    vendor_slug="openai",
    vendor_name="OpenAI",
    release_date="2025-04-01",
    knowledge_cutoff="2025-01",
    context_window=1_000_000,
    max_output_tokens=32_768,
    architecture="decoder only",
    license="Proprietary",
    open_weights=False,
    input_modalities=("text", "image", "pdf"),
    output_modalities=("text",),
    vision=True,
    multimodal=True,
    reasoning=False,
    function_calling=True,
    tool_use=True,
    structured_outputs=True,
    code_execution=True,
    offerings=(
        offering(
            "openai",
            "0.40",
            "1.60",
            provider_name="OpenAI",
            cached_input_price=Decimal("0.10"),
        ),
        offering("openrouter", "0.40", "1.60", provider_name="OpenRouter"),
        offering(
            "replicate",
            "0.40",
            "1.60",
            provider_name="Replicate",
            checked_on=date(2026, 5, 14),
        ),
    ),
    scores=(swe_bench("23.6", source_url="https://openai.com/index/gpt-4-1/"),),
    reviews=(
        ReviewFacts(
            reviewed_on=date(2026, 5, 14),
            reviewer="Versus editorial team",
            sources=(
                "https://platform.openai.com/docs/models/gpt-4.1-mini",
                "https://openai.com/index/gpt-4-1/",
            ),
        ),
    ),
)

GROK_4_20 = ModelFacts(
    slug="grok-4-20",
    name="Grok 4.20",
    vendor_slug="xai",
    vendor_name="xAI",
    release_date="2026-01-01",
    context_window=2_000_000,
    max_output_tokens=30_000,
    license="Proprietary",
    open_weights=False,
    input_modalities=("text",),
    output_modalities=("text",),
    vision=False,
    multimodal=False,
    reasoning=True,
    function_calling=True,
    tool_use=True,
    structured_outputs=True,
    code_execution=False,
    offerings=(
        offering(
            "xai",
            "1.25",
            "2.50",
            provider_name="xAI",
            context_window=1_000_000,
            tiers=(TierFacts(200_000, Decimal("2.50"), Decimal("5.00")),),
        ),
        offering("openrouter", "1.25", "2.50", provider_name="OpenRouter"),
    ),
    scores=(swe_bench("76.7", source_url="https://docs.x.ai/docs/models"),),
    reviews=(
        ReviewFacts(
            reviewed_on=date(2026, 5, 14),
            reviewer="Versus editorial team",
            sources=(
                "https://docs.x.ai/docs/models",
                "https://openrouter.ai/x-ai/grok-4.20",
            ),
        ),
    ),
)
