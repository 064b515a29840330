"""The model list's filters and orderings, with a 400 naming any bad parameter.

Written by hand rather than with a FilterSet so that each error says what the
parameter accepts, and so the OpenAPI schema lists exactly these parameters.
"""

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db.models import Exists, FloatField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.policies import BadParameter, single_value
from catalog.models import (
    CAPABILITIES,
    MAX_TOKENS,
    Offering,
    Provider,
    Vendor,
)
from comparisons import services

BOOLEAN_MESSAGE = "{name} must be true or false (got {value!r})."
SLUG_MESSAGE = "{name} must be a {kind} slug such as {example!r} (got {value!r})."
UNKNOWN_SLUG_MESSAGE = "{name}: no {kind} has the slug {value!r}; {listing} lists them."
TOKENS_MESSAGE = (
    "{name} must be a whole number of tokens from 0 to {max} (got {value!r})."
)
PRICE_MESSAGE = (
    "{name} must be a price in US dollars per million tokens, "
    "a number from 0 to {max} such as 0.5 (got {value!r})."
)
SEARCH_MESSAGE = (
    "search must be at most {max} characters of text, without control characters."
)
ORDERING_MESSAGE = "ordering must be one of {choices} (got {value!r})."

MAX_PRICE = Decimal("999999.999999")
MAX_SEARCH_LENGTH = 200
_SLUG = re.compile(r"^[a-z0-9-]{1,80}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Public ordering names -> the queryset's ordering; the slug breaks ties, so the
# cursor always has a stable, unique order to walk.
ORDERINGS = {
    "slug": ("slug",),
    "name": ("name", "slug"),
    "release_date": ("release_date", "slug"),
    "context_window": ("context_order", "slug"),
    "updated_at": ("changed_at", "slug"),
}
# A model's "from" prices: the lowest among its available offerings (for the
# blended price, among those with both prices). Unknown prices sort last in
# either direction, so each direction sorts on its own column: one above every
# price going up, one below every price going down (the cursor needs no NULLs).
PRICE_ORDERINGS = ("blended_price", "input_price", "output_price")
UNKNOWN_PRICE_UP = Decimal("1000000")
UNKNOWN_PRICE_DOWN = Decimal("-1")
ORDERINGS.update(
    {key: (f"{key}_up", "slug") for key in PRICE_ORDERINGS},
)
ORDERING_CHOICES = tuple(name for key in ORDERINGS for name in (key, f"-{key}"))
DEFAULT_ORDERING = "slug"

MODEL_FILTERS = (
    "vendor",
    "provider",
    "open_weights",
    *CAPABILITIES,
    "min_context",
    "max_input_price",
    "max_output_price",
    "search",
    "ordering",
)


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise BadParameter(BOOLEAN_MESSAGE.format(name=name, value=value))
    return lowered == "true"


def _existing(name: str, value: str, model, *, kind: str, example: str, listing: str):
    if not _SLUG.match(value):
        raise BadParameter(
            SLUG_MESSAGE.format(name=name, kind=kind, example=example, value=value)
        )
    found = model.objects.filter(slug=value).first()
    if found is None:
        raise BadParameter(
            UNKNOWN_SLUG_MESSAGE.format(
                name=name, kind=kind, value=value, listing=listing
            )
        )
    return found


def _tokens(name: str, value: str) -> int:
    text = value.strip()
    # ASCII digits only: "²" passes isdigit() but not int().
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_TOKENS:
        raise BadParameter(
            TOKENS_MESSAGE.format(name=name, max=MAX_TOKENS, value=value)
        )
    return int(text)


def _price(name: str, value: str) -> Decimal:
    try:
        price = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite() or not Decimal(0) <= price <= MAX_PRICE:
        raise BadParameter(PRICE_MESSAGE.format(name=name, max=MAX_PRICE, value=value))
    # Prices are stored with six decimals; "at or below" rounds the limit down.
    return price.quantize(Decimal("0.000001"), rounding=ROUND_DOWN)


def model_ordering(request) -> tuple[str, ...]:
    value = single_value(request, "ordering")
    if value is None:
        value = DEFAULT_ORDERING
    if value not in ORDERING_CHOICES:
        raise BadParameter(
            ORDERING_MESSAGE.format(choices=", ".join(ORDERING_CHOICES), value=value)
        )
    key = value.lstrip("-")
    if value.startswith("-") and key in PRICE_ORDERINGS:
        return (f"-{key}_down", "-slug")
    fields = ORDERINGS[key]
    if value.startswith("-"):
        return tuple(f"-{field}" for field in fields)
    return fields


def _from_price(key: str) -> Subquery:
    offerings = Offering.objects.available().filter(model=OuterRef("pk"))
    if key == "blended_price":
        offerings = offerings.filter(
            input_price__isnull=False, output_price__isnull=False
        ).annotate(
            blended_price=services.blended_expression(services.blend_input_weight())
        )
    else:
        offerings = offerings.filter(**{f"{key}__isnull": False})
    return Subquery(offerings.order_by(key).values(key)[:1])


def with_ordering_values(queryset: QuerySet, request) -> QuerySet:
    """Add the column a price ordering sorts on (model_ordering names it)."""
    value = single_value(request, "ordering") or DEFAULT_ORDERING
    key = value.lstrip("-")
    if key not in PRICE_ORDERINGS:
        return queryset
    if value.startswith("-"):
        unknown, column = UNKNOWN_PRICE_DOWN, f"{key}_down"
    else:
        unknown, column = UNKNOWN_PRICE_UP, f"{key}_up"
    # A float, not a decimal: the cursor compares its position with this column,
    # and SQLite compares a computed decimal with the position as text.
    return queryset.annotate(
        **{column: Cast(Coalesce(_from_price(key), Value(unknown)), FloatField())}
    )


def model_filter(queryset: QuerySet, request) -> QuerySet:
    """Apply the model list's filters; any bad value raises BadParameter (400)."""
    params = {name: single_value(request, name) for name in MODEL_FILTERS}

    if params["vendor"] is not None:
        vendor = _existing(
            "vendor",
            params["vendor"],
            Vendor,
            kind="vendor",
            example="openai",
            listing="/api/v1/vendors/",
        )
        queryset = queryset.filter(vendor=vendor)
    if params["provider"] is not None:
        provider = _existing(
            "provider",
            params["provider"],
            Provider,
            kind="provider",
            example="openrouter",
            listing="/api/v1/providers/",
        )
        queryset = queryset.filter(
            Exists(
                Offering.objects.available().filter(
                    model=OuterRef("pk"), provider=provider
                )
            )
        )
    for name in ("open_weights", *CAPABILITIES):
        if params[name] is not None:
            queryset = queryset.filter(**{name: _boolean(name, params[name])})
    if params["min_context"] is not None:
        queryset = queryset.filter(
            context_window__gte=_tokens("min_context", params["min_context"])
        )

    # Both price limits apply to one and the same available offering.
    price_limits = {}
    if params["max_input_price"] is not None:
        price_limits["input_price__lte"] = _price(
            "max_input_price", params["max_input_price"]
        )
    if params["max_output_price"] is not None:
        price_limits["output_price__lte"] = _price(
            "max_output_price", params["max_output_price"]
        )
    if price_limits:
        queryset = queryset.filter(
            Exists(
                Offering.objects.available().filter(
                    model=OuterRef("pk"), **price_limits
                )
            )
        )

    search = params["search"]
    if search is not None:
        if len(search) > MAX_SEARCH_LENGTH or _CONTROL.search(search):
            raise BadParameter(SEARCH_MESSAGE.format(max=MAX_SEARCH_LENGTH))
        if search.strip():
            queryset = queryset.filter(name__icontains=search.strip())
    return queryset


def _bool_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, enum=["true", "false"], description=description
    )


