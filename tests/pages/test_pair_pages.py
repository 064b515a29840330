"""The reader's pages around comparisons: home, picker, the pair page."""

import json
import re
from decimal import Decimal
from html import unescape
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils.html import strip_tags
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import CAPABILITY_LABELS, LLMModel
from comparisons.models import ComparisonFAQ
from comparisons.services import pair_slug
from pages.forms import (
    TOKENS_NEGATIVE_MESSAGE,
    TOKENS_NOT_NUMBER_MESSAGE,
    TOKENS_TOO_MANY_MESSAGE,
)
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)
from tests.pages.support import (
    PAIR_URL,
    forbidden_words,
    html_of,
    section,
    visible_faq,
    visible_text,
)

pytestmark = pytest.mark.django_db


# --- Helpers (the catalog page tests use them too) -------------------------------------


def json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.DOTALL
    )
    return [json.loads(block) for block in blocks]


def json_ld_of_type(html: str, kind: str) -> dict:
    return next(block for block in json_ld_blocks(html) if block["@type"] == kind)


def small_catalog(size: int) -> list[LLMModel]:
    """Published models with prices and a shared benchmark, around the reference pair."""
    vendor = VendorFactory(slug="acme", name="Acme")
    provider = ProviderFactory(slug="hostco", name="HostCo")
    benchmark = BenchmarkFactory(slug="swe-bench-verified")
    models = []
    for index in range(size):
        model = LLMModelFactory(
            slug=f"acme-{index:03d}", name=f"Acme {index}", vendor=vendor
        )
        OfferingFactory(
            model=model,
            provider=provider,
            input_price=Decimal(index + 1) / 10,
            output_price=Decimal(index + 1) / 5,
        )
        ScoreFactory(model=model, benchmark=benchmark, value=Decimal(40 + index % 50))
        models.append(model)
    return models


# --- Every page ------------------------------------------------------------------------


def test_every_reader_page_answers_200_on_a_small_catalog(client, reference_models):
    small_catalog(3)
    urls = [
        "/",
        "/compare/",
        PAIR_URL,
        "/models/",
        "/models/gpt-4-1-mini/",
        "/vendors/openai/",
        "/providers/openrouter/",
        "/benchmarks/swe-bench-verified/",
        "/sitemap.xml",
        "/robots.txt",
    ]
    for url in urls:
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_no_page_shows_a_missing_value_or_a_template_tag(client, reference_models):
    # A model the data says almost nothing about: no price, score, date or size.
    bare = LLMModelFactory(
        slug="bare", name="Bare", release_date="", context_window=None, license=""
    )
    mini, _ = reference_models
    pages = [
        "/",
        "/compare/",
        PAIR_URL,
        "/compare/bare-vs-gpt-4-1-mini/",
        "/models/",
        "/models/bare/",
        f"/vendors/{bare.vendor.slug}/",
        "/models/gpt-4-1-mini/",
        "/benchmarks/swe-bench-verified/",
        "/providers/openrouter/",
        "/nowhere/",
    ]
    for url in pages:
        response = client.get(url)
        assert forbidden_words(html_of(response)) == [], url


# --- The reference pair ----------------------------------------------------------------


def test_reference_pair_renders_every_fact_of_the_reference_page(
    client, reference_models
):
    text = visible_text(html_of(client.get(PAIR_URL)))
    facts = [
        "GPT-4.1 Mini vs Grok 4.20",
        "OpenAI",
        "xAI",
        "1 Apr 2025",
        "1 Jan 2026",
        "1M",
        "2M",
        "Jan 2025",
        "decoder only",
        "Proprietary",
        "$0.40",
        "$1.60",
        "$1.25",
        "$2.50",
        "OpenAI API",
        "OpenRouter",
        "Replicate",
        "xAI API",
        "SWE-bench Verified",
        "23.6%",
        "76.7%",
        "vendor-reported",
        "53.1 points",
        "Vision",
        "Multimodal input",
        "Reasoning mode",
        "Function calling",
        "Tool use",
        "Structured outputs",
        "Code execution",
        "Deep dive",
        "Choose GPT-4.1 Mini when",
        "Choose Grok 4.20 when",
        "Frequently asked questions",
        "Continue comparing",
        "Last reviewed: 14 May 2026",
    ]
    missing = [fact for fact in facts if fact not in text]
    assert missing == []


