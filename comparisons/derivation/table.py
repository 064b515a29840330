"""Three or four models in one table: a column per model, each row's best marked.

A value is best when no other known value in its row beats it (the lowest price,
the largest window, the newest date, a "yes" against a "no", the leader by the
benchmark's direction), so tied best values are all marked. Unknown values are
never best and never beaten; a row where fewer than two values are known, or
where no known value beats another, marks none.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comparisons.derivation import formatting as fmt
from comparisons.derivation.claims import date_order_key
from comparisons.derivation.facts import (
    CAPABILITY_KEYS,
    CAPABILITY_LABELS,
    RETIRED,
    ModelFacts,
    lifecycle_on,
    names_distinct,
)
from comparisons.derivation.formatting import Display
from comparisons.derivation.pair import pair_title
from comparisons.derivation.prices import blend_text, model_price_rows
from comparisons.derivation.results import PriceRow
from vocabulary.slugs import models_slug, pair_slug

MIN_MODELS = 3
MAX_MODELS = 4

# How a row ranks its values; "" for a row that only informs (lifecycle).
LOWER, HIGHER, NEWER, YES, UNRANKED = "lower", "higher", "newer", "yes", ""


@dataclass(frozen=True)
class TableCell:
    slug: str  # the column's model
    value: Any  # Decimal, int, str or bool; None when unknown
    display: Display
    is_best: bool


@dataclass(frozen=True)
class TableRow:
    key: str  # "input_price", "context_window", "capability:vision", "benchmark:<slug>"
    group: str  # "prices", "specs", "capabilities" or "benchmarks"
    label: str
    better: str  # LOWER, HIGHER, NEWER, YES or UNRANKED
    cells: tuple[TableCell, ...]  # in the table's column order
    best: tuple[str, ...]  # the slugs whose value is marked best
    unit: str = ""  # a benchmark's unit
    url: str = ""  # a benchmark's page

    @property
    def is_ranked(self) -> bool:
        return self.better != UNRANKED


@dataclass(frozen=True)
class TableColumn:
    """One model of the table with its "from" prices."""

    model: ModelFacts
    reference: PriceRow | None  # None when no price is known

    @property
    def slug(self) -> str:
        return self.model.slug

    @property
    def name(self) -> str:
        return self.model.name


@dataclass(frozen=True)
class ContainedPair:
    slug: str
    title: str


@dataclass(frozen=True)
class ModelTable:
    slug: str  # "<a>-vs-<b>-vs-<c>" in code-point order
    title: str  # "A vs B vs C"
    models: tuple[ModelFacts, ...]  # in slug order: the table's columns
    references: tuple[PriceRow | None, ...]  # each model's "from" prices
    blend_input_weight: Decimal
    blend_text: str  # "70/30 input/output"
    rows: tuple[TableRow, ...]
    pairs: tuple[ContainedPair, ...]  # every pair of the models, in slug order
    updated_at: datetime | None

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(model.slug for model in self.models)

    def group(self, name: str) -> tuple[TableRow, ...]:
        return tuple(row for row in self.rows if row.group == name)

    @property
    def columns(self) -> tuple[TableColumn, ...]:
        return tuple(
            TableColumn(model, reference)
            for model, reference in zip(self.models, self.references, strict=True)
        )


def models_title(names: list[str] | tuple[str, ...]) -> str:
    return " vs ".join(names)


# --- The table --------------------------------------------------------------------------


def model_table_derive(
    *,
    models: tuple[ModelFacts, ...] | list[ModelFacts],
    today: date,
    blend_input_weight: Decimal = Decimal("0.7"),
    price_stale_days: int = 90,
) -> ModelTable:
    """Several models' facts side by side, in slug order, each row's best marked."""
    given = tuple(sorted(models, key=lambda model: model.slug))
    models = names_distinct(given)
    weight = Decimal(blend_input_weight)
    references = tuple(
        model_price_rows(model, weight, today, price_stale_days)[1] for model in models
    )
    rows = [
        *_price_rows(models, references),
        *_spec_rows(models, today),
        *_capability_rows(models),
        *_benchmark_rows(models),
    ]
    stamps = [model.updated_at for model in models if model.updated_at]
    return ModelTable(
        slug=models_slug([model.slug for model in models]),
        title=models_title([model.name for model in models]),
        models=models,
        references=references,
        blend_input_weight=weight,
        blend_text=f"{blend_text(weight)} input/output",
        rows=tuple(rows),
        pairs=tuple(
            ContainedPair(
                pair_slug(a.slug, b.slug),
                pair_title(*(m.name for m in names_distinct((a, b)))),
            )
            for a, b in itertools.combinations(given, 2)
        ),
        updated_at=max(stamps, default=None),
    )


def best_of(
    values: dict[str, Any], beats: Callable[[Any, Any], bool]
) -> tuple[str, ...]:
    """The keys whose known value no other known value beats (see the module's rule)."""
    known = {key: value for key, value in values.items() if value is not None}
    if len(known) < 2:
        return ()
    if not any(beats(v, w) for v in known.values() for w in known.values()):
        return ()  # all equal, as far as anything is known
    return tuple(
        key
        for key, value in known.items()
        if not any(beats(other, value) for other in known.values())
    )


_BEATS: dict[str, Callable[[Any, Any], bool]] = {
    LOWER: lambda v, w: v < w,
    HIGHER: lambda v, w: v > w,
    NEWER: lambda v, w: date_order_key(v, w) > date_order_key(w, v),
    YES: lambda v, w: v is True and w is False,
}


def _row(
    *,
    key: str,
    group: str,
    label: str,
    better: str,
    models: tuple[ModelFacts, ...],
    values: list[Any],
    displays: list[Display],
    unit: str = "",
    url: str = "",
) -> TableRow:
    by_slug = {model.slug: value for model, value in zip(models, values, strict=True)}
    best = best_of(by_slug, _BEATS[better]) if better else ()
    return TableRow(
        key=key,
        group=group,
        label=label,
        better=better,
        cells=tuple(
            TableCell(model.slug, value, display, model.slug in best)
            for model, value, display in zip(models, values, displays, strict=True)
        ),
        best=best,
        unit=unit,
        url=url,
    )


def _price_rows(
    models: tuple[ModelFacts, ...], references: tuple[PriceRow | None, ...]
) -> list[TableRow]:
    rows = []
    for kind, label in (
        ("input", "Input price"),
        ("output", "Output price"),
        ("blended", "Blended price"),
    ):
        values = [getattr(ref, f"{kind}_price", None) for ref in references]
        rows.append(
            _row(
                key=f"{kind}_price",
                group="prices",
                label=label,
                better=LOWER,
                models=models,
                values=values,
                displays=[fmt.money_display(v, free=True) for v in values],
            )
        )
    return rows


def _date_value(value: str | None) -> str | None:
    """A partial date the rules can compare, or None (unknown) when it is not one."""
    return value if fmt.partial_date_parts(value) is not None else None


def _lifecycle_display(model: ModelFacts, today: date) -> Display:
    lifecycle = lifecycle_on(model, today)
    if not lifecycle:
        return fmt.UNKNOWN
    text = lifecycle.capitalize()
    when = model.deprecation_date
    if when is not None and lifecycle == RETIRED:
        text = f"{text} (since {fmt.date_text(when)})"
    elif when is not None:
        text = f"{text} (ends {fmt.date_text(when)})"
    return fmt.shown(text)


def _spec_rows(models: tuple[ModelFacts, ...], today: date) -> list[TableRow]:
    contexts = [m.context_window for m in models]
    outputs = [m.max_output_tokens for m in models]
    released = [_date_value(m.release_date) for m in models]
    cutoffs = [_date_value(m.knowledge_cutoff) for m in models]
    return [
        _row(
            key="context_window",
            group="specs",
            label="Context window",
            better=HIGHER,
            models=models,
            values=contexts,
            displays=[
                fmt.tokens_display(v, exact=fmt.tokens_need_exact(contexts))
                for v in contexts
            ],
        ),
        _row(
            key="max_output_tokens",
            group="specs",
            label="Maximum output",
            better=HIGHER,
            models=models,
            values=outputs,
            displays=[
                fmt.tokens_display(v, exact=fmt.tokens_need_exact(outputs))
                for v in outputs
            ],
        ),
        _row(
            key="release_date",
            group="specs",
            label="Released",
            better=NEWER,
            models=models,
            values=released,
            displays=[fmt.partial_date_display(v) for v in released],
        ),
        _row(
            key="knowledge_cutoff",
            group="specs",
            label="Knowledge cutoff",
            better=NEWER,
            models=models,
            values=cutoffs,
            displays=[fmt.partial_date_display(v) for v in cutoffs],
        ),
        _row(
            key="lifecycle",
            group="specs",
            label="Lifecycle",
            better=UNRANKED,
            models=models,
            values=[lifecycle_on(m, today) or None for m in models],
            displays=[_lifecycle_display(m, today) for m in models],
        ),
        _row(
            key="open_weights",
            group="specs",
            label="Open weights",
            better=YES,
            models=models,
            values=[m.open_weights for m in models],
            displays=[fmt.yes_no_display(m.open_weights) for m in models],
        ),
    ]


def _capability_rows(models: tuple[ModelFacts, ...]) -> list[TableRow]:
    return [
        _row(
            key=f"capability:{key}",
            group="capabilities",
            label=CAPABILITY_LABELS[key],
            better=YES,
            models=models,
            values=[m.capability(key) for m in models],
            displays=[fmt.yes_no_display(m.capability(key)) for m in models],
        )
        for key in CAPABILITY_KEYS
    ]


def _benchmark_rows(models: tuple[ModelFacts, ...]) -> list[TableRow]:
    """Every benchmark at least two of the models have a score on, by name."""
    scores = {m.slug: {s.benchmark_slug: s for s in m.scores} for m in models}
    counts: dict[str, int] = {}
    for by_benchmark in scores.values():
        for slug in by_benchmark:
            counts[slug] = counts.get(slug, 0) + 1
    shared = []
    for slug, count in counts.items():
        if count < 2:
            continue
        found = [scores[m.slug].get(slug) for m in models]
        meta = next(s for s in found if s is not None)
        shared.append((meta.benchmark_name.casefold(), slug, meta, found))
    rows = []
    for _, slug, meta, found in sorted(shared, key=lambda item: item[:2]):
        rows.append(
            _row(
                key=f"benchmark:{slug}",
                group="benchmarks",
                label=meta.benchmark_name,
                better=HIGHER if meta.higher_is_better else LOWER,
                models=models,
                values=[None if s is None else s.value for s in found],
                displays=[
                    fmt.UNKNOWN
                    if s is None
                    else fmt.shown(fmt.score_text(s.value, s.unit))
                    for s in found
                ],
                unit=meta.unit,
                url=meta.benchmark_url,
            )
        )
    return rows
