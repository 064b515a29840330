"""Search ranks the catalog's models, vendors, providers and benchmarks, best first.

The relevance table runs on whichever database the suite runs on; CI runs it on
PostgreSQL (full-text search and pg_trgm) and locally it runs on SQLite (the
fallback), and both must put the same result first.
"""

import pytest
from django.db import connection

from catalog.models import LLMModel, Vendor
from catalog.search import (
    Measure,
    best_first,
    directory,
    normalise,
    search,
    similarity,
    trigrams,
)
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# The first search under a catalog version reads the vendors, providers and
# benchmarks (kept until the next edit), then the models...
FIRST_SEARCH_QUERIES = 2
# ...and every later one the models only.
SEARCH_QUERIES = 1


@pytest.fixture
def catalog(db):
    openai = VendorFactory(slug="openai", name="OpenAI")
    anthropic = VendorFactory(slug="anthropic", name="Anthropic")
    google = VendorFactory(slug="google", name="Google")
    meta = VendorFactory(slug="meta", name="Meta")
    alibaba = VendorFactory(slug="alibaba", name="Alibaba Cloud")
    mistral = VendorFactory(slug="mistral", name="Mistral AI")
    openrouter = ProviderFactory(slug="openrouter", name="OpenRouter")
    ProviderFactory(slug="together", name="Together AI")
    BenchmarkFactory(slug="swe-bench-verified", name="SWE-bench Verified")
    BenchmarkFactory(slug="gpqa-diamond", name="GPQA Diamond")
    models = {}
    for slug, name, vendor in (
        ("gpt-4-1", "GPT-4.1", openai),
        ("gpt-4-1-mini", "GPT-4.1 Mini", openai),
        ("gpt-4-1-nano", "GPT-4.1 Nano", openai),
        ("gpt-4o", "GPT-4o", openai),
        ("o3-mini", "o3-mini", openai),
        ("claude-sonnet-4", "Claude Sonnet 4", anthropic),
        ("claude-3-5-haiku", "Claude 3.5 Haiku", anthropic),
        ("gemini-2-5-flash", "Gemini 2.5 Flash", google),
        ("gemini-2-5-pro", "Gemini 2.5 Pro", google),
        ("llama-3-1-405b", "Llama 3.1 405B Instruct", meta),
        ("qwen3-max", "Qwen3 Max (通义千问)", alibaba),
        ("mistral-medium-3", "Mistral Médium 3", mistral),
    ):
        models[slug] = LLMModelFactory(slug=slug, name=name, vendor=vendor)
    OfferingFactory(
        model=models["llama-3-1-405b"],
        provider=openrouter,
        provider_model_id="meta-llama/llama-3.1-405b-instruct",
    )
    LLMModelFactory(
        slug="gpt-5-secret",
        name="GPT-5 Secret",
        vendor=openai,
        status=LLMModel.Status.DRAFT,
    )
    return models


# What a reader types -> (kind, slug) of the first result.
RELEVANCE = [
    # exact names, whatever the case and punctuation
    ("GPT-4.1 Mini", ("model", "gpt-4-1-mini")),
    ("gpt 4.1 mini", ("model", "gpt-4-1-mini")),
    ("gpt-4.1-mini!!!", ("model", "gpt-4-1-mini")),
    ("  CLAUDE   sonnet 4 ", ("model", "claude-sonnet-4")),
    ("gpt-4.1", ("model", "gpt-4-1")),
    ("o3 mini", ("model", "o3-mini")),
    # slugs and providers' model ids
    ("gemini-2-5-pro", ("model", "gemini-2-5-pro")),
    ("meta-llama/llama-3.1-405b-instruct", ("model", "llama-3-1-405b")),
    # prefixes
    ("gemini 2.5 fl", ("model", "gemini-2-5-flash")),
    ("claude son", ("model", "claude-sonnet-4")),
    # words in any order, the vendor's name among them
    ("4.1 nano", ("model", "gpt-4-1-nano")),
    ("anthropic haiku", ("model", "claude-3-5-haiku")),
    ("flash gemini", ("model", "gemini-2-5-flash")),
    # close spellings
    ("gtp 4.1 mini", ("model", "gpt-4-1-mini")),
    ("calude sonet 4", ("model", "claude-sonnet-4")),
    ("lama 3.1 405b", ("model", "llama-3-1-405b")),
    # Unicode: full-width forms, accents, other scripts
    ("ＧＰＴ－４．１ ｍｉｎｉ", ("model", "gpt-4-1-mini")),
    ("通义千问", ("model", "qwen3-max")),
    ("MISTRAL MÉDIUM", ("model", "mistral-medium-3")),
    # vendors, providers, benchmarks
    ("openai", ("vendor", "openai")),
    ("Open Router", ("provider", "openrouter")),
    ("together", ("provider", "together")),
    ("swe bench", ("benchmark", "swe-bench-verified")),
    ("GPQA", ("benchmark", "gpqa-diamond")),
]


