"""Model filters, cursor pages, updated_since sync, ETag/Last-Modified and 304."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone
from django.utils.http import http_date

from catalog.models import LLMModel, Offering
from tests.factories import LLMModelFactory, OfferingFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def slugs(api, query: str) -> list[str]:
    response = api.get(f"/api/v1/models/?{query}")
    assert response.status_code == HTTPStatus.OK, response.json()
    return [m["slug"] for m in response.json()["results"]]


def error(api, path: str) -> dict:
    response = api.get(path)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid_parameter"
    return body


# --- Filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vendor=openai", ["gpt-4-1-mini"]),
        ("vendor=xai", ["grok-4-20"]),
        ("provider=openrouter", ["gpt-4-1-mini", "grok-4-20"]),
        ("provider=azure", []),  # Grok's Azure offering is not available
        ("open_weights=false", ["gpt-4-1-mini", "grok-4-20"]),
        ("open_weights=true", []),
        ("vision=true", ["gpt-4-1-mini"]),
        ("vision=false", ["grok-4-20"]),
        ("reasoning=TRUE", ["grok-4-20"]),
        ("tool_use=true", []),  # unknown matches neither true…
        ("tool_use=false", []),  # …nor false
        ("min_context=2000000", ["grok-4-20"]),
        ("min_context=0", ["gpt-4-1-mini", "grok-4-20"]),
        ("max_input_price=0.40", ["gpt-4-1-mini"]),
        ("max_input_price=0.39", []),
        ("max_output_price=6", ["gpt-4-1-mini", "grok-4-20"]),
        ("max_input_price=2&max_output_price=1.6", ["gpt-4-1-mini"]),
        ("search=grok", ["grok-4-20"]),
        ("search=GPT-4.1", ["gpt-4-1-mini"]),
        ("search=", ["gpt-4-1-mini", "grok-4-20"]),
        ("vendor=openai&vision=false", []),
    ],
)
def test_model_filter(api, catalog, query, expected):
    assert slugs(api, query) == expected


def test_price_limits_apply_to_one_and_the_same_offering(api, catalog):
    """Cheap input on one provider and cheap output on another is no match."""
    grok = catalog["grok"]
    OfferingFactory(
        model=grok,
        provider=ProviderFactory(slug="cheap-in"),
        input_price="0.1",
        output_price="50",
    )
    OfferingFactory(
        model=grok,
        provider=ProviderFactory(slug="cheap-out"),
        input_price="50",
        output_price="0.1",
    )
    assert slugs(api, "max_input_price=0.1&max_output_price=0.1") == []
    assert slugs(api, "max_input_price=0.1") == ["grok-4-20"]


def test_price_filter_ignores_unavailable_offerings(api, catalog):
    assert slugs(api, "max_output_price=15&provider=azure") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ordering=name", ["gpt-4-1-mini", "grok-4-20", "later"]),
        ("ordering=-name", ["later", "grok-4-20", "gpt-4-1-mini"]),
        ("ordering=release_date", ["later", "gpt-4-1-mini", "grok-4-20"]),
        ("ordering=-release_date", ["grok-4-20", "gpt-4-1-mini", "later"]),
        ("ordering=context_window", ["later", "gpt-4-1-mini", "grok-4-20"]),
        ("ordering=-context_window", ["grok-4-20", "gpt-4-1-mini", "later"]),
        ("ordering=-slug", ["later", "grok-4-20", "gpt-4-1-mini"]),
    ],
)
def test_model_ordering(api, catalog, query, expected):
    # Unknown release date and context window sort first.
    LLMModelFactory(slug="later", name="Later", release_date="", context_window=None)
    assert slugs(api, query) == expected


def test_ordering_by_updated_at_follows_the_newest_change(api, catalog):
    offering = catalog["mini"].offerings.get()
    offering.output_price = Decimal("1.50")
    offering.save()
    assert slugs(api, "ordering=-updated_at") == ["gpt-4-1-mini", "grok-4-20"]
    grok = catalog["grok"]
    grok.description = "Edited."
    grok.save()
    assert slugs(api, "ordering=-updated_at") == ["grok-4-20", "gpt-4-1-mini"]


BAD_PARAMETERS = [
    (
        "vendor=nobody",
        "vendor: no vendor has the slug 'nobody'; /api/v1/vendors/ lists them.",
    ),
    (
        "vendor=Open%20AI",
        "vendor must be a vendor slug such as 'openai' (got 'Open AI').",
    ),
    (
        "provider=nobody",
        "provider: no provider has the slug 'nobody'; /api/v1/providers/ lists them.",
    ),
    ("open_weights=yes", "open_weights must be true or false (got 'yes')."),
    ("vision=1", "vision must be true or false (got '1')."),
    ("code_execution=", "code_execution must be true or false (got '')."),
    (
        "min_context=-1",
        "min_context must be a whole number of tokens from 0 to 1000000000 (got '-1').",
    ),
    (
        "min_context=abc",
        "min_context must be a whole number of tokens from 0 to 1000000000 (got 'abc').",
    ),
    (
        "min_context=99999999999999999999",
        "min_context must be a whole number of tokens from 0 to 1000000000 (got '99999999999999999999').",
    ),
    (
        "max_input_price=-0.5",
        "max_input_price must be a price in US dollars per million tokens, a number from 0 to 999999.999999 such as 0.5 (got '-0.5').",
    ),
    (
        "max_input_price=cheap",
        "max_input_price must be a price in US dollars per million tokens, a number from 0 to 999999.999999 such as 0.5 (got 'cheap').",
    ),
    (
        "max_output_price=NaN",
        "max_output_price must be a price in US dollars per million tokens, a number from 0 to 999999.999999 such as 0.5 (got 'NaN').",
    ),
    (
        "max_output_price=1e99",
        "max_output_price must be a price in US dollars per million tokens, a number from 0 to 999999.999999 such as 0.5 (got '1e99').",
    ),
    (
        "search=a%00b",
        "search must be at most 200 characters of text, without control characters.",
    ),
    (
        "ordering=price",
        "ordering must be one of slug, -slug, name, -name, release_date, -release_date, context_window, -context_window, updated_at, -updated_at, blended_price, -blended_price, input_price, -input_price, output_price, -output_price (got 'price').",
    ),
    (
        "updated_since=yesterday",
        "updated_since must be an ISO 8601 date and time, e.g. 2026-11-25T12:00:00Z (a time without a zone is read as UTC) (got 'yesterday').",
    ),
    (
        "updated_since=2026-13-45T00:00:00Z",
        "updated_since must be an ISO 8601 date and time, e.g. 2026-11-25T12:00:00Z (a time without a zone is read as UTC) (got '2026-13-45T00:00:00Z').",
    ),
    ("page_size=0", "page_size must be a whole number from 1 to 200 (got '0')."),
    ("page_size=201", "page_size must be a whole number from 1 to 200 (got '201')."),
    ("page_size=ten", "page_size must be a whole number from 1 to 200 (got 'ten')."),
    (
        "cursor=garbage",
        "cursor is not valid: use the 'next' or 'previous' link of a page as it is (got 'garbage').",
    ),
    ("vendor=openai&vendor=xai", "Give 'vendor' once, not 2 times."),
    (
        "colour=red",
        "Unknown query parameter 'colour'. This endpoint accepts: cursor, page_size, updated_since, vendor, provider, open_weights, vision, multimodal, reasoning, function_calling, tool_use, structured_outputs, code_execution, min_context, max_input_price, max_output_price, search, ordering.",
    ),
]


@pytest.mark.parametrize(("query", "detail"), BAD_PARAMETERS)
def test_bad_parameter_is_400_naming_it(api, catalog, query, detail):
    assert error(api, f"/api/v1/models/?{query}") == {
        "detail": detail,
        "code": "invalid_parameter",
    }


def test_other_lists_refuse_model_filters(api, catalog):
    body = error(api, "/api/v1/vendors/?vision=true")
    assert body["detail"] == (
        "Unknown query parameter 'vision'. "
        "This endpoint accepts: cursor, page_size, updated_since."
    )


def test_details_take_no_parameters(api, catalog):
    body = error(api, "/api/v1/models/gpt-4-1-mini/?expand=all")
    assert body["detail"] == (
        "Unknown query parameter 'expand'. This endpoint takes no parameters."
    )


def test_cursor_from_another_ordering_is_400_not_500(api, catalog):
    LLMModelFactory.create_batch(3)
    next_link = api.get("/api/v1/models/?ordering=name&page_size=1").json()["next"]
    cursor = next_link.split("cursor=")[1].split("&")[0]
    response = api.get(
        f"/api/v1/models/?ordering=context_window&page_size=1&cursor={cursor}"
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)


# --- Pages ---------------------------------------------------------------------------


def walk(api, url: str) -> list[str]:
    seen = []
    while url:
        body = api.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    return seen


def test_cursor_pages_cover_every_model_once_in_order(api, catalog):
    LLMModelFactory.create_batch(7)
    expected = sorted(LLMModel.objects.published().values_list("slug", flat=True))
    assert walk(api, "/api/v1/models/?page_size=2") == expected


@pytest.mark.parametrize(
    "ordering", ["name", "-release_date", "context_window", "-updated_at"]
)
def test_cursor_pages_are_stable_with_ties(api, catalog, ordering):
    LLMModelFactory.create_batch(
        5, name="Same", release_date="2025-01", context_window=8000
    )
    full = slugs(api, f"ordering={ordering}&page_size=200")
    assert walk(api, f"/api/v1/models/?ordering={ordering}&page_size=2") == full
    assert len(full) == len(set(full)) == 7


def test_previous_link_goes_back(api, catalog):
    LLMModelFactory.create_batch(3)
    first = api.get("/api/v1/models/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert first["previous"] is None
    assert api.get(second["previous"]).json()["results"] == first["results"]


def test_default_page_is_50_and_max_200(api, catalog):
    LLMModelFactory.create_batch(60)
    assert len(api.get("/api/v1/models/").json()["results"]) == 50
    assert len(api.get("/api/v1/models/?page_size=200").json()["results"]) == 62


# --- Sync ----------------------------------------------------------------------------


def test_partner_sync_pulls_exactly_what_changed(api, catalog):
    first_pull = api.get("/api/v1/models/?page_size=200").json()["results"]
    assert [m["slug"] for m in first_pull] == ["gpt-4-1-mini", "grok-4-20"]
    since = max(m["updated_at"] for m in first_pull)

    # An editor changes a price and adds a model.
    offering = Offering.objects.get(
        model__slug="grok-4-20", provider__slug="openrouter"
    )
    offering.input_price = Decimal("1.50")
    offering.save()
    LLMModelFactory(slug="new-model", name="New Model")

    changed = api.get(f"/api/v1/models/?updated_since={since}").json()["results"]
    assert [m["slug"] for m in changed] == ["grok-4-20", "new-model"]
    detail = api.get(changed[0]["api_url"]).json()
    prices = {o["provider"]: o["input_price"] for o in detail["offerings"]}
    assert prices["openrouter"] == "1.50"
    assert changed[0]["updated_at"] > since

    # Nothing changed since the second pull.
    since = max(m["updated_at"] for m in changed)
    assert api.get(f"/api/v1/models/?updated_since={since}").json()["results"] == []


def test_new_score_or_review_brings_the_model_into_a_sync(api, catalog):
    from tests.factories import ReviewFactory

    since = timezone.now()
    ReviewFactory(model=catalog["grok"])
    assert slugs(api, f"updated_since={since.isoformat().replace('+00:00', 'Z')}") == [
        "grok-4-20"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2000-01-01T00:00:00Z",
        "2000-01-01T00:00:00",
        "2000-01-01T01:00:00+01:00",
        "2000-01-01",
    ],
)
def test_updated_since_accepts_zones_and_reads_naive_as_utc(api, catalog, value):
    assert slugs(api, f"updated_since={value}") == ["gpt-4-1-mini", "grok-4-20"]


def test_updated_since_with_unencoded_plus_sign(api, catalog):
    future = (timezone.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    # "+00:00" sent without encoding arrives as " 00:00".
    assert slugs(api, f"updated_since={future}+00:00") == []


def test_updated_since_works_on_every_list(api, catalog):
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    future = future.replace("+00:00", "Z")
    for name in ("vendors", "providers", "benchmarks", "models", "comparisons"):
        response = api.get(f"/api/v1/{name}/?updated_since={future}")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["results"] == [], name


# --- Conditional GET -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/",
        "/api/v1/models/gpt-4-1-mini/",
        "/api/v1/vendors/openai/",
        "/api/v1/benchmarks/swe-bench-verified/",
        "/api/v1/comparisons/",
    ],
)
def test_etag_and_last_modified_give_304(api, catalog, path):
    response = api.get(path)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")

    again = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == etag

    since = api.get(path, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == HTTPStatus.NOT_MODIFIED

    older = http_date(timezone.now().timestamp() - 86400 * 365 * 10)
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=older).status_code == HTTPStatus.OK


def test_an_edit_changes_the_etag(api, catalog):
    etag = api.get("/api/v1/models/gpt-4-1-mini/")["ETag"]
    offering = catalog["mini"].offerings.get()
    offering.output_price = Decimal("1.55")
    offering.save()
    response = api.get("/api/v1/models/gpt-4-1-mini/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_last_modified_is_the_newest_change_involved(api, catalog):
    review = catalog["mini"].reviews.get()
    review.summary = "Edited later."
    review.save()
    response = api.get("/api/v1/models/gpt-4-1-mini/")
    assert response["Last-Modified"] == http_date(int(review.updated_at.timestamp()))


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00%2B01:00", "9999-12-31T23:59:59-01:00"]
)
def test_updated_since_at_the_edge_of_the_calendar_is_400_not_500(api, catalog, value):
    body = error(api, f"/api/v1/models/?updated_since={value}")
    assert body["detail"].startswith("updated_since must be an ISO 8601 date and time")


@pytest.mark.parametrize(
    ("ordering", "position"),
    [("context_window", "many"), ("updated_at", "not-a-date")],
)
def test_forged_cursor_is_400_not_500(api, catalog, ordering, position):
    import base64

    cursor = base64.b64encode(f"p={position}".encode()).decode()
    body = error(api, f"/api/v1/models/?ordering={ordering}&cursor={cursor}")
    assert body["detail"].startswith("cursor is not valid")


@pytest.mark.parametrize(
    ("ordering", "position"),
    [("context_window", "99999999999999999999999"), ("name", "x\x00y")],
)
def test_forged_cursor_out_of_range_is_no_server_error(
    api, catalog, ordering, position
):
    import base64

    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api.get(f"/api/v1/models/?ordering={ordering}&cursor={cursor}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)


# --- Kept answers ----------------------------------------------------------------------


def test_repeated_request_is_served_from_the_cache_with_the_same_etag(
    api, catalog, django_assert_num_queries
):
    first = api.get("/api/v1/models/gpt-4-1-mini/")
    with django_assert_num_queries(1):  # only the key
        again = api.get("/api/v1/models/gpt-4-1-mini/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    not_modified = api.get(
        "/api/v1/models/gpt-4-1-mini/", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED


def test_kept_answers_follow_the_host_in_their_links(api, catalog):
    api.get("/api/v1/vendors/")
    other = api.get("/api/v1/vendors/", HTTP_HOST="127.0.0.1")
    assert other.json()["results"][0]["api_url"].startswith("http://127.0.0.1/")


def test_kept_answers_still_check_the_key_and_the_rate(api, anonymous, catalog):
    api.get("/api/v1/vendors/")
    assert anonymous.get("/api/v1/vendors/").status_code == HTTPStatus.UNAUTHORIZED
