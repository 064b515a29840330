"""The model list orders by price: blended, input or output, unknown prices last."""

from http import HTTPStatus

import pytest
from django.test import Client

from tests.api.support import LIST_QUERIES, grow_catalog
from tests.factories import LLMModelFactory, OfferingFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(catalog):
    """Four more models: cheap, dear, one without prices, one only on a closed offering."""
    host = ProviderFactory(slug="host", name="Host")
    other = ProviderFactory(slug="other-host", name="Other host")
    cheap = LLMModelFactory(slug="cheap")
    OfferingFactory(model=cheap, provider=host, input_price="0.1", output_price="0.2")
    # Its dearer offering elsewhere does not change its "from" price.
    OfferingFactory(model=cheap, provider=other, input_price="5", output_price="9")
    dear = LLMModelFactory(slug="dear")
    OfferingFactory(model=dear, provider=host, input_price="30", output_price="60")
    # Only an output price: known for output ordering, unknown for the others.
    half = LLMModelFactory(slug="half-priced")
    OfferingFactory(model=half, provider=host, input_price=None, output_price="1")
    closed = LLMModelFactory(slug="closed")
    OfferingFactory(
        model=closed,
        provider=host,
        input_price="0.01",
        output_price="0.01",
        is_available=False,
    )


def slugs(api, query: str) -> list[str]:
    response = api.get(f"/api/v1/models/?{query}&page_size=200")
    assert response.status_code == HTTPStatus.OK, response.json()
    return [model["slug"] for model in response.json()["results"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        # GPT-4.1 Mini blends 0.40/1.60 to 0.76, Grok 4.20 2/6 to 3.2 at 0.7.
        (
            "blended_price",
            ["cheap", "gpt-4-1-mini", "grok-4-20", "dear", "closed", "half-priced"],
        ),
        (
            "-blended_price",
            ["dear", "grok-4-20", "gpt-4-1-mini", "cheap", "half-priced", "closed"],
        ),
        (
            "output_price",
            ["cheap", "half-priced", "gpt-4-1-mini", "grok-4-20", "dear", "closed"],
        ),
        (
            "-output_price",
            ["dear", "grok-4-20", "gpt-4-1-mini", "half-priced", "cheap", "closed"],
        ),
        (
            "input_price",
            ["cheap", "gpt-4-1-mini", "grok-4-20", "dear", "closed", "half-priced"],
        ),
        (
            "-input_price",
            ["dear", "grok-4-20", "gpt-4-1-mini", "cheap", "half-priced", "closed"],
        ),
    ],
)
def test_price_orderings_put_unknown_prices_last(
    api, catalog, priced, ordering, expected
):
    assert slugs(api, f"ordering={ordering}") == expected


@pytest.mark.parametrize(
    "ordering", ["blended_price", "-blended_price", "-input_price"]
)
def test_price_ordering_pages_with_the_cursor_in_the_same_order(
    api, catalog, priced, ordering
):
    whole = slugs(api, f"ordering={ordering}")
    walked, url = [], f"/api/v1/models/?ordering={ordering}&page_size=2"
    while url:
        body = api.get(url).json()
        walked += [model["slug"] for model in body["results"]]
        url = body["next"]
    assert walked == whole


@pytest.mark.parametrize("size", [1, 12])
def test_price_ordering_costs_no_extra_query(
    api, catalog, priced, django_assert_num_queries, size
):
    grow_catalog(size)
    with django_assert_num_queries(LIST_QUERIES):
        assert api.get("/api/v1/models/?ordering=-blended_price").status_code == 200


@pytest.mark.parametrize(
    "value",
    ["price", "blended", "--blended_price", "%2Binput_price", "blended_price%00"],
)
def test_unknown_ordering_is_a_400_naming_the_parameter(api, catalog, value):
    response = api.get(f"/api/v1/models/?ordering={value}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    detail = response.json()["detail"]
    assert detail.startswith("ordering must be one of ")
    assert "blended_price, -blended_price" in detail
    assert "(got '" in detail


def test_schema_lists_the_price_orderings(api):
    schema = Client().get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/models/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    for name in ("blended_price", "input_price", "output_price"):
        assert {name, f"-{name}"} <= set(ordering["schema"]["enum"])
    assert "without a known price come last" in ordering["description"]
