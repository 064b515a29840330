"""Models' facts are kept under stamps of their own: an edit has only what it
touched read again, and no page ever shows facts older than the catalog."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.cache import bump_catalog_version, catalog_version
from catalog.changes import changes_prune
from catalog.models import ChangeLogEntry, LLMModel, PriceTier
from comparisons.services import facts as facts_module
from comparisons.services import model_stamps as stamps_module
from comparisons.services.facts import memoised_facts
from comparisons.services.model_stamps import model_stamps
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)
from vocabulary.process_memos import forget_process_memos

pytestmark = pytest.mark.django_db

# A model with offerings, read from the database: model and vendor, offerings
# (with providers), their tiers, scores (with benchmarks), reviews.
FACTS_QUERIES = 5
# Bringing the stamps up to date after an edit: what the log holds since.
FOLLOW_QUERIES = 1
# Building them in a new process: the log's heads (last entry, last vendor,
# provider or benchmark entry, last pruning), the models it names since its base.
BUILD_QUERIES = 2


def facts(*models):
    return memoised_facts(catalog_version(), *models)


def priced(**fields) -> LLMModel:
    model = LLMModelFactory(**fields)
    OfferingFactory(model=model)
    return model


def test_an_edit_has_only_the_model_it_touched_read_again(django_assert_num_queries):
    first, second, third = priced(), priced(), priced()
    facts(first, second, third)
    first.name = "Renamed"
    first.save()
    with django_assert_num_queries(FOLLOW_QUERIES + FACTS_QUERIES):
        renamed, *others = facts(first, second, third)
    assert renamed.name == "Renamed"
    assert [f.slug for f in others] == [second.slug, third.slug]
    # Until the next edit, nothing more is read.
    with django_assert_num_queries(0):
        facts(first, second, third)


def test_another_process_reads_untouched_models_from_the_shared_cache(
    django_assert_num_queries,
):
    first, second = priced(), priced()
    facts(first, second)
    OfferingFactory(model=second, input_price=Decimal("0.25"))
    forget_process_memos()  # another worker, which never saw the first read
    with django_assert_num_queries(BUILD_QUERIES + FACTS_QUERIES):
        kept, edited = facts(first, second)
    assert kept.slug == first.slug
    assert Decimal("0.25") in {o.input_price for o in edited.offerings}


@pytest.mark.parametrize(
    "edit",
    [
        "offering price",
        "price tier",
        "score",
        "review",
        "offering deleted",
        "model deleted",
    ],
)
def test_every_edit_of_a_models_parts_shows_at_once(edit):
    model = priced(slug="edited")
    offering = model.offerings.get()
    score = ScoreFactory(model=model)
    facts(model)
    forget_process_memos()  # both this process's memory and the shared cache hold it
    facts(model)
    if edit == "offering price":
        offering.input_price = Decimal("0.11")
        offering.save()
    elif edit == "price tier":
        PriceTier.objects.create(
            offering=offering,
            above_tokens=200_000,
            input_price=Decimal("9"),
            output_price=Decimal("9"),
        )
    elif edit == "score":
        score.value = Decimal("12.5")
        score.save()
    elif edit == "review":
        ReviewFactory(model=model, summary="A fresh look.")
    elif edit == "offering deleted":
        offering.delete()
    elif edit == "model deleted":
        model.delete()
        model = LLMModelFactory(slug="edited", name="Another model, same slug")
    for _ in range(2):  # this process, then another one
        (seen,) = facts(model)
        if edit == "offering price":
            assert seen.offerings[0].input_price == Decimal("0.11")
        elif edit == "price tier":
            assert seen.offerings[0].tiers[0].above_tokens == 200_000
        elif edit == "score":
            assert seen.scores[0].value == Decimal("12.5")
        elif edit == "review":
            assert seen.reviews[0].summary == "A fresh look."
        elif edit == "offering deleted":
            assert seen.offerings == ()
        else:
            assert seen.name == "Another model, same slug"
            assert seen.offerings == ()
        forget_process_memos()


@pytest.mark.parametrize("kind", ["vendor", "provider", "benchmark"])
def test_a_renamed_vendor_provider_or_benchmark_shows_in_every_model(kind):
    vendor, provider, benchmark = VendorFactory(), ProviderFactory(), BenchmarkFactory()
    models = [LLMModelFactory(vendor=vendor) for _ in range(3)]
    for model in models:
        OfferingFactory(model=model, provider=provider)
        ScoreFactory(model=model, benchmark=benchmark)
    facts(*models)
    renamed = {"vendor": vendor, "provider": provider, "benchmark": benchmark}[kind]
    renamed.name = "Renamed Org"
    renamed.save()
    for _ in range(2):  # this process, then another one
        for seen in facts(*models):
            names = {
                "vendor": seen.vendor_name,
                "provider": seen.offerings[0].provider_name,
                "benchmark": seen.scores[0].benchmark_name,
            }
            assert names[kind] == "Renamed Org"
        forget_process_memos()


def test_a_write_the_log_does_not_describe_retires_every_kept_fact():
    model = priced()
    facts(model)
    LLMModel.objects.filter(pk=model.pk).update(name="Bulk Renamed")
    bump_catalog_version()  # as every unlogged writer does
    for _ in range(2):
        (seen,) = facts(model)
        assert seen.name == "Bulk Renamed"
        forget_process_memos()


def test_a_drafts_facts_are_never_kept(django_assert_num_queries):
    """Writes to drafts are left out of the log, so their facts are read each time."""
    draft = priced(status=LLMModel.Status.DRAFT)
    facts(draft)
    with django_assert_num_queries(FACTS_QUERIES):
        facts(draft)
    draft.name = "Draft, edited"
    draft.save()
    (seen,) = facts(draft)
    assert seen.name == "Draft, edited"
    # Published: kept from then on, and its edits as a draft are all there.
    draft.status = LLMModel.Status.PUBLISHED
    draft.save()
    (seen,) = facts(draft)
    assert seen.name == "Draft, edited" and seen.is_published
    with django_assert_num_queries(0):
        facts(draft)


def test_a_scheduled_draft_is_read_afresh_when_its_time_comes():
    draft = priced(
        status=LLMModel.Status.DRAFT,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    facts(draft)
    draft.name = "Edited while scheduled"
    draft.save()
    LLMModel.objects.filter(pk=draft.pk).update(
        publish_at=timezone.now() - dt.timedelta(seconds=1)
    )
    draft.refresh_from_db()
    (seen,) = facts(draft)
    assert seen.name == "Edited while scheduled" and seen.is_published


def test_each_process_keeps_facts_within_its_memory_budget(
    settings, django_assert_num_queries
):
    """A worker's memory for facts does not grow with the catalog: past the
    budget, the least recently used are let go."""
    first, second, third = priced(), priced(), priced()
    facts(first)
    size = facts_module._kept.size  # what one model's facts take
    settings.VERSUS_FACTS_CACHE_MB = 2.5 * size / (1024 * 1024)  # two models' worth
    forget_process_memos()
    facts(first)
    facts(second, third)
    with django_assert_num_queries(0):
        facts(second, third)
    # The first was let go here; the shared cache still has it.
    with django_assert_num_queries(0):
        facts(first)


def _stamps_now():
    found = model_stamps(catalog_version())
    return found.position, found.base, found.named


def test_every_process_gives_each_model_the_same_stamp(monkeypatch):
    """A process that followed the log and one that read it afresh agree, edit
    after edit, across bases moved by vendors and by the bucket."""
    monkeypatch.setattr(stamps_module, "BUCKET", 7)
    vendor = VendorFactory()
    models = [priced(vendor=vendor) for _ in range(4)]
    edits = [
        lambda: setattr(models[0], "name", "A") or models[0].save(),
        lambda: OfferingFactory(model=models[1]),
        lambda: ScoreFactory(model=models[2]),
        lambda: setattr(vendor, "name", "Vendor renamed") or vendor.save(),
        lambda: setattr(models[3], "name", "D") or models[3].save(),
        lambda: ReviewFactory(model=models[0]),
        lambda: models[1].offerings.first().delete(),
        lambda: [priced() for _ in range(3)],
    ]
    followed = _stamps_now()
    for edit in edits:
        edit()
        followed = _stamps_now()
        forget_process_memos()
        assert _stamps_now() == followed
        # The follower carries on from its own state next time.
        forget_process_memos()
        model_stamps(catalog_version())
    position, base, named = followed
    assert base >= position // 7 * 7
    assert all(base < last <= position for last in named.values())


def test_a_process_behind_a_pruning_reads_the_log_afresh(settings):
    window = dt.timedelta(days=settings.VERSUS_CHANGES_WINDOW_DAYS + 1)
    model = priced()
    facts(model)
    behind = model_stamps(catalog_version())
    model.name = "Edited, then pruned"
    model.save()
    # The log is pruned past the process's position before it follows it.
    changes_prune(now=timezone.now() + window)
    assert not ChangeLogEntry.objects.filter(id__gt=behind.position).exists()
    after = model_stamps(catalog_version())
    assert after.base > behind.position
    (seen,) = facts(model)
    assert seen.name == "Edited, then pruned"


def test_after_the_whole_log_is_pruned_edits_are_followed_not_read_afresh(
    settings, django_assert_num_queries
):
    window = dt.timedelta(days=settings.VERSUS_CHANGES_WINDOW_DAYS + 1)
    model = priced()
    changes_prune(now=timezone.now() + window)
    assert not ChangeLogEntry.objects.exists()
    forget_process_memos()
    facts(model)
    model.name = "Edited after the pruning"
    model.save()
    with django_assert_num_queries(FOLLOW_QUERIES + FACTS_QUERIES):
        (seen,) = facts(model)
    assert seen.name == "Edited after the pruning"