def test_reference_pair_says_68_percent_cheaper_never_213(client, reference_models):
    text = visible_text(html_of(client.get(PAIR_URL)))
    assert "68% cheaper" in text
    assert "213%" not in text


def test_gpt_41_mini_is_never_called_a_reasoning_model(client, reference_models):
    html = html_of(client.get(PAIR_URL))
    text = visible_text(html)
    assert "reasoning models" not in text
    for sentence in re.split(r"(?<=[.!?])\s", text):
        if "GPT-4.1 Mini" in sentence and "reasoning model" in sentence:
            pytest.fail(f"calls GPT-4.1 Mini a reasoning model: {sentence}")
    capabilities = visible_text(section(html, "capabilities"))
    assert "Reasoning mode No Yes" in capabilities


def test_choose_lists_never_give_gpt_41_mini_the_coding_benchmark(
    client, reference_models
):
    choose = visible_text(section(html_of(client.get(PAIR_URL)), "choose"))
    mini_part, grok_part = choose.split("Choose Grok 4.20 when")
    assert "SWE-bench" not in mini_part
    assert "SWE-bench Verified" in grok_part


def test_continue_comparing_links_to_other_pairs(client, reference_models):
    small_catalog(4)
    continuing = section(html_of(client.get(PAIR_URL)), "continue")
    links = re.findall(r'href="(/compare/[^"]+-vs-[^"]+/)"', continuing)
    assert links
    for link in links:
        assert client.get(link).status_code == HTTPStatus.OK


def test_faq_json_ld_holds_exactly_the_visible_faq(client, reference_models):
    mini, grok = reference_models
    curated = ComparisonFactory(model_a=mini, model_b=grok)
    ComparisonFAQ.objects.create(
        comparison=curated,
        question="Is it **fast**?",
        answer="It is *quick*.",
        position=0,
    )
    html = html_of(client.get(PAIR_URL))
    faq = json_ld_of_type(html, "FAQPage")
    structured = [
        (item["name"], unescape(strip_tags(item["acceptedAnswer"]["text"])).strip())
        for item in faq["mainEntity"]
    ]
    visible = visible_faq(html)
    assert structured == visible
    assert visible[0] == ("Is it **fast**?", "It is quick.")
    assert len(visible) > 3


def test_structured_data_cannot_close_its_script_element(client, reference_models):
    mini, grok = reference_models
    curated = ComparisonFactory(model_a=mini, model_b=grok)
    attack = "</script><script>alert(1)</script><!--"
    ComparisonFAQ.objects.create(comparison=curated, question=attack, answer=attack)
    html = html_of(client.get(PAIR_URL))
    assert "<script>alert(1)" not in html
    faq = json_ld_of_type(html, "FAQPage")
    assert faq["mainEntity"][0]["name"] == attack


