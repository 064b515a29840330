"""The catalog's reader pages: models list, model, vendor, provider, benchmark."""

import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from catalog.models import LLMModel, Offering, PricePoint
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)
from tests.pages.support import (
    forbidden_words,
    html_of,
    listed_models,
    section,
    visible_text,
)

pytestmark = pytest.mark.django_db

MODEL_URL = "/models/gpt-4-1-mini/"


@pytest.fixture
def catalog():
    acme = VendorFactory(slug="acme", name="Acme")
    other = VendorFactory(slug="other", name="Other Labs")
    host = ProviderFactory(slug="host", name="Host")
    cheap = LLMModelFactory(
        slug="cheap",
        name="Cheap",
        vendor=acme,
        context_window=8_000,
        release_date="2024-01-10",
        vision=True,
        open_weights=True,
    )
    big = LLMModelFactory(
        slug="big",
        name="Big",
        vendor=other,
        context_window=1_000_000,
        release_date="2026-03",
        vision=False,
        reasoning=True,
        open_weights=False,
    )
    mid = LLMModelFactory(
        slug="mid",
        name="Mid",
        vendor=acme,
        context_window=128_000,
        release_date="2025-06-01",
        vision=True,
        reasoning=True,
        open_weights=False,
    )
    unpriced = LLMModelFactory(
        slug="unpriced",
        name="Unpriced",
        vendor=other,
        context_window=None,
        release_date="",
    )
    OfferingFactory(
        model=cheap,
        provider=host,
        input_price=Decimal("0.10"),
        output_price=Decimal("0.20"),
    )
    OfferingFactory(
        model=mid, provider=host, input_price=Decimal("1"), output_price=Decimal("2")
    )
    OfferingFactory(
        model=big, provider=host, input_price=Decimal("5"), output_price=Decimal("15")
    )
    LLMModelFactory(
        slug="hidden", name="Hidden Draft", vendor=acme, status=LLMModel.Status.DRAFT
    )
    return {"cheap": cheap, "big": big, "mid": mid, "unpriced": unpriced}


# --- Models list -----------------------------------------------------------------------


def test_models_list_shows_published_models_with_from_prices(client, catalog):
    html = html_of(client.get("/models/"))
    assert listed_models(html) == ["Big", "Cheap", "Mid", "Unpriced"]
    assert "Hidden Draft" not in html
    assert "$0.10" in visible_text(html)
    assert forbidden_words(html) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Cheap", "Mid", "Big", "Unpriced"]),
        ("context", ["Big", "Mid", "Cheap", "Unpriced"]),
        ("release", ["Big", "Mid", "Cheap", "Unpriced"]),
        ("name", ["Big", "Cheap", "Mid", "Unpriced"]),
    ],
)
def test_models_list_sorts_with_unknowns_last(client, catalog, sort, expected):
    assert listed_models(html_of(client.get("/models/", {"sort": sort}))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"vendor": "acme"}, ["Cheap", "Mid"]),
        ({"capability": ["vision", "reasoning"]}, ["Mid"]),
        ({"open_weights": "yes"}, ["Cheap"]),
        ({"open_weights": "no", "vendor": "other"}, ["Big", "Unpriced"]),
    ],
)
def test_models_list_filters_by_vendor_capability_and_weights(
    client, catalog, query, expected
):
    assert listed_models(html_of(client.get("/models/", query))) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"vendor": "nobody"}, "is not a vendor we list"),
        ({"capability": "telepathy"}, "is not a capability we track"),
        ({"open_weights": "maybe"}, "Choose “open weights”, “closed weights” or “any”"),
        ({"sort": "popularity"}, "is not a way to sort"),
        ({"page": "zebra"}, None),
    ],
)
def test_models_list_explains_bad_filters_and_never_fails(
    client, catalog, query, message
):
    response = client.get("/models/", query)
    assert response.status_code == HTTPStatus.OK
    if message:
        assert message in visible_text(html_of(response))
    assert len(listed_models(html_of(response))) == 4


