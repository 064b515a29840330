from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from catalog.cache import catalog_version
from catalog.models import (
    Benchmark,
    LLMModel,
    Offering,
    Provider,
    Review,
    Score,
    Vendor,
)
from comparisons.models import Comparison

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_catalog", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "models": list(
            LLMModel.objects.order_by("slug").values_list(
                "slug", "name", "vendor__slug", "status", "lifecycle", "context_window"
            )
        ),
        "offerings": list(
            Offering.objects.order_by("model__slug", "provider__slug").values_list(
                "model__slug", "provider__slug", "input_price", "output_price"
            )
        ),
        "scores": list(
            Score.objects.order_by("model__slug", "benchmark__slug").values_list(
                "model__slug", "benchmark__slug", "value"
            )
        ),
        "comparisons": list(
            Comparison.objects.order_by("model_a__slug", "model_b__slug").values_list(
                "model_a__slug", "model_b__slug"
            )
        ),
    }


def test_generates_a_catalog_of_the_requested_size():
    generate(models=200, seed=1)

    assert LLMModel.objects.count() == 200
    assert Vendor.objects.count() == 10
    assert Provider.objects.count() == 12
    assert Benchmark.objects.filter(unit="%").count() == 6
    assert Benchmark.objects.filter(unit="elo").count() == 1
    per_model = LLMModel.objects.annotate(n=Count("offerings")).values_list(
        "n", flat=True
    )
    assert min(per_model) >= 1
    assert max(per_model) <= 5
    assert Score.objects.exists()
    assert Review.objects.exists()


def test_catalog_has_drafts_retired_models_and_published_curated_pairs():
    generate(models=300, seed=2)

    assert LLMModel.objects.filter(status=LLMModel.Status.DRAFT).exists()
    assert LLMModel.objects.filter(lifecycle=LLMModel.Lifecycle.RETIRED).exists()
    published = set(LLMModel.objects.published().values_list("pk", flat=True))
    curated = Comparison.objects.all()
    assert curated.exists()
    assert all(c.model_a_id in published and c.model_b_id in published for c in curated)
    assert all(c.model_a.slug < c.model_b.slug for c in curated)


def test_same_seed_gives_the_same_catalog():
    generate(models=60, seed=7)
    first = snapshot()

    generate(models=60, seed=7, replace=True)

    assert snapshot() == first


def test_different_seed_gives_a_different_catalog():
    generate(models=60, seed=7)
    first = snapshot()

    generate(models=60, seed=8, replace=True)

    assert snapshot() != first


def test_refuses_to_mix_into_an_existing_catalog():
    generate(models=20, seed=1)

    with pytest.raises(CommandError, match="already has 20 models"):
        generate(models=20, seed=2)

    assert LLMModel.objects.count() == 20


def test_generating_changes_the_catalog_version():
    """bulk_create sends no signals, so the command must bump the version itself."""
    before = catalog_version()

    generate(models=20, seed=1)

    assert catalog_version() != before


def test_rejects_an_absurd_model_count():
    with pytest.raises(CommandError, match="--models must be between"):
        generate(models=0, seed=1)
