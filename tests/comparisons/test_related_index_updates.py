"""The related-pairs index follows each edit in place, and ends up as a fresh build would."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.cache import bump_catalog_version, catalog_version
from catalog.models import LLMModel, Offering
from comparisons.services import blend_input_weight
from comparisons.services.related_index import (
    _related_index_build,
    _related_index_update,
    related_index,
)
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = (
    "by_pk",
    "by_slug",
    "by_vendor",
    "recent",
    "ladder",
    "ladder_prices",
    "featured",
    "curated_pairs",
)


@pytest.fixture
def catalog():
    vendors = [VendorFactory(slug=f"v{n}") for n in range(3)]
    provider = ProviderFactory(slug="host")
    models = []
    for n in range(12):
        model = LLMModelFactory(
            slug=f"m{n:02}",
            name=f"M{n:02}",
            vendor=vendors[n % 3],
            release_date=dt.date(2025, 1, 1) + dt.timedelta(days=7 * (n % 5)),
        )
        if n % 4 != 3:  # some models have no price
            OfferingFactory(
                model=model,
                provider=provider,
                input_price=Decimal(n + 1),
                output_price=Decimal(2 * n + 1),
            )
        models.append(model)
    ComparisonFactory(model_a=models[0], model_b=models[5], is_featured=True)
    scheduled = LLMModelFactory(
        slug="soon",
        vendor=vendors[0],
        status=LLMModel.Status.DRAFT,
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    return {
        "models": models,
        "vendors": vendors,
        "provider": provider,
        "soon": scheduled,
    }


def assert_same_as_a_fresh_build(updated) -> None:
    fresh = _related_index_build(blend_input_weight())
    for field in FIELDS:
        assert getattr(updated, field) == getattr(fresh, field), field


def _rename(c):
    c["models"][1].name = "Renamed"
    c["models"][1].save()


def _reprice(c):
    offering = Offering.objects.get(model=c["models"][2])
    offering.input_price = Decimal("0.01")
    offering.save()


def _withdraw_offering(c):
    offering = Offering.objects.get(model=c["models"][4])
    offering.is_available = False
    offering.save()


def _delete(c):
    c["models"][6].delete()


def _unpublish(c):
    c["models"][7].status = LLMModel.Status.DRAFT
    c["models"][7].save()


def _publish_a_draft(c):
    draft = LLMModelFactory(slug="fresh", vendor=c["vendors"][1], status="draft")
    OfferingFactory(model=draft, provider=c["provider"])
    draft.status = LLMModel.Status.PUBLISHED
    draft.save()


def _schedule_a_draft(c):
    draft = LLMModelFactory(slug="later", vendor=c["vendors"][2], status="draft")
    draft.publish_at = timezone.now() + dt.timedelta(hours=3)
    draft.save()


def _price_a_scheduled_draft(c):
    """Nobody sees a scheduled draft yet, so the change log does not name it."""
    OfferingFactory(model=c["soon"], provider=c["provider"], input_price=Decimal(9))


def _reprice_a_scheduled_draft_in_a_transaction(c):
    offering = Offering.objects.filter(model=c["soon"]).first() or OfferingFactory(
        model=c["soon"], provider=c["provider"]
    )
    with transaction.atomic():
        offering.output_price = Decimal("0.02")
        offering.save()


def _redate_a_scheduled_draft(c):
    """Unlogged, and it moves the draft in its vendor's list: read again, not skipped."""
    c["soon"].release_date = "2030-01-01"
    c["soon"].save()


def _rename_a_scheduled_draft(c):
    c["soon"].name = "Soon Renamed"
    c["soon"].save()


def _unschedule(c):
    c["soon"].publish_at = None
    c["soon"].save()


def _new_release_date(c):
    c["models"][9].release_date = dt.date(2026, 6, 1)
    c["models"][9].save()


def _move_vendor(c):
    c["models"][10].vendor = c["vendors"][0]
    c["models"][10].save()


def _feature_a_pair(c):
    ComparisonFactory(model_a=c["models"][3], model_b=c["models"][8], is_featured=True)


def _rename_slug(c):
    c["models"][11].slug = "m11-renamed"
    c["models"][11].save()


EDITS = [
    _rename,
    _reprice,
    _withdraw_offering,
    _delete,
    _unpublish,
    _publish_a_draft,
    _schedule_a_draft,
    _price_a_scheduled_draft,
    _reprice_a_scheduled_draft_in_a_transaction,
    _redate_a_scheduled_draft,
    _rename_a_scheduled_draft,
    _unschedule,
    _new_release_date,
    _move_vendor,
    _feature_a_pair,
    _rename_slug,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__.strip("_"))
def test_an_updated_index_equals_a_fresh_build(catalog, edit):
    before = _related_index_build(blend_input_weight())
    edit(catalog)

    updated = _related_index_update(before, blend_input_weight())

    assert updated is not None, "the edit should be taken in without a rebuild"
    assert_same_as_a_fresh_build(updated)


def test_edits_one_after_another_keep_the_index_right(catalog):
    related_index(catalog_version(), blend_input_weight())
    for edit in EDITS:
        edit(catalog)
        assert_same_as_a_fresh_build(
            related_index(catalog_version(), blend_input_weight())
        )


def test_an_update_costs_the_same_few_queries_however_large_the_catalog(
    catalog, django_assert_num_queries
):
    before = _related_index_build(blend_input_weight())
    _rename(catalog)

    # Pruning check, the log, the changed and scheduled models, their prices,
    # their vendors' order.
    with django_assert_num_queries(5):
        _related_index_update(before, blend_input_weight())


def test_delete_unpublish_and_rename_show_at_once_in_pages(client, catalog):
    models = catalog["models"]
    pair = f"/compare/{models[0].slug}-vs-{models[3].slug}/"
    assert client.get(pair).status_code == HTTPStatus.OK

    models[6].delete()
    models[7].status = LLMModel.Status.DRAFT
    models[7].save()
    models[3].name = "Now Called Something Else"
    models[3].save()

    page = client.get(pair).content.decode()
    assert "Now Called Something Else" in page
    assert f"/compare/{models[6].slug}-vs-" not in page
    assert f"-vs-{models[6].slug}/" not in page
    assert f"/models/{models[7].slug}/" not in page
    unpublished = f"/compare/{models[0].slug}-vs-{models[7].slug}/"
    assert client.get(unpublished).status_code == HTTPStatus.NOT_FOUND


def test_a_write_the_change_log_does_not_describe_makes_a_fresh_index(catalog):
    """Bulk writers and loaddata bump the version without log entries for the index."""
    related_index(catalog_version(), blend_input_weight())
    LLMModel.objects.filter(pk=catalog["models"][5].pk).update(name="Bulk Renamed")
    bump_catalog_version()

    index = related_index(catalog_version(), blend_input_weight())

    assert index.by_pk[catalog["models"][5].pk].name == "Bulk Renamed"
    assert_same_as_a_fresh_build(index)
