"""Vendors, providers, benchmarks and models: whole payloads, drafts, query counts."""

from http import HTTPStatus

import pytest

from catalog.models import LLMModel, Offering, Score
from tests.api.support import LIST_QUERIES, grow_catalog
from tests.factories import LLMModelFactory, ScoreFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def stamp(value) -> str:
    """updated_at as the feed writes it (ISO 8601, UTC as Z)."""
    return value.isoformat().replace("+00:00", "Z")


def latest(*objects) -> str:
    return stamp(max(obj.updated_at for obj in objects))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


VENDOR_OPENAI = {
    "slug": "openai",
    "name": "OpenAI",
    "website": "https://openai.com",
    "description": "",
    "url": f"{SITE}/vendors/openai/",
    "api_url": f"{SITE}/api/v1/vendors/openai/",
}
MODEL_MINI = {
    "slug": "gpt-4-1-mini",
    "name": "GPT-4.1 Mini",
    "vendor": "openai",
    "release_date": "2025-04-14",
    "knowledge_cutoff": "2024-06",
    "context_window": 1_047_576,
    "max_output_tokens": 32_768,
    "parameters_billions": None,
    "architecture": None,
    "license": "Proprietary",
    "open_weights": False,
    "modalities": {"input": ["text", "image"], "output": ["text"]},
    "capabilities": {
        "vision": True,
        "multimodal": True,
        "reasoning": False,
        "function_calling": None,
        "tool_use": None,
        "structured_outputs": None,
        "code_execution": None,
    },
    "lifecycle": "active",
    "deprecation_date": None,
    "url": f"{SITE}/models/gpt-4-1-mini/",
    "api_url": f"{SITE}/api/v1/models/gpt-4-1-mini/",
}
OFFERING_MINI_OPENROUTER = {
    "provider": "openrouter",
    "provider_name": "OpenRouter",
    "provider_model_id": "openai/gpt-4.1-mini",
    "input_price": "0.40",
    "output_price": "1.60",
    "cached_input_price": "0.10",
    "cache_write_price": None,
    "tiers": [{"above_tokens": 200_000, "input_price": "0.80", "output_price": "3.20"}],
    "context_window": None,
    "available": True,
    "url": "https://openrouter.ai/openai/gpt-4.1-mini",
    "source_url": "https://provider.example.com/pricing",
    "checked_on": "2026-11-01",
    "price_history": [],
}
SCORE_MINI_SWE = {
    "benchmark": "swe-bench-verified",
    "benchmark_name": "SWE-bench Verified",
    "unit": "%",
    "value": 23.6,
    "verified": False,
    "source_url": "https://bench.example.com/results",
    "measured_on": "2025-04-14",
}
REVIEW_MINI = {
    "reviewed_on": "2026-05-14",
    "reviewer": "Editorial team",
    "summary": "Checked.",
    "body": "All **good**.",
    "sources": ["https://platform.openai.com/docs/models"],
}
LEADERBOARD_SWE = [
    {
        "rank": 1,
        "model": "grok-4-20",
        "model_name": "Grok 4.20",
        "vendor": "xai",
        "value": 76.7,
        "verified": True,
        "source_url": "https://bench.example.com/results",
        "measured_on": None,
    },
    {
        "rank": 2,
        "model": "gpt-4-1-mini",
        "model_name": "GPT-4.1 Mini",
        "vendor": "openai",
        "value": 23.6,
        "verified": False,
        "source_url": "https://bench.example.com/results",
        "measured_on": "2025-04-14",
    },
]


