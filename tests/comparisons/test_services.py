"""Loading a pair from the catalog: fixed queries, curated content, related pairs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from catalog.models import LLMModel
from comparisons.models import ComparisonFAQ
from comparisons.services import (
    blend_input_weight,
    comparison_build,
    pair_parse,
    pair_slug,
    related_pairs,
)
from tests import reference
from tests.api.support import pair_answer
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    VendorFactory,
)
from vocabulary.process_memos import forget_process_memos

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 15)


def make_priced_model(
    slug: str, input_price: str, output_price: str, **fields
) -> LLMModel:
    model = LLMModelFactory(slug=slug, name=fields.pop("name", slug.title()), **fields)
    OfferingFactory(
        model=model,
        input_price=Decimal(input_price),
        output_price=Decimal(output_price),
    )
    return model


@pytest.fixture
def reference_pair():
    return reference.reference_pair(
        reviews={
            reference.MINI: {"reviewed_on": date(2026, 5, 14)},
            reference.GROK: {"reviewed_on": date(2026, 5, 20)},
        }
    )


def test_pair_slug_puts_slugs_in_code_point_order():
    assert pair_slug("grok-4-20", "gpt-4-1-mini") == "gpt-4-1-mini-vs-grok-4-20"
    # Code-point order, not a collation that ignores hyphens: "-" sorts before "a".
    assert pair_slug("gpt-4o", "gpt-4-1") == "gpt-4-1-vs-gpt-4o"


def test_pair_parse_tries_every_vs_split():
    assert pair_parse("gpt-4-1-mini-vs-grok-4-20") == [("gpt-4-1-mini", "grok-4-20")]
    assert pair_parse("a-vs-b-vs-c") == []  # a model slug never contains "-vs-"
    assert pair_parse("vs-a-vs-b") == [("vs-a", "b")]
    assert pair_parse("nothing-here") == []
    assert pair_parse("-vs-b") == []


def test_reference_pair_from_the_database_matches_the_rules(reference_pair):
    mini, grok = reference_pair
    data = pair_answer(comparison_build(model_a=grok, model_b=mini, today=TODAY))
    assert data["slug"] == "gpt-4-1-mini-vs-grok-4-20"
    price = data["facts"]["price"]
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
    assert data["models"][0]["reference_offering"] == {
        "provider": "openai",
        "input_price": "0.40",
        "output_price": "1.60",
        "blended_price": "0.76",
    }
    assert data["facts"]["providers"] == {
        "counts": {"gpt-4-1-mini": 3, "grok-4-20": 2},
        "shared": ["openrouter"],
    }
    assert data["facts"]["largest_gap"] == {
        "benchmark": "swe-bench-verified",
        "leader": "grok-4-20",
        "gap": 53.1,
    }
    assert data["last_reviewed"] == "2026-05-14"
    assert data["updated_at"].endswith("Z")


def test_curated_intro_verdict_and_faq_come_from_the_editors(reference_pair):
    mini, grok = reference_pair
    curated = ComparisonFactory(
        model_a=grok,
        model_b=mini,
        intro="Our intro.",
        verdict="Our verdict.",
        is_featured=True,
    )
    ComparisonFAQ.objects.create(
        comparison=curated, question="Second?", answer="B", position=2
    )
    ComparisonFAQ.objects.create(
        comparison=curated, question="First?", answer="A", position=1
    )
    comparison = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert comparison.intro == "Our intro."
    assert comparison.verdict == "Our verdict."
    assert comparison.is_featured
    assert [entry.question for entry in comparison.faq[:2]] == ["First?", "Second?"]
    assert len(comparison.faq) > 2  # generated questions follow the curated ones


def _catalog(size: int) -> None:
    """Other published models, some of each pair's vendor, all priced, some curated."""
    vendor = VendorFactory()
    models = []
    for index in range(size):
        model = LLMModelFactory(
            vendor=vendor if index % 3 else VendorFactory(slug="openai")
        )
        OfferingFactory(model=model, input_price=Decimal(index % 7 + 1))
        models.append(model)
    return models


