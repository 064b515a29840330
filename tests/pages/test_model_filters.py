"""The models list filtered by price, context and provider, and sorted by a benchmark."""

import re
from http import HTTPStatus

import pytest
from django import forms
from django.utils.html import strip_tags

from pages.forms import PlainChoices, PlainSelect
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ScoreFactory,
)
from tests.pages.support import html_of, listed_models

pytestmark = pytest.mark.django_db

# Benchmarks, providers and vendors (the filters' choices), the count, one page
# of models, then that page's available offerings. Each edit below moves the
# catalog version, so the vendors are read again each time.
LIST_QUERIES = 6


@pytest.fixture
def catalog():
    host = ProviderFactory(slug="host", name="Host")
    other = ProviderFactory(slug="other", name="Other")
    arena = BenchmarkFactory(slug="arena", name="Arena", unit="elo")
    latency = BenchmarkFactory(
        slug="latency", name="Latency", unit="ms", higher_is_better=False
    )
    cheap = LLMModelFactory(slug="cheap", name="Cheap", context_window=8_000)
    mid = LLMModelFactory(slug="mid", name="Mid", context_window=128_000)
    dear = LLMModelFactory(slug="dear", name="Dear", context_window=1_000_000)
    unpriced = LLMModelFactory(slug="unpriced", name="Unpriced", context_window=None)
    # Blended at 0.7 input: 0.17, 1.6, 21.
    OfferingFactory(model=cheap, provider=host, input_price="0.1", output_price="0.33")
    OfferingFactory(model=mid, provider=other, input_price="1", output_price="3")
    OfferingFactory(model=dear, provider=host, input_price="15", output_price="35")
    # Only a closed offering at Other: it does not count as served there.
    OfferingFactory(
        model=dear,
        provider=other,
        input_price="0.01",
        output_price="0.01",
        is_available=False,
    )
    OfferingFactory(model=unpriced, provider=other, input_price=None, output_price=None)
    for model, elo, ms in ((cheap, 1100, 300), (mid, 1250, 900), (dear, 1300, 500)):
        ScoreFactory(model=model, benchmark=arena, value=elo)
        ScoreFactory(model=model, benchmark=latency, value=ms)


def names(client, **query) -> list[str]:
    response = client.get("/models/", query)
    assert response.status_code == HTTPStatus.OK
    return listed_models(html_of(response))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"max_price": "2"}, ["Cheap", "Mid"]),
        ({"max_price": "1.6"}, ["Cheap", "Mid"]),
        ({"max_price": "1.59"}, ["Cheap"]),
        ({"max_price": "0"}, []),
        ({"min_context": "128000"}, ["Dear", "Mid"]),
        ({"min_context": "1000001"}, []),
        ({"provider": "host"}, ["Cheap", "Dear"]),
        ({"provider": "other"}, ["Mid", "Unpriced"]),
        ({"provider": "host", "max_price": "5", "min_context": "1000"}, ["Cheap"]),
    ],
)
def test_filters_combine(client, catalog, query, expected):
    assert names(client, **query) == expected


def test_benchmark_sort_puts_the_best_score_first_and_unscored_last(client, catalog):
    assert names(client, benchmark="arena") == ["Dear", "Mid", "Cheap", "Unpriced"]


def test_benchmark_sort_follows_a_lower_is_better_benchmark(client, catalog):
    assert names(client, benchmark="latency") == ["Cheap", "Dear", "Mid", "Unpriced"]