def test_filtered_lists_are_not_indexed_but_the_plain_list_is(client, catalog):
    assert 'name="robots"' not in html_of(client.get("/models/"))
    assert 'content="noindex, follow"' in html_of(
        client.get("/models/", {"sort": "price"})
    )


# --- Model page ------------------------------------------------------------------------


def test_model_page_shows_specs_offerings_scores_reviews_and_peers(
    client, reference_models
):
    mini, _ = reference_models
    html = html_of(client.get(MODEL_URL))
    text = visible_text(html)
    for fact in (
        "GPT-4.1 Mini",
        "OpenAI",
        "1 Apr 2025",
        "Jan 2025",
        "1M",
        "decoder only",
        "Proprietary",
        "OpenAI API",
        "OpenRouter",
        "Replicate",
        "$0.40",
        "$1.60",
        "23.6%",
        "vendor-reported",
        "Reviewed 14 May 2026",
    ):
        assert fact in text, fact
    offerings = section(html, "pricing")
    assert offerings.count("source</a>") == 3
    assert "GPT-4.1 Mini vs Grok 4.20" in visible_text(section(html, "compare"))
    assert forbidden_words(html) == []


def test_model_page_marks_prices_unchecked_for_90_days(client, reference_models):
    mini, _ = reference_models
    Offering.objects.filter(model=mini, provider__slug="replicate").update(
        checked_on=timezone.localdate() - timedelta(days=91)
    )
    pricing = visible_text(section(html_of(client.get(MODEL_URL)), "pricing"))
    assert pricing.count("possibly out of date") == 1


def test_model_page_draws_price_history_after_a_price_change(client, reference_models):
    mini, _ = reference_models
    offering = Offering.objects.get(model=mini, provider__slug="openai")
    offering.input_price = Decimal("0.30")
    offering.save()
    history = section(html_of(client.get(MODEL_URL)), "history")
    assert "<svg" in history
    assert "<desc" in history
    text = visible_text(history)
    assert "$0.40" in text
    assert "$0.30" in text
    assert PricePoint.objects.filter(offering=offering).count() == 1


def test_review_markdown_is_rendered_and_sanitized(client, reference_models):
    mini, _ = reference_models
    ReviewFactory(
        model=mini,
        body='**Solid** choice. <script>alert("x")</script> [docs](javascript:alert(1))',
    )
    reviews = section(html_of(client.get(MODEL_URL)), "reviews")
    assert "<strong>Solid</strong>" in reviews
    assert "<script>" not in reviews
    assert "javascript:" not in reviews


@pytest.mark.parametrize(
    ("lifecycle", "mark"),
    [
        (LLMModel.Lifecycle.RETIRED, "Retired."),
        (LLMModel.Lifecycle.DEPRECATED, "Deprecated."),
    ],
)
def test_retired_and_deprecated_models_are_clearly_marked(client, lifecycle, mark):
    model = LLMModelFactory(slug="aged", name="Aged", lifecycle=lifecycle)
    assert mark in visible_text(html_of(client.get(model.get_absolute_url())))
    badge = "retired" if lifecycle == LLMModel.Lifecycle.RETIRED else "deprecated"
    assert 'class="badge badge-' in html_of(client.get("/models/"))
    assert badge in visible_text(html_of(client.get("/models/")))


def test_draft_model_page_is_404_for_readers_and_a_noindex_preview_for_staff(
    client, admin_client
):
    draft = LLMModelFactory(slug="draft", name="Draft", status=LLMModel.Status.DRAFT)
    assert client.get("/models/draft/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/models/draft/?preview=1").status_code == HTTPStatus.NOT_FOUND
    response = admin_client.get("/models/draft/?preview=1")
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert 'content="noindex, follow"' in html_of(response)
    assert "Preview of a draft" in visible_text(html_of(response))
    assert draft.name in visible_text(html_of(response))