@pytest.mark.parametrize("size", [3, 30])
def test_pair_build_uses_the_same_number_of_queries_at_any_catalog_size(
    reference_pair, size, django_assert_num_queries
):
    mini, grok = reference_pair
    others = _catalog(size)
    ComparisonFactory(model_a=mini, model_b=others[0], is_featured=True)
    # First build in this process: the related-pairs index (change-log position,
    # models, cheapest prices, curated pairs), the models' stamps (the log's heads,
    # the models it names since its base) and the two models
    # (models + vendor, offerings, tiers, scores, reviews); this pair has no
    # curated comparison.
    with django_assert_num_queries(11):
        comparison = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert len(comparison.related) == 6
    # Until the next edit, the same models come from this process's memory.
    with django_assert_num_queries(0):
        again = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert again == comparison


def test_another_process_reads_the_facts_from_the_shared_cache(
    reference_pair, django_assert_num_queries
):
    mini, grok = reference_pair
    first = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    # Another worker: its own memory is empty, and the index is its own too.
    forget_process_memos()
    # The index (change-log position, models, cheapest prices, curated pairs)
    # and the models' stamps (2); the facts of both models come from the shared
    # cache, with no query.
    with django_assert_num_queries(6):
        second = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert second == first


def test_an_edit_is_not_hidden_by_facts_in_the_shared_cache(reference_pair):
    mini, grok = reference_pair
    comparison_build(model_a=mini, model_b=grok, today=TODAY)
    OfferingFactory(
        model=mini, input_price=Decimal("0.01"), output_price=Decimal("0.02")
    )
    forget_process_memos()
    after = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert after.a.reference.input_price == Decimal("0.01")


def test_pair_build_after_an_edit_shows_the_edit_at_once():
    mini, grok = (
        make_priced_model("mini", "1", "1"),
        make_priced_model("grok", "2", "2"),
    )
    near = make_priced_model("near", "1.5", "1.5")
    before = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert "near" in {r.model_a_slug for r in before.related} | {
        r.model_b_slug for r in before.related
    }
    mini.name = "Mini Renamed"
    mini.save()
    near.delete()
    after = comparison_build(model_a=mini, model_b=grok, today=TODAY)
    assert "Mini Renamed" in after.title
    assert all("near" not in r.slug for r in after.related)


def test_related_pairs_start_with_featured_then_same_vendor_then_nearest_price():
    openai = VendorFactory(slug="openai", name="OpenAI")
    a = make_priced_model("model-a", "1", "1", vendor=openai)
    b = make_priced_model("model-b", "10", "10")
    featured_partner = make_priced_model("featured", "50", "50")
    make_priced_model("sibling", "90", "90", vendor=openai)
    make_priced_model("near-a", "1.1", "1.1")
    near_b = make_priced_model("near-b", "9.5", "9.5")
    ComparisonFactory(model_a=b, model_b=featured_partner, is_featured=True)
    ComparisonFactory(model_a=a, model_b=near_b, is_featured=False)  # not featured

    pairs = related_pairs(model_a=a, model_b=b, price_a=Decimal(1), price_b=Decimal(10))

    slugs = [pair.slug for pair in pairs]
    assert slugs[0] == "featured-vs-model-b"
    assert slugs[1] == "model-a-vs-sibling"
    assert "model-a-vs-near-a" in slugs and "model-b-vs-near-b" in slugs
    assert "model-a-vs-model-b" not in slugs
    assert len(slugs) == len(set(slugs)) <= 6
    assert [p.reason for p in pairs[:2]] == ["featured", "same-vendor"]
    titles = {pair.slug: pair.title for pair in pairs}
    assert titles["model-a-vs-sibling"] == "Model-A vs Sibling"


def test_related_pairs_leave_out_drafts_and_unavailable_offerings():
    a = make_priced_model("model-a", "1", "1")
    b = make_priced_model("model-b", "2", "2")
    make_priced_model("draft", "1", "1", status=LLMModel.Status.DRAFT)
    make_priced_model(
        "scheduled",
        "1",
        "1",
        status=LLMModel.Status.DRAFT,
        publish_at=timezone.now() - timedelta(hours=1),
    )
    gone = LLMModelFactory(slug="gone")
    OfferingFactory(
        model=gone, input_price=Decimal(1), output_price=Decimal(1), is_available=False
    )

    pairs = related_pairs(model_a=a, model_b=b, price_a=Decimal(1), price_b=Decimal(2))

    slugs = {pair.slug for pair in pairs}
    assert "draft-vs-model-a" not in slugs and "draft-vs-model-b" not in slugs
    priced_by = {pair.slug for pair in pairs if pair.reason == "price"}
    assert not any("gone" in slug for slug in priced_by)
    assert "model-a-vs-scheduled" in slugs