MODEL_FILTER_PARAMETERS = [
    OpenApiParameter(
        "vendor",
        OpenApiTypes.STR,
        description="A vendor's slug: only that vendor's models. "
        "An unknown slug is a 400, not an empty list.",
    ),
    OpenApiParameter(
        "provider",
        OpenApiTypes.STR,
        description="A provider's slug: only models that provider currently offers.",
    ),
    _bool_parameter(
        "open_weights",
        "Models whose weights can (true) or cannot (false) "
        "be downloaded; unknown matches neither.",
    ),
    *(
        _bool_parameter(
            name,
            f"Models with (true) or without (false) {name}; unknown matches neither.",
        )
        for name in CAPABILITIES
    ),
    OpenApiParameter(
        "min_context",
        OpenApiTypes.INT,
        description="At least this many tokens of context (unknown never matches).",
    ),
    OpenApiParameter(
        "max_input_price",
        OpenApiTypes.STR,
        description="Models with an available offering whose input price (US dollars "
        "per million tokens) is at or below this, e.g. 0.5.",
    ),
    OpenApiParameter(
        "max_output_price",
        OpenApiTypes.STR,
        description="Models with an available offering whose output price is at or "
        "below this. With max_input_price, one offering must meet both.",
    ),
    OpenApiParameter(
        "search", OpenApiTypes.STR, description="Part of the model's name."
    ),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        enum=list(ORDERING_CHOICES),
        description="Sort key; a leading '-' reverses it. Default: slug. "
        "blended_price, input_price and output_price sort on the model's lowest "
        "price among its available offerings (blended: the input and output "
        "prices weighted as the site blends them, among offerings with both); "
        "models without a known price come last in either direction.",
    ),
]
