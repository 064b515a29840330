"""The compare picker and the "add a model" form: names typed freely, slugs chosen."""

import re
from html import unescape
from http import HTTPStatus

import pytest

from catalog.models import LLMModel
from comparisons.derivation import models_slug
from comparisons.services import pair_slug
from pages.forms import (
    ALL_ALREADY_ADDED_MESSAGE,
    ALREADY_ADDED_MESSAGE,
    AMBIGUOUS_MODEL_MESSAGE,
    PICK_MODEL_MESSAGE,
    PICK_TWO_MESSAGE,
    UNKNOWN_MODEL_MESSAGE,
    AddModelForm,
    ComparePickerForm,
)
from tests.factories import (
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    VendorFactory,
)
from tests.pages.support import html_of, visible_text

pytestmark = pytest.mark.django_db

MODELS = {
    "openai": ("OpenAI", ["GPT-4.1 Mini", "GPT-4.1", "GPT-4.1 Nano", "o3"]),
    "xai": ("xAI", ["Grok 4.20", "Grok 4 Fast"]),
    "anthropic": ("Anthropic", ["Claude Sonnet 4.5", "Claude Opus 4.1"]),
    "mistral": ("Mistral AI", ["Mistral Large 2"]),
}
MINI_VS_GROK = "/compare/gpt-4-1-mini-vs-grok-4-20/"
ADD = "/compare/add/"
MINI_AND_GROK = [("m", "gpt-4-1-mini"), ("m", "grok-4-20")]


def slug_of(name: str) -> str:
    return name.lower().replace(".", "-").replace(" ", "-")


@pytest.fixture
def catalog():
    for vendor_slug, (vendor_name, names) in MODELS.items():
        vendor = VendorFactory(slug=vendor_slug, name=vendor_name)
        for name in names:
            LLMModelFactory(slug=slug_of(name), name=name, vendor=vendor)
    OfferingFactory(
        model=LLMModel.objects.get(slug="gpt-4-1-mini"),
        provider=ProviderFactory(slug="openrouter", name="OpenRouter"),
        provider_model_id="openai/gpt-4.1-mini",
    )
    LLMModelFactory(
        slug="secret-draft",
        name="Secret Draft",
        vendor=VendorFactory(slug="openai"),
        status=LLMModel.Status.DRAFT,
    )


def go(client, a: str, b: str):
    return client.get("/compare/go/", {"a": a, "b": b})


def message(template: str, **params) -> str:
    return template % params


def suggestion_links(html: str, field: str) -> list[tuple[str, str]]:
    """(href, text) of each "Did you mean" link under a field, in order."""
    block = re.search(
        rf'<div class="error" id="id_{field}-error">(.*?)</div>', html, re.DOTALL
    )
    if block is None:
        return []
    return [
        (unescape(href), unescape(text))
        for href, text in re.findall(
            r'<a href="([^"]+)" rel="nofollow">(.*?)</a>', block.group(1)
        )
    ]


# --- Straight to the pair page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gpt-4-1-mini", "grok-4-20"),  # slugs, as the combobox sends them
        ("GPT-4.1 Mini", "Grok 4.20"),  # the names
        ("gpt 4.1 mini", "GROK-4.20"),  # case and punctuation do not matter
        ("  Gpt-4.1-MINI ", "grok 4,20"),
        ("openai/gpt-4.1-mini", "Grok 4.20"),  # a provider's model id
        ("GPT-4.1 Mini (OpenAI)", "xai grok 4.20"),  # with the vendor's name
        ("grok 4.2", "gpt-4.1 min"),  # the only name that starts so; either order
    ],
)
def test_a_name_naming_one_model_goes_to_the_canonical_pair_page(client, catalog, a, b):
    response = go(client, a, b)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == MINI_VS_GROK


def test_a_typo_close_to_one_model_only_goes_to_its_pair_page(client, catalog):
    response = go(client, "Mistrall Large", "o3")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/compare/{pair_slug('mistral-large-2', 'o3')}/"


