"""Share cards: each pair and model page names a 1200×630 PNG under 100 KB."""

import re
from decimal import Decimal
from html import unescape
from http import HTTPStatus
from io import BytesIO

import pytest
from PIL import Image

from catalog.models import LLMModel
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ScoreFactory,
)
from tests.pages.support import html_of

pytestmark = pytest.mark.django_db

PAIR = "gpt-4-1-mini-vs-grok-4-20"
MAX_BYTES = 100 * 1000


def og(html: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(
            r'<meta property="(og:[a-z:_]+)" content="([^"]*)">', html
        )
    }


def assert_card(response) -> Image.Image:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert len(response.content) < MAX_BYTES
    image = Image.open(BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    return image


def test_pair_page_names_its_card_with_size_and_alt_text(client, reference_models):
    tags = og(html_of(client.get(f"/compare/{PAIR}/")))
    assert tags["og:image"] == f"http://testserver/compare/{PAIR}/card.png"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:type"] == "image/png"
    alt = tags["og:image:alt"]
    assert alt.startswith("GPT-4.1 Mini vs Grok 4.20. GPT-4.1 Mini: from $")
    assert "Grok 4.20 leads SWE-bench Verified by" in alt
    assert_card(client.get(f"/compare/{PAIR}/card.png"))


def test_model_page_names_its_card(client, reference_models):
    tags = og(html_of(client.get("/models/gpt-4-1-mini/")))
    assert tags["og:image"] == "http://testserver/models/gpt-4-1-mini/card.png"
    assert tags["og:image:alt"].startswith("GPT-4.1 Mini by OpenAI. From $")
    assert_card(client.get("/models/gpt-4-1-mini/card.png"))


def test_card_of_a_model_without_price_or_with_a_free_one_says_so(client):
    unpriced = LLMModelFactory(slug="unpriced", name="Unpriced")
    free = LLMModelFactory(slug="freebie", name="Freebie")
    OfferingFactory(model=free, input_price=0, output_price=0)
    html = html_of(client.get(f"/compare/{free.slug}-vs-{unpriced.slug}/"))
    alt = og(html)["og:image:alt"]
    assert "Freebie: free" in alt and "Unpriced: price unknown" in alt
    assert "No benchmark both have a score on" in alt
    assert_card(client.get(f"/compare/{free.slug}-vs-{unpriced.slug}/card.png"))


def test_long_names_still_fit_the_card(client):
    name = "An Extraordinarily Long Model Name " * 4
    a = LLMModelFactory(slug="aaa", name=name.strip())
    b = LLMModelFactory(slug="bbb", name="Ünïcødé ☃ Model")
    assert_card(client.get(f"/compare/{a.slug}-vs-{b.slug}/card.png"))
    assert_card(client.get(f"/models/{a.slug}/card.png"))


def test_cards_differ_when_the_facts_do(client, reference_models):
    before = client.get(f"/compare/{PAIR}/card.png").content
    mini = reference_models[0]
    mini.offerings.update(input_price=9, output_price=9)
    # A queryset update sends no signal: an edit through the model does.
    LLMModel.objects.get(pk=mini.pk).save()
    after = client.get(f"/compare/{PAIR}/card.png").content
    assert before != after


@pytest.mark.parametrize(
    "path",
    [
        "/compare/grok-4-20-vs-gpt-4-1-mini/card.png",
        "/compare/gpt-4-1-mini-vs-nothing/card.png",
        "/compare/gpt-4-1-mini-vs-gpt-4-1-mini/card.png",
        "/models/nothing/card.png",
    ],
)
def test_no_card_for_another_order_or_an_unknown_model(client, reference_models, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_no_card_for_a_draft(client, reference_models):
    LLMModelFactory(slug="secret", status=LLMModel.Status.DRAFT)
    assert client.get("/models/secret/card.png").status_code == HTTPStatus.NOT_FOUND
    path = "/compare/gpt-4-1-mini-vs-secret/card.png"
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_a_previewed_draft_names_no_card(admin_client, reference_models):
    # The card of a draft answers 404, so its preview must not point at one.
    LLMModelFactory(slug="secret", status=LLMModel.Status.DRAFT)
    for path in ("/models/secret/", "/compare/gpt-4-1-mini-vs-secret/"):
        response = admin_client.get(path + "?preview=1")
        assert response.status_code == HTTPStatus.OK
        tags = og(html_of(response))
        assert "og:title" in tags
        assert not any(name.startswith("og:image") for name in tags)


def test_card_queries_are_fixed_and_cached_until_an_edit(
    client, reference_models, django_assert_num_queries
):
    for index in range(5):
        OfferingFactory(model=LLMModelFactory(slug=f"filler-{index}"))
    # The catalog version's index (4: the change log's position it was built at,
    # then models, cheapest prices and curated pairs), the models' stamps (2)
    # and the two models' facts (5); the pair has no curated comparison, so
    # nothing else.
    with django_assert_num_queries(11):
        assert_card(client.get(f"/compare/{PAIR}/card.png"))
    # Kept like the pages: the same card again costs no query.
    with django_assert_num_queries(0):
        assert_card(client.get(f"/compare/{PAIR}/card.png"))
    # A model's card: its facts are in memory now.
    with django_assert_num_queries(0):
        assert_card(client.get("/models/grok-4-20/card.png"))


def test_card_of_a_level_pair_does_not_deny_the_percent_benchmark_they_share(client):
    bench = BenchmarkFactory(slug="acc", name="Accuracy", unit="%")
    for slug in ("level-a", "level-b"):
        model = LLMModelFactory(slug=slug, name=slug.title())
        ScoreFactory(model=model, benchmark=bench, value=Decimal("70"))
    alt = og(html_of(client.get("/compare/level-a-vs-level-b/")))["og:image:alt"]
    assert "No shared benchmark in %" not in alt
    assert alt.endswith("Under 0.1 points apart on every shared benchmark in %.")
