import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import ComparisonFAQ, LLMModel, PartnerKey, PriceTier
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)


@pytest.fixture
def partner_key():
    """A fresh key (the stored row and the secret the partner holds)."""
    return PartnerKey.objects.create_key(name="Acme Mirror")


@pytest.fixture
def api(partner_key):
    """An API client that sends the partner's key."""
    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key[1]}")
    return api_client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def catalog(db):
    """A small catalog with one of everything, a draft and fixed values for pinning."""
    openai = VendorFactory(slug="openai", name="OpenAI", website="https://openai.com")
    xai = VendorFactory(slug="xai", name="xAI", website="https://x.ai")
    openrouter = ProviderFactory(
        slug="openrouter", name="OpenRouter", website="https://openrouter.ai"
    )
    azure = ProviderFactory(
        slug="azure", name="Azure", website="https://azure.example.com"
    )
    swe = BenchmarkFactory(
        slug="swe-bench-verified",
        name="SWE-bench Verified",
        unit="%",
        url="https://swebench.com",
    )
    mini = LLMModelFactory(
        slug="gpt-4-1-mini",
        name="GPT-4.1 Mini",
        vendor=openai,
        release_date="2025-04-14",
        knowledge_cutoff="2024-06",
        context_window=1_047_576,
        max_output_tokens=32_768,
        vision=True,
        multimodal=True,
        reasoning=False,
        input_modalities=["text", "image"],
        output_modalities=["text"],
        description="Small and fast.",
    )
    grok = LLMModelFactory(
        slug="grok-4-20",
        name="Grok 4.20",
        vendor=xai,
        release_date="2026-02",
        context_window=2_000_000,
        vision=False,
        reasoning=True,
    )
    draft = LLMModelFactory(
        slug="secret-model",
        name="Secret Model",
        vendor=openai,
        status=LLMModel.Status.DRAFT,
        context_window=4_000_000,
    )
    offering = OfferingFactory(
        model=mini,
        provider=openrouter,
        provider_model_id="openai/gpt-4.1-mini",
        input_price=Decimal("0.40"),
        output_price=Decimal("1.60"),
        cached_input_price=Decimal("0.10"),
        checked_on=dt.date(2026, 11, 1),
        url="https://openrouter.ai/openai/gpt-4.1-mini",
    )
    PriceTier.objects.create(
        offering=offering,
        above_tokens=200_000,
        input_price=Decimal("0.80"),
        output_price=Decimal("3.20"),
    )
    OfferingFactory(
        model=grok,
        provider=openrouter,
        input_price=Decimal("2.00"),
        output_price=Decimal("6.00"),
        checked_on=dt.date(2026, 11, 1),
    )
    OfferingFactory(
        model=grok,
        provider=azure,
        input_price=Decimal("3.00"),
        output_price=Decimal("15.00"),
        is_available=False,
        checked_on=dt.date(2026, 11, 1),
    )
    OfferingFactory(
        model=draft,
        provider=openrouter,
        input_price=Decimal("0.01"),
        output_price=Decimal("0.02"),
    )
    ScoreFactory(
        model=mini,
        benchmark=swe,
        value=Decimal("23.6"),
        measured_on=dt.date(2025, 4, 14),
    )
    ScoreFactory(
        model=grok,
        benchmark=swe,
        value=Decimal("76.7"),
        is_verified=True,
        measured_on=None,
    )
    ScoreFactory(model=draft, benchmark=swe, value=Decimal("99.0"))
    ReviewFactory(
        model=mini,
        reviewed_on=dt.date(2026, 5, 14),
        reviewer="Editorial team",
        summary="Checked.",
        body="All **good**.",
        sources=["https://platform.openai.com/docs/models"],
    )
    curated = ComparisonFactory(
        model_a=grok,
        model_b=mini,
        is_featured=True,
        intro="Two sizes, two vendors.",
        verdict="Mini for price, Grok for code.",
    )
    ComparisonFAQ.objects.create(
        comparison=curated,
        question="Which is cheaper?",
        answer="GPT-4.1 Mini.",
        position=1,
    )
    ComparisonFactory(model_a=mini, model_b=draft, intro="Not yet public.")
    return {
        "curated": curated,
        "mini": mini,
        "grok": grok,
        "draft": draft,
        "swe": swe,
        "openai": openai,
    }