def test_form_cleans_each_field_to_the_model_it_names(catalog):
    form = ComparePickerForm({"a": "claud sonnet", "b": "NANO"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["a"].slug == "claude-sonnet-4-5"
    assert form.cleaned_data["b"].slug == "gpt-4-1-nano"


# --- Did you mean ---------------------------------------------------------------------


def test_a_typo_close_to_several_models_offers_them_best_first(client, catalog):
    response = go(client, "gtp 4.1", "grok-4-20")
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    text = visible_text(html)
    assert message(AMBIGUOUS_MODEL_MESSAGE, value="gtp 4.1") in text
    links = suggestion_links(html, "a")
    assert [name for _, name in links[:3]] == [
        "GPT-4.1 (OpenAI)",
        "GPT-4.1 Mini (OpenAI)",
        "GPT-4.1 Nano (OpenAI)",
    ]
    # Each link sends the form again with that model picked and the other kept.
    assert links[1][0] == "/compare/go/?a=gpt-4-1-mini&b=grok-4-20"
    followed = client.get(links[1][0])
    assert followed["Location"] == MINI_VS_GROK


def test_the_field_that_named_no_model_is_marked_and_described(client, catalog):
    html = html_of(go(client, "grok", "GPT-4.1 Mini"))
    assert '<input type="text" name="a" id="id_a" value="grok" maxlength="100"' in html
    assert 'aria-invalid="true" aria-describedby="id_a-error"' in html
    assert '<div class="error" id="id_a-error">' in html
    # The other field shows the model it named and keeps its slug for the script.
    assert 'id="id_b" value="GPT-4.1 Mini"' in html
    assert 'data-slug="gpt-4-1-mini"' in html
    assert "id_b-error" not in html
    assert "Please fix the choice below." in html


def test_two_ambiguous_names_are_settled_in_two_steps_without_script(client, catalog):
    html = html_of(go(client, "gpt", "grok"))
    first = dict((name, href) for href, name in suggestion_links(html, "a"))
    assert set(first) == {
        "GPT-4.1 (OpenAI)",
        "GPT-4.1 Mini (OpenAI)",
        "GPT-4.1 Nano (OpenAI)",
    }
    # The other field's text travels as typed, still to be settled.
    assert first["GPT-4.1 Mini (OpenAI)"] == "/compare/go/?a=gpt-4-1-mini&b=grok"
    html = html_of(client.get(first["GPT-4.1 Mini (OpenAI)"]))
    assert suggestion_links(html, "a") == []
    second = dict((name, href) for href, name in suggestion_links(html, "b"))
    assert set(second) == {"Grok 4.20 (xAI)", "Grok 4 Fast (xAI)"}
    response = client.get(second["Grok 4.20 (xAI)"])
    assert response["Location"] == MINI_VS_GROK


def test_a_letter_or_two_names_a_model_only_exactly(client, catalog):
    assert go(client, "o3", "grok-4-20")["Location"] == "/compare/grok-4-20-vs-o3/"
    html = html_of(go(client, "o", "grok-4-20"))
    assert ("/compare/go/?a=o3&b=grok-4-20", "o3 (OpenAI)") in suggestion_links(
        html, "a"
    )


# --- Refused, with a message ----------------------------------------------------------


@pytest.mark.parametrize("unknown", ["zzqx wobble", "Secret Draft", "secret-draft"])
def test_an_unknown_or_unpublished_model_is_explained(client, catalog, unknown):
    response = go(client, unknown, "grok-4-20")
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert message(UNKNOWN_MODEL_MESSAGE, value=unknown) in unescape(html)
    assert suggestion_links(html, "a") == []
    assert "/models/secret-draft/" not in html
    assert "a=secret-draft" not in html


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GPT-4.1 Mini", "gpt-4-1-mini"),
        ("gpt-4-1-mini", "gpt-4-1-mini"),
        ("openai/gpt-4.1-mini", "gpt 4.1 MINI"),
    ],
)
def test_the_same_model_twice_is_explained(client, catalog, a, b):
    response = go(client, a, b)
    assert response.status_code == HTTPStatus.OK
    assert PICK_TWO_MESSAGE in unescape(html_of(response))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"a": "gpt-4-1-mini"}, PICK_MODEL_MESSAGE),
        ({"a": "   ", "b": "grok-4-20"}, PICK_MODEL_MESSAGE),
        ({"a": "x" * 101, "b": "grok-4-20"}, "Type at most 100 characters"),
        ({"a": "gpt\x00", "b": "grok-4-20"}, "Null characters are not allowed."),
    ],
)
def test_empty_long_or_broken_text_is_explained(client, catalog, query, expected):
    response = client.get("/compare/go/", query)
    assert response.status_code == HTTPStatus.OK
    assert expected in unescape(html_of(response))


def test_typed_markup_is_shown_as_text(client, catalog):
    html = html_of(go(client, '"><script>alert(1)</script>', "grok-4-20"))
    assert "<script>alert(1)" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


# --- Adding a model -------------------------------------------------------------------


def add(client, current: list[str], text: str):
    return client.get(ADD, [*(("m", slug) for slug in current), ("add", text)])


@pytest.mark.parametrize(
    ("current", "text", "expected"),
    [
        (["gpt-4-1-mini", "grok-4-20"], "claude sonnet 4.5", "claude-sonnet-4-5"),
        (["gpt-4-1-mini", "grok-4-20"], "Mistrall Large", "mistral-large-2"),
        (["gpt-4-1-mini", "grok-4-20", "o3"], "Claude Opus 4.1", "claude-opus-4-1"),
        (["gpt-4-1-mini", "grok-4-20", "o3"], "claude-opus-4-1", "claude-opus-4-1"),
    ],
)
def test_a_typed_model_joins_two_or_three_on_the_canonical_page(
    client, catalog, current, text, expected
):
    response = add(client, current, text)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/compare/{models_slug([*current, expected])}/"


