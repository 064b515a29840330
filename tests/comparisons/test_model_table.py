"""Three or four models in one table, and the price-quality frontier, on plain facts."""

import itertools
import random
from datetime import date
from decimal import Decimal

import pytest

from comparisons.derivation import (
    ModelFacts,
    QualityPoint,
    ScoreFacts,
    model_table_derive,
    models_parse,
    models_slug,
    price_frontier,
)
from tests.comparisons.reference_pair import TODAY, offering


def model(slug: str, *offerings, **fields) -> ModelFacts:
    fields.setdefault("name", slug.upper())
    fields.setdefault("vendor_slug", "vendor")
    fields.setdefault("vendor_name", "Vendor")
    return ModelFacts(slug=slug, offerings=tuple(offerings), **fields)


def score(slug: str, value: str, *, higher_is_better: bool = True, unit: str = "%"):
    return ScoreFacts(
        benchmark_slug=slug,
        benchmark_name=slug.title(),
        value=Decimal(value),
        unit=unit,
        higher_is_better=higher_is_better,
    )


def table(*models: ModelFacts):
    return model_table_derive(models=models, today=TODAY)


def row(result, key: str):
    return next(r for r in result.rows if r.key == key)


# --- Order and addresses -------------------------------------------------------------------


def test_columns_are_in_code_point_order_whatever_order_the_models_come_in():
    models = [model("b-2"), model("a-10"), model("a-9"), model("B")]
    for order in itertools.permutations(models):
        result = table(*order)
        assert result.slugs == ("B", "a-10", "a-9", "b-2")
        assert result.slug == "B-vs-a-10-vs-a-9-vs-b-2"
        assert result.title == "B vs A-10 vs A-9 vs B-2"


def test_address_parts_round_trip():
    assert models_parse("a-vs-b-2-vs-c") == ["a", "b-2", "c"]
    assert models_slug(["c", "a", "b-2"]) == "a-vs-b-2-vs-c"


def test_every_contained_pair_is_linked_once_in_canonical_order():
    result = table(model("c"), model("a"), model("b"), model("d"))
    assert [p.slug for p in result.pairs] == [
        "a-vs-b",
        "a-vs-c",
        "a-vs-d",
        "b-vs-c",
        "b-vs-d",
        "c-vs-d",
    ]
    assert result.pairs[0].title == "A vs B"


# --- Best marks ----------------------------------------------------------------------------


def test_lowest_price_is_best_and_ties_are_all_marked():
    result = table(
        model("a", offering("p", "0.40", "1.60")),
        model("b", offering("p", "0.40", "2")),
        model("c", offering("p", "1", "1.60")),
    )
    assert row(result, "input_price").best == ("a", "b")
    assert row(result, "output_price").best == ("a", "c")
    # Blended at 70/30: a 0.76, b 0.88, c 1.18.
    assert row(result, "blended_price").best == ("a",)


def test_unknown_is_never_best_and_fewer_than_two_known_marks_none():
    result = table(
        model("a", offering("p", "5", "5")),
        model("b"),
        model("c"),
    )
    assert row(result, "input_price").best == ()
    cells = row(result, "input_price").cells
    assert [c.is_best for c in cells] == [False, False, False]
    assert cells[1].display.is_unknown


def test_unknown_values_neither_win_nor_lose_against_known_ones():
    result = table(
        model("a", context_window=200_000),
        model("b", context_window=None),
        model("c", context_window=100_000),
    )
    assert row(result, "context_window").best == ("a",)


def test_a_row_where_all_known_values_are_equal_marks_none():
    result = table(
        model("a", context_window=128_000, vision=True),
        model("b", context_window=128_000, vision=True),
        model("c", context_window=None, vision=None),
    )
    assert row(result, "context_window").best == ()
    assert row(result, "capability:vision").best == ()


def test_a_free_price_is_the_lowest_and_reads_free():
    result = table(
        model("a", offering("p", "0", "0")),
        model("b", offering("p", "0.1", "0.2")),
        model("c", offering("p", "0", "0")),
    )
    blended = row(result, "blended_price")
    assert blended.best == ("a", "c")
    assert blended.cells[0].display.text == "Free"