def test_breadcrumbs_canonical_link_and_open_graph(client, reference_models):
    html = html_of(client.get(PAIR_URL))
    assert "<title>GPT-4.1 Mini vs Grok 4.20" in html
    assert f'<link rel="canonical" href="http://testserver{PAIR_URL}">' in html
    assert '<meta property="og:title" content="GPT-4.1 Mini vs Grok 4.20">' in html
    assert '<meta name="description" content="' in html
    crumbs = json_ld_of_type(html, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == [
        "Home",
        "Compare",
        "GPT-4.1 Mini vs Grok 4.20",
    ]
    assert 'name="robots"' not in html


def test_charts_have_text_alternatives_with_the_table_numbers(client, reference_models):
    html = html_of(client.get(PAIR_URL))
    charts = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(charts) == 2
    for chart in charts:
        assert 'role="img"' in chart
        assert "<title" in chart
        assert "<desc" in chart
    price_desc = re.search(r'<desc id="price-chart-desc">(.*?)</desc>', html).group(1)
    for price in ("$0.40", "$1.60", "$1.25", "$2.50"):
        assert price in price_desc
    bench_desc = re.search(r'<desc id="benchmark-chart-desc">(.*?)</desc>', html).group(
        1
    )
    assert "23.6%" in bench_desc
    assert "76.7%" in bench_desc


# --- Addresses -------------------------------------------------------------------------


def test_reversed_order_answers_301_to_the_canonical_address(client, reference_models):
    response = client.get("/compare/grok-4-20-vs-gpt-4-1-mini/?input_tokens=5")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == PAIR_URL + "?input_tokens=5"


@pytest.mark.parametrize(
    "url",
    [
        "/compare/gpt-4-1-mini-vs-gpt-4-1-mini/",
        "/compare/gpt-4-1-mini-vs-nonexistent/",
        "/compare/gpt-4-1-mini/",
        "/compare/gpt-4-1-mini-vs-draft-model/",
    ],
)
def test_same_unknown_or_draft_model_is_a_friendly_404(client, reference_models, url):
    LLMModelFactory(slug="draft-model", status=LLMModel.Status.DRAFT)
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = html_of(response)
    assert "We could not find that page" in html
    assert 'href="/compare/"' in html
    assert 'href="/models/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_staff_preview_shows_a_draft_pair_uncached_and_noindex(
    client, admin_client, reference_models
):
    mini, _ = reference_models
    LLMModelFactory(
        slug="draft-model", name="Draft Model", status=LLMModel.Status.DRAFT
    )
    url = "/compare/draft-model-vs-gpt-4-1-mini/?preview=1"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, follow">' in html_of(response)
    assert admin_client.get(url.split("?")[0]).status_code == HTTPStatus.NOT_FOUND


def test_thin_or_retired_pairs_are_served_with_noindex(client, reference_models):
    LLMModelFactory(slug="unpriced", name="Unpriced")
    retired = LLMModelFactory(slug="old-one", lifecycle=LLMModel.Lifecycle.RETIRED)
    OfferingFactory(model=retired)
    for url in (
        "/compare/gpt-4-1-mini-vs-unpriced/",
        "/compare/gpt-4-1-mini-vs-old-one/",
    ):
        html = html_of(client.get(url))
        assert '<meta name="robots" content="noindex, follow">' in html, url
    retired_html = html_of(client.get("/compare/gpt-4-1-mini-vs-old-one/"))
    assert "is retired" in visible_text(retired_html)


# --- Cost calculator -------------------------------------------------------------------


def test_calculator_works_as_a_plain_get_form(client, reference_models):
    response = client.get(
        PAIR_URL, {"input_tokens": "1,000,000", "output_tokens": "1000000"}
    )
    costs = visible_text(section(html_of(response), "costs"))
    # $0.40 + $1.60 at OpenAI API; $1.25 + $2.50 at OpenRouter.
    assert "GPT-4.1 Mini OpenAI API $2 " in costs
    assert "Grok 4.20 OpenRouter $3.75" in costs
    assert "for 1,000,000 input and 1,000,000 output tokens" in costs


def test_calculator_prices_exactly_without_rounding_errors(client, reference_models):
    response = client.get(PAIR_URL, {"input_tokens": "3", "output_tokens": "7"})
    costs = visible_text(section(html_of(response), "costs"))
    # 3 × 0.40 / 1e6 + 7 × 1.60 / 1e6 = 0.0000124
    assert "$0.0000124" in costs


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", TOKENS_NEGATIVE_MESSAGE),
        ("lots", TOKENS_NOT_NUMBER_MESSAGE),
        ("1e9", TOKENS_NOT_NUMBER_MESSAGE),
        ("10000000000001", TOKENS_TOO_MANY_MESSAGE),
        ("9" * 40, TOKENS_TOO_MANY_MESSAGE),
    ],
)
def test_calculator_nonsense_gets_a_message_and_the_page_still_renders(
    client, reference_models, value, message
):
    response = client.get(PAIR_URL, {"input_tokens": value, "output_tokens": "5"})
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    costs = section(html, "costs")
    assert unescape(message) in unescape(costs)
    assert 'aria-invalid="true"' in costs
    assert "$2" not in visible_text(costs)
    assert forbidden_words(html) == []


