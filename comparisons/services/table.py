"""Several models' table built from the catalog, and a model's facts by reference."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import LLMModel
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
