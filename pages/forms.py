"""Reader forms: the compare picker, adding a model, the cost calculator and the
models filter.

All are GET forms (no state changes, so no CSRF token) whose bad input turns
into a message next to the field, never an error page.
"""

import html
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from catalog.models import CAPABILITY_LABELS, MAX_TOKENS
from pages.picking import MAX_TEXT_LENGTH, PickedModel, model_resolve

# A month of tokens above ten trillion is a typo, not a workload.
MAX_MONTHLY_TOKENS = 10**13
DEFAULT_INPUT_TOKENS = 10_000_000
DEFAULT_OUTPUT_TOKENS = 2_000_000

PICK_MODEL_MESSAGE = "Choose a model from the list or type its name."
PICK_TWO_MESSAGE = "Choose two different models to compare."
UNKNOWN_MODEL_MESSAGE = (
    "We have no published model matching “%(value)s”. Check the spelling, or "
    "type part of the name."
)
AMBIGUOUS_MODEL_MESSAGE = (
    "More than one model matches “%(value)s”. Did you mean one of these?"
)
ALREADY_ADDED_MESSAGE = "%(name)s is already in this comparison. Choose another model."
ALL_ALREADY_ADDED_MESSAGE = (
    "Every model matching “%(value)s” is already in this comparison. "
    "Choose another model."
)
MODEL_TEXT_TOO_LONG_MESSAGE = (
    "Type at most %(limit_value)d characters: a model's name, or part of it."
)
TOKENS_NOT_NUMBER_MESSAGE = (
    "Enter a whole number of tokens, such as 5000000 (no letters)."
)
TOKENS_NEGATIVE_MESSAGE = (
    "Enter zero or more tokens; a month cannot have fewer than none."
)
TOKENS_TOO_MANY_MESSAGE = (
    "That is more than 10,000,000,000,000 tokens a month; check for extra zeros."
)
UNKNOWN_VENDOR_MESSAGE = (
    "“%(value)s” is not a vendor we list. Choose one from the list."
)
UNKNOWN_CAPABILITY_MESSAGE = "“%(value)s” is not a capability we track."
OPEN_WEIGHTS_MESSAGE = "Choose “open weights”, “closed weights” or “any”."
SORT_MESSAGE = "“%(value)s” is not a way to sort; choose one from the list."
UNKNOWN_PROVIDER_MESSAGE = (
    "“%(value)s” is not a provider we list. Choose one from the list."
)
UNKNOWN_BENCHMARK_MESSAGE = (
    "“%(value)s” is not a benchmark we list. Choose one from the list."
)
MAX_PRICE_MESSAGE = "Enter a price in US dollars per million tokens, such as 2 or 0.5."
MAX_PRICE_RANGE_MESSAGE = "Enter a price from 0 to 999,999 dollars per million tokens."
MIN_CONTEXT_MESSAGE = "Enter a whole number of tokens, such as 128000."
MIN_CONTEXT_RANGE_MESSAGE = "Enter a number of tokens from 1 to 1,000,000,000."

SORT_CHOICES = (
    ("name", "Name (A to Z)"),
    ("price", "Price (lowest blended first)"),
    ("context", "Context window (largest first)"),
    ("release", "Release date (newest first)"),
)
OPEN_WEIGHTS_CHOICES = (("", "Any"), ("yes", "Open weights"), ("no", "Closed weights"))


class ModelField(forms.CharField):
    """Text naming one published model: its slug (from the combobox) or its name."""

    def __init__(self, *, label: str) -> None:
        super().__init__(
            label=label,
            max_length=MAX_TEXT_LENGTH,
            error_messages={
                "required": PICK_MODEL_MESSAGE,
                "max_length": MODEL_TEXT_TOO_LONG_MESSAGE,
            },
        )


@dataclass(frozen=True)
class Suggestion:
    """A model offered for a field that named none: following the link picks it."""

    name: str
    detail: str
    url: str