def _model_catalog(size: int) -> None:
    vendor = VendorFactory(slug="bulk", name="Bulk")
    provider = ProviderFactory(slug="bulkhost")
    benchmark = BenchmarkFactory(slug="bulk-bench")
    for index in range(size):
        model = LLMModelFactory(slug=f"bulk-{index:03d}", vendor=vendor)
        OfferingFactory(model=model, provider=provider, input_price=Decimal(index + 1))
        ScoreFactory(model=model, benchmark=benchmark)


# Both sizes give every model six related pairs without the fill-up query that
# services.related_pairs adds only for catalogs of a handful of models.
@pytest.mark.parametrize("size", [10, 40])
def test_model_page_uses_the_same_queries_at_any_catalog_size(
    client, reference_models, size, django_assert_num_queries
):
    _model_catalog(size)
    # The model, offerings, tiers, scores, reviews, price history (6); its pairs come
    # from services.related_pairs, whose index of the catalog is built by its
    # first use in a process: log position, models, cheapest prices, curated (4).
    with django_assert_num_queries(10):
        response = client.get(MODEL_URL)
    assert response.status_code == HTTPStatus.OK


# --- Vendor, provider, benchmark -------------------------------------------------------


def test_vendor_page_lists_its_published_models_newest_first(client, catalog):
    html = html_of(client.get("/vendors/acme/"))
    assert listed_vendor_models(html) == ["Mid", "Cheap"]
    assert "Hidden Draft" not in html


def listed_vendor_models(html: str) -> list[str]:
    table = html.split('<caption id="vendor-models-caption">', 1)[1]
    return re.findall(r'<th scope="row"><a href="/models/[^"]+/">([^<]+)</a>', table)


def test_provider_page_lists_its_models_with_prices_and_sources(client, catalog):
    text = visible_text(html_of(client.get("/providers/host/")))
    for fact in ("Cheap", "Mid", "Big", "$0.10", "$5", "$15", "source"):
        assert fact in text
    assert "Unpriced" not in text


def test_benchmark_page_is_a_leaderboard_best_first_with_shared_ranks(client):
    higher = BenchmarkFactory(slug="acc", name="Accuracy", unit="%")
    lower = BenchmarkFactory(
        slug="err", name="Error", unit="points", higher_is_better=False
    )
    for slug, value in (
        ("first", "90"),
        ("second", "80"),
        ("third", "80"),
        ("fourth", "10"),
    ):
        model = LLMModelFactory(slug=slug, name=slug.title())
        ScoreFactory(
            model=model,
            benchmark=higher,
            value=Decimal(value),
            is_verified=slug == "first",
        )
        ScoreFactory(model=model, benchmark=lower, value=Decimal(value))
    text = visible_text(html_of(client.get("/benchmarks/acc/")))
    # Score, then the blended "from" price (none here) and the frontier column.
    assert re.search(
        r"1 First .* 90% — No price source .*2 Second .* 80% vendor-reported", text
    )
    assert re.search(r"2 Third .* 80%.* 4 Fourth", text)
    text = visible_text(html_of(client.get("/benchmarks/err/")))
    assert text.index("Fourth") < text.index("First")
    assert "lower is better" in text