# --- Home and picker -------------------------------------------------------------------


def test_picker_goes_to_the_canonical_pair_in_either_order(client, reference_models):
    for a, b in (("gpt-4-1-mini", "grok-4-20"), ("grok-4-20", "gpt-4-1-mini")):
        response = client.get("/compare/go/", {"a": a, "b": b})
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == PAIR_URL


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "gpt-4-1-mini", "b": "gpt-4-1-mini"}, "Choose two different models"),
        ({"a": "gpt-4-1-mini", "b": "nope"}, "We have no published model"),
        ({"a": "gpt-4-1-mini"}, "Choose a model from the list"),
    ],
)
def test_picker_explains_a_bad_choice(client, reference_models, query, message):
    response = client.get("/compare/go/", query)
    assert response.status_code == HTTPStatus.OK
    assert message in unescape(html_of(response))


def test_home_shows_picker_featured_and_recent_models_but_never_drafts(
    client, reference_models
):
    mini, grok = reference_models
    ComparisonFactory(model_a=mini, model_b=grok, is_featured=True)
    draft = LLMModelFactory(
        slug="secret", name="Secret Draft", status=LLMModel.Status.DRAFT
    )
    ComparisonFactory(model_a=mini, model_b=draft, is_featured=True)
    for url in ("/", "/compare/"):
        html = html_of(client.get(url))
        assert 'action="/compare/go/"' in html
        assert '<label for="id_a">' in html
        assert f'href="{PAIR_URL}"' in html
        assert "Secret Draft" not in html
        assert "secret" not in html
    assert 'href="/models/grok-4-20/"' in html_of(client.get("/"))


# --- Queries ---------------------------------------------------------------------------


# Both sizes give every model six related pairs without the fill-up query that
# services.related_pairs adds only for catalogs of a handful of models.
@pytest.mark.parametrize("size", [10, 40])
def test_pair_page_uses_the_same_queries_at_any_catalog_size(
    client, reference_models, size, django_assert_num_queries
):
    mini, grok = reference_models
    small_catalog(size)
    ComparisonFactory(model_a=mini, model_b=grok, is_featured=True)
    # The first page in this process: its index of the catalog, which also finds
    # the pair: change-log position, models, cheapest prices, curated pairs (4);
    # the models' stamps: the log's heads, the models it names since its base
    # (2); the two models: models + vendor, offerings, tiers,
    # scores, reviews (5); the pair's curated comparison and its FAQ (2).
    with django_assert_num_queries(13):
        response = client.get(PAIR_URL)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("size", [10, 40])
def test_pair_page_of_models_seen_since_the_last_edit_reads_only_the_pair(
    client, reference_models, size, django_assert_num_queries
):
    mini, grok = reference_models
    first, second = small_catalog(size)[:2]
    ComparisonFactory(model_a=mini, model_b=grok, is_featured=True)
    for a, b in [(mini, first), (grok, second)]:
        client.get(f"/compare/{pair_slug(a.slug, b.slug)}/")
    # Their facts and the index are in memory: only the pair's curated comparison
    # and its FAQ are read (2); a pair without one needs no query at all.
    with django_assert_num_queries(2):
        response = client.get(PAIR_URL)
    assert response.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        response = client.get(f"/compare/{pair_slug(first.slug, second.slug)}/")
    assert response.status_code == HTTPStatus.OK


# --- Random small catalogs -------------------------------------------------------------

