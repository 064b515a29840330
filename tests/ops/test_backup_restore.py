"""Backup and restore: export_catalog, then import_catalog --prune, gives back everything."""

import datetime as dt
import io
import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db import models as db_models
from django.utils import timezone

from catalog import models
from catalog.exporting import catalog_export_chunks
from comparisons import models as curated
from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# Everything a backup must hold, in the order they can be deleted.
CATALOG_MODELS = (
    curated.ComparisonFAQ,
    curated.Comparison,
    models.Review,
    models.Score,
    models.PricePoint,
    models.PriceTier,
    models.Offering,
    models.LLMModel,
    models.Benchmark,
    models.Provider,
    models.Vendor,
)
NOT_BACKED_UP = {"id", "updated_at", "first_published_at"}
# Creation times a backup keeps: the feed dates and identifies entries by them.
CREATION_KEPT = (models.LLMModel, models.PricePoint)


def natural_key(instance) -> tuple:
    """An object as the catalog/1 format names it: by slugs, never by database id."""
    if hasattr(instance, "slug"):
        return (instance.slug,)
    if isinstance(instance, models.Offering):
        return (instance.model.slug, instance.provider.slug)
    if isinstance(instance, curated.Comparison):
        return tuple(sorted((instance.model_a.slug, instance.model_b.slug)))
    raise AssertionError(f"no natural key for {instance!r}")


def row(instance) -> tuple:
    values = []
    for field in instance._meta.concrete_fields:
        if field.name in NOT_BACKED_UP:
            continue
        if field.name == "created_at" and not isinstance(instance, CREATION_KEPT):
            continue
        value = getattr(instance, field.name)
        if isinstance(field, db_models.ForeignKey):
            value = natural_key(value)
        elif isinstance(value, Decimal):
            value = value.normalize()
        values.append((field.name, value))
    return tuple(values)


def catalog_snapshot() -> dict[str, list]:
    snapshot = {
        model.__name__: sorted((row(obj) for obj in model.objects.all()), key=repr)
        for model in CATALOG_MODELS
    }
    # When readers first saw each model: what the feed dates its entries by.
    snapshot["published_at"] = sorted(
        models.LLMModel.objects.with_published_at().values_list("slug", "published_at")
    )
    return snapshot


@pytest.fixture
def full_catalog():
    """Something of every kind, with the details a careless backup drops."""
    vendor = VendorFactory(
        slug="acme",
        name="Acme",
        description="Makers of *models*.",
        website="https://acme.test",
    )
    other_vendor = VendorFactory(slug="globex", name="Globex", website="")
    provider = ProviderFactory(slug="cloudy", name="Cloudy", description="Hosts.")
    second_provider = ProviderFactory(slug="rainy", name="Rainy")
    benchmark = BenchmarkFactory(
        slug="quiz",
        name="Quiz",
        unit="points",
        higher_is_better=False,
        url="https://quiz.test",
    )
    alpha = LLMModelFactory(
        slug="alpha",
        name="Alpha",
        vendor=vendor,
        release_date="2025-01",
        knowledge_cutoff="2024-10-15",
        max_output_tokens=32_000,
        parameters_billions=Decimal("70.50"),
        architecture="mixture of experts",
        open_weights=True,
        input_modalities=["text", "image"],
        output_modalities=["text"],
        vision=True,
        reasoning=None,
        tool_use=False,
        description="Alpha is **fast**.",
        lifecycle=models.LLMModel.Lifecycle.DEPRECATED,
        deprecation_date=dt.date(2026, 12, 31),
    )
    beta = LLMModelFactory(
        slug="beta", name="Beta", vendor=other_vendor, context_window=None
    )
    LLMModelFactory(
        slug="gamma-draft",
        name="Gamma",
        vendor=vendor,
        status=models.LLMModel.Status.DRAFT,
    )

    offering = OfferingFactory(
        model=alpha,
        provider=provider,
        provider_model_id="acme/alpha",
        input_price=Decimal("0.40"),
        output_price=Decimal("1.60"),
        cached_input_price=Decimal("0.10"),
        url="https://cloudy.test/alpha",
        checked_on=dt.date(2026, 5, 14),
    )
    models.PriceTier.objects.create(
        offering=offering,
        above_tokens=200_000,
        input_price=Decimal("0.80"),
        output_price=Decimal("3.20"),
    )
    models.PricePoint.objects.create(
        offering=offering,
        until=dt.date(2025, 6, 1),
        input_price=Decimal("0.50"),
        output_price=Decimal("2.00"),
    )
    OfferingFactory(
        model=beta,
        provider=second_provider,
        input_price=Decimal("0"),
        output_price=Decimal("0"),
        is_available=False,
        context_window=64_000,
    )
    ScoreFactory(
        model=alpha, benchmark=benchmark, value=Decimal("23.6"), is_verified=True
    )
    ScoreFactory(model=beta, benchmark=benchmark, value=Decimal("71.25"))
    ReviewFactory(
        model=alpha,
        reviewed_on=dt.date(2026, 5, 14),
        reviewer="Editorial team",
        summary="Quick and cheap.",
        body="Long *review*.",
        sources=["https://acme.test/alpha", "https://quiz.test/results"],
    )
    ReviewFactory(
        model=alpha, reviewed_on=dt.date(2025, 2, 1), reviewer="Editorial team"
    )
    comparison = curated.Comparison.objects.create(
        model_a=beta,
        model_b=alpha,
        is_featured=True,
        intro="Curated intro.",
        verdict="Alpha.",
    )
    curated.ComparisonFAQ.objects.create(
        comparison=comparison, question="Which is cheaper?", answer="Alpha.", position=0
    )
    curated.ComparisonFAQ.objects.create(
        comparison=comparison,
        question="Which reads images?",
        answer="*Alpha*.",
        position=1,
    )


