"""How a price (US dollars per million tokens) is written as text, in each form.

One rule, three forms: a `catalog/1` file writes "12.00", the partner API
"12" and a reader page "$12"; each is written by `price_text` with its form.
"""

from decimal import Decimal
from enum import Enum
from typing import overload

CENTS = Decimal("0.01")


class PriceForm(Enum):
    """Where a price is written, which decides how."""

    # A catalog/1 document: at least two decimals: "12.00", "0.40", "0.075".
    DOCUMENT = "document"
    # The partner API: the digits needed, two decimals if any: "12", "0.40", "0.075".
    NUMBER = "number"
    # A reader's page: NUMBER with a dollar sign and thousands commas: "$1,250", "$0.40".
    DOLLARS = "dollars"


@overload
def price_text(value: None, *, form: PriceForm) -> None: ...
@overload
def price_text(value: Decimal | int | str, *, form: PriceForm) -> str: ...
def price_text(value: Decimal | int | str | None, *, form: PriceForm) -> str | None:
    """A price as text in the given form (never an exponent); None stays None."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    if form is PriceForm.DOCUMENT:
        if value.as_tuple().exponent > -2:
            value = value.quantize(CENTS)
        return format(value, "f")
    if value == value.to_integral_value():
        text = f"{value.to_integral_value():f}"
    else:
        text = f"{value:f}"
        if len(text.split(".")[1]) == 1:
            text += "0"
    if form is PriceForm.NUMBER:
        return text
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}"
    return f"${whole}.{fraction}" if fraction else f"${whole}"
