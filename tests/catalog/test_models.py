import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from catalog.models import LLMModel, Offering, PricePoint
from comparisons.models import Comparison
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def test_negative_price_refused_by_database():
    offering = OfferingFactory()
    offering.input_price = Decimal("-0.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        offering.save()


def test_zero_context_window_refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LLMModelFactory(context_window=0)


def test_one_offering_per_model_and_provider():
    offering = OfferingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferingFactory(model=offering.model, provider=offering.provider)


def test_one_score_per_model_and_benchmark():
    score = ScoreFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreFactory(model=score.model, benchmark=score.benchmark)


def test_deleting_vendor_with_models_is_refused():
    model = LLMModelFactory()
    with pytest.raises(ProtectedError):
        model.vendor.delete()
    assert LLMModel.objects.filter(pk=model.pk).exists()


def test_deleting_provider_with_offerings_is_refused():
    offering = OfferingFactory()
    with pytest.raises(ProtectedError):
        offering.provider.delete()
    assert Offering.objects.filter(pk=offering.pk).exists()


def test_vendor_without_models_can_be_deleted():
    vendor = VendorFactory()
    vendor.delete()


def test_price_change_keeps_old_price_in_history():
    offering = OfferingFactory(
        input_price=Decimal("0.50"), output_price=Decimal("2.00")
    )
    offering.input_price = Decimal("0.40")
    offering.save()
    (point,) = PricePoint.objects.filter(offering=offering)
    assert point.input_price == Decimal("0.50")
    assert point.output_price == Decimal("2.00")
    assert point.until == dt.date.today()


def test_price_change_through_a_fresh_instance_is_recorded():
    offering = OfferingFactory(input_price=Decimal("1"), output_price=Decimal("2"))
    fresh = Offering.objects.get(pk=offering.pk)
    fresh.output_price = Decimal("3")
    fresh.save()
    assert list(fresh.price_history.values_list("output_price", flat=True)) == [
        Decimal("2")
    ]


def test_saving_without_price_change_adds_no_history():
    offering = OfferingFactory()
    offering.checked_on = dt.date(2026, 1, 1)
    offering.input_price = Decimal("1.000")  # same value, other spelling
    offering.save()
    assert not offering.price_history.exists()


def test_curated_comparison_is_stored_in_slug_order():
    b = LLMModelFactory(slug="zeta")
    a = LLMModelFactory(slug="alpha")
    comparison = ComparisonFactory(model_a=b, model_b=a)
    assert (comparison.model_a, comparison.model_b) == (a, b)


def test_one_curated_comparison_per_unordered_pair():
    a, b = LLMModelFactory(), LLMModelFactory()
    ComparisonFactory(model_a=a, model_b=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(model_a=b, model_b=a)


def test_published_excludes_drafts_until_their_time():
    import django.utils.timezone as tz

    published = LLMModelFactory()
    draft = LLMModelFactory(status=LLMModel.Status.DRAFT)
    due = LLMModelFactory(
        status=LLMModel.Status.DRAFT, publish_at=tz.now() - dt.timedelta(minutes=1)
    )
    LLMModelFactory(
        status=LLMModel.Status.DRAFT, publish_at=tz.now() + dt.timedelta(days=1)
    )
    assert set(LLMModel.objects.published()) == {published, due}
    assert draft not in LLMModel.objects.published()


def test_provider_factory_reuses_slug():
    assert ProviderFactory(slug="p") == ProviderFactory(slug="p")