@pytest.mark.parametrize(("query", "expected"), RELEVANCE)
def test_first_result_is_the_best_match(catalog, query, expected):
    results = search(query, limit=5)
    first = (results[0].kind, results[0].slug) if results else None
    assert first == expected, [(r.kind, r.slug, r.tier) for r in results]


def test_drafts_are_never_found(catalog):
    assert "gpt-5-secret" not in {r.slug for r in search("GPT-5 Secret", limit=20)}


def test_exact_match_outranks_longer_names_sharing_its_words(catalog):
    slugs = [result.slug for result in search("GPT-4.1", limit=10)]
    assert slugs[0] == "gpt-4-1"
    assert {"gpt-4-1-mini", "gpt-4-1-nano"} <= set(slugs[1:])


def test_vendor_name_finds_its_models_after_the_vendor(catalog):
    results = search("anthropic", limit=10)
    assert (results[0].kind, results[0].slug) == ("vendor", "anthropic")
    assert {r.slug for r in results if r.kind == "model"} == {
        "claude-sonnet-4",
        "claude-3-5-haiku",
    }


def test_unrelated_query_finds_nothing(catalog):
    assert search("zzqx wobble", limit=10) == []


def test_results_link_to_their_pages(catalog):
    result = search("gpt 4.1 mini", limit=1)[0]
    assert result.url == "/models/gpt-4-1-mini/"
    assert result.detail == "OpenAI"


