"""Property tests: over random small catalogs, every derived claim agrees with the data."""

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons.derivation import (
    CAPABILITY_KEYS,
    ModelFacts,
    OfferingFacts,
    ReviewFacts,
    ScoreFacts,
    comparison_derive,
)
from tests.api.support import pair_answer

TODAY = date(2026, 7, 15)
PROVIDERS = ("alpha-cloud", "beta", "gamma-ai", "delta")
# slug -> (unit, higher_is_better): the same benchmark means the same thing for both.
BENCHMARKS = {
    "bench-a": ("%", True),
    "bench-b": ("%", True),
    "bench-c": ("elo", True),
    "bench-d": ("s", False),
    "bench-e": ("%", False),
}
FORBIDDEN_WORDS = re.compile(r"\b(None|null|nan|NaN|inf|Infinity)\b")
FORBIDDEN_BITS = ("$-", "{{", "{%", "%}", "}}")

prices = st.one_of(
    st.none(),
    st.sampled_from(
        [Decimal("0"), Decimal("1"), Decimal("0.40"), Decimal("1.25"), Decimal("3")]
    ),
    st.decimals(
        min_value=0, max_value=100, places=6, allow_nan=False, allow_infinity=False
    ),
)
partial_dates = st.one_of(
    st.none(),
    st.sampled_from(["2025-01", "2025-01-15", "2025-01-31", "2025-02", "2024-12-31"]),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)).map(
        lambda d: d.isoformat()
    ),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)).map(
        lambda d: d.isoformat()[:7]
    ),
)
flags = st.sampled_from([True, False, None])


@st.composite
def offerings(draw):
    chosen = draw(st.lists(st.sampled_from(PROVIDERS), unique=True, max_size=4))
    return tuple(
        OfferingFacts(
            provider_slug=slug,
            provider_name=slug.replace("-", " ").title(),
            input_price=draw(prices),
            output_price=draw(prices),
            is_available=draw(st.booleans() | st.just(True)),
            checked_on=draw(st.none() | st.dates(date(2025, 1, 1), TODAY)),
        )
        for slug in chosen
    )


@st.composite
def scores(draw):
    chosen = draw(
        st.lists(st.sampled_from(sorted(BENCHMARKS)), unique=True, max_size=5)
    )
    values = st.sampled_from(
        [Decimal("50"), Decimal("50.04"), Decimal("70.5")]
    ) | st.decimals(
        min_value=0, max_value=2000, places=4, allow_nan=False, allow_infinity=False
    )
    return tuple(
        ScoreFacts(
            benchmark_slug=slug,
            benchmark_name=slug.replace("-", " ").title(),
            value=draw(values),
            unit=BENCHMARKS[slug][0],
            higher_is_better=BENCHMARKS[slug][1],
            is_verified=draw(st.booleans()),
            source_url=f"https://example.com/{slug}",
        )
        for slug in chosen
    )


@st.composite
def models(draw, slug: str):
    reviews = draw(st.lists(st.dates(date(2025, 1, 1), TODAY), max_size=2, unique=True))
    return ModelFacts(
        slug=slug,
        name=draw(st.sampled_from(["Alpha 1", "Beta-2 Mini", "Gamma 3.5", "Delta"]))
        + f" {slug}",
        vendor_slug=draw(st.sampled_from(["v1", "v2"])),
        vendor_name=draw(st.sampled_from(["Vendor One", "Vendor Two"])),
        release_date=draw(partial_dates),
        knowledge_cutoff=draw(partial_dates),
        context_window=draw(
            st.none() | st.sampled_from([8192, 128_000, 131_072, 999_999])
        ),
        open_weights=draw(flags),
        license=draw(st.none() | st.sampled_from(["MIT", "Proprietary"])),
        lifecycle=draw(st.sampled_from(["active", "preview", "deprecated", "retired"])),
        offerings=draw(offerings()),
        scores=draw(scores()),
        reviews=tuple(
            ReviewFacts(reviewed_on=d, sources=("https://example.com/r",))
            for d in reviews
        ),
        **{key: draw(flags) for key in CAPABILITY_KEYS},
    )


weights = st.sampled_from(
    [Decimal("0.7"), Decimal("0.5"), Decimal("0.25"), Decimal("1")]
)


def reference(model: ModelFacts, w: Decimal):
    """Recomputed independently: lowest blend, then lower input, then provider slug."""
    best = None
    for o in model.offerings:
        if not o.is_available or o.input_price is None or o.output_price is None:
            continue
        key = (
            w * o.input_price + (1 - w) * o.output_price,
            o.input_price,
            o.provider_slug,
        )
        if best is None or key < best[0]:
            best = (key, o)
    return None if best is None else best[1]


def month_or_day(value, other):
    if value is None or other is None:
        return None
    if len(value) == 7 or len(other) == 7:
        return value[:7]
    return value


def strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(data, list | tuple):
        for item in data:
            yield from strings(item)


def every_text(comparison) -> list[str]:
    texts = list(strings(pair_answer(comparison)))
    texts += [comparison.title, comparison.description, comparison.blend_text]
    for side in comparison.sides:
        for row in side.price_rows:
            texts += [
                str(d)
                for d in (row.input_display, row.output_display, row.blended_display)
            ]
            texts += list(row.tier_texts)
        texts += [a.phrase for a in side.advantages]
    for row in comparison.specs:
        texts += [d.text for d in row.displays.values()]
    for row in comparison.benchmarks:
        texts += [d.text for d in row.displays.values()] + [row.gap_text]
    texts += [
        claim.saving_text + claim.ratio_text for claim in comparison.prices.values()
    ]
    return texts


pairs = st.tuples(models("model-a"), models("model-b"), weights)
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
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