PRICES = st.one_of(
    st.none(), st.sampled_from(["0", "0.075", "0.4", "1.25", "3", "15", "120.5"])
)
MODEL_SPECS = st.fixed_dictionaries(
    {
        "offerings": st.lists(
            st.tuples(
                st.sampled_from(["p-one", "p-two", "p-three"]),
                PRICES,
                PRICES,
                st.booleans(),
            ),
            max_size=3,
            unique_by=lambda offering: offering[0],
        ),
        "context": st.one_of(
            st.none(), st.sampled_from([8_192, 131_072, 1_047_576, 2_000_000])
        ),
        "release": st.sampled_from(["", "2025-04", "2025-04-01", "2026-01-01"]),
        "cutoff": st.sampled_from(["", "2024-09", "2025-01-15"]),
        "capabilities": st.fixed_dictionaries(
            {key: st.one_of(st.none(), st.booleans()) for key in CAPABILITY_LABELS}
        ),
        "open_weights": st.one_of(st.none(), st.booleans()),
        "scores": st.lists(
            st.tuples(
                st.sampled_from(["b-pct", "b-elo", "b-low"]),
                st.decimals(min_value=0, max_value=2000, places=1),
                st.booleans(),
            ),
            max_size=3,
            unique_by=lambda score: score[0],
        ),
        "lifecycle": st.sampled_from(list(LLMModel.Lifecycle.values)),
        "reviewed": st.booleans(),
    }
)


def _build_model(slug: str, spec: dict) -> LLMModel:
    model = LLMModelFactory(
        slug=slug,
        name=slug.replace("-", " ").title(),
        context_window=spec["context"],
        release_date=spec["release"],
        knowledge_cutoff=spec["cutoff"],
        open_weights=spec["open_weights"],
        lifecycle=spec["lifecycle"],
        **spec["capabilities"],
    )
    for provider, input_price, output_price, available in spec["offerings"]:
        OfferingFactory(
            model=model,
            provider=ProviderFactory(slug=provider, name=provider.title()),
            input_price=None if input_price is None else Decimal(input_price),
            output_price=None if output_price is None else Decimal(output_price),
            is_available=available,
        )
    units = {"b-pct": ("%", True), "b-elo": ("elo", True), "b-low": ("s", False)}
    for benchmark, value, verified in spec["scores"]:
        unit, higher = units[benchmark]
        ScoreFactory(
            model=model,
            benchmark=BenchmarkFactory(
                slug=benchmark, unit=unit, higher_is_better=higher
            ),
            value=value,
            is_verified=verified,
        )
    if spec["reviewed"]:
        ReviewFactory(model=model)
    return model


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=MODEL_SPECS, second=MODEL_SPECS)
def test_pages_of_random_catalogs_render_without_missing_values(client, first, second):
    """Ties, unknowns, zero prices, no offering, units other than %: always a clean page."""
    with transaction.atomic():
        cache.clear()
        _build_model("model-a", first)
        _build_model("model-b", second)
        urls = [
            "/compare/model-a-vs-model-b/",
            "/compare/model-a-vs-model-b/?input_tokens=12345&output_tokens=0",
            "/models/model-a/",
            "/models/model-b/",
            "/models/?sort=price",
            "/benchmarks/b-pct/",
        ]
        for url in urls:
            response = client.get(url)
            if (
                url.startswith("/benchmarks/")
                and response.status_code == HTTPStatus.NOT_FOUND
            ):
                continue  # neither model has a score there
            assert response.status_code == HTTPStatus.OK, url
            assert forbidden_words(html_of(response)) == [], url
        transaction.set_rollback(True)


def test_context_windows_that_read_alike_are_shown_exactly_beside_the_claim(client):
    LLMModelFactory(slug="wide-a", name="Wide A", context_window=1_048_576)
    LLMModelFactory(slug="wide-b", name="Wide B", context_window=1_050_000)
    text = visible_text(html_of(client.get("/compare/wide-a-vs-wide-b/")))
    assert "1.05M" not in text
    assert "1,048,576 Wide A" in text  # the key numbers
    assert "1,050,000 tokens against 1,048,576" in text  # Wide B's advantage
    assert "reads up to 1,050,000 tokens at once, against 1,048,576 for Wide A" in text


def test_models_that_share_a_name_are_told_apart_on_the_page(client):
    LLMModelFactory(slug="opus", name="Opus 4.6")
    LLMModelFactory(slug="opus-default", name="Opus 4.6")
    text = visible_text(html_of(client.get("/compare/opus-vs-opus-default/")))
    assert "Opus 4.6 (opus) vs Opus 4.6 (opus-default)" in text
    assert "Opus 4.6 vs Opus 4.6" not in text