class ModelPickForm(forms.Form):
    """A form of ModelFields, each cleaned to one PickedModel (pages/picking.py).

    A field that names no single model gets a message and, when some models come
    close, links that send the form again with that model picked instead.
    """

    url_name = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.picked: dict[str, PickedModel] = {}
        self.candidates: dict[str, tuple[PickedModel, ...]] = {}

    def excluded(self) -> Collection[str]:
        """Slugs already chosen elsewhere, never offered as candidates."""
        return ()

    def fixed_query(self) -> list[tuple[str, str]]:
        """Parameters the form sends besides its fields."""
        return []

    def resolve(self, name: str) -> PickedModel:
        text = self.cleaned_data[name]
        found = model_resolve(text, exclude=self.excluded())
        if found.model is not None:
            self.picked[name] = found.model
            return found.model
        self.candidates[name] = found.candidates
        if found.candidates:
            message, code = AMBIGUOUS_MODEL_MESSAGE, "ambiguous"
        elif found.all_excluded:
            message, code = ALL_ALREADY_ADDED_MESSAGE, "chosen"
        else:
            message, code = UNKNOWN_MODEL_MESSAGE, "unknown"
        raise forms.ValidationError(message, code=code, params={"value": text})

    def shown_value(self, name: str) -> str:
        """What the field shows: the picked model's name, else the text as sent."""
        picked = self.picked.get(name)
        return picked.name if picked else (self[name].value() or "")

    def sent_value(self, name: str) -> str:
        """What the field sends again: the picked model's slug, else its text."""
        picked = self.picked.get(name)
        return picked.slug if picked else (self[name].value() or "")

    @cached_property
    def suggestions(self) -> dict[str, list[Suggestion]]:
        """Per field that named no single model, a link for each close match."""
        action = reverse(self.url_name)
        suggestions = {}
        for name, candidates in self.candidates.items():
            links = []
            for candidate in candidates:
                query = [
                    *self.fixed_query(),
                    *(
                        (
                            field,
                            candidate.slug if field == name else self.sent_value(field),
                        )
                        for field in self.fields
                    ),
                ]
                links.append(
                    Suggestion(
                        name=candidate.name,
                        detail=candidate.detail,
                        url=f"{action}?{urlencode(query)}",
                    )
                )
            suggestions[name] = links
        return suggestions


class ComparePickerForm(ModelPickForm):
    """Two models, typed or chosen; the view redirects to their canonical pair page."""

    url_name = "comparisons:go"

    a = ModelField(label="First model")
    b = ModelField(label="Second model")

    def clean_a(self) -> PickedModel:
        return self.resolve("a")

    def clean_b(self) -> PickedModel:
        return self.resolve("b")

    def clean(self) -> dict:
        cleaned = super().clean()
        a, b = cleaned.get("a"), cleaned.get("b")
        if a is not None and b is not None and a.slug == b.slug:
            self.add_error("b", PICK_TWO_MESSAGE)
        return cleaned