def test_export_then_import_with_prune_into_an_empty_catalog_restores_everything(
    full_catalog, tmp_path
):
    before = catalog_snapshot()
    assert before["PricePoint"] and before["Review"] and before["ComparisonFAQ"]
    backup = tmp_path / "backup.json"
    call_command("export_catalog", str(backup))

    for model in CATALOG_MODELS:
        model.objects.all().delete()
    assert not any(catalog_snapshot().values())
    call_command("import_catalog", str(backup), "--prune")

    assert catalog_snapshot() == before


def test_restore_with_prune_undoes_edits_deletions_and_additions(
    full_catalog, tmp_path
):
    before = catalog_snapshot()
    backup = tmp_path / "backup.json"
    call_command("export_catalog", str(backup))

    models.Review.objects.filter(reviewed_on=dt.date(2025, 2, 1)).delete()
    # (Prices are left alone: a restore that changes a price back records the
    # in-between price as history, as any import does; see catalog-format.md.)
    models.PricePoint.objects.all().delete()
    models.Offering.objects.filter(provider__slug="cloudy").update(
        provider_model_id="oops"
    )
    models.Score.objects.filter(model__slug="beta").update(is_verified=True)
    curated.ComparisonFAQ.objects.filter(position=1).update(answer="Tampered.")
    LLMModelFactory(slug="stray", name="Stray")
    assert catalog_snapshot() != before

    call_command("import_catalog", str(backup), "--prune")

    assert catalog_snapshot() == before


def restore_from_backup(tmp_path) -> None:
    """export_catalog, wipe the catalog, import_catalog --prune."""
    backup = tmp_path / "backup.json"
    call_command("export_catalog", str(backup))
    for model in CATALOG_MODELS:
        model.objects.all().delete()
    call_command("import_catalog", str(backup), "--prune")


def test_restore_keeps_a_scheduled_draft_scheduled(tmp_path):
    when = timezone.now() + dt.timedelta(days=3)
    LLMModelFactory(slug="soon", status=models.LLMModel.Status.DRAFT, publish_at=when)

    restore_from_backup(tmp_path)

    restored = models.LLMModel.objects.get(slug="soon")
    assert (restored.status, restored.publish_at) == ("draft", when)
    assert not models.LLMModel.objects.published().exists()


def test_restore_keeps_a_model_live_that_went_live_by_its_schedule(tmp_path):
    LLMModelFactory(
        slug="live",
        status=models.LLMModel.Status.DRAFT,
        publish_at=timezone.now() - dt.timedelta(hours=1),
    )

    restore_from_backup(tmp_path)

    assert list(models.LLMModel.objects.published().values_list("slug", flat=True)) == [
        "live"
    ]


def test_restore_announces_nothing_again_in_the_feed(client, full_catalog, tmp_path):
    """Entry ids and dates come back as they were: feed readers see no new entry."""
    models.LLMModel.objects.filter(slug="gamma-draft").update(
        publish_at=timezone.now() - dt.timedelta(days=1)
    )
    before = client.get("/feeds/changes.atom").content
    assert before.count(b"<entry>") >= 3

    restore_from_backup(tmp_path)

    assert client.get("/feeds/changes.atom").content == before


@pytest.mark.django_db(transaction=True)
def test_export_taken_while_editors_work_reads_one_snapshot(tmp_path):
    """An export that read vendors before an edit and models after it could not be imported."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a second connection committing mid-export, which an in-memory "
            "SQLite test database cannot take (run with DATABASE_URL=postgres://…)"
        )
    LLMModelFactory.create_batch(3)
    chunks = catalog_export_chunks(batch_size=1)
    head = next(chunks)  # vendors, providers and benchmarks are read

    def edit() -> None:
        vendor = VendorFactory(slug="late-vendor")
        LLMModelFactory(slug="late-model", vendor=vendor)
        connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    editor.join()
    backup = tmp_path / "backup.json"
    backup.write_text(head + "".join(chunks))

    document = json.loads(backup.read_text())
    assert "late-model" not in [m["slug"] for m in document["models"]]
    call_command("import_catalog", str(backup), "--dry-run", stdout=io.StringIO())
