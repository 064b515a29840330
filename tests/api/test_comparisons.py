"""Curated comparisons and any pair as data: exactly the derivation, plus links."""

import html
import json
import random
import re
from decimal import Decimal
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import LLMModel
from comparisons import services
from tests.api.support import pair_answer
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
DEMO_CATALOG = (
    Path(__file__).resolve().parents[2] / "catalog" / "fixtures" / "demo-catalog.json"
)
PAIR = "gpt-4-1-mini-vs-grok-4-20"
NOT_FOUND = {
    "detail": "No such pair: use /api/v1/comparisons/<a>-vs-<b>/ with the slugs of two "
    "different published models.",
    "code": "not_found",
}
# The key, the two models, then comparisons.services: the pair (5), the curated
# comparison and its FAQ (2), related pairs (at most 9; fewer once six are found).
PAIR_MAX_QUERIES = 18
PAIR_KEYS = [
    "slug",
    "url",
    "api_url",
    "models",
    "intro",
    "verdict",
    "curated_current",
    "facts",
    "choose",
    "faq",
    "related",
    "last_reviewed",
    "updated_at",
]
FACT_KEYS = [
    "blend_input_weight",
    "price",
    "context_window",
    "release_date",
    "capabilities",
    "benchmarks",
    "largest_gap",
    "providers",
]


def test_curated_list_holds_only_pairs_of_published_models(api, catalog):
    curated = catalog["curated"]
    body = api.get("/api/v1/comparisons/").json()
    assert body == {
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": PAIR,
                "title": "GPT-4.1 Mini vs Grok 4.20",
                "models": ["gpt-4-1-mini", "grok-4-20"],
                "featured": True,
                "intro": "Two sizes, two vendors.",
                "verdict": "Mini for price, Grok for code.",
                "curated_current": True,
                "faq": [{"question": "Which is cheaper?", "answer": "GPT-4.1 Mini."}],
                "url": f"{SITE}/compare/{PAIR}/",
                "api_url": f"{SITE}/api/v1/comparisons/{PAIR}/",
                "updated_at": curated.updated_at.isoformat().replace("+00:00", "Z"),
            }
        ],
    }


