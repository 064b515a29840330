"""Curated text tied to the facts it was written against.

When an editor saves or reviews a curated comparison, the facts below are
recorded with it; while they still hold, the curated intro, verdict and FAQ
are shown. Once any of them changes, the curated text is withheld (the
generated text is shown) until an editor reviews it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comparisons.derivation import formatting as fmt
from comparisons.derivation.facts import (
    CAPABILITY_KEYS,
    CAPABILITY_LABELS,
    ModelFacts,
    model_on,
)
from comparisons.derivation.prices import reference_offering
from vocabulary.prices import PriceForm, price_text

RECORD_FORMAT = 1


@dataclass(frozen=True)
class FactChange:
    """One recorded fact that no longer holds: "GPT-4.1 Mini input price: $0.40 → $0.30"."""

    model: str  # the model's name
    fact: str  # "input price", "context window", "vision", ...
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.model} {self.fact}: {self.old} → {self.new}"


def _price(value: Decimal | None) -> str | None:
    return price_text(value, form=PriceForm.NUMBER)


def _number(value: Decimal) -> str:
    return fmt.decimal_plain(value)


def _model_record(
    model: ModelFacts, other: ModelFacts, weight: Decimal, today: date
) -> dict:
    model = model_on(model, today)
    reference = reference_offering(model, weight)
    shared = {s.benchmark_slug for s in other.scores}
    return {
        "name": model.name,
        "reference": None
        if reference is None
        else {
            "provider": reference.provider_name,
            "input_price": _price(reference.input_price),
            "output_price": _price(reference.output_price),
        },
        "context_window": model.context_window,
        "capabilities": {key: model.capability(key) for key in CAPABILITY_KEYS},
        "scores": {
            s.benchmark_slug: {
                "name": s.benchmark_name,
                "value": _number(s.value),
                "unit": s.unit,
            }
            for s in model.scores
            if s.benchmark_slug in shared
        },
        "lifecycle": model.lifecycle,
    }


def curated_record(
    a: ModelFacts, b: ModelFacts, *, weight: Decimal, today: date
) -> dict:
    """The facts a curated comparison of a and b rests on, as JSON-ready data."""
    return {
        "format": RECORD_FORMAT,
        "models": {
            a.slug: _model_record(a, b, weight, today),
            b.slug: _model_record(b, a, weight, today),
        },
    }


def _money(value: str | None) -> str:
    return fmt.UNKNOWN_MARK if value is None else fmt.price_words(Decimal(value))


def _yes_no(value: bool | None) -> str:
    return fmt.UNKNOWN_LABEL if value is None else ("yes" if value else "no")


def _score(entry: dict | None) -> str:
    if entry is None:
        return fmt.UNKNOWN_MARK
    return fmt.score_text(Decimal(entry["value"]), entry["unit"])


def curated_changes(recorded: dict | None, current: dict) -> tuple[FactChange, ...]:
    """What changed between the recorded facts and today's, old → new, in page order."""
    if recorded is None:
        return ()
    changes: list[FactChange] = []
    old_models = recorded.get("models", {})
    for slug, new in current["models"].items():
        old = old_models.get(slug)
        name = new["name"]
        if old is None:
            changes.append(FactChange(name, "facts", "not recorded", "recorded now"))
            continue
        old_ref, new_ref = old.get("reference"), new["reference"]
        for key, label in (
            ("input_price", "input price"),
            ("output_price", "output price"),
        ):
            before = None if old_ref is None else old_ref.get(key)
            after = None if new_ref is None else new_ref[key]
            if before != after:
                changes.append(FactChange(name, label, _money(before), _money(after)))
        before = None if old_ref is None else old_ref.get("provider")
        after = None if new_ref is None else new_ref["provider"]
        if before != after:
            changes.append(
                FactChange(
                    name,
                    "cheapest provider",
                    before or fmt.UNKNOWN_MARK,
                    after or fmt.UNKNOWN_MARK,
                )
            )
        if old.get("context_window") != new["context_window"]:
            changes.append(
                FactChange(
                    name,
                    "context window",
                    fmt.tokens_compact(old.get("context_window")),
                    fmt.tokens_compact(new["context_window"]),
                )
            )
        for key in CAPABILITY_KEYS:
            before = old.get("capabilities", {}).get(key)
            after = new["capabilities"][key]
            if before != after:
                changes.append(
                    FactChange(
                        name,
                        CAPABILITY_LABELS[key].lower(),
                        _yes_no(before),
                        _yes_no(after),
                    )
                )
        old_scores, new_scores = old.get("scores", {}), new["scores"]
        for bench in sorted(set(old_scores) | set(new_scores)):
            before, after = old_scores.get(bench), new_scores.get(bench)
            if before != after:
                label = (after or before)["name"]
                changes.append(
                    FactChange(name, f"{label} score", _score(before), _score(after))
                )
        if old.get("lifecycle") != new["lifecycle"]:
            changes.append(
                FactChange(
                    name,
                    "lifecycle",
                    old.get("lifecycle") or fmt.UNKNOWN_MARK,
                    new["lifecycle"],
                )
            )
    return tuple(changes)
