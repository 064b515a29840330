"""One pair's comparison built from the catalog: facts, curated text, related pairs."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import LLMModel
from comparisons import derivation
from comparisons.derivation import (
    Comparison,
)
from comparisons.models import Comparison as CuratedComparison
from comparisons.services.facts import (
    ModelRef,
    blend_input_weight,
    curated_facts,
    memoised_facts,
    reference_blended,
)
from comparisons.services.related import related_pairs
from comparisons.services.related_index import related_index


def comparison_build(
    *,
    model_a: LLMModel | ModelRef,
    model_b: LLMModel | ModelRef,
    today: date | None = None,
) -> Comparison:
    """The derived comparison of two models.

    Everything read from the catalog is kept in this process per catalog version
    (which every edit replaces): the models' facts and the related-pairs index. So
    the first page after an edit loads them (a fixed number of queries) and later
    pages only read the pair's curated comparison, if it has one.
    """
    version = catalog_version()
    weight = blend_input_weight()
    index = related_index(version, weight)
    facts_a, facts_b = memoised_facts(version, model_a, model_b)
    curated = None
    if frozenset((model_a.pk, model_b.pk)) in index.curated_pairs:
        curated = (
            CuratedComparison.objects.for_pair(model_a.pk, model_b.pk)
            .prefetch_related("faq_entries")
            .first()
        )
    return derivation.comparison_derive(
        model_a=facts_a,
        model_b=facts_b,
        curated=curated_facts(curated),
        related=related_pairs(
            model_a=model_a,
            model_b=model_b,
            price_a=reference_blended(facts_a, weight),
            price_b=reference_blended(facts_b, weight),
            index=index,
        ),
        today=today or timezone.localdate(),
        blend_input_weight=weight,
        review_stale_days=settings.VERSUS_REVIEW_STALE_DAYS,
        price_stale_days=settings.VERSUS_PRICE_STALE_DAYS,
    )