def test_unknown_catalog_pages_are_friendly_404s(client):
    for url in (
        "/models/nope/",
        "/vendors/nope/",
        "/providers/nope/",
        "/benchmarks/nope/",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "We could not find that page" in html_of(response)


@pytest.mark.parametrize("size", [10, 80])
def test_models_list_uses_the_same_queries_at_any_catalog_size(
    client, size, django_assert_num_queries
):
    _model_catalog(size)
    # Benchmarks and providers for the filters, then the page's models and their
    # available offerings. The vendors that have a published model and the
    # order of every published model are read by the first page under a
    # catalog version and kept for the next ones.
    with django_assert_num_queries(6):
        response = client.get("/models/", {"sort": "price"})
    assert response.status_code == HTTPStatus.OK
    assert len(listed_models(html_of(response))) == min(size, 50)
    with django_assert_num_queries(4):
        response = client.get("/models/", {"sort": "price", "page": "2"})
    # Past the last page is the last page: the first again at 10 models.
    assert len(listed_models(html_of(response))) == (size - 50 if size > 50 else size)
    with django_assert_num_queries(4):
        response = client.get("/models/", {"sort": "price", "open_weights": "no"})
    assert len(listed_models(html_of(response))) == min(size, 50)
    # Another order is read once too.
    with django_assert_num_queries(5):
        client.get("/models/", {"sort": "context"})
    with django_assert_num_queries(4):
        client.get("/models/", {"sort": "context", "open_weights": "no"})


def _ordered_catalog() -> dict[str, LLMModel]:
    host = ProviderFactory(slug="host", name="Host")
    models = {}
    for index, (slug, price, weights) in enumerate(
        (("a", "3", True), ("b", "1", False), ("c", "2", None), ("d", "4", True))
    ):
        models[slug] = LLMModelFactory(
            slug=f"kept-{slug}",
            name=f"Kept {slug.upper()}",
            context_window=1000 * (index + 1),
            open_weights=weights,
        )
        OfferingFactory(
            model=models[slug],
            provider=host,
            input_price=Decimal(price),
            output_price=Decimal(price),
        )
    return models


def test_a_kept_order_follows_every_edit(client):
    models = _ordered_catalog()
    by_price = {"sort": "price"}
    assert listed_models(html_of(client.get("/models/", by_price))) == [
        "Kept B",
        "Kept C",
        "Kept A",
        "Kept D",
    ]
    offering = Offering.objects.get(model=models["d"])
    offering.input_price = offering.output_price = Decimal("0.5")
    offering.save()
    assert listed_models(html_of(client.get("/models/", by_price)))[0] == "Kept D"
    models["b"].status = LLMModel.Status.DRAFT
    models["b"].save()
    LLMModelFactory(slug="kept-e", name="Kept E", open_weights=True)
    assert listed_models(html_of(client.get("/models/", by_price))) == [
        "Kept D",
        "Kept C",
        "Kept A",
        "Kept E",
    ]
    assert listed_models(
        html_of(client.get("/models/", {**by_price, "open_weights": "yes"}))
    ) == ["Kept D", "Kept A", "Kept E"]


def test_open_and_closed_weights_leave_out_models_whose_weights_are_unknown(client):
    _ordered_catalog()
    for weights, expected in (
        ("yes", ["Kept D", "Kept A"]),
        ("no", ["Kept B"]),
        ("", ["Kept D", "Kept C", "Kept B", "Kept A"]),
    ):
        html = html_of(
            client.get("/models/", {"sort": "context", "open_weights": weights})
        )
        assert listed_models(html) == expected


def test_the_vendor_filter_offers_a_vendor_from_its_first_published_model(client):
    _ordered_catalog()
    vendor = VendorFactory(slug="newcomer", name="Newcomer")
    model = LLMModelFactory(vendor=vendor, status=LLMModel.Status.DRAFT)
    assert 'value="newcomer"' not in html_of(client.get("/models/"))
    model.status = LLMModel.Status.PUBLISHED
    model.save()
    assert '<option value="newcomer">Newcomer</option>' in html_of(
        client.get("/models/", {"page": "1"})
    )


def test_a_page_past_the_last_shows_the_last_and_its_count(client):
    _model_catalog(60)
    text = visible_text(html_of(client.get("/models/", {"page": "9"})))
    assert "60 models, page 2 of 2." in text
    assert len(listed_models(html_of(client.get("/models/", {"page": "9"})))) == 10


def test_model_and_home_pages_say_due_for_release_of_a_date_still_to_come(client):
    today = timezone.localdate()
    later = today + timedelta(days=40)
    LLMModelFactory(slug="soon", name="Soon", release_date=later.isoformat())
    LLMModelFactory(slug="out", name="Out", release_date=today.isoformat())
    soon = visible_text(html_of(client.get("/models/soon/")))
    assert "due for release" in soon and "released" not in soon.split("Specs")[0]
    out = visible_text(html_of(client.get("/models/out/")))
    assert "· released" in out
    home = visible_text(html_of(client.get("/")))
    assert f"due for release {later.day} " in home
