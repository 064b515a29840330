import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.models import PartnerKey
from catalog.models import LLMModel, PriceTier
from comparisons.models import ComparisonFAQ
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ScoreFactory,
)
from tests.reference import GROK, MINI, reference_pair


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
    mini, grok = reference_pair(
        mini={
            "release_date": "2025-04-14",
            "knowledge_cutoff": "2024-06",
            "context_window": 1_047_576,
            "max_output_tokens": 32_768,
            "multimodal": True,
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "description": "Small and fast.",
        },
        grok={"release_date": "2026-02"},
        vendors={
            "openai": {"website": "https://openai.com"},
            "xai": {"website": "https://x.ai"},
        },
        providers={
            "openrouter": {"name": "OpenRouter", "website": "https://openrouter.ai"},
            "azure": {"name": "Azure", "website": "https://azure.example.com"},
        },
        benchmark={"unit": "%", "url": "https://swebench.com"},
        hosts={MINI: ["openrouter"], GROK: ["openrouter", "azure"]},
        prices={MINI: ("0.40", "1.60"), GROK: ("2.00", "6.00")},
        offering_fields={"checked_on": dt.date(2026, 11, 1)},
        offerings={
            (MINI, "openrouter"): {
                "provider_model_id": "openai/gpt-4.1-mini",
                "cached_input_price": Decimal("0.10"),
                "url": "https://openrouter.ai/openai/gpt-4.1-mini",
            },
            (GROK, "azure"): {
                "input_price": Decimal("3.00"),
                "output_price": Decimal("15.00"),
                "is_available": False,
            },
        },
        scores={
            MINI: {"measured_on": dt.date(2025, 4, 14)},
            GROK: {"is_verified": True, "measured_on": None},
        },
        reviews={
            MINI: {
                "reviewed_on": dt.date(2026, 5, 14),
                "reviewer": "Editorial team",
                "summary": "Checked.",
                "body": "All **good**.",
                "sources": ["https://platform.openai.com/docs/models"],
            },
            GROK: None,
        },
    )
    offering = mini.offerings.get()
    openai, openrouter, swe = (
        mini.vendor,
        offering.provider,
        mini.scores.get().benchmark,
    )
    PriceTier.objects.create(
        offering=offering,
        above_tokens=200_000,
        input_price=Decimal("0.80"),
        output_price=Decimal("3.20"),
    )
    draft = LLMModelFactory(
        slug="secret-model",
        name="Secret Model",
        vendor=openai,
        status=LLMModel.Status.DRAFT,
        context_window=4_000_000,
    )
    OfferingFactory(
        model=draft,
        provider=openrouter,
        input_price=Decimal("0.01"),
        output_price=Decimal("0.02"),
    )
    ScoreFactory(model=draft, benchmark=swe, value=Decimal("99.0"))
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
