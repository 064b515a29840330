"""Several models' table built from the catalog, and a model's facts by reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import LLMModel, Offering
from comparisons import derivation
from comparisons.derivation import ModelFacts, ModelTable
from comparisons.services.facts import ModelRef, blend_input_weight, memoised_facts


def model_table_build(
    *, models: list[LLMModel | ModelRef], today: date | None = None
) -> ModelTable:
    """The table of three or four models, from facts kept per catalog version."""
    return derivation.model_table_derive(
        models=memoised_facts(catalog_version(), *models),
        today=today or timezone.localdate(),
        blend_input_weight=blend_input_weight(),
        price_stale_days=settings.VERSUS_PRICE_STALE_DAYS,
    )


def facts_of(*models: LLMModel | ModelRef) -> list[ModelFacts]:
    """The models' facts, from this process's memory when seen since the last edit."""
    return memoised_facts(catalog_version(), *models)


def from_blended_prices(*, model_ids: list[int]) -> dict[int, Decimal]:
    """Each model's blended "from" price (its reference offering's), in one query.

    The lowest blended price over available offerings with both prices, computed
    by the derivation's own blend on exact decimals; a model without one is absent.
    """
    weight = blend_input_weight()
    prices: dict[int, Decimal] = {}
    offerings = (
        Offering.objects.available()
        .filter(
            model_id__in=model_ids,
            input_price__isnull=False,
            output_price__isnull=False,
        )
        .values_list("model_id", "input_price", "output_price")
    )
    for model_id, input_price, output_price in offerings:
        blended = derivation.blended_price(input_price, output_price, weight)
        if model_id not in prices or blended < prices[model_id]:
            prices[model_id] = blended
    return prices
