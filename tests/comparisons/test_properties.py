"""Property tests: over random small catalogs, every derived claim agrees with the data."""

import json
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given

from comparisons.derivation import (
    comparison_derive,
)
from tests.api.support import pair_answer
from tests.comparisons.strategies import (
    BENCHMARKS,
    FORBIDDEN_BITS,
    FORBIDDEN_WORDS,
    SETTINGS,
    TODAY,
    every_text,
    month_or_day,
    pairs,
    reference,
)


@SETTINGS
@given(pairs)
def test_price_claims_agree_with_recomputed_reference_prices(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    facts = pair_answer(comparison)["facts"]["price"]
    ref_a, ref_b = reference(a, w), reference(b, w)
    for side, ref in ((comparison.a, ref_a), (comparison.b, ref_b)):
        assert (side.reference is None) == (ref is None)
        if ref is not None:
            assert side.reference.provider_slug == ref.provider_slug
    for kind in ("input", "output", "blended"):
        claim = facts[kind]
        if ref_a is None or ref_b is None:
            assert claim["cheaper"] is None and claim["saving_percent"] is None
            continue
        if kind == "blended":
            va = w * ref_a.input_price + (1 - w) * ref_a.output_price
            vb = w * ref_b.input_price + (1 - w) * ref_b.output_price
        else:
            va, vb = getattr(ref_a, f"{kind}_price"), getattr(ref_b, f"{kind}_price")
        if va == vb:
            assert claim["cheaper"] is None
            assert claim["saving_percent"] is None and claim["ratio"] is None
            continue
        lower, higher = min(va, vb), max(va, vb)
        assert claim["cheaper"] == ("model-a" if va < vb else "model-b")
        expected = ((higher - lower) * 100 / higher).quantize(Decimal(1), ROUND_HALF_UP)
        if expected == 100 and lower > 0:
            expected = 99  # only a zero price is 100% cheaper
        assert claim["saving_percent"] == int(expected)
        assert 0 <= claim["saving_percent"] <= 100
        if lower == 0:
            assert claim["ratio"] is None
            assert comparison.prices[kind].saving_text == "free"
        else:
            ratio = (higher / lower).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert Decimal(str(claim["ratio"])) == ratio
        if kind == "blended":
            assert Decimal(claim["difference"]) == higher - lower


@SETTINGS
@given(pairs)
def test_context_dates_capabilities_and_providers_agree_with_the_data(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    facts = pair_answer(comparison)["facts"]

    ca, cb = a.context_window, b.context_window
    expected = (
        None if None in (ca, cb) or ca == cb else ("model-a" if ca > cb else "model-b")
    )
    assert facts["context_window"]["larger"] == expected
    assert facts["context_window"]["values"] == {"model-a": ca, "model-b": cb}

    ka = month_or_day(a.release_date, b.release_date)
    kb = month_or_day(b.release_date, a.release_date)
    expected = (
        None if None in (ka, kb) or ka == kb else ("model-a" if ka > kb else "model-b")
    )
    assert facts["release_date"]["newer"] == expected

    for row in facts["capabilities"]:
        assert row["values"] == {
            "model-a": getattr(a, row["name"]),
            "model-b": getattr(b, row["name"]),
        }
    for side, model, other in ((comparison.a, a, b), (comparison.b, b, a)):
        for advantage in side.advantages:
            if advantage.kind.startswith("capability:"):
                for key in advantage.kind.split(":")[1].split("+"):
                    assert getattr(model, key) is True
                    assert getattr(other, key) is False

    available = {
        m.slug: {o.provider_slug for o in m.offerings if o.is_available} for m in (a, b)
    }
    assert facts["providers"]["counts"] == {
        slug: len(p) for slug, p in available.items()
    }
    assert facts["providers"]["shared"] == sorted(
        available["model-a"] & available["model-b"]
    )


@SETTINGS
@given(pairs)
def test_benchmark_claims_agree_with_the_scores(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    facts = pair_answer(comparison)["facts"]
    sa = {s.benchmark_slug: s.value for s in a.scores}
    sb = {s.benchmark_slug: s.value for s in b.scores}
    assert {row["benchmark"] for row in facts["benchmarks"]} == set(sa) | set(sb)
    best = None
    for row in facts["benchmarks"]:
        slug = row["benchmark"]
        if slug not in sa or slug not in sb:
            assert row["leader"] is None and row["gap"] is None
            continue
        gap = abs(sa[slug] - sb[slug]).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert Decimal(str(row["gap"])) == gap
        higher_is_better = BENCHMARKS[slug][1]
        if sa[slug] == sb[slug]:
            assert row["leader"] is None
        else:
            a_leads = (sa[slug] > sb[slug]) == higher_is_better
            assert row["leader"] == ("model-a" if a_leads else "model-b")
        if (
            BENCHMARKS[slug][0] == "%"
            and gap > 0
            and (best is None or (-gap, slug) < best)
        ):
            best = (-gap, slug)
    if best is None:
        assert facts["largest_gap"] is None
    else:
        assert facts["largest_gap"]["benchmark"] == best[1]
        assert Decimal(str(facts["largest_gap"]["gap"])) == -best[0]


@SETTINGS
@given(pairs)
def test_no_text_shows_a_programming_value_or_template_tag(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    json.dumps(pair_answer(comparison))
    for text in every_text(comparison):
        assert not FORBIDDEN_WORDS.search(text), text
        for bit in FORBIDDEN_BITS:
            assert bit not in text, text
        assert "reasoning model" not in text
    for side in comparison.sides:
        assert side.choose  # every model gets at least a sentence
        if side.model.is_retired:
            assert "is retired" in side.choose[0]
        elif not side.advantages:
            assert "no advantage" in side.choose[0]


@SETTINGS
@given(pairs)
def test_freshness_and_indexing_follow_the_rules(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    latest = [max((r.reviewed_on for r in m.reviews), default=None) for m in (a, b)]
    if None in latest:
        assert comparison.last_reviewed is None and not comparison.is_fully_reviewed
    else:
        assert comparison.last_reviewed == min(latest)
    shared = {s.benchmark_slug for s in a.scores} & {s.benchmark_slug for s in b.scores}
    thin = (reference(a, w) is None or reference(b, w) is None) and not shared
    retired = "retired" in (a.lifecycle, b.lifecycle)
    assert comparison.is_indexable == (not thin and not retired)
    assert len(comparison.related) == 0


@SETTINGS
@given(pairs)
def test_verdict_choose_and_faq_follow_the_facts(pair):
    a, b, w = pair
    comparison = comparison_derive(
        model_a=a, model_b=b, today=TODAY, blend_input_weight=w
    )
    blended = comparison.prices["blended"]
    if any(side.model.is_retired for side in comparison.sides):
        assert "the cheaper model" not in comparison.verdict
        assert "is retired" in comparison.verdict or "are retired" in comparison.verdict
    elif blended.cheaper is None:
        assert "the cheaper model" not in comparison.verdict
    else:
        cheap = comparison.side(blended.cheaper)
        assert comparison.verdict.startswith(f"{cheap.name} is the cheaper model")
        # The saving as rounded, except a free model, and a saving that rounds
        # to 0, which the verdict calls "less than 1%" rather than "0% cheaper".
        if blended.is_free:
            assert "free" in comparison.verdict
        elif blended.saving_percent == 0:
            assert "less than 1%" in comparison.verdict
        else:
            assert f"{blended.saving_percent}%" in comparison.verdict

    for side in comparison.sides:
        other = comparison.b if side is comparison.a else comparison.a
        for advantage in side.advantages:
            kind = advantage.kind
            if kind in ("input", "output", "blended"):
                assert comparison.prices[kind].cheaper == side.slug
            elif kind == "context":
                assert comparison.larger_context == side.slug
            elif kind == "cutoff":
                assert comparison.newer_cutoff == side.slug
            elif kind.startswith("benchmark:"):
                row = next(
                    r for r in comparison.benchmarks if r.slug == kind.split(":")[1]
                )
                assert row.is_shared and row.leader == side.slug
            elif kind == "providers":
                assert side.provider_count > other.provider_count
            elif kind == "open_weights":
                assert (
                    side.model.open_weights is True
                    and other.model.open_weights is False
                )
        assert len(side.choose) == max(1, len(side.advantages))
        if side.model.is_retired:
            assert not side.advantages

    questions = " ".join(entry.question for entry in comparison.faq)
    has_context = a.context_window is not None and b.context_window is not None
    assert ("larger context window" in questions) == has_context
    priced = comparison.a.reference is not None and comparison.b.reference is not None
    assert ("Which is cheaper" in questions) == priced
    assert ("Which scores better" in questions) == (comparison.largest_gap is not None)
