"""Load a pair from the catalog as plain facts and derive its comparison."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import DecimalField, ExpressionWrapper, F, Min, Prefetch, Q, Value
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


BLEND_WEIGHT_MESSAGE = (
    "VERSUS_BLEND_INPUT_WEIGHT must be a number from 0 to 1 (the share of input "
    "tokens in a blended price), e.g. 0.7; got {value!r}."
)


def blend_input_weight() -> Decimal:
    """The blend's input share from settings, as an exact decimal."""
    value = settings.VERSUS_BLEND_INPUT_WEIGHT
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite() or not 0 <= weight <= 1:
        raise ImproperlyConfigured(BLEND_WEIGHT_MESSAGE.format(value=value))
    return weight


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
    facts_a, facts_b = model_facts(first), model_facts(second)
    curated = (
        CuratedComparison.objects.for_pair(first, second)
        .prefetch_related("faq_entries")
        .first()
    )
    weight = blend_input_weight()
    return derivation.comparison_derive(
        model_a=facts_a,
        model_b=facts_b,
        curated=curated_facts(curated),
        related=related_pairs(
            model_a=first,
            model_b=second,
            price_a=_reference_blended(facts_a, weight),
            price_b=_reference_blended(facts_b, weight),
        ),
        today=today or timezone.localdate(),
        blend_input_weight=weight,
        review_stale_days=settings.VERSUS_REVIEW_STALE_DAYS,
        price_stale_days=settings.VERSUS_PRICE_STALE_DAYS,
    )


def _reference_blended(facts: ModelFacts, weight: Decimal) -> Decimal | None:
    offering = derivation.reference_offering(facts, weight)
    if offering is None:
        return None
    return derivation.blended_price(offering.input_price, offering.output_price, weight)


# --- "Continue comparing" ---------------------------------------------------------------

RELATED_LIMIT = 6
# Same-vendor pairs per model, so that a large vendor leaves room for price neighbours.
SAME_VENDOR_PER_MODEL = 2
# Offerings read on each side of a price; several may belong to one model.
PRICE_NEIGHBOURS = 12


def _published_q(prefix: str = "") -> Q:
    """LLMModel.objects.published() as a Q on a related model (e.g. prefix 'model__')."""
    return Q(**{f"{prefix}status": LLMModel.Status.PUBLISHED}) | Q(
        **{
            f"{prefix}status": LLMModel.Status.DRAFT,
            f"{prefix}publish_at__isnull": False,
            f"{prefix}publish_at__lte": timezone.now(),
        }
    )


def blended_expression(weight: Decimal):
    """The blended price of an offering as a database expression.

    With the default weight it is the expression of the `offering_blended_price`
    index, which PostgreSQL uses for the nearest-price range scans (SQLite does not,
    as it binds the weights as parameters; with another weight the scan is correct
    but unindexed).
    """
    return ExpressionWrapper(
        F("input_price") * Value(weight) + F("output_price") * Value(1 - weight),
        output_field=DecimalField(max_digits=20, decimal_places=8),
    )


def related_pairs(
    *,
    model_a: LLMModel,
    model_b: LLMModel,
    price_a: Decimal | None = None,
    price_b: Decimal | None = None,
) -> tuple[RelatedPair, ...]:
    """Up to six other pairs with A or B: featured curated ones, same vendor, nearest price.

    Each step is an indexed, LIMITed query, so the cost stays flat as the catalog grows.
    """
    pair_ids = {model_a.pk, model_b.pk}
    found: dict[str, RelatedPair] = {}

    def add(one: LLMModel, other_slug: str, other_name: str, reason: str) -> None:
        slug = pair_slug(one.slug, other_slug)
        if slug in found or slug == pair_slug(model_a.slug, model_b.slug):
            return
        names = sorted([(one.slug, one.name), (other_slug, other_name)])
        found[slug] = RelatedPair(
            slug=slug,
            title=derivation.pair_title(names[0][1], names[1][1]),
            model_a_slug=names[0][0],
            model_b_slug=names[1][0],
            reason=reason,
        )

    for curated in _featured_comparisons(pair_ids):
        ours, theirs = (
            (curated.model_a, curated.model_b)
            if curated.model_a_id in pair_ids
            else (curated.model_b, curated.model_a)
        )
        add(ours, theirs.slug, theirs.name, "featured")
    for mine, other in _same_vendor(model_a, model_b):
        add(mine, other.slug, other.name, "same-vendor")
    for mine, other in _nearest_price(model_a, model_b, price_a, price_b):
        add(mine, other["slug"], other["name"], "price")
    if len(found) < RELATED_LIMIT:
        # Unpriced models are near nothing: fill up with recently updated ones, so
        # that "continue comparing" is never empty while other models exist.
        for mine, other in _recently_updated(model_a, model_b):
            add(mine, other.slug, other.name, "recent")
    return tuple(found.values())[:RELATED_LIMIT]