def test_vendor_list(api, catalog):
    response = api.get("/api/v1/vendors/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    assert [v["slug"] for v in body["results"]] == ["openai", "xai"]
    mini = catalog["mini"]
    assert body["results"][0] == {
        **VENDOR_OPENAI,
        # The vendor's newest published model counts as a change of the vendor.
        "updated_at": latest(catalog["openai"], mini),
    }


def test_vendor_detail_lists_only_published_models(api, catalog):
    body = api.get("/api/v1/vendors/openai/").json()
    assert body == {
        **VENDOR_OPENAI,
        "updated_at": latest(catalog["openai"], catalog["mini"]),
        "models": [
            {
                "slug": "gpt-4-1-mini",
                "name": "GPT-4.1 Mini",
                "url": f"{SITE}/models/gpt-4-1-mini/",
                "api_url": f"{SITE}/api/v1/models/gpt-4-1-mini/",
            }
        ],
    }


def test_provider_detail_lists_offerings_of_published_models_only(api, catalog):
    body = api.get("/api/v1/providers/openrouter/").json()
    offerings = Offering.objects.filter(provider__slug="openrouter").exclude(
        model__slug="secret-model"
    )
    assert [o["model"] for o in body["offerings"]] == ["gpt-4-1-mini", "grok-4-20"]
    assert body["offerings"][0] == {
        "model": "gpt-4-1-mini",
        "model_name": "GPT-4.1 Mini",
        "provider_model_id": "openai/gpt-4.1-mini",
        "input_price": "0.40",
        "output_price": "1.60",
        "available": True,
        "checked_on": "2026-11-01",
        "updated_at": stamp(offerings.get(model__slug="gpt-4-1-mini").updated_at),
    }
    assert body["slug"] == "openrouter"
    assert body["api_url"] == f"{SITE}/api/v1/providers/openrouter/"


def test_benchmark_detail_holds_the_leaderboard_without_drafts(api, catalog):
    body = api.get("/api/v1/benchmarks/swe-bench-verified/").json()
    published_scores = Score.objects.exclude(model__slug="secret-model")
    assert body == {
        "slug": "swe-bench-verified",
        "name": "SWE-bench Verified",
        "unit": "%",
        "higher_is_better": True,
        "website": "https://swebench.com",
        "description": "",
        "url": f"{SITE}/benchmarks/swe-bench-verified/",
        "api_url": f"{SITE}/api/v1/benchmarks/swe-bench-verified/",
        "updated_at": latest(catalog["swe"], *published_scores),
        "leaderboard": LEADERBOARD_SWE,
    }


def test_leaderboard_follows_lower_is_better_and_shares_ranks(api, catalog):
    swe = catalog["swe"]
    swe.higher_is_better = False
    swe.save()
    ScoreFactory(model=LLMModelFactory(slug="tied"), benchmark=swe, value=23.6)
    body = api.get("/api/v1/benchmarks/swe-bench-verified/").json()
    ranks = [(e["rank"], e["model"]) for e in body["leaderboard"]]
    assert ranks == [(1, "gpt-4-1-mini"), (1, "tied"), (3, "grok-4-20")]


def test_model_list_item(api, catalog):
    body = api.get("/api/v1/models/").json()
    assert [m["slug"] for m in body["results"]] == ["gpt-4-1-mini", "grok-4-20"]
    mini = catalog["mini"]
    assert body["results"][0] == {
        **MODEL_MINI,
        "updated_at": latest(
            mini, *mini.offerings.all(), *mini.scores.all(), *mini.reviews.all()
        ),
    }


def test_model_detail_nests_offerings_scores_reviews(api, catalog):
    mini = fresh(catalog["mini"])
    offering = mini.offerings.get()
    score = mini.scores.get()
    review = mini.reviews.get()
    body = api.get("/api/v1/models/gpt-4-1-mini/").json()
    assert body == {
        **MODEL_MINI,
        "updated_at": latest(mini, offering, score, review),
        "description": "Small and fast.",
        "offerings": [
            {**OFFERING_MINI_OPENROUTER, "updated_at": stamp(offering.updated_at)}
        ],
        "scores": [{**SCORE_MINI_SWE, "updated_at": stamp(score.updated_at)}],
        "reviews": [{**REVIEW_MINI, "updated_at": stamp(review.updated_at)}],
    }


def test_model_detail_shows_price_history_oldest_first(api, catalog):
    offering = catalog["mini"].offerings.get()
    offering.input_price = "0.50"
    offering.save()
    offering = Offering.objects.get(pk=offering.pk)
    offering.input_price = "0.45"
    offering.save()
    body = api.get("/api/v1/models/gpt-4-1-mini/").json()
    history = body["offerings"][0]["price_history"]
    assert [(p["input_price"], p["output_price"]) for p in history] == [
        ("0.40", "1.60"),
        ("0.50", "1.60"),
    ]
    assert body["offerings"][0]["input_price"] == "0.45"


def test_unavailable_offering_is_listed_as_such(api, catalog):
    body = api.get("/api/v1/models/grok-4-20/").json()
    assert {(o["provider"], o["available"]) for o in body["offerings"]} == {
        ("azure", False),
        ("openrouter", True),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/secret-model/",
        "/api/v1/models/no-such-model/",
        "/api/v1/vendors/nobody/",
        "/api/v1/providers/nobody/",
        "/api/v1/benchmarks/nothing/",
    ],
)
def test_unknown_or_draft_slug_is_json_404(api, catalog, path):
    response = api.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_drafts_appear_in_no_answer(api, catalog):
    paths = [
        "/api/v1/vendors/",
        "/api/v1/vendors/openai/",
        "/api/v1/providers/",
        "/api/v1/providers/openrouter/",
        "/api/v1/benchmarks/",
        "/api/v1/benchmarks/swe-bench-verified/",
        "/api/v1/models/",
        "/api/v1/models/?ordering=-context_window",
        "/api/v1/comparisons/",
    ]
    for path in paths:
        content = api.get(path).content.decode()
        assert "secret-model" not in content, path
        assert "Secret Model" not in content, path


