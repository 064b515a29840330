"""A model's facts from the catalog, kept per model until an edit changes them."""

from __future__ import annotations

import dataclasses
import pickle
import zlib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Prefetch,
)

from catalog.cache import is_shared_version
from catalog.models import LLMModel, Offering, Review, Score
from comparisons import derivation
from comparisons.derivation import (
    CuratedFacts,
    FAQEntry,
    ModelFacts,
    OfferingFacts,
    ReviewFacts,
    ScoreFacts,
    TierFacts,
)
from comparisons.models import Comparison as CuratedComparison
from comparisons.services.model_stamps import model_stamps
from vocabulary.bounded_store import BoundedStore
from vocabulary.process_memos import process_memo

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
        record=curated.facts_record,
    )


@dataclasses.dataclass(frozen=True)
class ModelRef:
    """A model as a pair page names it before its facts are read."""

    pk: int
    slug: str
    name: str
    vendor_id: int
    is_published: bool


# --- Facts kept per model ---------------------------------------------------------
# Each process keeps models' facts pickled and compressed (about 1.4 KB a
# generated model, a sixteenth of the objects they make), so a worker holds a
# large catalog's in a few tens of MB; the shared cache holds the same bytes for every process. Both are keyed
# by the model's stamp (comparisons/services/model_stamps.py), which only an
# edit of that model (or of a vendor, provider or benchmark) moves.


# Slug -> (the stamp it was kept under, the packed facts).
_kept = BoundedStore()
process_memo(_kept.clear)


def _packed(facts: ModelFacts) -> bytes:
    # zlib's fastest level halves the pickle (its strings repeat: provider
    # names, addresses, benchmark names) for about 20 µs a model each way.
    return zlib.compress(pickle.dumps(facts, pickle.HIGHEST_PROTOCOL), 1)


def _unpacked(blob: bytes) -> ModelFacts:
    return pickle.loads(zlib.decompress(blob))


def _budget() -> int:
    return int(settings.VERSUS_FACTS_CACHE_MB * 1024 * 1024)


def memoised_facts(version: str, *models: LLMModel | ModelRef) -> list[ModelFacts]:
    """Each model's facts, from this process's memory or the shared cache when
    kept under the model's current stamp, else read from the database.

    The missing ones are read together, from one prefetched query set. Only
    facts of models readers see are kept (a draft's are read each time: writes
    to drafts are not in the change log). Whether a model is published is read
    from the given model, as a scheduled one becomes published with time and
    no edit.
    """
    stamps = model_stamps(version) if is_shared_version(version) else None
    if stamps is None:  # the shared cache is down: nothing is kept
        loaded = _facts_read([m.pk for m in models])
        return [_published_as(loaded[m.slug], m.is_published) for m in models]
    keys = {m.slug: (stamps.mark, stamps.of(m.slug)) for m in models}
    found: dict[str, ModelFacts] = {}
    for slug, key in keys.items():
        kept = _kept.get(slug)
        if kept is not None and kept[0] == key:
            found[slug] = _unpacked(kept[1])
    missing = [m for m in models if m.slug not in found]
    if missing:
        found.update(_shared_facts(keys, missing))
    return [_published_as(found[m.slug], m.is_published) for m in models]


def _published_as(facts: ModelFacts, is_published: bool) -> ModelFacts:
    if facts.is_published == is_published:
        return facts  # the common case: no copy of every field
    return dataclasses.replace(facts, is_published=is_published)


def _shared_facts_key(slug: str, key: tuple) -> str:
    mark, stamp = key
    return f"facts:{settings.VERSUS_RELEASE}:{mark}:{stamp}:{slug}"


def _facts_read(pks: list[int]) -> dict[str, ModelFacts]:
    return {
        model.slug: model_facts(model)
        for model in _models_queryset().filter(pk__in=pks)
    }


def _shared_facts(
    keys: dict[str, tuple], models: list[LLMModel | ModelRef]
) -> dict[str, ModelFacts]:
    """Facts this process does not keep: from the shared cache, else from the
    database (then kept here and in the shared cache).

    With several workers on several servers, a model's facts are read from the
    database once per edit of that model, not once per process: the others pay
    a cache round trip instead of five queries.
    """
    budget = _budget()
    names = {_shared_facts_key(m.slug, keys[m.slug]): m.slug for m in models}
    found: dict[str, ModelFacts] = {}
    for name, blob in cache.get_many(list(names)).items():
        slug = names[name]
        found[slug] = _unpacked(blob)
        _kept.put(slug, (keys[slug], blob), len(blob), budget)
    unread = [m.pk for m in models if m.slug not in found]
    if unread:
        shared = {}
        for slug, facts in _facts_read(unread).items():
            found[slug] = facts
            if facts.is_published:
                blob = _packed(facts)
                _kept.put(slug, (keys[slug], blob), len(blob), budget)
                shared[_shared_facts_key(slug, keys[slug])] = blob
        if shared:
            cache.set_many(shared)
    return found


def reference_blended(facts: ModelFacts, weight: Decimal) -> Decimal | None:
    offering = derivation.reference_offering(facts, weight)
    if offering is None:
        return None
    return derivation.blended_price(offering.input_price, offering.output_price, weight)
