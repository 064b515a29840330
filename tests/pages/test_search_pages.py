"""The search page, its JSON suggestions and the vendor, provider and benchmark indexes."""

import re
from http import HTTPStatus

import pytest

from catalog.models import LLMModel
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# Searching (catalog/search.py) after an edit: the vendors, providers and
# benchmarks (read once per catalog version), then the models; the page adds the
# catalog version's read from the cache only, which is no SQL.
SEARCH_PAGE_QUERIES = 2
# ?kind=model: the vendors (whose names stand for their models' words), then models.
MODEL_SUGGEST_QUERIES = 2
INDEX_PAGE_QUERIES = 1


@pytest.fixture
def catalog():
    openai = VendorFactory(slug="openai", name="OpenAI")
    quiet = VendorFactory(slug="quiet", name="Quiet Labs")
    host = ProviderFactory(slug="openrouter", name="OpenRouter")
    ProviderFactory(slug="idle", name="Idle Host")
    swe = BenchmarkFactory(slug="swe-bench-verified", name="SWE-bench Verified")
    mini = LLMModelFactory(slug="gpt-4-1-mini", name="GPT-4.1 Mini", vendor=openai)
    full = LLMModelFactory(slug="gpt-4-1", name="GPT-4.1", vendor=openai)
    draft = LLMModelFactory(
        slug="quiet-one",
        name="Quiet One",
        vendor=quiet,
        status=LLMModel.Status.DRAFT,
    )
    OfferingFactory(model=mini, provider=host, provider_model_id="openai/gpt-4.1-mini")
    OfferingFactory(model=full, provider=host)
    OfferingFactory(model=draft, provider=host)
    ScoreFactory(model=mini, benchmark=swe)
    ScoreFactory(model=draft, benchmark=swe)
    return {"mini": mini, "full": full}


def result_links(html: str) -> list[str]:
    listing = html.split('<ol class="search-results">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="([^"]+)">', listing)


def test_search_page_lists_the_best_match_first(client, catalog):
    response = client.get("/search/", {"q": "gtp 4.1 mini"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert result_links(html)[0] == "/models/gpt-4-1-mini/"
    assert "Search results for “gtp 4.1 mini”" in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_search_page_escapes_the_query(client, catalog):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_page_says_when_nothing_matches(client, catalog):
    html = client.get("/search/", {"q": "zzqx wobble"}).content.decode()
    assert "Nothing matches “zzqx wobble”" in html


def test_search_page_without_a_query_shows_the_form(client, catalog):
    response = client.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert 'id="search-page-q"' in response.content.decode()


@pytest.mark.parametrize("query", ["\x00", "a" * 5000, "％％", "'; DROP TABLE x; --"])
def test_strange_queries_answer_a_page(client, catalog, query):
    assert client.get("/search/", {"q": query}).status_code == HTTPStatus.OK


def test_every_page_has_the_search_box(client, catalog):
    for path in ("/", "/models/", "/models/gpt-4-1-mini/", "/vendors/"):
        html = client.get(path).content.decode()
        assert 'action="/search/" role="search"' in html, path
        assert '<input type="search" id="site-search-q" name="q"' in html, path


def test_search_page_costs_a_fixed_number_of_queries(
    client, catalog, django_assert_num_queries
):
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        client.get("/search/", {"q": "gpt"})
    LLMModelFactory.create_batch(5, vendor=catalog["mini"].vendor)
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        client.get("/search/", {"q": "gpt mini"})


def test_suggestions_are_json_best_first(client, catalog):
    response = client.get("/search/suggest.json", {"q": "gpt 4.1", "kind": "model"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "query": "gpt 4.1",
        "results": [
            {
                "kind": "model",
                "slug": "gpt-4-1",
                "name": "GPT-4.1",
                "detail": "OpenAI",
                "url": "/models/gpt-4-1/",
            },
            {
                "kind": "model",
                "slug": "gpt-4-1-mini",
                "name": "GPT-4.1 Mini",
                "detail": "OpenAI",
                "url": "/models/gpt-4-1-mini/",
            },
        ],
    }


def test_suggestions_of_all_kinds(client, catalog):
    results = client.get("/search/suggest.json", {"q": "openr"}).json()["results"]
    assert results[0] == {
        "kind": "provider",
        "slug": "openrouter",
        "name": "OpenRouter",
        "detail": "",
        "url": "/providers/openrouter/",
    }


def test_model_suggestions_cost_a_fixed_number_of_queries(
    client, catalog, django_assert_num_queries
):
    with django_assert_num_queries(MODEL_SUGGEST_QUERIES):
        client.get("/search/suggest.json", {"q": "gpt", "kind": "model"})


def test_unknown_kind_is_a_400_naming_it(client, catalog):
    response = client.get("/search/suggest.json", {"q": "gpt", "kind": "robot"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["kind"]


def test_overlong_suggestion_query_is_a_400_naming_it(client, catalog):
    response = client.get("/search/suggest.json", {"q": "g" * 101})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["q"]


def index_rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td class="num">(\d+)</td>',
        html,
    )


def test_vendor_index_counts_published_models(client, catalog):
    html = client.get("/vendors/").content.decode()
    # Quiet Labs has only a draft, so it is not listed yet.
    assert index_rows(html) == [("/vendors/openai/", "OpenAI", "2")]


def test_provider_index_counts_models_served(client, catalog):
    html = client.get("/providers/").content.decode()
    assert index_rows(html) == [
        ("/providers/idle/", "Idle Host", "0"),
        ("/providers/openrouter/", "OpenRouter", "2"),
    ]


def test_benchmark_index_counts_published_scores(client, catalog):
    html = client.get("/benchmarks/").content.decode()
    assert index_rows(html) == [
        ("/benchmarks/swe-bench-verified/", "SWE-bench Verified", "1")
    ]


@pytest.mark.parametrize("path", ["/vendors/", "/providers/", "/benchmarks/"])
def test_index_pages_cost_one_query(client, catalog, path, django_assert_num_queries):
    with django_assert_num_queries(INDEX_PAGE_QUERIES):
        assert client.get(path).status_code == HTTPStatus.OK
    VendorFactory.create_batch(3)
    ProviderFactory.create_batch(3)
    BenchmarkFactory.create_batch(3)
    with django_assert_num_queries(INDEX_PAGE_QUERIES):
        client.get(path)


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/vendors/", "Vendors"),
        ("/providers/", "Providers"),
        ("/benchmarks/", "Benchmarks"),
    ],
)
def test_index_pages_are_in_the_navigation(client, catalog, path, label):
    html = client.get(path).content.decode()
    assert f'<a href="{path}" aria-current="page">{label}</a>' in html
    assert (
        f'<a href="{path}">'
        not in html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    )


def test_index_pages_are_in_the_sitemap(client, catalog):
    xml = client.get("/sitemap-static.xml").content.decode()
    for path in ("/vendors/", "/providers/", "/benchmarks/"):
        assert f"<loc>http://testserver{path}</loc>" in xml
