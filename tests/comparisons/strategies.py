"""Random small catalogs for property tests, and every text a comparison shows."""

import re
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from comparisons.derivation import (
    CAPABILITY_KEYS,
    ModelFacts,
    OfferingFacts,
    ReviewFacts,
    ScoreFacts,
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