def test_a_fifth_model_is_refused(client, catalog):
    four = ["gpt-4-1-mini", "grok-4-20", "o3", "gpt-4-1"]
    assert client.get(ADD, [("m", slug) for slug in four]).status_code == 404
    assert add(client, four, "Claude Opus 4.1").status_code == HTTPStatus.NOT_FOUND


def test_a_model_already_in_the_comparison_is_explained(client, catalog):
    response = add(client, ["gpt-4-1-mini", "grok-4-20"], "gpt 4.1 mini")
    assert response.status_code == HTTPStatus.OK
    html = unescape(html_of(response))
    assert message(ALREADY_ADDED_MESSAGE, name="GPT-4.1 Mini") in html


def test_adding_offers_close_models_that_are_not_in_the_comparison(client, catalog):
    html = html_of(add(client, ["gpt-4-1-mini", "grok-4-20"], "gpt"))
    assert message(AMBIGUOUS_MODEL_MESSAGE, value="gpt") in unescape(html)
    links = suggestion_links(html, "add")
    assert links == [
        ("/compare/add/?m=gpt-4-1-mini&m=grok-4-20&add=gpt-4-1", "GPT-4.1 (OpenAI)"),
        (
            "/compare/add/?m=gpt-4-1-mini&m=grok-4-20&add=gpt-4-1-nano",
            "GPT-4.1 Nano (OpenAI)",
        ),
    ]
    response = client.get(links[1][0])
    assert response["Location"] == (
        "/compare/" + models_slug(["gpt-4-1-mini", "grok-4-20", "gpt-4-1-nano"]) + "/"
    )


def test_adding_when_every_match_is_already_in(client, catalog):
    html = html_of(add(client, ["grok-4-20", "grok-4-fast"], "grok"))
    assert message(ALL_ALREADY_ADDED_MESSAGE, value="grok") in unescape(html)
    assert suggestion_links(html, "add") == []


def test_add_form_cleans_to_the_model_it_names(catalog):
    form = AddModelForm({"add": "O3"}, current=["grok-4-20", "gpt-4-1-mini"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["add"].slug == "o3"


# --- What it costs ---------------------------------------------------------------------


def fillers(count: int, start: int = 0) -> None:
    """Published models whose names share a pattern and length."""
    vendor = VendorFactory(slug="filler", name="Filler Labs")
    for index in range(start, start + count):
        LLMModelFactory(
            slug=f"filler-{index:04d}", name=f"Filler Model {index:04d}", vendor=vendor
        )


@pytest.mark.parametrize("size", [0, 40])
def test_picking_costs_the_same_queries_at_any_catalog_size(
    client, catalog, size, django_assert_num_queries
):
    fillers(size)
    # Slugs come from the catalog version's index: built on this process's first
    # use (change-log position, models, cheapest prices, curated pairs: 4)...
    with django_assert_num_queries(4):
        assert go(client, "gpt-4-1-mini", "grok-4-20")["Location"] == MINI_VS_GROK
    # ...then read from memory.
    with django_assert_num_queries(0):
        assert go(client, "grok-4-20", "gpt-4-1-mini")["Location"] == MINI_VS_GROK
    # A typed name is a search: the vendors, providers and benchmarks once per
    # catalog version (1), then one query for models per name.
    with django_assert_num_queries(3):
        assert go(client, "GPT-4.1 Mini", "Grok 4.20")["Location"] == MINI_VS_GROK
    # The picker again, with its suggestions, and the curated comparisons (1).
    with django_assert_num_queries(3):
        assert go(client, "gpt", "grok").status_code == HTTPStatus.OK


@pytest.mark.parametrize("size", [0, 40])
def test_adding_costs_the_same_queries_at_any_catalog_size(
    client, catalog, size, django_assert_num_queries
):
    fillers(size)
    current = ["gpt-4-1-mini", "grok-4-20"]
    # The index (4), which also finds the current models and a slug.
    with django_assert_num_queries(4):
        assert add(client, current, "o3").status_code == HTTPStatus.FOUND
    # A typed name: the search's vendors, providers and benchmarks once per
    # catalog version (1), then one query for models.
    with django_assert_num_queries(2):
        assert add(client, current, "Claude Opus 4.1").status_code == HTTPStatus.FOUND
    with django_assert_num_queries(1):
        assert add(client, current, "claude").status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        assert client.get(ADD, MINI_AND_GROK).status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", ["/", "/compare/"])
def test_picker_pages_weigh_the_same_whatever_the_catalog_size(
    client, catalog, path, django_assert_num_queries
):
    fillers(20)
    small = html_of(client.get(path))
    fillers(200, start=20)
    # No query for the picker: the home page reads the recently updated models
    # and the featured comparisons, the compare index its curated comparisons.
    with django_assert_num_queries(2 if path == "/" else 1):
        large = html_of(client.get(path))
    # Two hundred more models would have been two hundred <option>s per select.
    assert abs(len(large) - len(small)) < 100
    assert "<option" not in large
    assert "Filler Model 0020" not in large
