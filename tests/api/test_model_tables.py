"""Three or four models as data: the same table the page shows, best values included."""

import random
from http import HTTPStatus

import pytest
from django.test import Client

from comparisons import services
from comparisons.derivation.formatting import iso_datetime
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
# The whole answer for TRIPLE over the quartet, but its change date.
TRIPLE_ANSWER = {
    "slug": "alpha-vs-beta-vs-gamma",
    "title": "Alpha vs Beta vs Gamma",
    "url": "http://testserver/compare/alpha-vs-beta-vs-gamma/",
    "api_url": "http://testserver/api/v1/comparisons/alpha-vs-beta-vs-gamma/",
    "models": [
        {
            "slug": "alpha",
            "name": "Alpha",
            "vendor": "acme",
            "reference_offering": {
                "provider": "hostco",
                "input_price": "0.40",
                "output_price": "1.60",
                "blended_price": "0.76",
            },
            "url": "http://testserver/models/alpha/",
            "api_url": "http://testserver/api/v1/models/alpha/",
        },
        {
            "slug": "beta",
            "name": "Beta",
            "vendor": "acme",
            "reference_offering": {
                "provider": "hostco",
                "input_price": "0.40",
                "output_price": "2",
                "blended_price": "0.88",
            },
            "url": "http://testserver/models/beta/",
            "api_url": "http://testserver/api/v1/models/beta/",
        },
        {
            "slug": "gamma",
            "name": "Gamma",
            "vendor": "acme",
            "reference_offering": None,
            "url": "http://testserver/models/gamma/",
            "api_url": "http://testserver/api/v1/models/gamma/",
        },
    ],
    "blend_input_weight": 0.7,
    "rows": [
        {
            "key": "input_price",
            "label": "Input price",
            "better": "lower",
            "values": {"alpha": "0.40", "beta": "0.40", "gamma": None},
            "best": [],
        },
        {
            "key": "output_price",
            "label": "Output price",
            "better": "lower",
            "values": {"alpha": "1.60", "beta": "2", "gamma": None},
            "best": ["alpha"],
        },
        {
            "key": "blended_price",
            "label": "Blended price",
            "better": "lower",
            "values": {"alpha": "0.76", "beta": "0.88", "gamma": None},
            "best": ["alpha"],
        },
        {
            "key": "context_window",
            "label": "Context window",
            "better": "higher",
            "values": {"alpha": 1000000, "beta": 2000000, "gamma": 2000000},
            "best": ["beta", "gamma"],
        },
        {
            "key": "max_output_tokens",
            "label": "Maximum output",
            "better": "higher",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "release_date",
            "label": "Released",
            "better": "newer",
            "values": {"alpha": "2025-04-01", "beta": "2025-06", "gamma": "2025-05-20"},
            "best": ["beta"],
        },
        {
            "key": "knowledge_cutoff",
            "label": "Knowledge cutoff",
            "better": "newer",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "lifecycle",
            "label": "Lifecycle",
            "better": None,
            "values": {"alpha": "active", "beta": "active", "gamma": "active"},
            "best": [],
        },
        {
            "key": "open_weights",
            "label": "Open weights",
            "better": "yes",
            "values": {"alpha": False, "beta": False, "gamma": False},
            "best": [],
        },
        {
            "key": "capability:vision",
            "label": "Vision",
            "better": "yes",
            "values": {"alpha": True, "beta": None, "gamma": False},
            "best": ["alpha"],
        },
        {
            "key": "capability:multimodal",
            "label": "Multimodal input",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "capability:reasoning",
            "label": "Reasoning mode",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "capability:function_calling",
            "label": "Function calling",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "capability:tool_use",
            "label": "Tool use",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "capability:structured_outputs",
            "label": "Structured outputs",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "capability:code_execution",
            "label": "Code execution",
            "better": "yes",
            "values": {"alpha": None, "beta": None, "gamma": None},
            "best": [],
        },
        {
            "key": "benchmark:mmlu",
            "label": "MMLU",
            "better": "higher",
            "values": {"alpha": 80.0, "beta": 85.0, "gamma": 85.0},
            "best": ["beta", "gamma"],
            "unit": "%",
        },
    ],
    "pairs": [
        {
            "slug": "alpha-vs-beta",
            "title": "Alpha vs Beta",
            "url": "http://testserver/compare/alpha-vs-beta/",
            "api_url": "http://testserver/api/v1/comparisons/alpha-vs-beta/",
        },
        {
            "slug": "alpha-vs-gamma",
            "title": "Alpha vs Gamma",
            "url": "http://testserver/compare/alpha-vs-gamma/",
            "api_url": "http://testserver/api/v1/comparisons/alpha-vs-gamma/",
        },
        {
            "slug": "beta-vs-gamma",
            "title": "Beta vs Gamma",
            "url": "http://testserver/compare/beta-vs-gamma/",
            "api_url": "http://testserver/api/v1/comparisons/beta-vs-gamma/",
        },
    ],
}
NOT_FOUND = {
    "detail": "No such comparison: use /api/v1/comparisons/<a>-vs-<b>-vs-<c>/ (or "
    "with a fourth slug) with the slugs of three or four different published models.",
    "code": "not_found",
}


def test_three_models_are_exactly_the_derived_table_plus_links(api, quartet):
    body = api.get(f"/api/v1/comparisons/{TRIPLE}/").json()
    refs = services.published_models(TRIPLE)
    table = services.model_table_build(models=refs)
    assert list(body) == TABLE_KEYS
    assert body == {**TRIPLE_ANSWER, "updated_at": iso_datetime(table.updated_at)}
    assert [row["best"] for row in body["rows"]] == [list(r.best) for r in table.rows]
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


def schema_keys(
    schema: dict, components: dict, answer, place: str, found: dict
) -> None:
    """Gather, per place in the answer, the keys the schema describes and those sent."""
    while "$ref" in schema or "allOf" in schema:
        if "allOf" in schema:
            (schema,) = schema["allOf"]
        name = schema.get("$ref", "").rpartition("/")[2]
        schema = components[name] if name else schema
    if isinstance(answer, list):
        for item in answer:
            schema_keys(schema.get("items", {}), components, item, f"{place}[]", found)
    elif isinstance(answer, dict) and "properties" in schema:
        described, sent = found.setdefault(place, (set(), set()))
        described.update(schema["properties"])
        sent.update(answer)
        for key, value in answer.items():
            if key in schema["properties"]:
                schema_keys(
                    schema["properties"][key],
                    components,
                    value,
                    f"{place}.{key}",
                    found,
                )


def test_schema_of_the_endpoint_names_every_key_of_a_real_answer(api, quartet):
    """Every object of the answer has exactly the keys the schema says, at any depth
    (a benchmark row's unit included), read from the endpoint's own description."""
    schema = Client().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    answer_schema = schema["paths"]["/api/v1/comparisons/{pair}/"]["get"]["responses"][
        "200"
    ]["content"]["application/json"]["schema"]
    answers = components[answer_schema["$ref"].rpartition("/")[2]]["oneOf"]
    (table_schema,) = [a for a in answers if a["$ref"].endswith("/ModelTable")]
    found: dict = {}
    for text in (TRIPLE, "alpha-vs-beta-vs-delta-vs-gamma"):
        body = api.get(f"/api/v1/comparisons/{text}/").json()
        schema_keys(table_schema, components, body, "answer", found)
    assert set(found) == {
        "answer",
        "answer.models[]",
        "answer.models[].reference_offering",
        "answer.rows[]",
        "answer.pairs[]",
    }
    for place, (described, sent) in found.items():
        assert sent == described, place
