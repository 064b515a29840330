"""Reader forms: the compare picker, the cost calculator and the models filter.

All are GET forms (no state changes, so no CSRF token) whose bad input turns
into a message next to the field, never an error page.
"""

from decimal import Decimal

from django import forms

from catalog.models import CAPABILITY_LABELS, MAX_TOKENS

# A month of tokens above ten trillion is a typo, not a workload.
MAX_MONTHLY_TOKENS = 10**13
DEFAULT_INPUT_TOKENS = 10_000_000
DEFAULT_OUTPUT_TOKENS = 2_000_000

PICK_MODEL_MESSAGE = "Choose a model from the list."
PICK_TWO_MESSAGE = "Choose two different models to compare."
UNKNOWN_MODEL_MESSAGE = (
    "We have no published model “%(value)s”. Choose one from the list."
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


class ComparePickerForm(forms.Form):
    """Two models by slug; the view redirects to their canonical pair page."""

    a = forms.ChoiceField(
        label="First model",
        error_messages={
            "required": PICK_MODEL_MESSAGE,
            "invalid_choice": UNKNOWN_MODEL_MESSAGE,
        },
    )
    b = forms.ChoiceField(
        label="Second model",
        error_messages={
            "required": PICK_MODEL_MESSAGE,
            "invalid_choice": UNKNOWN_MODEL_MESSAGE,
        },
    )

    def __init__(self, *args, model_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a model…"), *model_choices]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", PICK_TWO_MESSAGE)
        return cleaned


class AddModelForm(forms.Form):
    """One more model for a comparison; the view redirects to the canonical page."""

    add = forms.ChoiceField(
        label="Model to add",
        error_messages={
            "required": PICK_MODEL_MESSAGE,
            "invalid_choice": UNKNOWN_MODEL_MESSAGE,
        },
    )

    def __init__(self, *args, model_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add"].choices = [("", "Choose a model…"), *model_choices]


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


class ModelFilterForm(forms.Form):
    vendor = forms.ChoiceField(
        label="Vendor",
        required=False,
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
        choices=OPEN_WEIGHTS_CHOICES,
        error_messages={"invalid_choice": OPEN_WEIGHTS_MESSAGE},
    )
    provider = forms.ChoiceField(
        label="Served by",
        required=False,
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
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": SORT_MESSAGE},
    )
    benchmark = forms.ChoiceField(
        label="Rank by benchmark score",
        required=False,
        help_text="Best score first; models without a score come last.",
        error_messages={"invalid_choice": UNKNOWN_BENCHMARK_MESSAGE},
    )

    def __init__(
        self,
        *args,
        vendor_choices: list[tuple[str, str]],
        provider_choices: list[tuple[str, str]] = (),
        benchmark_choices: list[tuple[str, str]] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = [("", "Any vendor"), *vendor_choices]
        self.fields["provider"].choices = [("", "Any provider"), *provider_choices]
        self.fields["benchmark"].choices = [("", "No benchmark"), *benchmark_choices]

    def valid_filters(self) -> dict:
        """The fields that are valid, so one bad value never empties the whole list."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", [])
        }