def test_largest_window_and_output_are_best():
    result = table(
        model("a", context_window=1_047_576, max_output_tokens=32_768),
        model("b", context_window=2_000_000, max_output_tokens=8_192),
        model("c", context_window=2_000_000, max_output_tokens=None),
    )
    assert row(result, "context_window").best == ("b", "c")
    assert row(result, "max_output_tokens").best == ("a",)
    assert row(result, "context_window").cells[0].display.text == "1.05M"


def test_newest_date_is_best_and_a_month_ties_any_day_in_it():
    result = table(
        model("a", release_date="2025-03"),
        model("b", release_date="2025-03-15"),
        model("c", release_date="2025-03-20"),
        model("d", release_date="2025-02-28"),
    )
    # c is newer than b and d; a month-only date ties every day of its month,
    # so nothing is known to be newer than a either.
    assert row(result, "release_date").best == ("a", "c")


def test_unreadable_dates_count_as_unknown():
    result = table(
        model("a", knowledge_cutoff="soon"),
        model("b", knowledge_cutoff="2024-10"),
        model("c", knowledge_cutoff="2025-01"),
    )
    cutoff = row(result, "knowledge_cutoff")
    assert cutoff.best == ("c",)
    assert cutoff.cells[0].display.is_unknown


def test_a_capability_is_best_only_as_a_yes_against_a_no():
    result = table(
        model("a", reasoning=True, open_weights=True),
        model("b", reasoning=None, open_weights=False),
        model("c", reasoning=None, open_weights=True),
    )
    # One known value: no claim, since unknown is never argued as no.
    assert row(result, "capability:reasoning").best == ()
    assert row(result, "open_weights").best == ("a", "c")


def test_lifecycle_is_shown_but_never_ranked_and_follows_the_calendar():
    result = table(
        model("a", lifecycle="active"),
        model("b", lifecycle="deprecated", deprecation_date=date(2026, 7, 1)),
        model("c", lifecycle="deprecated", deprecation_date=date(2026, 12, 1)),
    )
    lifecycle = row(result, "lifecycle")
    assert lifecycle.best == ()
    assert [c.display.text for c in lifecycle.cells] == [
        "Active",
        "Retired (since 1 Jul 2026)",
        "Deprecated (ends 1 Dec 2026)",
    ]


def test_benchmark_leader_follows_its_direction_and_needs_two_scores():
    result = table(
        model(
            "a",
            scores=(
                score("mmlu", "80"),
                score("latency", "2.5", higher_is_better=False),
                score("solo", "99"),
            ),
        ),
        model(
            "b",
            scores=(
                score("mmlu", "85"),
                score("latency", "1.5", higher_is_better=False),
            ),
        ),
        model("c", scores=(score("mmlu", "85"),)),
    )
    keys = [r.key for r in result.rows if r.group == "benchmarks"]
    assert keys == ["benchmark:latency", "benchmark:mmlu"]  # "solo" has one score
    assert row(result, "benchmark:mmlu").best == ("b", "c")
    latency = row(result, "benchmark:latency")
    assert latency.best == ("b",)
    assert latency.cells[2].display.is_unknown


def test_rows_hold_every_fact_the_spec_lists():
    result = table(model("a"), model("b"), model("c"))
    keys = [r.key for r in result.rows]
    assert keys == [
        "input_price",
        "output_price",
        "blended_price",
        "context_window",
        "max_output_tokens",
        "release_date",
        "knowledge_cutoff",
        "lifecycle",
        "open_weights",
        "capability:vision",
        "capability:multimodal",
        "capability:reasoning",
        "capability:function_calling",
        "capability:tool_use",
        "capability:structured_outputs",
        "capability:code_execution",
    ]


