"""Pages stay true as days pass: nothing derived on one day is served on the next.

The clock is moved by patching django.utils.timezone.now (the edge of what we
own); nothing sleeps.
"""

import datetime as dt
from http import HTTPStatus
from unittest import mock

import pytest
from django.utils import timezone

from catalog.models import LLMModel
from tests.factories import LLMModelFactory
from tests.pages.test_pair_pages import PAIR_URL, html_of, visible_text

pytestmark = pytest.mark.django_db


def at(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_pair_page_cached_before_midnight_is_derived_again_after_it(
    client, reference_models
):
    """A deprecation date that passes overnight must not leave 'plans to' cached."""
    mini, _ = reference_models
    day = timezone.now().date() + dt.timedelta(days=3)
    mini.lifecycle = LLMModel.Lifecycle.DEPRECATED
    mini.deprecation_date = day
    mini.save()
    before = dt.datetime.combine(day, dt.time(23, 59, 50), tzinfo=dt.UTC) - (
        dt.timedelta(days=1)
    )
    with at(before):
        first = visible_text(html_of(client.get(PAIR_URL)))
        again = client.get(PAIR_URL)  # served from the cache
        assert visible_text(html_of(again)) == first
    assert "plans to stop serving it" in first
    with at(before + dt.timedelta(seconds=20)):  # 00:00:10 on the deprecation date
        after = visible_text(html_of(client.get(PAIR_URL)))
    assert "plans to" not in after
    assert "stopped serving it on" in after
    # Retired from that day: never recommended, pointed away from.
    assert "Consider Grok 4.20 instead." in after
    assert "Only Grok 4.20 can still be used" in after.replace(
        "Of the two, only", "Only"
    )


def test_a_scheduled_draft_appears_on_cached_pages_at_its_time_with_no_job(
    client, reference_models
):
    mini, _ = reference_models
    publish_at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=5)
    LLMModelFactory(
        slug="gpt-4-1-nano",
        name="GPT-4.1 Nano",
        vendor=mini.vendor,
        status=LLMModel.Status.DRAFT,
        publish_at=publish_at,
    )
    with at(publish_at - dt.timedelta(seconds=30)):
        assert "GPT-4.1 Nano" not in visible_text(html_of(client.get("/models/")))
        assert (
            client.get("/compare/gpt-4-1-mini-vs-gpt-4-1-nano/").status_code
            == HTTPStatus.NOT_FOUND
        )
    with at(publish_at + dt.timedelta(seconds=1)):
        assert "GPT-4.1 Nano" in visible_text(html_of(client.get("/models/")))
        assert (
            client.get("/compare/gpt-4-1-mini-vs-gpt-4-1-nano/").status_code
            == HTTPStatus.OK
        )
    assert LLMModel.objects.get(slug="gpt-4-1-nano").status == LLMModel.Status.DRAFT
