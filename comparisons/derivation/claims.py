"""The facts compared side by side: context, dates, capabilities, benchmarks, specs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.facts import (
    CAPABILITY_KEYS,
    CAPABILITY_LABELS,
    PRICE_KINDS,
    ModelFacts,
)
from comparisons.derivation.formatting import Display
from comparisons.derivation.prices import blend_text, price_claim, provider_names
from comparisons.derivation.results import (
    BenchmarkRow,
    CapabilityRow,
    LargestGap,
    PriceClaim,
    PriceRow,
    SpecRow,
)

# --- Facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairFacts:
    """The pair-level facts the sentences are built from."""

    a: ModelFacts
    b: ModelFacts
    blend: str
    prices: dict[str, PriceClaim]
    references: dict[str, PriceRow | None]
    larger_context: str | None
    newer_release: str | None
    newer_cutoff: str | None
    capabilities: tuple[CapabilityRow, ...]
    benchmarks: tuple[BenchmarkRow, ...]
    largest_gap: LargestGap | None
    provider_counts: dict[str, int]
    shared_providers: tuple[str, ...]
    shared_provider_names: tuple[str, ...]

    @classmethod
    def derive(
        cls,
        a: ModelFacts,
        b: ModelFacts,
        ref_a: PriceRow | None,
        ref_b: PriceRow | None,
        weight: Decimal,
    ) -> PairFacts:
        prices = {}
        for kind in PRICE_KINDS:
            attribute = f"{kind}_price"
            prices[kind] = price_claim(
                kind,
                a.slug,
                getattr(ref_a, attribute, None),
                b.slug,
                getattr(ref_b, attribute, None),
            )
        providers_a, providers_b = provider_names(a), provider_names(b)
        shared = tuple(sorted(set(providers_a) & set(providers_b)))
        benchmarks = _benchmark_rows(a, b)
        return cls(
            a=a,
            b=b,
            blend=blend_text(weight),
            prices=prices,
            references={a.slug: ref_a, b.slug: ref_b},
            larger_context=_larger(a.slug, a.context_window, b.slug, b.context_window),
            newer_release=_newer(a.slug, a.release_date, b.slug, b.release_date),
            newer_cutoff=_newer(a.slug, a.knowledge_cutoff, b.slug, b.knowledge_cutoff),
            capabilities=_capability_rows(a, b),
            benchmarks=benchmarks,
            largest_gap=_largest_gap(benchmarks),
            provider_counts={a.slug: len(providers_a), b.slug: len(providers_b)},
            shared_providers=shared,
            shared_provider_names=tuple(providers_a[slug] for slug in shared),
        )

    def name(self, slug: str | None) -> str:
        return self.a.name if slug == self.a.slug else self.b.name

    def other(self, model: ModelFacts) -> ModelFacts:
        return self.b if model.slug == self.a.slug else self.a


def _larger(
    a_slug: str, a_value: int | None, b_slug: str, b_value: int | None
) -> str | None:
    if a_value is None or b_value is None or a_value == b_value:
        return None
    return a_slug if a_value > b_value else b_slug


def date_order_key(value: str | None, other: str | None) -> tuple | None:
    """What a partial date compares by against `other`: by day, or by month if either lacks one."""
    parts, other_parts = fmt.partial_date_parts(value), fmt.partial_date_parts(other)
    if parts is None or other_parts is None:
        return None
    if parts[2] is None or other_parts[2] is None:
        return parts[:2]
    return parts


def _newer(
    a_slug: str, a_value: str | None, b_slug: str, b_value: str | None
) -> str | None:
    key_a, key_b = date_order_key(a_value, b_value), date_order_key(b_value, a_value)
    if key_a is None or key_b is None or key_a == key_b:
        return None
    return a_slug if key_a > key_b else b_slug


def _capability_rows(a: ModelFacts, b: ModelFacts) -> tuple[CapabilityRow, ...]:
    rows = []
    for key in CAPABILITY_KEYS:
        value_a, value_b = a.capability(key), b.capability(key)
        has_it = None
        if value_a is True and value_b is False:
            has_it = a.slug
        elif value_b is True and value_a is False:
            has_it = b.slug
        rows.append(
            CapabilityRow(
                key=key,
                label=CAPABILITY_LABELS[key],
                values={a.slug: value_a, b.slug: value_b},
                displays={
                    a.slug: fmt.yes_no_display(value_a),
                    b.slug: fmt.yes_no_display(value_b),
                },
                has_it=has_it,
            )
        )
    return tuple(rows)


def _benchmark_rows(a: ModelFacts, b: ModelFacts) -> tuple[BenchmarkRow, ...]:
    scores = {
        model.slug: {s.benchmark_slug: s for s in model.scores} for model in (a, b)
    }
    slugs = set(scores[a.slug]) | set(scores[b.slug])
    rows = []
    for slug in slugs:
        score_a, score_b = scores[a.slug].get(slug), scores[b.slug].get(slug)
        meta = score_a or score_b
        leader, gap = None, None
        if score_a is not None and score_b is not None:
            gap = fmt.round_half_up(abs(score_a.value - score_b.value), 1)
            if score_a.value != score_b.value:
                a_better = (score_a.value > score_b.value) == meta.higher_is_better
                leader = a.slug if a_better else b.slug
        rows.append(
            BenchmarkRow(
                slug=slug,
                name=meta.benchmark_name,
                unit=meta.unit,
                higher_is_better=meta.higher_is_better,
                url=meta.benchmark_url,
                values={
                    a.slug: None if score_a is None else score_a.value,
                    b.slug: None if score_b is None else score_b.value,
                },
                displays={
                    model.slug: fmt.UNKNOWN
                    if score is None
                    else fmt.shown(fmt.score_text(score.value, score.unit))
                    for model, score in ((a, score_a), (b, score_b))
                },
                verified={
                    a.slug: None if score_a is None else score_a.is_verified,
                    b.slug: None if score_b is None else score_b.is_verified,
                },
                is_shared=gap is not None,
                leader=leader,
                gap=gap,
                gap_text="" if gap is None else _gap_words(gap, meta.unit),
            )
        )
    rows.sort(key=lambda row: (not row.is_shared, row.name.casefold(), row.slug))
    return tuple(rows)


def _gap_words(gap: Decimal, unit: str) -> str:
    if gap == 0:
        return f"less than {fmt.gap_text(Decimal('0.1'), unit)}"
    return fmt.gap_text(gap, unit)


def _largest_gap(rows: tuple[BenchmarkRow, ...]) -> LargestGap | None:
    candidates = [
        row
        for row in rows
        if row.is_shared and row.unit == "%" and row.gap and row.leader
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda row: (-row.gap, row.slug))
    return LargestGap(
        benchmark=best.slug,
        name=best.name,
        leader=best.leader,
        gap=best.gap,
        gap_text=best.gap_text,
    )


def largest_gap_note(rows: tuple[BenchmarkRow, ...]) -> str:
    """What the "largest gap" key number says when there is none to name."""
    shared = [row for row in rows if row.is_shared]
    if not shared:
        return "no shared benchmark"
    if not any(row.unit == "%" for row in shared):
        return "no shared benchmark in %; see the table"
    return "under 0.1 points on every shared benchmark in %"


# --- Specs -----------------------------------------------------------------------------


def model_specs(a: ModelFacts, b: ModelFacts) -> tuple[SpecRow, ...]:
    """The spec table's rows for two models (a model page passes the same model twice)."""

    def row(label: str, render) -> SpecRow:
        return SpecRow(label=label, displays={m.slug: render(m) for m in (a, b)})

    def parameters(m: ModelFacts) -> Display:
        if m.parameters_billions is None:
            return fmt.UNKNOWN
        return fmt.shown(f"{fmt.decimal_plain(m.parameters_billions)}B")

    def modalities(values: tuple[str, ...]) -> Display:
        return fmt.shown(", ".join(values) if values else None)

    def lifecycle(m: ModelFacts) -> Display:
        return fmt.shown(m.lifecycle.capitalize() if m.lifecycle else None)

    # Sizes that differ but read alike compactly are given exactly, side by side.
    exact_context = fmt.tokens_need_exact((a.context_window, b.context_window))
    exact_output = fmt.tokens_need_exact((a.max_output_tokens, b.max_output_tokens))
    return (
        row("Vendor", lambda m: fmt.shown(m.vendor_name)),
        row("Released", lambda m: fmt.partial_date_display(m.release_date)),
        row("Knowledge cutoff", lambda m: fmt.partial_date_display(m.knowledge_cutoff)),
        row(
            "Context window",
            lambda m: fmt.tokens_display(m.context_window, exact=exact_context),
        ),
        row(
            "Maximum output",
            lambda m: fmt.tokens_display(m.max_output_tokens, exact=exact_output),
        ),
        row("Parameters", parameters),
        row("Architecture", lambda m: fmt.shown(m.architecture)),
        row("License", lambda m: fmt.shown(m.license)),
        row("Open weights", lambda m: fmt.yes_no_display(m.open_weights)),
        row("Input", lambda m: modalities(m.input_modalities)),
        row("Output", lambda m: modalities(m.output_modalities)),
        row("Lifecycle", lifecycle),
        row("Deprecation date", lambda m: fmt.date_display(m.deprecation_date)),
    )