def test_each_column_and_cell_names_its_model():
    result = table(
        model("b", offering("p", "0.40", "1.60"), scores=(score("mmlu", "80.5"),)),
        model("a", offering("p", "1.25", "5"), scores=(score("mmlu", "70"),)),
        model("c", scores=(score("mmlu", "80.5"),)),
    )
    assert result.slug == "a-vs-b-vs-c"
    assert [column.slug for column in result.columns] == ["a", "b", "c"]
    assert result.columns[0].reference.input_price == Decimal("1.25")
    assert result.columns[2].reference is None
    prices = row(result, "input_price")
    assert {cell.slug: cell.value for cell in prices.cells} == {
        "a": Decimal("1.25"),
        "b": Decimal("0.40"),
        "c": None,
    }
    assert prices.best == ("b",)
    mmlu = row(result, "benchmark:mmlu")
    assert [cell.value for cell in mmlu.cells] == [70, Decimal("80.5"), Decimal("80.5")]
    assert mmlu.best == ("b", "c")
    assert not row(result, "lifecycle").is_ranked


# --- The frontier ----------------------------------------------------------------------------


def points(*rows, prefix="m"):
    return [
        QualityPoint(f"{prefix}{i}", None if p is None else Decimal(p), Decimal(s))
        for i, (p, s) in enumerate(rows)
    ]


def test_frontier_holds_those_nobody_beats_on_both_price_and_score():
    found = price_frontier(
        points(("1", "50"), ("2", "70"), ("3", "60"), ("0.5", "40"), ("5", "90")),
        higher_is_better=True,
    )
    assert found == {"m0", "m1", "m3", "m4"}


def test_frontier_ties_and_equal_prices():
    found = price_frontier(
        points(("1", "50"), ("1", "50"), ("1", "40"), ("2", "50")),
        higher_is_better=True,
    )
    # Same price and score: both on it; as cheap but worse, or dearer and no better: not.
    assert found == {"m0", "m1"}


def test_frontier_follows_a_lower_is_better_benchmark():
    found = price_frontier(
        points(("1", "3.0"), ("2", "2.0"), ("3", "2.5")), higher_is_better=False
    )
    assert found == {"m0", "m1"}


def test_frontier_leaves_unknown_prices_out_and_counts_free_as_cheapest():
    found = price_frontier(
        points((None, "99"), ("0", "30"), ("1", "20"), ("2", "60")),
        higher_is_better=True,
    )
    assert found == {"m1", "m3"}


@pytest.mark.parametrize("seed", range(20))
def test_frontier_agrees_with_the_definition_on_random_points(seed):
    rng = random.Random(seed)
    data = points(
        *[(str(rng.choice([0, 1, 2, 3, 5])), str(rng.randint(0, 6))) for _ in range(25)]
    )
    higher = seed % 2 == 0

    def better(x, y):
        return x > y if higher else x < y

    expected = {
        p.key
        for p in data
        if not any(
            (q.price < p.price and not better(p.score, q.score))
            or (q.price == p.price and better(q.score, p.score))
            for q in data
        )
    }
    assert price_frontier(data, higher_is_better=higher) == expected


def test_models_with_the_same_name_are_told_apart_by_slug_in_the_table():
    result = table(
        model("a-opus", name="Opus"),
        model("b-opus", name="Opus"),
        model("c-other", name="Other"),
    )
    assert result.title == "Opus (a-opus) vs Opus (b-opus) vs Other"
    assert [c.name for c in result.columns] == [
        "Opus (a-opus)",
        "Opus (b-opus)",
        "Other",
    ]
    # Each contained pair is titled as its own page titles it.
    assert [p.title for p in result.pairs] == [
        "Opus (a-opus) vs Opus (b-opus)",
        "Opus vs Other",
        "Opus vs Other",
    ]


def test_a_best_size_is_not_shown_the_same_as_a_smaller_one():
    result = table(
        model("a", context_window=1_048_576),
        model("b", context_window=1_050_000),
        model("c", context_window=262_144),
    )
    context = row(result, "context_window")
    assert context.best == ("b",)
    assert [c.display.text for c in context.cells] == [
        "1,048,576",
        "1,050,000",
        "262,144",
    ]
