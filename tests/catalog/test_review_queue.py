"""The review queue on the admin home: what editors should look at next."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import LLMModel, Offering
from catalog.services import review_queue_build
from tests.factories import (
    LLMModelFactory,
    OfferingFactory,
    ReviewFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _queue(**kwargs) -> dict[str, list[str]]:
    return {
        section.key: [entry.model.name for entry in section.entries]
        for section in review_queue_build(**kwargs)
    }


def _complete_model(name: str, *, reviewed_days_ago: int = 1) -> LLMModel:
    """A published model with an offering, a score and a review after its last edit."""
    model = LLMModelFactory(name=name)
    OfferingFactory(model=model, checked_on=TODAY)
    ScoreFactory(model=model)
    ReviewFactory(
        model=model, reviewed_on=TODAY + dt.timedelta(days=1 - reviewed_days_ago)
    )
    return model


def _backdate(model: LLMModel, days: int) -> None:
    """Pretend every row of the model was last edited `days` ago."""
    stamp = timezone.now() - dt.timedelta(days=days)
    LLMModel.objects.filter(pk=model.pk).update(updated_at=stamp)
    model.offerings.update(updated_at=stamp)
    model.scores.update(updated_at=stamp)


def test_complete_recently_reviewed_model_is_not_queued():
    _complete_model("Fine")
    assert all(names == [] for names in _queue().values())


def test_model_never_reviewed_is_queued():
    model = LLMModelFactory(name="Fresh")
    OfferingFactory(model=model, checked_on=TODAY)
    ScoreFactory(model=model)
    assert _queue()["never-reviewed"] == ["Fresh"]


def test_model_with_old_review_is_queued_as_stale(settings):
    settings.VERSUS_REVIEW_STALE_DAYS = 30
    model = _complete_model("Old")
    model.reviews.update(reviewed_on=TODAY - dt.timedelta(days=31))
    _backdate(model, 40)
    _complete_model("Recent")
    queue = _queue()
    assert queue["review-stale"] == ["Old"]
    assert queue["changed-since-review"] == []


@pytest.mark.parametrize("what", ["model", "offering", "score"])
def test_model_edited_after_its_review_is_queued(what):
    model = _complete_model("Edited", reviewed_days_ago=5)
    _backdate(model, 10)
    row = {
        "model": model,
        "offering": model.offerings.first(),
        "score": model.scores.first(),
    }[what]
    row.save()  # edited today, after the review five days ago
    assert _queue()["changed-since-review"] == ["Edited"]


def test_price_not_checked_for_the_stale_limit_is_queued(settings):
    settings.VERSUS_PRICE_STALE_DAYS = 90
    model = _complete_model("Pricey")
    offering = model.offerings.get()
    Offering.objects.filter(pk=offering.pk).update(
        checked_on=TODAY - dt.timedelta(days=91)
    )
    unchecked = OfferingFactory(model=model, checked_on=None)
    sections = {s.key: s for s in review_queue_build()}
    entries = sections["prices-unchecked"].entries
    assert [e.offering for e in entries] == [unchecked, offering]
    assert entries[0].note.endswith("never checked")


def test_published_model_without_offering_or_score_is_queued_but_not_a_draft():
    LLMModelFactory(name="Bare")
    LLMModelFactory(name="Draft", status=LLMModel.Status.DRAFT)
    with_offering = LLMModelFactory(name="No Score")
    OfferingFactory(model=with_offering, checked_on=TODAY)
    sections = {s.key: s for s in review_queue_build()}
    notes = {e.model.name: e.note for e in sections["incomplete"].entries}
    assert notes == {"Bare": "no offering and no score", "No Score": "no score"}


def test_deprecation_within_ninety_days_is_queued():
    soon = _complete_model("Soon Gone")
    LLMModel.objects.filter(pk=soon.pk).update(
        deprecation_date=TODAY + dt.timedelta(days=30)
    )
    later = _complete_model("Later Gone")
    LLMModel.objects.filter(pk=later.pk).update(
        deprecation_date=TODAY + dt.timedelta(days=200)
    )
    past = _complete_model("Already Gone")
    LLMModel.objects.filter(pk=past.pk).update(
        deprecation_date=TODAY - dt.timedelta(days=1)
    )
    assert _queue()["deprecations"] == ["Soon Gone"]


def test_a_deprecation_date_that_has_come_is_queued_until_the_model_is_retired():
    """A model past its date was neither 'coming up' nor anywhere in the queue."""
    past = _complete_model("Already Gone")
    LLMModel.objects.filter(pk=past.pk).update(
        deprecation_date=TODAY - dt.timedelta(days=5),
        lifecycle=LLMModel.Lifecycle.DEPRECATED,
    )
    today = _complete_model("Gone Today")
    LLMModel.objects.filter(pk=today.pk).update(deprecation_date=TODAY)
    retired = _complete_model("Marked Retired")
    LLMModel.objects.filter(pk=retired.pk).update(
        deprecation_date=TODAY - dt.timedelta(days=5),
        lifecycle=LLMModel.Lifecycle.RETIRED,
    )
    queue = _queue()
    assert queue["deprecation-passed"] == ["Already Gone", "Gone Today"]
    assert queue["deprecations"] == []
    # Tomorrow's date is only coming up today, and has passed tomorrow.
    LLMModel.objects.filter(pk=today.pk).update(
        deprecation_date=TODAY + dt.timedelta(days=1)
    )
    assert _queue()["deprecations"] == ["Gone Today"]
    later = _queue(today=TODAY + dt.timedelta(days=1))
    assert later["deprecation-passed"] == ["Already Gone", "Gone Today"]


def _messy_catalog(size: int) -> None:
    for index in range(size):
        model = LLMModelFactory(
            deprecation_date=TODAY + dt.timedelta(days=10) if index % 2 else None
        )
        if index % 3:
            OfferingFactory(model=model, checked_on=None)
            OfferingFactory(model=model, checked_on=TODAY - dt.timedelta(days=200))
        if index % 4:
            ScoreFactory(model=model)
        if index % 5:
            ReviewFactory(model=model, reviewed_on=TODAY - dt.timedelta(days=400))


@pytest.mark.parametrize("size", [3, 30])
def test_queue_takes_two_queries_whatever_the_catalog_size(
    size, django_assert_num_queries
):
    _messy_catalog(size)
    with django_assert_num_queries(2):
        sections = review_queue_build()
    assert sum(section.total for section in sections) > size


def test_admin_home_query_count_does_not_grow_with_the_catalog(admin_client):
    # A process that has served a page before: what it reads once in its life
    # (the models' stamps from the change log) is not counted in either.
    admin_client.get(reverse("admin:index"))
    _messy_catalog(3)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(reverse("admin:index"))
    _messy_catalog(27)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert len(large) == len(small)


def test_admin_home_links_each_entry_to_the_place_to_fix_it(admin_client):
    bare = LLMModelFactory(name="Bare Model")
    offering = OfferingFactory(model=bare, checked_on=None)

    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Review queue" in page
    model_url = reverse("admin:catalog_llmmodel_change", args=[bare.pk])
    offering_url = reverse("admin:catalog_offering_change", args=[offering.pk])
    mark_url = reverse("admin:catalog_llmmodel_mark_reviewed") + f"?ids={bare.pk}"
    assert f'href="{model_url}"' in page
    assert f'href="{offering_url}"' in page
    assert mark_url in page


def test_catalog_loaded_after_its_reviews_is_not_flagged_as_changed():
    """Loading a catalog writes every row today; that is not an edit to review."""
    model = _complete_model("Imported", reviewed_days_ago=60)
    assert model.reviews.get().reviewed_on < TODAY
    assert _queue()["changed-since-review"] == []


def test_offering_added_on_a_later_day_or_removed_is_a_change():
    added = _complete_model("Gains Provider", reviewed_days_ago=5)
    LLMModel.objects.filter(pk=added.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    OfferingFactory(model=added, checked_on=TODAY)
    removed = _complete_model("Loses Provider", reviewed_days_ago=5)
    removed.offerings.get().delete()
    OfferingFactory(model=removed, checked_on=TODAY)  # same day as creation: no news
    assert _queue()["changed-since-review"] == ["Gains Provider", "Loses Provider"]
