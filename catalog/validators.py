"""Validation rules shared by the admin, the importer and the database.

A file and a form refuse the same things because both call these.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError

SLUG_MAX_LENGTH = 80
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
PARTIAL_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
MODALITIES = ("text", "image", "audio", "video", "pdf")

SLUG_FORMAT_MESSAGE = (
    "Use only lowercase letters a-z, digits and hyphens, starting and ending "
    "with a letter or digit (at most 80 characters)."
)
SLUG_VS_MESSAGE = (
    "A model's slug must not contain '-vs-' or start with 'vs-' or end with '-vs': "
    "comparison addresses join two slugs with '-vs-'."
)
PARTIAL_DATE_MESSAGE = (
    "Enter a date as YYYY-MM-DD, or YYYY-MM when only the month is known."
)
MODALITY_MESSAGE = "Use only these modalities: " + ", ".join(MODALITIES) + "."
INVISIBLE_MESSAGE = (
    "Remove the invisible character {name} (U+{code:04X}), character {position} of "
    "the name: it can hide, join or reverse the letters around it, so the name "
    "would not read as it looks."
)
# Unicode's format characters (right-to-left overrides and isolates, zero-width
# spaces and joiners, the byte-order mark, soft hyphens...) and control characters.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})


def validate_slug(value: str) -> None:
    if (
        not isinstance(value, str)
        or len(value) > SLUG_MAX_LENGTH
        or not SLUG_RE.match(value)
    ):
        raise ValidationError(SLUG_FORMAT_MESSAGE, code="invalid_slug")


def validate_model_slug(value: str) -> None:
    validate_slug(value)
    if (
        "-vs-" in value
        or value.startswith("vs-")
        or value.endswith("-vs")
        or value == "vs"
    ):
        raise ValidationError(SLUG_VS_MESSAGE, code="vs_in_slug")


def parse_partial_date(value: str) -> tuple[dt.date, bool]:
    """Return (date, has_day) for 'YYYY-MM-DD' or 'YYYY-MM'; raise ValidationError."""
    match = PARTIAL_DATE_RE.match(value or "")
    if not match:
        raise ValidationError(PARTIAL_DATE_MESSAGE, code="invalid_date")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        raise ValidationError(
            f"{value} is not a real date.", code="invalid_date"
        ) from None
    return date, day is not None


def validate_partial_date(value: str) -> None:
    if value:
        parse_partial_date(value)


def validate_modalities(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Enter a list of modalities.", code="invalid_modalities")
    unknown = [v for v in value if v not in MODALITIES]
    if unknown:
        raise ValidationError(
            MODALITY_MESSAGE + f" Not allowed: {', '.join(unknown)}.",
            code="invalid_modalities",
        )
    if len(set(value)) != len(value):
        raise ValidationError("List each modality once.", code="invalid_modalities")


def validate_url_list(value: object) -> None:
    from django.core.validators import URLValidator

    if not isinstance(value, list):
        raise ValidationError("Enter a list of web addresses.", code="invalid_sources")
    check = URLValidator(schemes=["http", "https"])
    for index, item in enumerate(value):
        try:
            check(item)
        except ValidationError:
            raise ValidationError(
                f"Source {index + 1} is not a web address (http or https): {item!r}.",
                code="invalid_sources",
            ) from None


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def validate_visible_name(value: str) -> None:
    """Refuse a name holding a character that changes how text around it reads."""
    for position, char in enumerate(value or "", start=1):
        if _is_invisible(char):
            name = unicodedata.name(char, "a control character")
            raise ValidationError(
                INVISIBLE_MESSAGE.format(name=name, code=ord(char), position=position),
                code="invisible_character",
            )


def without_invisible(value: str) -> str:
    """The text without invisible characters (for names read from upstream data)."""
    return "".join(char for char in value if not _is_invisible(char))
