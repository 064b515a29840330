"""The reader pages' Jinja2 helpers: links as reverse() gives them, unknowns marked."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from jinja2 import ChainableUndefined

from comparisons.derivation import formatting
from config.jinja2 import url
from pages.templating import lookup, show, tokens, yes_no


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("comparisons:home", ()),
        ("catalog:model-list", ()),
        ("comparisons:pair", ("gpt-4-1-mini-vs-grok-4-20",)),
        ("catalog:model-detail", ("o3",)),
        # Not plain lowercase slugs: these go through reverse() itself.
        ("catalog:model-detail", ("Mixed_Case",)),
        ("comparisons:pair", ("a b?c",)),
        ("comparisons:pair", ("x--y",)),
    ],
)
def test_url_gives_what_reverse_gives(name, args):
    assert url(name, *args) == reverse(name, args=args)


def test_url_follows_the_script_prefix():
    set_script_prefix("/versus/")
    try:
        assert url("comparisons:pair", "a-vs-b") == "/versus/compare/a-vs-b/"
        assert url("comparisons:home") == "/versus/"
    finally:
        set_script_prefix("/")
    assert url("comparisons:home") == "/"


@override_settings(ROOT_URLCONF="tests.ops.pages")
def test_url_follows_another_urlconf():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        url("comparisons:pair", "a-vs-b")


def test_unknown_and_missing_values_show_the_one_mark():
    mark = str(show(None))
    assert formatting.UNKNOWN_MARK in mark and "unknown" in mark
    assert str(show("")) == mark
    assert str(show(ChainableUndefined())) == mark
    assert str(tokens(None)) == mark
    assert str(yes_no(None)) == mark
    assert lookup(ChainableUndefined(), "a") is None


def test_shown_values_are_escaped():
    assert str(show("<b>")) == "&lt;b&gt;"
    title = formatting.Display(text="<i>", label="x", title='"q"')
    assert str(show(title)) == '<span title="&#34;q&#34;">&lt;i&gt;</span>'
    assert str(tokens(1_047_576)) == ('<span title="1,047,576 tokens">1.05M</span>')


def test_displays_of_equal_prices_read_the_same():
    assert formatting.money_display(Decimal("0.4")) == formatting.money_display(
        Decimal("0.40")
    )
    assert formatting.money_display(Decimal("0.40")).text == "$0.40"
    assert formatting.money_display(Decimal("0"), free=True).text == "Free"
    assert formatting.money_display(Decimal("0")).text == "$0"
