import datetime as dt

import pytest
from django.core.cache import caches

from vocabulary.process_memos import forget_process_memos


def _clear_caches() -> None:
    for alias in ("default", "counters"):
        caches[alias].clear()
    forget_process_memos()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty shared caches and the memory of a new process
    (every registered per-process memo), so nothing leaks between tests."""
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def reference_models(db):
    """GPT-4.1 Mini and Grok 4.20 with the facts of the reference comparison page."""
    from tests.reference import GROK, MINI, reference_pair

    return reference_pair(
        mini={
            "knowledge_cutoff": "2025-01",
            "architecture": "decoder only",
            "license": "Proprietary",
            "open_weights": False,
            "multimodal": True,
            "function_calling": True,
            "tool_use": True,
            "structured_outputs": True,
            "code_execution": True,
        },
        grok={
            "license": "Proprietary",
            "open_weights": False,
            "multimodal": False,
            "function_calling": True,
            "tool_use": True,
            "structured_outputs": True,
            "code_execution": False,
        },
        providers={
            "openai": {"name": "OpenAI API"},
            "openrouter": {"name": "OpenRouter"},
            "replicate": {"name": "Replicate"},
            "xai": {"name": "xAI API"},
        },
        benchmark={"unit": "%"},
        offering_fields={"checked_on": dt.date.today()},
        score_fields={"is_verified": False},
        reviews={
            MINI: {"reviewed_on": dt.date(2026, 5, 14)},
            GROK: {"reviewed_on": dt.date(2026, 5, 14)},
        },
    )


@pytest.fixture
def quartet(db):
    """Four published models with prices, dates and scores that rank differently."""
    from decimal import Decimal

    from catalog.models import LLMModel
    from tests.factories import (
        BenchmarkFactory,
        LLMModelFactory,
        OfferingFactory,
        ProviderFactory,
        ScoreFactory,
        VendorFactory,
    )

    vendor = VendorFactory(slug="acme", name="Acme")
    host = ProviderFactory(slug="hostco", name="HostCo")
    mmlu = BenchmarkFactory(slug="mmlu", name="MMLU", unit="%")
    errors = BenchmarkFactory(
        slug="errors", name="Error rate", unit="%", higher_is_better=False
    )
    specs = {
        "alpha": ("0.40", "1.60", 1_000_000, "2025-04-01", True),
        "beta": ("0.40", "2.00", 2_000_000, "2025-06", None),
        "gamma": (None, None, 2_000_000, "2025-05-20", False),
        "delta": ("3", "15", 200_000, "2024-11-01", True),
    }
    models = {}
    for slug, (inp, out, context, released, vision) in specs.items():
        model = LLMModelFactory(
            slug=slug,
            name=slug.capitalize(),
            vendor=vendor,
            context_window=context,
            release_date=released,
            vision=vision,
        )
        if inp is not None:
            OfferingFactory(
                model=model,
                provider=host,
                input_price=Decimal(inp),
                output_price=Decimal(out),
            )
        models[slug] = model
    for slug, value in (("alpha", "80"), ("beta", "85"), ("gamma", "85")):
        ScoreFactory(model=models[slug], benchmark=mmlu, value=Decimal(value))
    for slug, value in (("alpha", "3.5"), ("delta", "2.0")):
        ScoreFactory(model=models[slug], benchmark=errors, value=Decimal(value))
    models["draft"] = LLMModelFactory(
        slug="draft-one", vendor=vendor, status=LLMModel.Status.DRAFT
    )
    return models