def strip_links(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    for key in ("url", "api_url"):
        data.pop(key)
        for item in (*data["models"], *data["related"]):
            item.pop(key)
    return data


def test_pair_is_exactly_what_the_derivation_produces_plus_links(api, catalog):
    body = api.get(f"/api/v1/comparisons/{PAIR}/").json()
    comparison = services.comparison_build(
        model_a=catalog["mini"], model_b=catalog["grok"]
    )
    assert list(body) == PAIR_KEYS
    assert list(body["facts"]) == FACT_KEYS
    assert strip_links(body) == pair_answer(comparison)
    assert body["url"] == f"{SITE}/compare/{PAIR}/"
    assert body["api_url"] == f"{SITE}/api/v1/comparisons/{PAIR}/"
    assert [(m["url"], m["api_url"]) for m in body["models"]] == [
        (f"{SITE}/models/gpt-4-1-mini/", f"{SITE}/api/v1/models/gpt-4-1-mini/"),
        (f"{SITE}/models/grok-4-20/", f"{SITE}/api/v1/models/grok-4-20/"),
    ]
    # The curated verdict and FAQ entry come through.
    assert body["verdict"] == "Mini for price, Grok for code."
    assert body["faq"][0] == {
        "question": "Which is cheaper?",
        "answer": "GPT-4.1 Mini.",
    }


def test_pair_has_etag_and_answers_304(api, catalog):
    response = api.get(f"/api/v1/comparisons/{PAIR}/")
    assert response.status_code == HTTPStatus.OK
    again = api.get(f"/api/v1/comparisons/{PAIR}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_reversed_pair_redirects_to_the_canonical_api_url(api, catalog):
    response = api.get("/api/v1/comparisons/grok-4-20-vs-gpt-4-1-mini/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"/api/v1/comparisons/{PAIR}/"


@pytest.mark.parametrize(
    "pair",
    [
        "gpt-4-1-mini-vs-gpt-4-1-mini",
        "gpt-4-1-mini-vs-nothing",
        "gpt-4-1-mini-vs-secret-model",
        "secret-model-vs-gpt-4-1-mini",
        "gpt-4-1-mini",
        "-vs-",
    ],
)
def test_same_unknown_or_draft_pair_is_json_404(api, catalog, pair):
    response = api.get(f"/api/v1/comparisons/{pair}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == NOT_FOUND


def test_related_pairs_never_name_a_draft_and_carry_links(api, catalog):
    for _ in range(4):
        LLMModelFactory(vendor=catalog["openai"], status=LLMModel.Status.DRAFT)
    LLMModelFactory(slug="gpt-5", vendor=catalog["openai"])
    body = api.get(f"/api/v1/comparisons/{PAIR}/").json()
    text = json.dumps(body)
    assert "secret-model" not in text
    assert body["related"], "expected at least one related pair"
    for related in body["related"]:
        assert related["url"] == f"{SITE}/compare/{related['slug']}/"
        assert related["api_url"] == f"{SITE}/api/v1/comparisons/{related['slug']}/"
        for slug in related["slug"].split("-vs-"):
            assert LLMModel.objects.published().filter(slug=slug).exists()


# --- The API says what the page shows. -------------------------------------------------


def page_faq(page: str) -> list[dict]:
    for block in re.findall(
        r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S
    ):
        data = json.loads(block)
        if data.get("@type") == "FAQPage":
            return [
                {"question": q["name"], "answer": q["acceptedAnswer"]["text"]}
                for q in data["mainEntity"]
            ]
    raise AssertionError("the page has no FAQPage")


def plain(entry: dict) -> dict:
    """An FAQ entry without markup: curated answers are Markdown in the API and
    rendered HTML in the page's structured data; the words must be the same."""

    def words(text: str) -> str:
        text = re.sub(r"<[^>]+>", " ", html.unescape(text))
        return " ".join(re.sub(r"[*_`]", "", text).split())

    return {"question": words(entry["question"]), "answer": words(entry["answer"])}


def assert_api_matches_page(api, slug: str) -> None:
    data = api.get(f"/api/v1/comparisons/{slug}/").json()
    response = Client().get(f"/compare/{slug}/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    text = html.unescape(page)

    assert [plain(e) for e in page_faq(page)] == [plain(e) for e in data["faq"]]
    assert data["verdict"] and data["verdict"] in text
    for side in data["models"]:
        assert side["name"] in text
        ref = side["reference_offering"]
        if ref is not None:
            for price in (ref["input_price"], ref["output_price"]):
                assert f"${price}" in text, price
    price = data["facts"]["price"]
    for kind in ("input", "output", "blended"):
        percent = price[kind]["saving_percent"]
        if price[kind]["cheaper"] and percent not in (None, 100):
            assert f"{percent}%" in text, (kind, percent)
    for value in data["facts"]["context_window"]["values"].values():
        if value is not None:
            assert f"{value:,}" in text, value
    gap = data["facts"]["largest_gap"]
    if gap is not None:
        assert f"{gap['gap']:.1f}" in text
    for sentences in data["choose"].values():
        for sentence in sentences:
            assert sentence in text, sentence


def test_reference_pair_api_matches_the_page(api):
    call_command("import_catalog", str(DEMO_CATALOG), stdout=StringIO())
    assert_api_matches_page(api, PAIR)


def test_random_pairs_api_matches_the_page(api, catalog):
    rng = random.Random(4)
    vendors = [catalog["openai"], VendorFactory(), VendorFactory()]
    benchmarks = [catalog["swe"], BenchmarkFactory(unit="points"), BenchmarkFactory()]
    for _ in range(6):
        model = LLMModelFactory(
            vendor=rng.choice(vendors),
            context_window=rng.choice([None, 8_000, 128_000, 1_000_000]),
            release_date=rng.choice(["", "2024-05", "2025-01-20", "2025-01"]),
            vision=rng.choice([None, True, False]),
            reasoning=rng.choice([None, True, False]),
        )
        for _ in range(rng.randint(0, 2)):
            OfferingFactory(
                model=model,
                input_price=Decimal(rng.choice(["0", "0.15", "0.40", "1.25", "3"])),
                output_price=Decimal(rng.choice(["0", "0.60", "1.60", "10"])),
            )
        for benchmark in rng.sample(benchmarks, rng.randint(0, 2)):
            ScoreFactory(
                model=model,
                benchmark=benchmark,
                value=Decimal(rng.randint(100, 900)) / 10,
            )
    published = sorted(LLMModel.objects.published().values_list("slug", flat=True))
    for _ in range(6):
        a, b = rng.sample(published, 2)
        assert_api_matches_page(api, services.pair_slug(a, b))


@pytest.mark.parametrize("size", [1, 12])
def test_pair_query_count_does_not_grow_with_the_catalog(
    api, catalog, django_assert_max_num_queries, size
):
    for _ in range(size):
        model = LLMModelFactory(vendor=catalog["openai"])
        OfferingFactory(model=model)
        ScoreFactory(model=model, benchmark=catalog["swe"])
    with django_assert_max_num_queries(PAIR_MAX_QUERIES):
        assert api.get(f"/api/v1/comparisons/{PAIR}/").status_code == HTTPStatus.OK


def test_a_curated_pair_of_namesakes_is_titled_as_its_page_is(api):
    vendor = VendorFactory()
    first = LLMModelFactory(slug="opus-a", name="Opus 4.6", vendor=vendor)
    second = LLMModelFactory(slug="opus-b", name="Opus 4.6", vendor=vendor)
    ComparisonFactory(model_a=first, model_b=second)

    (entry,) = api.get("/api/v1/comparisons/").json()["results"]
    page = Client().get("/compare/opus-a-vs-opus-b/").content.decode()

    assert entry["title"] == "Opus 4.6 (opus-a) vs Opus 4.6 (opus-b)"
    assert f"<title>{entry['title']}" in page