class AddModelForm(ModelPickForm):
    """One more model for a comparison; the view redirects to the canonical page."""

    url_name = "comparisons:add"

    add = ModelField(label="Model to add")

    def __init__(self, *args, current: Iterable[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = sorted(current)

    def excluded(self) -> Collection[str]:
        return self.current

    def fixed_query(self) -> list[tuple[str, str]]:
        return [("m", slug) for slug in self.current]

    def clean_add(self) -> PickedModel:
        picked = self.resolve("add")
        if picked.slug in self.current:
            raise forms.ValidationError(
                ALREADY_ADDED_MESSAGE, code="chosen", params={"name": picked.name}
            )
        return picked


class TokenField(forms.CharField):
    """A monthly token count: digits, with optional thousands separators."""

    def to_python(self, value) -> int | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        cleaned = text.replace(",", "").replace("_", "").replace(" ", "")
        if cleaned.startswith("-") and cleaned[1:].isdigit():
            raise forms.ValidationError(TOKENS_NEGATIVE_MESSAGE, code="min_value")
        if not cleaned.isascii() or not cleaned.isdigit():
            raise forms.ValidationError(TOKENS_NOT_NUMBER_MESSAGE, code="invalid")
        if len(cleaned) > 14 or int(cleaned) > MAX_MONTHLY_TOKENS:
            raise forms.ValidationError(TOKENS_TOO_MANY_MESSAGE, code="max_value")
        return int(cleaned)


class CostCalculatorForm(forms.Form):
    """Monthly token volumes; the page prices them at each model's reference offering."""

    input_tokens = TokenField(
        label="Input tokens per month",
        required=False,
        help_text="What you send: prompts, documents, chat history.",
    )
    output_tokens = TokenField(
        label="Output tokens per month",
        required=False,
        help_text="What the model writes back.",
    )

    def volumes(self) -> tuple[int, int] | None:
        """The valid volumes, defaults where a field was left empty; None if any is invalid."""
        if not self.is_valid():
            return None
        input_tokens = self.cleaned_data["input_tokens"]
        output_tokens = self.cleaned_data["output_tokens"]
        return (
            DEFAULT_INPUT_TOKENS if input_tokens is None else input_tokens,
            DEFAULT_OUTPUT_TOKENS if output_tokens is None else output_tokens,
        )


def monthly_cost(*, tokens: int, price_per_million: Decimal) -> Decimal:
    """Exact cost of a month's tokens at a price per million tokens."""
    return Decimal(tokens) * price_per_million / Decimal(1_000_000)


def _html_attrs(attrs: dict) -> str:
    """Attributes as Django's attrs.html writes them: True alone, False left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainChoices(BaseChoiceIterator):
    """(value, label) pairs after a blank one, which a field takes as they are.

    A list given to a ChoiceField is normalised by the field and again by its
    widget, some 5 µs a choice: the vendor filter's hundreds of choices cost
    milliseconds on every models list page before anything was shown.
    """

    def __init__(
        self, blank: tuple[str, str], choices: Sequence[tuple[str, str]]
    ) -> None:
        self.blank = blank
        self.choices = choices

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield self.blank
        yield from self.choices


def _escaped(value: object) -> str:
    """conditional_escape without its check for lazy arguments on every call."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class PlainSelect(forms.Select):
    """A select written in Python, not one template include per option.

    The vendor list grows with the catalog (hundreds of options on every
    models list page), and the list's other selects cost a template include
    per option too; the markup is the same as Django's select templates
    make, byte for byte. Options without groups are written straight from the
    choices, without the dictionary per option Django's optgroups builds.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if any(isinstance(label, list | tuple) for _, label in self.choices):
            return self._render_groups(name, value, attrs)
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        values = widget["value"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{_html_attrs(widget['attrs'])}>"
        ]
        has_selected = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            # Django's rule: a single select marks only its first matching option.
            selected = not has_selected and text in values
            has_selected |= selected
            parts.append(
                f'\n  <option value="{_escaped(text)}"'
                f"{' selected' if selected else ''}>{_escaped(label)}</option>\n"
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)

    def _render_groups(self, name, value, attrs=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(f"{_html_attrs(widget['attrs'])}>")
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_html_attrs(option['attrs'])}>"
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


class ModelFilterForm(forms.Form):
    vendor = forms.ChoiceField(
        label="Vendor",
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": UNKNOWN_VENDOR_MESSAGE},
    )
    capability = forms.MultipleChoiceField(
        label="Has every one of",
        required=False,
        choices=tuple(CAPABILITY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_CAPABILITY_MESSAGE},
    )
    open_weights = forms.ChoiceField(
        label="Weights",
        required=False,
        widget=PlainSelect,
        choices=OPEN_WEIGHTS_CHOICES,
        error_messages={"invalid_choice": OPEN_WEIGHTS_MESSAGE},
    )
    provider = forms.ChoiceField(
        label="Served by",
        required=False,
        widget=PlainSelect,
        error_messages={"invalid_choice": UNKNOWN_PROVIDER_MESSAGE},
    )
    max_price = forms.DecimalField(
        label="Blended price at most ($ per million tokens)",
        required=False,
        min_value=0,
        max_value=Decimal("999999"),
        decimal_places=6,
        error_messages={
            "invalid": MAX_PRICE_MESSAGE,
            "min_value": MAX_PRICE_RANGE_MESSAGE,
            "max_value": MAX_PRICE_RANGE_MESSAGE,
            "max_decimal_places": MAX_PRICE_MESSAGE,
            "max_digits": MAX_PRICE_RANGE_MESSAGE,
            "max_whole_digits": MAX_PRICE_RANGE_MESSAGE,
        },
    )
    min_context = forms.IntegerField(
        label="Context at least (tokens)",
        required=False,
        min_value=1,
        max_value=MAX_TOKENS,
        error_messages={
            "invalid": MIN_CONTEXT_MESSAGE,
            "min_value": MIN_CONTEXT_RANGE_MESSAGE,
            "max_value": MIN_CONTEXT_RANGE_MESSAGE,
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        widget=PlainSelect,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": SORT_MESSAGE},
    )
    benchmark = forms.ChoiceField(
        label="Rank by benchmark score",
        required=False,
        widget=PlainSelect,
        help_text="Best score first; models without a score come last.",
        error_messages={"invalid_choice": UNKNOWN_BENCHMARK_MESSAGE},
    )

    def __init__(
        self,
        *args,
        vendor_choices: Sequence[tuple[str, str]],
        provider_choices: Sequence[tuple[str, str]] = (),
        benchmark_choices: Sequence[tuple[str, str]] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = PlainChoices(("", "Any vendor"), vendor_choices)
        self.fields["provider"].choices = PlainChoices(
            ("", "Any provider"), provider_choices
        )
        self.fields["benchmark"].choices = PlainChoices(
            ("", "No benchmark"), benchmark_choices
        )

    def valid_filters(self) -> dict:
        """The fields that are valid, so one bad value never empties the whole list."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", [])
        }