def test_related_pairs_rank_a_model_by_its_cheapest_offering():
    a = make_priced_model("model-a", "5", "5")
    b = LLMModelFactory(slug="model-b")
    make_priced_model("far", "100", "100")
    # "cheap-elsewhere" has a $6 offering near A, but also a $1 one, its real price.
    cheap = make_priced_model("cheap-elsewhere", "6", "6")
    OfferingFactory(model=cheap, input_price=Decimal(1), output_price=Decimal(1))
    make_priced_model("near", "5.5", "5.5")

    pairs = related_pairs(model_a=a, model_b=b, price_a=Decimal(5), price_b=None)

    slugs = [pair.slug for pair in pairs]
    assert slugs.index("model-a-vs-near") < slugs.index("cheap-elsewhere-vs-model-a")
    assert slugs.index("cheap-elsewhere-vs-model-a") < slugs.index("far-vs-model-a")


def test_every_catalog_write_shows_in_the_next_build(reference_pair):
    mini, grok = reference_pair
    offering = mini.offerings.get(provider__slug="openai")
    offering.input_price = Decimal("2.00")
    offering.save()
    data = pair_answer(comparison_build(model_a=mini, model_b=grok, today=TODAY))
    assert data["models"][0]["reference_offering"]["provider"] == "openrouter"
    assert data["models"][0]["reference_offering"]["input_price"] == "0.40"


def test_a_large_vendor_leaves_room_for_price_neighbours():
    big = VendorFactory(slug="big")
    a = make_priced_model("model-a", "1", "1", vendor=big)
    b = make_priced_model("model-b", "10", "10")
    for index in range(5):
        make_priced_model(f"sibling-{index}", "500", "500", vendor=big)
    make_priced_model("near-a", "1.2", "1.2")

    pairs = related_pairs(model_a=a, model_b=b, price_a=Decimal(1), price_b=Decimal(10))

    reasons = [pair.reason for pair in pairs]
    assert reasons.count("same-vendor") == 2
    assert "model-a-vs-near-a" in {pair.slug for pair in pairs}


@pytest.mark.parametrize("value", ["seventy", "1.5", "-0.1", "NaN"])
def test_a_nonsense_blend_weight_setting_is_named_in_the_error(settings, value):
    settings.VERSUS_BLEND_INPUT_WEIGHT = value
    with pytest.raises(ImproperlyConfigured, match="VERSUS_BLEND_INPUT_WEIGHT"):
        blend_input_weight()


def test_blend_weight_setting_is_read_as_an_exact_decimal(settings):
    settings.VERSUS_BLEND_INPUT_WEIGHT = "0.75"
    assert blend_input_weight() == Decimal("0.75")


def test_continue_comparing_is_never_empty_while_other_models_exist():
    a = LLMModelFactory(slug="model-a")
    b = LLMModelFactory(slug="model-b")
    LLMModelFactory(slug="unpriced-elsewhere")  # other vendor, no price, not curated

    pairs = comparison_build(model_a=a, model_b=b, today=TODAY).related

    assert [pair.slug for pair in pairs] == ["model-a-vs-unpriced-elsewhere"]


def test_continue_comparing_is_empty_when_the_pair_is_the_whole_catalog():
    a = make_priced_model("model-a", "1", "1")
    b = make_priced_model("model-b", "2", "2")
    assert comparison_build(model_a=a, model_b=b, today=TODAY).related == ()


def test_continue_comparing_tells_apart_models_that_share_a_name():
    a = LLMModelFactory(slug="model-a")
    opus = LLMModelFactory(slug="opus", name="Opus 4.6")
    LLMModelFactory(slug="model-z", name="Opus 4.6")

    pairs = comparison_build(model_a=opus, model_b=a, today=TODAY).related
    titles = {pair.slug: pair.title for pair in pairs}
    assert titles["model-z-vs-opus"] == "Opus 4.6 (model-z) vs Opus 4.6 (opus)"
