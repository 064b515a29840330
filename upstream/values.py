"""The fields upstream may propose, read the same way from a document and the catalog.

Values are compared in one canonical form (prices as "0.40", lists sorted,
unknown as None), so a price written 0.4 upstream equals $0.40 in the catalog.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from catalog.exporting import number
from catalog.importing import values as v
from catalog.models import CAPABILITIES
from vocabulary.prices import PriceForm, price_text

LIFECYCLE_ORDER = ("preview", "active", "deprecated", "retired")


@dataclass(frozen=True)
class Spec:
    key: str  # where it sits in a catalog/1 entry: "context_window", "capabilities.vision"
    attr: str  # the model field (or a pseudo-field: tiers)
    topic: str
    canon: Callable[[object], object]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _same(value: object) -> object:
    return value


def _price(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return price_text(value, form=PriceForm.DOCUMENT)
    return price_text(v.price(value), form=PriceForm.DOCUMENT)


def _size(value: object) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return number(value)
    return number(v.size_billions(value))


def _list(value: object) -> list | None:
    return sorted(value) if isinstance(value, list) and value else None


def _date(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.isoformat()


def _tiers(value: object) -> list | None:
    if not value:
        return None
    tiers = [
        {
            "above_tokens": int(t["above_tokens"]),
            "input_price": _price(t["input_price"]),
            "output_price": _price(t["output_price"]),
        }
        for t in value
    ]
    return sorted(tiers, key=lambda t: t["above_tokens"])


MODEL_SPECS = (
    Spec("name", "name", "rename", _text),
    Spec("release_date", "release_date", "dates", _text),
    Spec("knowledge_cutoff", "knowledge_cutoff", "dates", _text),
    Spec("context_window", "context_window", "limits", _same),
    Spec("max_output_tokens", "max_output_tokens", "limits", _same),
    Spec("parameters_billions", "parameters_billions", "facts", _size),
    Spec("architecture", "architecture", "facts", _text),
    Spec("license", "license", "facts", _text),
    Spec("open_weights", "open_weights", "facts", _same),
    Spec("modalities.input", "input_modalities", "capabilities", _list),
    Spec("modalities.output", "output_modalities", "capabilities", _list),
    *(
        Spec(f"capabilities.{name}", name, "capabilities", _same)
        for name in CAPABILITIES
    ),
    Spec("lifecycle", "lifecycle", "facts", _text),
    Spec("deprecation_date", "deprecation_date", "facts", _date),
)
OFFERING_SPECS = (
    Spec("input_price", "input_price", "price", _price),
    Spec("output_price", "output_price", "price", _price),
    Spec("cached_input_price", "cached_input_price", "price", _price),
    Spec("cache_write_price", "cache_write_price", "price", _price),
    Spec("tiers", "tiers", "price", _tiers),
    Spec("context_window", "context_window", "limits", _same),
    Spec("provider_model_id", "provider_model_id", "facts", _text),
    Spec("url", "url", "facts", _text),
    Spec("available", "is_available", "availability", _same),
)
MODEL_ATTRS = tuple(spec.attr for spec in MODEL_SPECS)
OFFERING_ATTRS = tuple(s.attr for s in OFFERING_SPECS if s.attr != "tiers")


def entry_get(entry: dict, key: str) -> object:
    """A value of a `catalog/1` entry by its dotted key; missing is None."""
    value: object = entry
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def entry_set(entry: dict, key: str, value: object) -> None:
    *parents, last = key.split(".")
    target = entry
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def lifecycle_moves_forward(current: str | None, proposed: str) -> bool:
    """Upstream only moves a model along preview → active → deprecated → retired."""
    if proposed not in LIFECYCLE_ORDER:
        return False
    before = LIFECYCLE_ORDER.index(current) if current in LIFECYCLE_ORDER else -1
    return LIFECYCLE_ORDER.index(proposed) > before


def topic_of(spec: Spec, new: object) -> str:
    if spec.key == "lifecycle" and new == "deprecated":
        return "deprecation"
    return spec.topic


def json_value(value: object) -> object:
    """Canonical values are JSON already; this keeps stored ones comparable."""
    return value
