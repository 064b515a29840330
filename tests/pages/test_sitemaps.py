"""The sitemap index, its sections and robots.txt."""

import re
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from itertools import combinations

import pytest

from catalog.models import LLMModel
from comparisons import services
from pages.pair_sitemaps import PairSitemap, pair_at, pair_index
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def locations(xml: str) -> list[str]:
    return re.findall(r"<loc>(.*?)</loc>", xml)


def pair_paths(client, pages: int = 1) -> list[str]:
    found = []
    for page in range(1, pages + 1):
        xml = client.get("/sitemap-pairs.xml", {"p": page}).content.decode()
        found += [loc.removeprefix("http://testserver") for loc in locations(xml)]
    return found


def priced(slug: str, **fields) -> LLMModel:
    model = LLMModelFactory(slug=slug, name=fields.pop("name", slug.title()), **fields)
    OfferingFactory(model=model, input_price=Decimal("1"), output_price=Decimal("2"))
    return model


def test_pair_index_and_pair_at_are_inverse_for_every_pair():
    for n in (2, 3, 7, 40):
        indexes = [pair_index(i, j, n) for i, j in combinations(range(n), 2)]
        assert indexes == list(range(n * (n - 1) // 2))
        assert [pair_at(k, n) for k in indexes] == list(combinations(range(n), 2))


def test_robots_txt_points_to_the_sitemap_index(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_index_lists_every_section_with_lastmod(client, reference_models):
    xml = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in xml
    sections = locations(xml)
    for name in ("static", "models", "vendors", "providers", "benchmarks", "pairs"):
        assert f"http://testserver/sitemap-{name}.xml" in sections
    assert xml.count("<lastmod>") == len(sections)


def test_models_section_lists_published_models_with_lastmod_and_no_drafts(
    client, reference_models
):
    LLMModelFactory(slug="secret-draft", status=LLMModel.Status.DRAFT)
    xml = client.get("/sitemap-models.xml").content.decode()
    assert "http://testserver/models/gpt-4-1-mini/" in locations(xml)
    assert "secret-draft" not in xml
    assert xml.count("<lastmod>") == len(locations(xml)) == 2


def test_pairs_section_holds_each_indexable_pair_once_in_canonical_order(
    client, reference_models
):
    priced("aaa")
    priced("zzz-retired", lifecycle=LLMModel.Lifecycle.RETIRED)
    LLMModelFactory(slug="draft-one", status=LLMModel.Status.DRAFT)
    LLMModelFactory(slug="no-price")  # no price, no benchmark: every pair is thin
    paths = pair_paths(client)
    assert sorted(paths) == [
        "/compare/aaa-vs-gpt-4-1-mini/",
        "/compare/aaa-vs-grok-4-20/",
        "/compare/gpt-4-1-mini-vs-grok-4-20/",
    ]


def test_a_model_without_price_is_indexed_where_it_shares_a_benchmark(client):
    benchmark = BenchmarkFactory(slug="mmlu")
    with_price = priced("alpha")
    without_price = LLMModelFactory(slug="beta")
    ScoreFactory(model=with_price, benchmark=benchmark)
    ScoreFactory(model=without_price, benchmark=benchmark)
    LLMModelFactory(slug="gamma")
    assert pair_paths(client) == ["/compare/alpha-vs-beta/"]


def test_sitemap_agrees_with_the_pair_pages_indexing_rule(client, reference_models):
    benchmark = BenchmarkFactory(slug="arena")
    priced("p-one")
    lonely = LLMModelFactory(slug="p-two")
    ScoreFactory(model=lonely, benchmark=benchmark)
    ScoreFactory(model=LLMModelFactory(slug="p-three"), benchmark=benchmark)
    priced("p-four", lifecycle=LLMModel.Lifecycle.DEPRECATED)
    models = list(LLMModel.objects.published())
    indexable = {
        f"/compare/{comparison.slug}/"
        for a, b in combinations(models, 2)
        if (comparison := services.comparison_build(model_a=a, model_b=b)).is_indexable
    }
    assert set(pair_paths(client)) == indexable


def test_pairs_are_paged_by_index_and_every_page_is_listed(
    client, reference_models, monkeypatch
):
    monkeypatch.setattr(PairSitemap, "limit", 4)
    for index in range(5):
        priced(f"m-{index}")
    # 7 models, 21 pairs, pages of 4: six pages.
    index_xml = client.get("/sitemap.xml").content.decode()
    pages = [loc for loc in locations(index_xml) if "sitemap-pairs" in loc]
    assert pages[0] == "http://testserver/sitemap-pairs.xml"
    assert pages[1:] == [
        f"http://testserver/sitemap-pairs.xml?p={n}" for n in range(2, 7)
    ]
    paths = pair_paths(client, pages=6)
    assert len(paths) == len(set(paths)) == 21
    assert (
        client.get("/sitemap-pairs.xml", {"p": 7}).status_code == HTTPStatus.NOT_FOUND
    )


def test_pair_lastmod_is_the_latest_change_to_either_model_or_its_comparison(
    client, reference_models
):
    mini, grok = reference_models
    curated = ComparisonFactory(model_a=mini, model_b=grok)
    xml = client.get("/sitemap-pairs.xml").content.decode()
    lastmod = re.search(r"<lastmod>(.*?)</lastmod>", xml).group(1)
    assert lastmod == curated.updated_at.date().isoformat()
    assert date.fromisoformat(lastmod) >= mini.updated_at.date()


@pytest.mark.parametrize("size", [3, 30])
def test_pairs_section_uses_the_same_queries_at_any_catalog_size(
    client, size, django_assert_num_queries
):
    for index in range(size):
        priced(f"model-{index:03d}")
    # The change log's position (where updates start from), indexable models
    # with their last change, their scores, curated comparisons.
    with django_assert_num_queries(4):
        response = client.get("/sitemap-pairs.xml")
    assert len(locations(response.content.decode())) == size * (size - 1) // 2


def test_a_vendor_known_only_from_drafts_is_not_in_the_sitemap(
    client, reference_models
):
    LLMModelFactory(
        slug="stealth-model",
        vendor=VendorFactory(slug="stealth-labs"),
        status=LLMModel.Status.DRAFT,
    )
    xml = client.get("/sitemap-vendors.xml").content.decode()
    assert "http://testserver/vendors/openai/" in locations(xml)
    assert "stealth-labs" not in xml