def test_scheduled_draft_appears_once_its_time_has_come(api, catalog):
    from django.utils import timezone

    draft = catalog["draft"]
    draft.publish_at = timezone.now()
    draft.save()
    slugs = [m["slug"] for m in api.get("/api/v1/models/").json()["results"]]
    assert "secret-model" in slugs


# --- Query counts: fixed, whatever the catalog's size. --------------------------------

# 1 the key, 1 the model, then offerings, their tiers, their price history,
# scores (with benchmarks) and reviews.
MODEL_DETAIL_QUERIES = 7


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/models/", LIST_QUERIES),
        ("/api/v1/vendors/", LIST_QUERIES),
        ("/api/v1/providers/", LIST_QUERIES),
        ("/api/v1/benchmarks/", LIST_QUERIES),
        # + FAQ entries, + the models' stamps (two, once per process) and the
        # listed models' facts (five prefetched queries, then kept until an edit
        # of the model) to tell whether each curated text is current.
        ("/api/v1/comparisons/", LIST_QUERIES + 8),
        ("/api/v1/models/?vendor=openai", LIST_QUERIES + 1),  # + the vendor
        ("/api/v1/models/gpt-4-1-mini/", MODEL_DETAIL_QUERIES),
        ("/api/v1/vendors/openai/", 3),  # + its models
        ("/api/v1/providers/openrouter/", 3),  # + its offerings
        ("/api/v1/benchmarks/swe-bench-verified/", 3),  # + its scores
    ],
)
def test_query_count_does_not_grow_with_the_catalog(
    api, catalog, django_assert_num_queries, size, path, queries
):
    grow_catalog(size)
    with django_assert_num_queries(queries):
        assert api.get(path).status_code == HTTPStatus.OK


def test_model_list_pages_never_include_drafts_even_when_many(api, catalog):
    for _ in range(5):
        LLMModelFactory(status=LLMModel.Status.DRAFT)
    slugs = [
        m["slug"] for m in api.get("/api/v1/models/?page_size=200").json()["results"]
    ]
    assert slugs == ["gpt-4-1-mini", "grok-4-20"]