@pytest.mark.parametrize("query", ["", "   ", "!!! ---", "\x00"])
def test_query_without_words_costs_no_query(catalog, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search(query, limit=10) == []


@pytest.mark.parametrize(
    "query",
    [
        "gpt",
        "gtp 4.1 mini",
        "anthropic haiku",
        "Llama 3.1 405B Instruct",
        "meta-llama/llama-3.1-405b-instruct",
        "x" * 500,
    ],
)
def test_search_costs_a_fixed_number_of_queries(
    catalog, query, django_assert_num_queries
):
    with django_assert_num_queries(FIRST_SEARCH_QUERIES):
        search(query, limit=10)
    with django_assert_num_queries(SEARCH_QUERIES):
        search(query, limit=10)


def test_vendors_are_found_as_edited(catalog):
    """The vendors, providers and benchmarks are kept in memory between searches;
    an edit retires what was kept."""
    assert search("openai", limit=1)[0].name == "OpenAI"
    vendor = Vendor.objects.get(slug="openai")
    vendor.name = "Open Intelligence"
    vendor.save()
    assert search("open intelligence", limit=1)[0].name == "Open Intelligence"
    assert search("together", limit=1)[0].slug == "together"


def test_models_carry_their_vendors_name_as_edited(catalog, django_assert_num_queries):
    """A model's result names its vendor, and the vendor's name finds it, in the
    same fixed number of queries however many vendors the catalog has."""
    for number in range(60):
        vendor = VendorFactory(slug=f"lab-{number}", name=f"Lab {number} Research")
        LLMModelFactory(slug=f"lab-{number}-one", name="One", vendor=vendor)
    anthropic = Vendor.objects.get(slug="anthropic")
    anthropic.name = "Anthropic PBC"
    anthropic.save()
    with django_assert_num_queries(FIRST_SEARCH_QUERIES):
        results = search("Claude Sonnet 4", limit=5)
    assert (results[0].slug, results[0].detail) == ("claude-sonnet-4", "Anthropic PBC")
    with django_assert_num_queries(SEARCH_QUERIES):
        results = search("pbc haiku", limit=5, kinds=("model",))
    assert [(r.slug, r.detail) for r in results] == [
        ("claude-3-5-haiku", "Anthropic PBC")
    ]
    with django_assert_num_queries(SEARCH_QUERIES):
        results = search("lab 41 research one", limit=3)
    assert (results[0].slug, results[0].detail) == ("lab-41-one", "Lab 41 Research")


def _runs_similarity(query: str, text: str) -> float:
    """best_run() spelled out with sets: the whole text and its runs of one word
    fewer, as many and one more than the query."""
    grams = trigrams(query)
    words = text.split()
    size = len(query.split())
    runs = [words] + [
        words[start : start + width]
        for width in {max(1, size - 1), size, size + 1}
        if width < len(words)
        for start in range(len(words) - width + 1)
    ]
    best = 0.0
    for run in runs:
        run_grams = trigrams(" ".join(run))
        if run_grams:
            shared = len(grams & run_grams)
            best = max(best, shared / (len(grams) + len(run_grams) - shared))
    return best


MEASURED = [
    "gpt 4 1 mini",
    "openai gpt 4 1 mini",
    "meta llama llama 3 1 405b instruct",
    "together meta llama 3 1 405b",
    "claude 3 5 haiku 3 5",
    "mini mini mini",
    "通义千问 qwen3 max",
    "x",
    "mistral médium 3",
]


@pytest.mark.parametrize(
    "query", ["gtp 4 1 mini", "llama 405", "mini", "3 5", "qwen max", "zzqx"]
)
def test_similarity_to_runs_of_words_is_measured_exactly(query):
    """Texts are measured as bits over one query's trigrams; the figures are
    those of the trigram sets, in whatever order the texts are measured."""
    expected = {text: _runs_similarity(query, text) for text in MEASURED}
    for texts in (MEASURED, list(reversed(MEASURED))):
        measure = Measure(query)
        grams = trigrams(query)
        for text in texts:
            assert measure.best_run(text) == expected[text], text
            shared = len(grams & trigrams(text)) / len(grams)
            assert measure.share(text) == shared, text
            assert measure.share(text) >= measure.best_run(text)


def test_vendors_providers_and_benchmarks_are_found_as_if_all_were_ranked(catalog):
    """They are matched in memory through word and trigram lookups; those must
    find every row the ranking would place, as ranking every row does."""
    for slug, name in (
        ("cohere", "Cohere"),
        ("deepseek", "DeepSeek"),
        ("x-ai", "xAI"),
        ("zhipu", "Zhipu AI (智谱)"),
    ):
        VendorFactory(slug=slug, name=name)
    ProviderFactory(slug="aws-bedrock", name="Amazon Bedrock")
    BenchmarkFactory(slug="mmlu-pro", name="MMLU-Pro")
    small = ("vendor", "provider", "benchmark")
    rows = [row for row in directory().rows if row.kind in small]
    names = [row.name for row in rows]
    queries = {"ai", "a", "open ai", "bench", "deep sek", "amazon", "智谱", "zz"}
    for name in names:
        queries |= {name[:cut] for cut in range(1, len(name) + 1)}
        queries.add(name[:2] + name[3:4] + name[2:3] + name[4:])
        queries.add(" ".join(reversed(name.split())))
    for query in sorted(queries):
        text = " ".join(normalise(query).split()[:8])
        if not text:
            continue
        everything = [
            (result.kind, result.slug, result.tier, round(result.score, 3))
            for result in search(query, limit=1000, kinds=small)
        ]
        expected = [
            (row.kind, row.slug, tier, round(score, 3))
            for tier, score, row in best_first(text, rows, 1000)
        ]
        assert everything == expected, query


def test_limit_caps_results(catalog):
    assert len(search("gpt", limit=2)) == 2


def test_normalise_folds_case_width_and_punctuation():
    assert normalise("ＧＰＴ-4.1_Mini (Preview)") == "gpt 4 1 mini preview"
    assert normalise("Straße") == "strasse"


def test_normalise_splits_ascii_text_at_every_mark():
    """ASCII text, most of the catalog, takes a shorter path to the same result."""
    for code in range(128):
        text = f"Ab{chr(code)}9Z{chr(code)}{chr(code)}x"
        folded = text.casefold()
        words = "".join(c if c.isalnum() else " " for c in folded).split()
        assert normalise(text) == " ".join(words), repr(chr(code))


def test_similarity_matches_pg_trgm_on_a_transposition():
    # pg_trgm gives similarity('gtp 4.1 mini', 'GPT-4.1 Mini') = 0.625.
    assert similarity("gtp 4 1 mini", "gpt 4 1 mini") == pytest.approx(0.625)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the search indexes exist on PostgreSQL only; SQLite reads every row",
)
def test_postgresql_finds_models_through_the_search_indexes(catalog):
    from django.test.utils import CaptureQueriesContext

    from catalog import search as search_module

    def plan_of(sql: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())

    with connection.cursor() as cursor:
        # A dozen rows would be read whole; the plan at scale is what matters.
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as captured:
        search_module._PostgreSQL().models("gtp mini", ["gtp", "mini"], [])
    plan = plan_of(captured.captured_queries[-1]["sql"])
    assert "catalog_llmmodel_name_nearest" in plan
    assert "catalog_offering_model_id_document" in plan
    words = LLMModel.objects.alias(
        document=search_module._document(search_module.MODEL_DOCUMENT_SQL)
    ).filter(document=search_module._tsquery(["gpt", "mini"], " & "))
    assert "catalog_model_search_document" in words.explain()