def test_benchmark_sort_shows_the_scores_beside_the_prices(client, catalog):
    html = html_of(client.get("/models/", {"benchmark": "arena"}))
    table = html.split('<caption id="models-caption">', 1)[1]
    assert "best Arena score first" in html
    assert '<th scope="col" class="num">Arena</th>' in table
    assert '<th scope="col" class="num">Blended</th>' in table
    assert "1,300 elo" in table or "1300 elo" in table


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"max_price": "cheap"},
            "Blended price at most ($ per million tokens)",
            "Enter a price",
        ),
        (
            {"max_price": "-1"},
            "Blended price at most ($ per million tokens)",
            "from 0 to 999,999",
        ),
        ({"max_price": "1e400"}, "Blended price at most ($ per million tokens)", ""),
        (
            {"min_context": "lots"},
            "Context at least (tokens)",
            "whole number of tokens",
        ),
        ({"min_context": "0"}, "Context at least (tokens)", "from 1 to 1,000,000,000"),
        ({"min_context": "9" * 30}, "Context at least (tokens)", ""),
        ({"provider": "nowhere"}, "Served by", "not a provider we list"),
        ({"benchmark": "vibes"}, "Rank by benchmark score", "not a benchmark"),
        ({"max_price": "\x00"}, "Blended price at most ($ per million tokens)", ""),
    ],
)
def test_bad_values_are_form_errors_and_the_rest_still_applies(
    client, catalog, query, field, message
):
    response = client.get(
        "/models/", {**query, "min_context": query.get("min_context", "100000")}
    )
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert f"<strong>{field}:</strong>" in html
    assert message in html
    if "min_context" not in query:
        # The valid filter next to the bad one still narrows the list.
        assert listed_models(html) == ["Dear", "Mid"]


@pytest.mark.parametrize(
    "query",
    [
        {"max_price": "2", "provider": "host"},
        {"benchmark": "arena"},
        {"min_context": "1000", "benchmark": "latency", "max_price": "50"},
    ],
)
def test_filtered_list_costs_a_fixed_number_of_queries(
    client, catalog, query, django_assert_num_queries
):
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/models/", query)
    LLMModelFactory.create_batch(6)
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/models/", query)
    # Under the same catalog version the vendors are kept.
    with django_assert_num_queries(LIST_QUERIES - 1):
        client.get("/models/", {**query, "page": "2"})


HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>')


def row_cells(html: str, name: str) -> list[str]:
    """The visible cells of the list's row for the model named `name`."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL):
        if f">{name}</a>" in row:
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
            return [
                re.sub(r"\s+", " ", strip_tags(HIDDEN.sub("", c))).strip()
                for c in cells
            ]
    raise AssertionError(f"no row for {name}")


def test_a_row_shows_the_reference_offering_and_counts_available_providers(client):
    model = LLMModelFactory(slug="mixed", name="Mixed", context_window=None)
    for slug, input_price, output_price, available in (
        ("paid", "1", "4", True),
        ("closed", "0.01", "0.01", False),  # cheaper, but not served
        ("unpriced", None, None, True),  # served, so counted; no price to show
        # Blended 1 both (at 0.7 input): the lower input price is the reference.
        ("tie-a", "1", "1", True),
        ("tie-b", "0.4", "2.4", True),
    ):
        OfferingFactory(
            model=model,
            provider=ProviderFactory(slug=slug, name=slug.title()),
            input_price=input_price,
            output_price=output_price,
            is_available=available,
        )
    cells = row_cells(html_of(client.get("/models/")), "Mixed")
    # Model, vendor, input, output, blended, context, released, providers.
    assert cells[2:5] == ["$0.40", "$2.40", "$1"]
    assert cells[-1] == "4"
    OfferingFactory(
        model=model,
        provider=ProviderFactory(slug="gratis", name="Gratis"),
        input_price="0",
        output_price="0",
    )
    cells = row_cells(html_of(client.get("/models/", {"sort": "price"})), "Mixed")
    assert cells[2:5] == ["Free", "Free", "Free"]
    assert cells[-1] == "5"


def test_a_model_without_a_priced_offering_shows_no_prices(client):
    LLMModelFactory(slug="bare", name="Bare")
    cells = row_cells(html_of(client.get("/models/")), "Bare")
    assert cells[2:5] == ["—", "—", "—"]
    assert cells[-1] == "0"


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {"id": "id_vendor"}),
        ("b&b", {"id": "id_vendor"}),
        ("twice", {"id": "id_vendor", "aria-invalid": "true"}),
        ("nowhere", {}),
    ],
)
def test_the_list_selects_write_django_select_markup(value, attrs):
    choices = [
        ("", "Any vendor"),
        ("b&b", 'B&B "Labs" <Ltd> it\'s'),
        ("twice", "First"),
        ("twice", "Second"),
        (7, "Seven"),
    ]
    ours = PlainSelect(choices=PlainChoices(choices[0], choices[1:]))
    django = forms.Select(choices=choices)
    assert ours.render("vendor", value, attrs) == django.render("vendor", value, attrs)
