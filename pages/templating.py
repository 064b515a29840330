"""Template filters that show values the way comparison-rules.md says.

They only turn a value into HTML (comparisons.derivation.formatting does the work) and wrap
unknowns in the one accessible "unknown" mark; no rule is decided here. The reader
pages are Jinja2 templates (config/jinja2.py registers these), chosen because a
pair page renders several hundred values and Jinja2 compiles templates to Python.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from jinja2 import Undefined
from markupsafe import Markup, escape

from comparisons.derivation import formatting

UNKNOWN_HTML = Markup(
    '<span class="unknown" title="{label}"><span aria-hidden="true">{mark}</span>'
    '<span class="visually-hidden">{label}</span></span>'
).format(label=formatting.UNKNOWN_LABEL, mark=formatting.UNKNOWN_MARK)


def show(value: Any) -> Markup:
    """A formatting.Display (or plain text) as HTML: unknowns get the one mark."""
    if (
        value is None
        or isinstance(value, Undefined)
        or value == ""
        or getattr(value, "is_unknown", False)
    ):
        return UNKNOWN_HTML
    if not isinstance(value, formatting.Display):
        return escape(value)
    if value.title:
        # An f-string of escaped parts: Markup.format costs several times more,
        # and a pair page shows some hundred values.
        return Markup(
            f'<span title="{escape(value.title)}">{escape(value.text)}</span>'
        )
    return escape(value.text)


def money(value: Any) -> Markup:
    return show(formatting.money_display(value, free=True))


def tokens(value: int | None) -> Markup:
    return show(formatting.tokens_display(value))


def released_word(value: str | None) -> str:
    """'released', or 'due for release' while the release date is still to come."""
    if formatting.is_to_come(value, timezone.localdate()):
        return "due for release"
    return "released"


def partial_date(value: str | None) -> Markup:
    return show(formatting.partial_date_display(value))


def day(value: Any) -> Markup:
    return show(formatting.date_display(value))


def yes_no(value: bool | None) -> Markup:
    display = formatting.yes_no_display(value)
    if display.is_unknown:
        return show(display)
    css = "yes" if value else "no"
    return Markup(f'<span class="{css}">{escape(display.text)}</span>')


def score(value: Any, unit: str) -> Markup:
    if value is None:
        return UNKNOWN_HTML
    return escape(formatting.score_text(value, unit))


def lookup(mapping: Mapping | None, key: Any) -> Any:
    """mapping[key], or None when there is no mapping or no such key."""
    if mapping is None or isinstance(mapping, Undefined):
        return None
    return mapping.get(key)


def pluralize(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


FILTERS = {
    "show": show,
    "money": money,
    "tokens": tokens,
    "partial_date": partial_date,
    "released_word": released_word,
    "day": day,
    "yes_no": yes_no,
    "score": score,
    "lookup": lookup,
    "pluralize": pluralize,
}
