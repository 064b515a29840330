"""Parsers for single values of a `catalog/1` document.

Each takes the raw JSON value (never None: the caller handles null) and
returns the Python value to store, or raises Invalid with a plain message.
"""

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from catalog.validators import parse_partial_date

PRICE_PLACES = Decimal("0.000001")
SCORE_PLACES = Decimal("0.0001")
SIZE_PLACES = Decimal("0.01")
# Beyond any field's digits, and small enough to round without overflow.
TOO_LARGE = Decimal(10) ** 15
DECIMAL_STRING_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")
FULL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(Exception):
    """A value that cannot be stored, with a message for the editor."""


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def text(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be a string, not {_type_name(value)}")
    # The admin's forms refuse NUL too, and PostgreSQL cannot store it.
    if "\x00" in value:
        raise Invalid("must not contain a NUL character (\\u0000)")
    return value


def reference(value: object) -> str:
    """The slug of another object; an empty string names nothing."""
    value = text(value)
    if not value.strip():
        raise Invalid("must name a slug, not an empty string")
    return value


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {_type_name(value)}")
    return value


def tokens(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"must be a whole number of tokens, not {_type_name(value)}")
    if value < 1:
        raise Invalid(
            "must be a positive number of tokens (at least 1); use null for unknown"
        )
    return value


def _decimal(value: object, places: Decimal, what: str) -> Decimal:
    if isinstance(value, bool):
        raise Invalid(f"must be {what}, not true/false")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(f"must be {what}, not {value}")
        # str() gives the shortest form that reads back as the same float, so
        # 0.4 stays 0.4; rounding then removes float noise like 0.39999999999999997.
        number = Decimal(str(value))
    elif isinstance(value, str):
        if not DECIMAL_STRING_RE.match(value.strip()):
            raise Invalid(f"must be {what}, not {value!r}")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise Invalid(f"must be {what}, not {value!r}") from None
    else:
        raise Invalid(f"must be {what}, not {_type_name(value)}")
    if not number.is_finite() or abs(number) >= TOO_LARGE:
        raise Invalid(f"must be {what}; {value!r} is far too large")
    return number.quantize(places, rounding=ROUND_HALF_UP)


def price(value: object) -> Decimal:
    number = _decimal(value, PRICE_PLACES, 'a price in dollars ("0.40" or 0.4)')
    if number < 0:
        raise Invalid(
            "must be >= 0 (a price cannot be negative; use 0 for a free tier)"
        )
    return number


def score_value(value: object) -> Decimal:
    if isinstance(value, str):
        raise Invalid("must be a number, not a string")
    return _decimal(value, SCORE_PLACES, "a number")


def size_billions(value: object) -> Decimal:
    return _decimal(value, SIZE_PLACES, "a number of billions")


def date(value: object) -> dt.date:
    if not isinstance(value, str) or not FULL_DATE_RE.match(value):
        raise Invalid(f"must be a date as YYYY-MM-DD, not {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value} is not a real date") from None


MOMENT_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
)


def moment(value: object) -> dt.datetime:
    """A date and time with its zone, as exports write it: 2026-05-14T09:30:00Z."""
    if not isinstance(value, str) or not MOMENT_RE.match(value):
        raise Invalid(
            "must be a date and time with a zone, e.g. 2026-05-14T09:30:00Z, "
            f"not {value!r}"
        )
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
            dt.UTC
        )
    except (ValueError, OverflowError):
        raise Invalid(f"{value} is not a real date and time") from None


def partial_date(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(
            f"must be a date as YYYY-MM-DD or YYYY-MM, not {_type_name(value)}"
        )
    try:
        parse_partial_date(value)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages).rstrip(".")) from None
    return value


def string_list(value: object) -> list[str]:
    if not isinstance(value, list):
        raise Invalid(f"must be a list, not {_type_name(value)}")
    for item in value:
        if not isinstance(item, str):
            raise Invalid(f"must be a list of strings; found {_type_name(item)}")
    return value


def choice(options: tuple[str, ...]):
    def parse(value: object) -> str:
        if not isinstance(value, str) or value not in options:
            raise Invalid(f"must be one of {', '.join(options)}, not {value!r}")
        return value

    return parse


def _decimal_text(value: object, place: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise Invalid(f"{place} must be a decimal number as a string or null")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Invalid(f"{place} must be a decimal number, not {value!r}") from None
    if not number.is_finite():
        raise Invalid(f"{place} must be a finite number, not {value!r}")


def _object(value: object, place: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"{place} must be an object, not {_type_name(value)}")
    return value


def facts_record(value: object) -> dict:
    """The facts a curated comparison was written against, as exports write them."""
    record = _object(value, "the record")
    if record.get("format") != 1:
        raise Invalid("format must be 1")
    models = _object(record.get("models"), "models")
    for slug, entry in models.items():
        place = f"models.{slug}"
        entry = _object(entry, place)
        if not isinstance(entry.get("name"), str):
            raise Invalid(f"{place}.name must be a string")
        reference = entry.get("reference")
        if reference is not None:
            _object(reference, f"{place}.reference")
            for key in ("input_price", "output_price"):
                _decimal_text(reference.get(key), f"{place}.reference.{key}")
            if not isinstance(reference.get("provider"), str | None):
                raise Invalid(f"{place}.reference.provider must be a string or null")
        window = entry.get("context_window")
        if window is not None and (
            isinstance(window, bool) or not isinstance(window, int)
        ):
            raise Invalid(f"{place}.context_window must be a whole number or null")
        for key, flag in _object(
            entry.get("capabilities", {}), f"{place}.capabilities"
        ).items():
            if flag is not None and not isinstance(flag, bool):
                raise Invalid(f"{place}.capabilities.{key} must be true, false or null")
        for bench, score in _object(entry.get("scores", {}), f"{place}.scores").items():
            score = _object(score, f"{place}.scores.{bench}")
            if not isinstance(score.get("name"), str) or not isinstance(
                score.get("unit"), str
            ):
                raise Invalid(f"{place}.scores.{bench} needs a name and a unit")
            if score.get("value") is None:
                raise Invalid(f"{place}.scores.{bench}.value is required")
            _decimal_text(score.get("value"), f"{place}.scores.{bench}.value")
        if not isinstance(entry.get("lifecycle"), str | None):
            raise Invalid(f"{place}.lifecycle must be a string")
    return record