def _recently_updated(
    model_a: LLMModel, model_b: LLMModel
) -> list[tuple[LLMModel, LLMModel]]:
    others = (
        LLMModel.objects.published()
        .exclude(pk__in=[model_a.pk, model_b.pk])
        .order_by("-updated_at", "pk")[:RELATED_LIMIT]
    )
    return [(model_a if i % 2 == 0 else model_b, o) for i, o in enumerate(others)]


def _featured_comparisons(pair_ids: set[int]) -> list[CuratedComparison]:
    return list(
        CuratedComparison.objects.filter(is_featured=True)
        .filter(Q(model_a__in=pair_ids) | Q(model_b__in=pair_ids))
        .exclude(model_a__in=pair_ids, model_b__in=pair_ids)
        .filter(_published_q("model_a__"), _published_q("model_b__"))
        .select_related("model_a", "model_b")
        .order_by("-updated_at", "pk")[:RELATED_LIMIT]
    )


def _same_vendor(
    model_a: LLMModel, model_b: LLMModel
) -> list[tuple[LLMModel, LLMModel]]:
    """The latest other models of each one's vendor: one LIMITed query per model."""
    taken = [model_a.pk, model_b.pk]
    pairs = []
    for mine in (model_a, model_b):
        siblings = list(
            LLMModel.objects.published()
            .filter(vendor_id=mine.vendor_id)
            .exclude(pk__in=taken)
            .order_by("-release_date", "slug")[:SAME_VENDOR_PER_MODEL]
        )
        taken += [sibling.pk for sibling in siblings]
        pairs += [(mine, sibling) for sibling in siblings]
    return _interleave(pairs, model_a)


def _interleave(pairs: list[tuple], model_a: LLMModel) -> list[tuple]:
    """A's and B's pairs alternately, so that both models get related links."""
    of_a = [p for p in pairs if p[0] is model_a]
    of_b = [p for p in pairs if p[0] is not model_a]
    mixed = []
    for index in range(max(len(of_a), len(of_b))):
        mixed += of_a[index : index + 1] + of_b[index : index + 1]
    return mixed


def _nearest_price(
    model_a: LLMModel,
    model_b: LLMModel,
    price_a: Decimal | None,
    price_b: Decimal | None,
) -> list[tuple[LLMModel, dict]]:
    """Published models whose cheapest blended price is nearest to A's or B's."""
    weight = blend_input_weight()
    exclude = [model_a.pk, model_b.pk]
    base = (
        Offering.objects.available()
        .filter(input_price__isnull=False, output_price__isnull=False)
        .filter(_published_q("model__"))
        .exclude(model_id__in=exclude)
    )
    priced = base.annotate(blended=blended_expression(weight))
    fields = ("model_id", "model__slug", "model__name", "blended")
    candidates: dict[int, dict] = {}
    targets = [
        (m, p) for m, p in ((model_a, price_a), (model_b, price_b)) if p is not None
    ]
    for _, target in targets:
        above = priced.filter(blended__gte=target).order_by("blended", "model__slug")
        below = priced.filter(blended__lt=target).order_by("-blended", "model__slug")
        for row in [
            *above.values(*fields)[:PRICE_NEIGHBOURS],
            *below.values(*fields)[:PRICE_NEIGHBOURS],
        ]:
            candidates.setdefault(row["model_id"], row)
    if not candidates:
        return []
    # An offering found above may not be its model's cheapest: read each candidate's
    # reference price (one bounded query over at most 4 × PRICE_NEIGHBOURS models).
    cheapest = dict(
        base.filter(model_id__in=list(candidates))
        .values("model_id")
        .annotate(lowest=Min(blended_expression(weight)))
        .values_list("model_id", "lowest")
    )
    ranked = []
    for mine, target in targets:
        for model_id, row in candidates.items():
            price = Decimal(str(cheapest.get(model_id, row["blended"])))
            other = {"slug": row["model__slug"], "name": row["model__name"]}
            ranked.append((abs(price - target), other["slug"], mine, other))
    ranked.sort(key=lambda item: (item[0], item[1], item[2] is not model_a))
    return _interleave([(mine, other) for _, _, mine, other in ranked], model_a)
