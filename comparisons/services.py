"""Load a pair from the catalog as plain facts and derive its comparison."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from catalog.models import (
    Comparison as CuratedComparison,
)
from catalog.models import (
    LLMModel,
    Offering,
    Review,
    Score,
)
from comparisons import derivation
from comparisons.derivation import (
    Comparison,
    CuratedFacts,
    FAQEntry,
    ModelFacts,
    OfferingFacts,
    RelatedPair,
    ReviewFacts,
    ScoreFacts,
    TierFacts,
)

PAIR_SEPARATOR = "-vs-"


def pair_slug(a: str, b: str) -> str:
    """The canonical "<a>-vs-<b>" of two model slugs (code-point order)."""
    return derivation.pair_slug(a, b)


def pair_parse(pair: str) -> list[tuple[str, str]]:
    """Every (a, b) a "<a>-vs-<b>" string could mean; model slugs never contain '-vs-'."""
    candidates = []
    start = 0
    while (index := pair.find(PAIR_SEPARATOR, start)) != -1:
        a, b = pair[:index], pair[index + len(PAIR_SEPARATOR) :]
        if a and b and PAIR_SEPARATOR not in a and PAIR_SEPARATOR not in b:
            candidates.append((a, b))
        start = index + 1
    return candidates


def blend_input_weight() -> Decimal:
    return Decimal(str(settings.VERSUS_BLEND_INPUT_WEIGHT))


def _models_queryset():
    return LLMModel.objects.select_related("vendor").prefetch_related(
        Prefetch(
            "offerings",
            queryset=Offering.objects.select_related("provider")
            .prefetch_related("tiers")
            .order_by("provider__slug"),
        ),
        Prefetch(
            "scores",
            queryset=Score.objects.select_related("benchmark").order_by(
                "benchmark__slug"
            ),
        ),
        Prefetch("reviews", queryset=Review.objects.order_by("-reviewed_on", "id")),
    )


def model_facts(model: LLMModel) -> ModelFacts:
    """A prefetched LLMModel as the derivation's plain input."""
    offerings = tuple(
        OfferingFacts(
            provider_slug=o.provider.slug,
            provider_name=o.provider.name,
            provider_url=o.provider.get_absolute_url(),
            provider_model_id=o.provider_model_id,
            input_price=o.input_price,
            output_price=o.output_price,
            cached_input_price=o.cached_input_price,
            cache_write_price=o.cache_write_price,
            tiers=tuple(
                TierFacts(t.above_tokens, t.input_price, t.output_price)
                for t in o.tiers.all()
            ),
            context_window=o.context_window,
            is_available=o.is_available,
            url=o.url,
            source_url=o.source_url,
            checked_on=o.checked_on,
        )
        for o in model.offerings.all()
    )
    scores = tuple(
        ScoreFacts(
            benchmark_slug=s.benchmark.slug,
            benchmark_name=s.benchmark.name,
            value=s.value,
            unit=s.benchmark.unit,
            higher_is_better=s.benchmark.higher_is_better,
            benchmark_url=s.benchmark.get_absolute_url(),
            is_verified=s.is_verified,
            source_url=s.source_url,
            measured_on=s.measured_on,
        )
        for s in model.scores.all()
    )
    reviews = tuple(
        ReviewFacts(
            reviewed_on=r.reviewed_on,
            reviewer=r.reviewer,
            summary=r.summary,
            sources=tuple(r.sources or ()),
        )
        for r in model.reviews.all()
    )
    stamps = [model.updated_at, model.vendor.updated_at]
    stamps += [o.updated_at for o in model.offerings.all()]
    stamps += [o.provider.updated_at for o in model.offerings.all()]
    stamps += [s.updated_at for s in model.scores.all()]
    stamps += [s.benchmark.updated_at for s in model.scores.all()]
    stamps += [r.updated_at for r in model.reviews.all()]
    return ModelFacts(
        slug=model.slug,
        name=model.name,
        vendor_slug=model.vendor.slug,
        vendor_name=model.vendor.name,
        vendor_url=model.vendor.get_absolute_url(),
        url=model.get_absolute_url(),
        status=model.status,
        is_published=model.is_published,
        release_date=model.release_date or None,
        knowledge_cutoff=model.knowledge_cutoff or None,
        context_window=model.context_window,
        max_output_tokens=model.max_output_tokens,
        parameters_billions=model.parameters_billions,
        architecture=model.architecture or None,
        license=model.license or None,
        open_weights=model.open_weights,
        input_modalities=tuple(model.input_modalities or ()),
        output_modalities=tuple(model.output_modalities or ()),
        vision=model.vision,
        multimodal=model.multimodal,
        reasoning=model.reasoning,
        function_calling=model.function_calling,
        tool_use=model.tool_use,
        structured_outputs=model.structured_outputs,
        code_execution=model.code_execution,
        lifecycle=model.lifecycle,
        deprecation_date=model.deprecation_date,
        offerings=offerings,
        scores=scores,
        reviews=reviews,
        updated_at=max(s for s in stamps if s is not None),
    )


def curated_facts(curated: CuratedComparison | None) -> CuratedFacts | None:
    if curated is None:
        return None
    return CuratedFacts(
        intro=curated.intro,
        verdict=curated.verdict,
        is_featured=curated.is_featured,
        faq=tuple(
            FAQEntry(question=e.question, answer=e.answer, is_markdown=True)
            for e in curated.faq_entries.all()
        ),
        updated_at=curated.updated_at,
    )


def comparison_build(
    *, model_a: LLMModel, model_b: LLMModel, today: date | None = None
) -> Comparison:
    """The derived comparison of two models, loaded in a fixed number of queries."""
    loaded = {
        m.pk: m for m in _models_queryset().filter(pk__in=[model_a.pk, model_b.pk])
    }
    first, second = loaded[model_a.pk], loaded[model_b.pk]
    curated = (
        CuratedComparison.objects.for_pair(first, second)
        .prefetch_related("faq_entries")
        .first()
    )
    return derivation.comparison_derive(
        model_a=model_facts(first),
        model_b=model_facts(second),
        curated=curated_facts(curated),
        related=related_pairs(model_a=first, model_b=second),
        today=today or timezone.localdate(),
        blend_input_weight=blend_input_weight(),
        review_stale_days=settings.VERSUS_REVIEW_STALE_DAYS,
        price_stale_days=settings.VERSUS_PRICE_STALE_DAYS,
    )


def related_pairs(*, model_a: LLMModel, model_b: LLMModel) -> tuple[RelatedPair, ...]:
    """Up to six other pairs involving A or B (filled in below)."""
    return ()
