"""One pair derived whole: its slug, title, and every fact, sentence and flag."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.claims import PairFacts, largest_gap_note, model_specs
from comparisons.derivation.curated import curated_changes, curated_record
from comparisons.derivation.facts import (
    CuratedFacts,
    ModelFacts,
    RelatedPair,
    model_on,
    names_distinct,
)
from comparisons.derivation.faq import pair_faq
from comparisons.derivation.prices import model_price_rows, provider_names
from comparisons.derivation.prose import (
    model_advantages,
    model_choose,
    pair_deep_dive,
    pair_description,
    pair_intro,
    pair_verdict,
)
from comparisons.derivation.results import Comparison, PriceRow, Side, Source
from vocabulary.slugs import pair_slug

# --- Derivation ------------------------------------------------------------------------


def pair_title(name_a: str, name_b: str) -> str:
    return f"{name_a} vs {name_b}"


def comparison_derive(
    *,
    model_a: ModelFacts,
    model_b: ModelFacts,
    today: date,
    curated: CuratedFacts | None = None,
    related: tuple[RelatedPair, ...] = (),
    blend_input_weight: Decimal = Decimal("0.7"),
    review_stale_days: int = 180,
    price_stale_days: int = 90,
) -> Comparison:
    """Every fact, sentence and flag of one pair's page, in canonical order."""
    if model_b.slug < model_a.slug:
        model_a, model_b = model_b, model_a
    # The calendar retires a model on its deprecation date, edit or no edit.
    model_a, model_b = model_on(model_a, today), model_on(model_b, today)
    # The editor's recorded facts name the models as the catalog does.
    record_now = curated_record(
        model_a, model_b, weight=Decimal(blend_input_weight), today=today
    )
    model_a, model_b = names_distinct((model_a, model_b))
    weight = Decimal(blend_input_weight)
    rows_a, ref_a = model_price_rows(model_a, weight, today, price_stale_days)
    rows_b, ref_b = model_price_rows(model_b, weight, today, price_stale_days)
    facts = PairFacts.derive(model_a, model_b, ref_a, ref_b, weight)

    sides = []
    for model, other, rows, ref in (
        (model_a, model_b, rows_a, ref_a),
        (model_b, model_a, rows_b, ref_b),
    ):
        # A retired model is never recommended: nothing is argued in its favour.
        advantages = (
            () if model.is_retired else tuple(model_advantages(model, other, facts))
        )
        sides.append(
            Side(
                model=model,
                reference=ref,
                price_rows=rows,
                provider_count=len(provider_names(model)),
                provider_names=tuple(provider_names(model).values()),
                advantages=advantages,
                choose=model_choose(model, other, advantages, today),
                latest_review=max(
                    model.reviews, key=lambda r: r.reviewed_on, default=None
                ),
            )
        )
    a, b = sides
    last_reviewed, fully_reviewed = _last_reviewed(a, b)
    generated_verdict = pair_verdict(a, b, facts, today)
    curated = curated or CuratedFacts()
    changes = curated_changes(
        curated.record,
        record_now,
    )
    # When the facts the editor wrote against no longer hold, no curated
    # sentence is shown until the comparison is reviewed again.
    shown = CuratedFacts(is_featured=curated.is_featured) if changes else curated
    curated_faq = tuple(shown.faq)
    generated_faq = tuple(
        pair_faq(a, b, facts, asked=tuple(e.question for e in curated_faq), today=today)
    )
    stamps = [
        s for s in (model_a.updated_at, model_b.updated_at, curated.updated_at) if s
    ]
    return Comparison(
        slug=pair_slug(model_a.slug, model_b.slug),
        title=pair_title(model_a.name, model_b.name),
        a=a,
        b=b,
        blend_input_weight=weight,
        blend_text=f"{facts.blend} input/output",
        prices=facts.prices,
        larger_context=facts.larger_context,
        newer_release=facts.newer_release,
        newer_cutoff=facts.newer_cutoff,
        specs=model_specs(model_a, model_b),
        capabilities=facts.capabilities,
        benchmarks=facts.benchmarks,
        largest_gap=facts.largest_gap,
        largest_gap_note=""
        if facts.largest_gap
        else largest_gap_note(facts.benchmarks),
        shared_providers=facts.shared_providers,
        shared_provider_names=facts.shared_provider_names,
        intro=shown.intro or pair_intro(model_a, model_b, facts),
        intro_is_curated=bool(shown.intro),
        verdict=shown.verdict or generated_verdict,
        verdict_is_curated=bool(shown.verdict),
        curated_current=not changes,
        curated_changes=changes,
        deep_dive=pair_deep_dive(a, b, facts),
        faq=curated_faq + generated_faq,
        related=tuple(related),
        today=today,
        is_featured=curated.is_featured,
        last_reviewed=last_reviewed,
        is_fully_reviewed=fully_reviewed,
        is_review_stale=last_reviewed is not None
        and (today - last_reviewed).days > review_stale_days,
        sources=_sources(model_a, model_b),
        is_indexable=_is_indexable(model_a, model_b, ref_a, ref_b, facts),
        description=pair_description(model_a, model_b, facts),
        updated_at=max(stamps, default=None),
    )


# --- Freshness, sources, indexing -------------------------------------------------------


def _last_reviewed(a: Side, b: Side) -> tuple[date | None, bool]:
    if a.latest_review is None or b.latest_review is None:
        return None, False
    return min(a.latest_review.reviewed_on, b.latest_review.reviewed_on), True


def _sources(a: ModelFacts, b: ModelFacts) -> tuple[Source, ...]:
    """Each source once, labelled with every fact on the page it stands for: a
    leaderboard both models' scores come from names both, so a reader checking
    either score finds its source."""
    cited: dict[str, list[str]] = {}

    def cite(url: str, label: str) -> None:
        labels = cited.setdefault(url, [])
        if label not in labels:
            labels.append(label)

    for model in (a, b):
        for review in model.reviews:
            for url in review.sources:
                cite(url, f"{model.name} review ({fmt.date_text(review.reviewed_on)})")
    for model in (a, b):
        for score in model.scores:
            if score.source_url:
                kind = "" if score.is_verified else ", vendor-reported"
                cite(score.source_url, f"{model.name} on {score.benchmark_name}{kind}")
    return tuple(Source(url, "; ".join(labels)) for url, labels in cited.items())


def _is_indexable(
    a: ModelFacts,
    b: ModelFacts,
    ref_a: PriceRow | None,
    ref_b: PriceRow | None,
    facts: PairFacts,
) -> bool:
    if not (a.is_published and b.is_published):
        return False
    if a.is_retired or b.is_retired:
        return False
    thin = (ref_a is None or ref_b is None) and not any(
        r.is_shared for r in facts.benchmarks
    )
    return not thin
