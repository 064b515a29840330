"""Template filters that show values the way comparison-rules.md says.

They only turn a value into text (comparisons.formatting does the work) and
wrap unknowns in the one accessible "unknown" mark; no rule is decided here.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from comparisons import formatting

register = template.Library()


@register.filter
def show(value) -> SafeString:
    """A formatting.Display (or plain text) as HTML: unknowns get the one mark."""
    if value is None or value == "" or getattr(value, "is_unknown", False):
        return format_html(
            '<span class="unknown" title="{}"><span aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></span>',
            formatting.UNKNOWN_LABEL,
            formatting.UNKNOWN_MARK,
            formatting.UNKNOWN_LABEL,
        )
    if not isinstance(value, formatting.Display):
        return format_html("{}", value)
    if value.title:
        return format_html('<span title="{}">{}</span>', value.title, value.text)
    return format_html("{}", value.text)


@register.filter
def money(value) -> SafeString:
    return show(formatting.money_display(value))


@register.filter
def tokens(value) -> SafeString:
    return show(formatting.tokens_display(value))


@register.filter
def partial_date(value) -> SafeString:
    return show(formatting.partial_date_display(value))


@register.filter
def day(value) -> SafeString:
    return show(formatting.date_display(value))


@register.filter
def yes_no(value) -> SafeString:
    display = formatting.yes_no_display(value)
    if display.is_unknown:
        return show(display)
    css = "yes" if value else "no"
    return format_html('<span class="{}">{}</span>', css, display.text)


@register.filter
def score(value, unit: str) -> SafeString:
    if value is None:
        return show(None)
    return format_html("{}", formatting.score_text(value, unit))


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template, e.g. a row's value for one model's slug."""
    if mapping is None:
        return None
    return mapping.get(key)
