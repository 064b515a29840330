"""Each rule of comparison-rules.md, checked on plain facts (no database needed)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from comparisons.derivation import (
    CuratedFacts,
    FAQEntry,
    ModelFacts,
    ReviewFacts,
    ScoreFacts,
    comparison_derive,
    reference_offering,
)
from tests.api.support import pair_answer
from tests.comparisons.reference_pair import GPT_41_MINI, GROK_4_20, TODAY, offering

W = Decimal("0.7")


def derive(a: ModelFacts, b: ModelFacts, **options):
    options.setdefault("today", TODAY)
    return comparison_derive(model_a=a, model_b=b, **options)


def model(slug: str, *offerings, **fields) -> ModelFacts:
    fields.setdefault("name", slug.upper())
    fields.setdefault("vendor_slug", "vendor")
    fields.setdefault("vendor_name", "Vendor")
    return ModelFacts(slug=slug, offerings=tuple(offerings), **fields)


def score(slug: str, value: str, *, unit: str = "%", higher_is_better: bool = True):
    return ScoreFacts(
        benchmark_slug=slug,
        benchmark_name=slug.title(),
        value=Decimal(value),
        unit=unit,
        higher_is_better=higher_is_better,
        source_url=f"https://bench.example.com/{slug}",
    )


def all_text(comparison) -> str:
    parts = [comparison.intro, comparison.verdict, comparison.description]
    parts += comparison.deep_dive
    for side in comparison.sides:
        parts += side.choose
    for entry in comparison.faq:
        parts += [entry.question, entry.answer]
    return "\n".join(parts)


# --- The reference pair ----------------------------------------------------------------


def test_reference_pair_price_facts_match_the_spec():
    comparison = derive(GPT_41_MINI, GROK_4_20)
    price = pair_answer(comparison)["facts"]["price"]
    assert price["input"] == {
        "cheaper": "gpt-4-1-mini",
        "saving_percent": 68,
        "ratio": 3.1,
    }
    assert price["output"] == {
        "cheaper": "gpt-4-1-mini",
        "saving_percent": 36,
        "ratio": 1.6,
    }
    assert price["blended"] == {
        "cheaper": "gpt-4-1-mini",
        "saving_percent": 53,
        "ratio": 2.1,
        "difference": "0.865",
    }


def test_reference_pair_says_68_percent_cheaper_never_213():
    comparison = derive(GPT_41_MINI, GROK_4_20)
    assert comparison.prices["input"].saving_text == "68% cheaper"
    assert comparison.prices["input"].ratio_text == "3.1× the price"
    text = all_text(comparison)
    assert "68% cheaper" in text
    assert "213" not in text


def test_reference_pair_grok_leads_swe_bench_verified_by_53_1():
    data = pair_answer(derive(GPT_41_MINI, GROK_4_20))["facts"]
    assert data["benchmarks"] == [
        {
            "benchmark": "swe-bench-verified",
            "unit": "%",
            "values": {"gpt-4-1-mini": 23.6, "grok-4-20": 76.7},
            "leader": "grok-4-20",
            "gap": 53.1,
        }
    ]
    assert data["largest_gap"] == {
        "benchmark": "swe-bench-verified",
        "leader": "grok-4-20",
        "gap": 53.1,
    }


def test_gpt_41_mini_is_never_called_a_reasoning_model():
    comparison = derive(GPT_41_MINI, GROK_4_20)
    text = all_text(comparison)
    assert "reasoning model" not in text
    mini_choose = " ".join(comparison.side("gpt-4-1-mini").choose).lower()
    assert "reasoning" not in mini_choose
    assert "coding" not in mini_choose  # Grok leads the coding benchmark
    assert any("Reasoning mode" in line for line in comparison.side("grok-4-20").choose)


def test_reference_pair_page_facts():
    comparison = derive(GROK_4_20, GPT_41_MINI)
    assert comparison.slug == "gpt-4-1-mini-vs-grok-4-20"
    assert comparison.title == "GPT-4.1 Mini vs Grok 4.20"
    assert comparison.larger_context == "grok-4-20"
    assert comparison.newer_release == "grok-4-20"
    assert comparison.a.provider_count == 3 and comparison.b.provider_count == 2
    assert comparison.shared_providers == ("openrouter",)
    assert comparison.last_reviewed == date(2026, 5, 14)
    assert comparison.is_indexable
    assert comparison.a.reference.provider_slug == "openai"  # tie on price: slug order
    assert comparison.a.reference.blended_display.text == "$0.76"
    assert "$0.865" in comparison.deep_dive[2]


def test_api_answer_is_json_and_has_exactly_the_api_keys():
    data = pair_answer(derive(GPT_41_MINI, GROK_4_20))
    assert list(data) == [
        "slug",
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
    assert list(data["facts"]) == [
        "blend_input_weight",
        "price",
        "context_window",
        "release_date",
        "capabilities",
        "benchmarks",
        "largest_gap",
        "providers",
    ]
    assert data["facts"]["blend_input_weight"] == 0.7
    assert [c["name"] for c in data["facts"]["capabilities"]] == [
        "vision",
        "multimodal",
        "reasoning",
        "function_calling",
        "tool_use",
        "structured_outputs",
        "code_execution",
    ]


# --- Prices ----------------------------------------------------------------------------


def test_reference_offering_is_the_lowest_blended_available_offering():
    facts = model(
        "m",
        offering("gone", "0.01", "0.01", is_available=False),
        offering("unpriced", "0.01", None),
        offering("dear", "1", "1"),
        offering("cheap", "0.5", "1"),
    )
    assert reference_offering(facts, W).provider_slug == "cheap"


def test_reference_offering_ties_go_to_lower_input_then_provider_slug():
    # Both blend to 1.0 at 70/30; "b-low-input" has the lower input price.
    facts = model(
        "m", offering("a-high-input", "1.3", "0.3"), offering("b-low-input", "1", "1")
    )
    assert reference_offering(facts, W).provider_slug == "b-low-input"
    same = model("m", offering("zeta", "1", "1"), offering("alpha", "1", "1"))
    assert reference_offering(same, W).provider_slug == "alpha"


def test_equal_prices_are_a_tie_with_no_claim():
    a = model("a", offering("p", "1", "2"))
    b = model("b", offering("q", "1", "3"))
    comparison = derive(a, b)
    assert comparison.prices["input"].cheaper is None
    assert comparison.prices["input"].saving_percent is None
    assert comparison.prices["output"].cheaper == "a"


def test_unknown_price_makes_no_claim_and_the_verdict_rests_on_other_facts():
    a = model("a", context_window=1000)
    b = model("b", offering("q", "1", "3"), context_window=2000)
    comparison = derive(a, b)
    for kind in ("input", "output", "blended"):
        assert pair_answer(comparison)["facts"]["price"][kind]["cheaper"] is None
    assert "cheaper" not in comparison.verdict
    assert "larger context window" in comparison.verdict
    assert not any(e.question.startswith("Which is cheaper") for e in comparison.faq)


def test_zero_price_is_free_with_saving_100_and_no_ratio():
    a = model("a", offering("p", "0", "0"))
    b = model("b", offering("q", "1", "2"))
    claim = derive(a, b).prices["blended"]
    assert claim.cheaper == "a"
    assert claim.saving_percent == 100
    assert claim.ratio is None
    assert claim.is_free
    assert claim.saving_text == "free"
    comparison = derive(a, b)
    assert comparison.a.reference.input_display.text == "Free"
    assert "100%" not in all_text(comparison)


def test_saving_rounds_half_up_on_exact_decimals():
    # (2 - 1.99) / 2 = 0.5% exactly: half up gives 1, never 0 (banker's) or float noise.
    a = model("a", offering("p", "1.99", "1.99"))
    b = model("b", offering("q", "2", "2"))
    assert derive(a, b).prices["input"].saving_percent == 1


def test_blend_weight_is_an_argument():
    a = model("a", offering("p", "1", "3"))
    b = model("b", offering("q", "2", "1"))
    assert (
        derive(a, b, blend_input_weight=Decimal("0.7")).prices["blended"].cheaper == "a"
    )
    even = derive(a, b, blend_input_weight=Decimal("0.5"))
    assert even.prices["blended"].cheaper == "b"
    assert pair_answer(even)["facts"]["blend_input_weight"] == 0.5
    assert even.blend_text == "50/50 input/output"


def test_price_unchecked_for_over_90_days_is_marked():
    a = model(
        "a",
        offering("fresh", "1", "1", checked_on=TODAY - timedelta(days=90)),
        offering("old", "2", "2", checked_on=TODAY - timedelta(days=91)),
        offering("never", "3", "3", checked_on=None),
    )
    rows = {row.provider_slug: row for row in derive(a, model("b")).a.price_rows}
    assert not rows["fresh"].is_stale
    assert rows["old"].is_stale
    assert rows["never"].is_stale
    assert rows["never"].checked_display.text == "—"


# --- Context, dates --------------------------------------------------------------------


def test_larger_context_is_strict():
    assert (
        derive(
            model("a", context_window=5), model("b", context_window=5)
        ).larger_context
        is None
    )
    assert (
        derive(
            model("a", context_window=6), model("b", context_window=5)
        ).larger_context
        == "a"
    )
    assert derive(model("a"), model("b", context_window=5)).larger_context is None


def test_context_sizes_that_look_alike_compactly_are_given_exactly():
    # 1,050,000 and 1,048,576 both read "1.05M": "1.05M against 1.05M" is no lead.
    comparison = derive(
        model("a", context_window=1_050_000), model("b", context_window=1_048_576)
    )
    assert comparison.larger_context == "a"
    assert comparison.a.advantages[0].sentence == (
        "Larger context window: 1,050,000 tokens against 1,048,576 for B."
    )
    assert "A reads up to 1,050,000 tokens at once, B up to 1,048,576." in (
        comparison.intro
    )
    context = next(row for row in comparison.specs if row.label == "Context window")
    assert [d.text for d in context.displays.values()] == ["1,050,000", "1,048,576"]
    # Sizes that differ compactly keep the compact form.
    other = derive(
        model("a", context_window=200_000), model("b", context_window=128_000)
    )
    assert other.a.advantages[0].sentence == (
        "Larger context window: 200K tokens against 128K for B."
    )


def test_release_dates_compare_by_day_or_by_month():
    def newer(x, y):
        return derive(
            model("a", release_date=x), model("b", release_date=y)
        ).newer_release

    assert newer("2025-01-02", "2025-01-01") == "a"
    assert newer("2025-01", "2025-01-31") is None  # same month: a tie
    assert newer("2025-02", "2025-01-31") == "a"
    assert newer("2025-01", "2025-01") is None
    assert newer(None, "2025-01") is None


# --- Capabilities ----------------------------------------------------------------------


def test_unknown_capability_is_never_argued_as_no():
    a = model("a", vision=True, reasoning=True)
    b = model("b", vision=None, reasoning=False)
    comparison = derive(a, b)
    rows = {row.key: row for row in comparison.capabilities}
    assert rows["vision"].has_it is None
    assert rows["reasoning"].has_it == "a"
    assert rows["vision"].displays["b"].text == "—"
    assert rows["vision"].displays["b"].label == "unknown"
    assert not any(
        e.question.startswith("Can A or B understand images") for e in comparison.faq
    )


# --- Benchmarks ------------------------------------------------------------------------


def test_benchmark_leader_follows_higher_is_better():
    a = model("a", scores=(score("latency", "2", unit="s", higher_is_better=False),))
    b = model("b", scores=(score("latency", "3", unit="s", higher_is_better=False),))
    row = derive(a, b).benchmarks[0]
    assert row.leader == "a"
    assert row.gap == Decimal("1.0")


def test_equal_scores_tie_with_gap_zero():
    a = model("a", scores=(score("x", "50"),))
    b = model("b", scores=(score("x", "50.00"),))
    row = derive(a, b).benchmarks[0]
    assert row.leader is None
    assert row.gap == Decimal("0.0")
    assert derive(a, b).largest_gap is None


def test_largest_gap_counts_only_percent_benchmarks_and_ties_go_to_slug_order():
    a = model(
        "a",
        scores=(score("elo", "1000", unit="elo"), score("zz", "10"), score("aa", "90")),
    )
    b = model(
        "b",
        scores=(score("elo", "1400", unit="elo"), score("zz", "20"), score("aa", "80")),
    )
    gap = derive(a, b).largest_gap
    assert gap.benchmark == "aa"
    assert gap.leader == "a"
    assert gap.gap == Decimal("10.0")


def test_single_sided_benchmark_is_listed_without_a_claim():
    a = model("a", scores=(score("only-a", "70"),))
    b = model("b")
    comparison = derive(a, b)
    (entry,) = pair_answer(comparison)["facts"]["benchmarks"]
    assert entry == {
        "benchmark": "only-a",
        "unit": "%",
        "values": {"a": 70.0, "b": None},
        "leader": None,
        "gap": None,
    }
    assert comparison.benchmarks[0].displays["b"].text == "—"
    assert not comparison.a.advantages


# --- Providers -------------------------------------------------------------------------


def test_provider_counts_are_distinct_available_providers_and_shared_in_slug_order():
    a = model(
        "a",
        offering("zeta", "1", "1"),
        offering("alpha", None, None),
        offering("gone", "1", "1", is_available=False),
    )
    b = model("b", offering("alpha", "1", "1"), offering("zeta", "2", "2"))
    comparison = derive(a, b)
    assert comparison.a.provider_count == 2
    assert comparison.shared_providers == ("alpha", "zeta")


# --- Verdict, choose, intro, FAQ ---------------------------------------------------------


def test_pricier_model_with_no_advantage_gets_a_verdict_saying_so():
    a = model("a", offering("p", "1", "1"), context_window=10)
    b = model("b", offering("p", "2", "2"), context_window=5)
    comparison = derive(a, b)
    assert comparison.verdict.startswith("A is the cheaper model")
    assert "shows nothing B offers" in comparison.verdict
    assert comparison.b.choose == ("This catalog shows no advantage of B over A.",)
    assert not comparison.b.has_advantages


def test_choose_lists_only_real_advantages():
    a = model("a", open_weights=True, vision=True, knowledge_cutoff="2025-03")
    b = model("b", open_weights=False, vision=False, knowledge_cutoff="2025-01-15")
    comparison = derive(a, b)
    kinds = [adv.kind for adv in comparison.a.advantages]
    assert kinds == ["cutoff", "capability:vision", "open_weights"]
    assert len(comparison.a.choose) == 3


def test_curated_intro_verdict_and_faq_override_and_lead():
    curated = CuratedFacts(
        intro="Editors' intro.",
        verdict="Editors' verdict.",
        is_featured=True,
        faq=(FAQEntry("Curated?", "Yes.", is_markdown=True),),
    )
    comparison = derive(GPT_41_MINI, GROK_4_20, curated=curated)
    assert comparison.intro == "Editors' intro." and comparison.intro_is_curated
    assert comparison.verdict == "Editors' verdict." and comparison.verdict_is_curated
    assert comparison.faq[0].question == "Curated?"
    assert len(comparison.faq) > 1


def test_faq_asks_only_what_the_data_answers():
    bare = derive(model("a"), model("b"))
    assert bare.faq == ()
    full = derive(GPT_41_MINI, GROK_4_20)
    questions = [entry.question for entry in full.faq]
    assert questions[0].startswith("Which has a larger context window")
    assert any(q.startswith("Which is cheaper") for q in questions)
    assert any("SWE-bench Verified" in q for q in questions)
    assert questions[-1].startswith("Which is newer")
    cheaper = next(e for e in full.faq if e.question.startswith("Which is cheaper"))
    assert "at OpenAI" in cheaper.answer and "at OpenRouter" in cheaper.answer


def test_intro_names_vendors_years_context_and_largest_gap():
    intro = derive(GPT_41_MINI, GROK_4_20).intro
    for fact in ("OpenAI", "xAI", "2025", "2026", "1M", "2M", "53.1 points"):
        assert fact in intro


# --- Freshness and indexing --------------------------------------------------------------


def test_last_reviewed_is_the_older_of_the_two_latest_reviews():
    a = replace(
        GPT_41_MINI,
        reviews=(ReviewFacts(date(2026, 1, 1)), ReviewFacts(date(2026, 6, 1))),
    )
    b = replace(GROK_4_20, reviews=(ReviewFacts(date(2026, 5, 1)),))
    comparison = derive(a, b)
    assert comparison.last_reviewed == date(2026, 5, 1)
    assert comparison.is_fully_reviewed


def test_pair_with_an_unreviewed_model_is_not_fully_reviewed():
    comparison = derive(replace(GPT_41_MINI, reviews=()), GROK_4_20)
    assert comparison.last_reviewed is None
    assert not comparison.is_fully_reviewed
    assert pair_answer(comparison)["last_reviewed"] is None


def test_review_older_than_the_setting_is_stale():
    reviewed = date(2026, 5, 14)
    assert not derive(
        GPT_41_MINI, GROK_4_20, today=reviewed + timedelta(days=180)
    ).is_review_stale
    assert derive(
        GPT_41_MINI, GROK_4_20, today=reviewed + timedelta(days=181)
    ).is_review_stale
    assert derive(
        GPT_41_MINI,
        GROK_4_20,
        today=reviewed + timedelta(days=31),
        review_stale_days=30,
    ).is_review_stale


def test_sources_hold_review_and_score_sources_once_each():
    urls = [source.url for source in derive(GPT_41_MINI, GROK_4_20).sources]
    assert len(urls) == len(set(urls))
    assert "https://openai.com/index/gpt-4-1/" in urls
    assert "https://openrouter.ai/x-ai/grok-4.20" in urls


def test_a_source_both_models_cite_names_each_fact_it_stands_for():
    board = "https://leaderboard.example.com/swe"
    bench = GPT_41_MINI.scores[0]
    a = replace(
        GPT_41_MINI, scores=(replace(bench, source_url=board, is_verified=True),)
    )
    b = replace(
        GROK_4_20, scores=(replace(bench, source_url=board, is_verified=False),)
    )
    comparison = derive(a, b)
    (shared,) = [s for s in comparison.sources if s.url == board]
    label = {
        a.slug: f"{a.name} on {bench.benchmark_name}",
        b.slug: f"{b.name} on {bench.benchmark_name}, vendor-reported",
    }
    first, second = comparison.a.model.slug, comparison.b.model.slug
    assert shared.label == f"{label[first]}; {label[second]}"
    assert [s.url for s in comparison.sources].count(board) == 1


def test_thin_pairs_and_retired_models_are_not_indexed():
    unpriced = replace(GPT_41_MINI, offerings=())
    assert derive(unpriced, GROK_4_20).is_indexable  # a shared benchmark carries it
    assert not derive(replace(unpriced, scores=()), GROK_4_20).is_indexable
    assert not derive(replace(GPT_41_MINI, lifecycle="retired"), GROK_4_20).is_indexable
    assert not derive(replace(GPT_41_MINI, is_published=False), GROK_4_20).is_indexable


def test_argument_order_does_not_matter():
    assert derive(GPT_41_MINI, GROK_4_20) == derive(GROK_4_20, GPT_41_MINI)


def test_newer_answer_reads_by_day_or_by_month():
    def answer(x, y):
        comparison = derive(model("a", release_date=x), model("b", release_date=y))
        return next(
            e.answer for e in comparison.faq if e.question.startswith("Which is newer")
        )

    assert answer("2025-04-01", "2025-03") == (
        "A, released on 1 Apr 2025; B was released in Mar 2025."
    )
    assert answer("2025-01", "2025-01-15").startswith(
        "Neither, as far as the dates show"
    )
    assert answer("2025-01", "2025-01") == "Neither: both were released in Jan 2025."


def test_newer_answer_does_not_say_released_of_a_day_still_to_come():
    def answer(x, y, today):
        comparison = derive(
            model("a", release_date=x), model("b", release_date=y), today=today
        )
        return next(
            e.answer for e in comparison.faq if e.question.startswith("Which is newer")
        )

    day = date(2026, 6, 1)
    assert answer("2026-06-30", "2026-03", day) == (
        "A, due for release on 30 Jun 2026; B was released in Mar 2026."
    )
    assert answer("2026-07", "2026-08-02", day) == (
        "B, due for release on 2 Aug 2026; A is due for release in Jul 2026."
    )
    assert answer("2026-06-20", "2026-06-20", day) == (
        "Neither: both are due for release on 20 Jun 2026."
    )
    assert answer("2026-05-20", "2026-05", day) == (
        "Neither, as far as the dates show: A came out on 20 May 2026 "
        "and B in May 2026, the same month."
    )
    assert answer("2026-06-20", "2026-06", day) == (
        "Neither, as far as the dates show: A is due for release on 20 Jun 2026 "
        "and B came out in Jun 2026, the same month."
    )
    # The day itself has come: released.
    assert answer("2026-06-01", "2026-03", day).startswith("A, released on 1 Jun 2026;")


def test_a_tiny_price_is_more_than_99_percent_cheaper_never_100():
    comparison = derive(
        model("a", offering("p", "0.001", "0.001")), model("b", offering("q", "1", "1"))
    )
    claim = comparison.prices["blended"]
    assert (claim.saving_percent, claim.saving_text) == (99, "more than 99% cheaper")
    assert claim.ratio_text == "1000.0× the price"
    assert "more than 99% cheaper" in comparison.verdict
    assert "100%" not in all_text(comparison)


def test_vision_and_multimodal_input_for_the_same_model_are_one_advantage():
    a = model("a", vision=True, multimodal=True)
    b = model("b", vision=False, multimodal=False)
    kinds = [x.kind for x in derive(a, b).a.advantages]
    assert kinds == ["capability:vision+multimodal"]
    assert derive(a, b).a.advantages[0].phrase == (
        "image and other non-text input (B reads text only)"
    )
    # Only one of them differing stays its own advantage.
    kinds = [x.kind for x in derive(a, replace(b, multimodal=True)).a.advantages]
    assert kinds == ["capability:vision"]


def test_two_models_without_a_provider_are_said_to_have_none():
    comparison = derive(model("a"), model("b"))
    assert comparison.deep_dive[-1] == (
        "Neither is available from any provider in this catalog."
    )


def test_two_free_models_are_both_free_in_the_verdict_not_zero_dollars():
    a = model("a", offering("p", "0", "0"))
    b = model("b", offering("q", "0", "0"))
    verdict = derive(a, b).verdict
    assert verdict.startswith("A and B are both free.")
    assert "$0" not in verdict


def test_two_models_with_the_same_name_are_told_apart_by_slug():
    # The catalog holds one model under several slugs (a provider's own copy,
    # a regional endpoint): "X is cheaper than X" could not be checked.
    a = model("opus", offering("p", "4.30", "21"), name="Opus 4.6")
    b = model("opus-default", offering("q", "5", "25"), name="opus 4.6")
    comparison = derive(a, b)
    assert comparison.title == "Opus 4.6 (opus) vs opus 4.6 (opus-default)"
    assert comparison.verdict.startswith("Opus 4.6 (opus) is the cheaper model")
    assert "nothing opus 4.6 (opus-default) offers" in comparison.verdict
    assert "Opus 4.6 (opus)" in comparison.description
    # The names the editor's recorded facts rest on are the catalog's own.
    assert all(c.model != "Opus 4.6 (opus)" for c in comparison.curated_changes)
    # Different names are left as they are.
    other = derive(a, replace(b, name="Opus 4.6 Default"))
    assert other.title == "Opus 4.6 vs Opus 4.6 Default"


def test_derivation_and_formatting_import_no_django_drf_or_catalog():
    """STYLE.md: the derivation takes plain data and returns plain data."""
    import ast
    from pathlib import Path

    import comparisons.derivation

    package = Path(comparisons.derivation.__file__).parent
    for module in sorted(package.glob("*.py")):
        tree = ast.parse(module.read_text())
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
        roots = {name.split(".")[0] for name in imported}
        assert not roots & {"django", "rest_framework", "catalog"}, module.name


def test_context_answer_speaks_of_a_retired_model_in_the_past_tense():
    def answer(a, b):
        comparison = derive(a, b)
        return next(
            e.answer for e in comparison.faq if e.question.startswith("Which has a")
        )

    # Grok 4.20 has the larger window in the reference pair.
    assert ": it reads up to 2M tokens" in answer(GPT_41_MINI, GROK_4_20)
    retired = replace(GROK_4_20, lifecycle="retired")
    assert ": it read up to 2M tokens" in answer(GPT_41_MINI, retired)
