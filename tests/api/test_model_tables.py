"""Three or four models as data: the same table the page shows, best values included."""

import json
import random
from http import HTTPStatus

import pytest
from django.test import Client

from comparisons import services
from tests.factories import LLMModelFactory
from tests.pages.support import table_rows

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
TRIPLE = "alpha-vs-beta-vs-gamma"
TABLE_KEYS = [
    "slug",
    "title",
    "url",
    "api_url",
    "models",
    "blend_input_weight",
    "rows",
    "pairs",
    "updated_at",
]
NOT_FOUND = {
    "detail": "No such comparison: use /api/v1/comparisons/<a>-vs-<b>-vs-<c>/ (or "
    "with a fourth slug) with the slugs of three or four different published models.",
    "code": "not_found",
}


def strip_links(data):
    data = json.loads(json.dumps(data))
    for key in ("url", "api_url"):
        data.pop(key)
    for item in data["models"] + data["pairs"]:
        item.pop("url")
        item.pop("api_url")
    return data


def test_three_models_are_exactly_the_derived_table_plus_links(api, quartet):
    body = api.get(f"/api/v1/comparisons/{TRIPLE}/").json()
    refs = services.published_models(TRIPLE)
    table = services.model_table_build(models=refs)
    assert list(body) == TABLE_KEYS
    assert strip_links(body) == json.loads(json.dumps(table.as_dict()))
    assert body["url"] == f"{SITE}/compare/{TRIPLE}/"
    assert body["api_url"] == f"{SITE}/api/v1/comparisons/{TRIPLE}/"
    assert body["pairs"][0] == {
        "slug": "alpha-vs-beta",
        "title": "Alpha vs Beta",
        "url": f"{SITE}/compare/alpha-vs-beta/",
        "api_url": f"{SITE}/api/v1/comparisons/alpha-vs-beta/",
    }
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["output_price"] == {
        "key": "output_price",
        "label": "Output price",
        "better": "lower",
        "values": {"alpha": "1.60", "beta": "2", "gamma": None},
        "best": ["alpha"],
    }
    assert rows["benchmark:mmlu"]["best"] == ["beta", "gamma"]
    assert rows["input_price"]["best"] == []  # the known prices are equal


def test_a_two_slug_address_keeps_its_pair_answer(api, quartet):
    body = api.get("/api/v1/comparisons/alpha-vs-beta/").json()
    assert "facts" in body and "verdict" in body and "rows" not in body


def test_another_order_redirects_to_the_canonical_api_url(api, quartet):
    response = api.get("/api/v1/comparisons/gamma-vs-alpha-vs-beta/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"/api/v1/comparisons/{TRIPLE}/"


@pytest.mark.parametrize(
    "text",
    [
        "alpha-vs-beta-vs-alpha",
        "alpha-vs-beta-vs-nothing",
        "alpha-vs-beta-vs-draft-one",
        "alpha-vs-beta-vs-delta-vs-gamma-vs-epsilon",
        "a-vs-b-vs-c",
    ],
)
def test_repeated_unknown_draft_or_five_slugs_are_json_404(api, quartet, text):
    LLMModelFactory(slug="epsilon")
    response = api.get(f"/api/v1/comparisons/{text}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == NOT_FOUND


def assert_api_matches_page(api, text: str) -> None:
    data = api.get(f"/api/v1/comparisons/{text}/").json()
    response = Client().get(f"/compare/{text}/")
    assert response.status_code == HTTPStatus.OK
    page_rows = table_rows(response.content.decode())
    slugs = [model["slug"] for model in data["models"]]
    for row in data["rows"]:
        label = row["label"]
        if row["key"].startswith("benchmark:") and row["better"] == "lower":
            label += " (lower is better)"
        cells = page_rows[label]
        assert [slugs[i] for i, (_, best) in enumerate(cells) if best] == row["best"]
        for slug, (text_shown, _) in zip(slugs, cells, strict=True):
            # Unknown on one side is unknown on the other.
            assert (text_shown == "—") == (row["values"][slug] is None), (label, slug)


def test_api_best_values_match_the_page(api, quartet):
    for text in (TRIPLE, "alpha-vs-beta-vs-delta", "alpha-vs-beta-vs-delta-vs-gamma"):
        assert_api_matches_page(api, text)


def test_random_tables_of_the_demo_catalog_match_the_page(api, catalog):
    rng = random.Random(17)
    for index in range(4):
        LLMModelFactory(slug=f"extra-{index}", vendor=catalog["openai"])
    slugs = sorted(
        m["slug"] for m in api.get("/api/v1/models/?page_size=100").json()["results"]
    )
    for size in (3, 4, 3):
        chosen = rng.sample(slugs, size)
        assert_api_matches_page(
            api,
            services.pair_slug(*chosen[:2])
            if size == 2
            else "-vs-".join(sorted(chosen)),
        )


def test_schema_describes_the_table_answer(api):
    schema = Client().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "ModelTable" in components
    assert set(components["ModelTable"]["properties"]) == set(TABLE_KEYS)
    answer = components["ComparisonAnswer"]["oneOf"]
    assert {"$ref": "#/components/schemas/ModelTable"} in answer
    assert {"$ref": "#/components/schemas/Pair"} in answer
