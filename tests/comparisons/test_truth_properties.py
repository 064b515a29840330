"""Property tests: over random catalogs and random days, every page stays true.

No text says "plans to" about a date that has passed, recommends a retired
model, calls a non-zero price 100% cheaper, says "costs free", or shows curated
text whose recorded facts have changed.
"""

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from comparisons.derivation import (
    CuratedFacts,
    FAQEntry,
    comparison_derive,
    curated_record,
    lifecycle_sentence,
    model_on,
)
from tests.api.support import pair_answer
from tests.comparisons.strategies import SETTINGS, every_text, models, weights

CURATED_INTRO = "An editor's intro about these two."
CURATED_VERDICT = "An editor's verdict about these two."
CURATED_QUESTION = "What did the editor find?"
DAY = re.compile(r"plans to stop serving it on (\d{1,2} \w{3} \d{4})")

ZERO_DOLLARS = re.compile(r"\$0(\.0+)?(?![\d.,])")

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def dated_models(draw, slug: str):
    model = draw(models(slug))
    deprecation = draw(st.none() | days)
    return dataclasses.replace(model, deprecation_date=deprecation)


@st.composite
def edited(draw, model):
    """The model as an editor may have left it since: some recorded facts changed."""
    changes = {}
    if draw(st.booleans()):
        changes["context_window"] = draw(
            st.none() | st.sampled_from([8192, 128_000, 2_000_000])
        )
    if draw(st.booleans()):
        changes["reasoning"] = draw(st.sampled_from([True, False, None]))
    if draw(st.booleans()) and model.offerings:
        first = model.offerings[0]
        changes["offerings"] = (
            dataclasses.replace(
                first, input_price=draw(st.sampled_from([Decimal("0.30"), None]))
            ),
            *model.offerings[1:],
        )
    if draw(st.booleans()):
        changes["lifecycle"] = draw(st.sampled_from(["active", "retired"]))
    return dataclasses.replace(model, **changes)


def all_texts(comparison) -> list[str]:
    texts = every_text(comparison)
    texts += list(comparison.deep_dive) + [comparison.largest_gap_note]
    for side in comparison.sides:
        sentence = lifecycle_sentence(side.model, comparison.today)
        if sentence:
            texts.append(sentence[0])
    return texts


def parse_day(text: str) -> date:
    return datetime.strptime(text, "%d %b %Y").date()


scenarios = st.tuples(dated_models("model-a"), dated_models("model-b"), weights, days)


@SETTINGS
@given(scenarios)
def test_no_text_says_plans_to_about_a_day_that_has_come(scenario):
    a, b, w, today = scenario
    comparison = comparison_derive(
        model_a=a, model_b=b, today=today, blend_input_weight=w
    )
    for text in all_texts(comparison):
        for found in DAY.findall(text):
            assert parse_day(found) > today, text
    for side, model in zip(comparison.sides, (a, b), strict=True):
        if model.deprecation_date is not None and model.deprecation_date <= today:
            assert side.model.is_retired
            assert not comparison.is_indexable


@SETTINGS
@given(scenarios)
def test_a_retired_model_is_never_recommended(scenario):
    a, b, w, today = scenario
    comparison = comparison_derive(
        model_a=a, model_b=b, today=today, blend_input_weight=w
    )
    for side in comparison.sides:
        if not model_on(side.model, today).is_retired:
            continue
        assert not side.advantages
        assert "is retired" in side.choose[0]
        assert f"{side.name} is the cheaper model" not in comparison.verdict
        assert f"{side.name} is " not in comparison.description.replace(
            f"{side.name} is retired", ""
        )
        assert f"{side.name} offers" not in comparison.verdict
        assert f"{side.name} is offered by" not in " ".join(
            e.answer for e in comparison.faq
        )
        assert f"{side.name} costs " not in " ".join(all_texts(comparison))


@SETTINGS
@given(scenarios)
def test_no_non_zero_price_is_100_percent_cheaper_and_nothing_costs_free(scenario):
    a, b, w, today = scenario
    comparison = comparison_derive(
        model_a=a, model_b=b, today=today, blend_input_weight=w
    )
    for text in all_texts(comparison):
        assert "costs free" not in text and "cost free" not in text, text
        assert "100% cheaper" not in text, text
        assert not ZERO_DOLLARS.search(text), text  # a zero price reads "free"
    for claim in comparison.prices.values():
        lower = min((v for v in claim.values.values() if v is not None), default=None)
        if claim.saving_percent == 100:
            assert lower == 0
        if claim.cheaper is not None and lower and lower > 0:
            assert claim.saving_percent <= 99


@SETTINGS
@given(st.data(), scenarios, days)
def test_curated_text_is_shown_only_while_its_recorded_facts_hold(
    data, scenario, recorded_on
):
    a, b, w, today = scenario
    a_then = data.draw(edited(a))
    record = curated_record(a_then, b, weight=w, today=recorded_on)
    curated = CuratedFacts(
        intro=CURATED_INTRO,
        verdict=CURATED_VERDICT,
        faq=(FAQEntry(CURATED_QUESTION, "Markdown answer.", is_markdown=True),),
        record=record,
    )
    comparison = comparison_derive(
        model_a=a, model_b=b, today=today, blend_input_weight=w, curated=curated
    )
    holds = record == curated_record(a, b, weight=w, today=today) or not (
        comparison.curated_changes
    )
    shown = comparison.verdict == CURATED_VERDICT
    assert shown == comparison.curated_current == holds
    assert (comparison.intro == CURATED_INTRO) == shown
    assert (CURATED_QUESTION in [e.question for e in comparison.faq]) == shown
    assert pair_answer(comparison)["curated_current"] == shown
    if shown:
        # Every fact the text rests on is as it was recorded.
        then, now = model_on(a_then, recorded_on), model_on(a, today)
        assert then.context_window == now.context_window
        assert then.reasoning == now.reasoning
        assert then.lifecycle == now.lifecycle
        assert (comparison.side("model-a").reference is None) == (
            record["models"]["model-a"]["reference"] is None
        )
