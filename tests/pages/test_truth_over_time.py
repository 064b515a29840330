"""Pages stay true as days pass: nothing derived on one day is served on the next.

The clock is moved by patching django.utils.timezone.now (the edge of what we
own); nothing sleeps.
"""

import datetime as dt
import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.utils import timezone

from catalog.models import LLMModel
from tests.factories import LLMModelFactory
from tests.pages.support import PAIR_URL, html_of, visible_text

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


def test_a_retired_model_gets_no_choose_heading_and_its_offerings_read_past(
    client, reference_models
):
    mini, _ = reference_models
    mini.lifecycle = LLMModel.Lifecycle.RETIRED
    mini.save()
    page = visible_text(html_of(client.get(PAIR_URL)))
    assert "Choose GPT-4.1 Mini when" not in page
    assert "GPT-4.1 Mini is retired" in page
    assert "GPT-4.1 Mini is offered by" not in page
    assert "GPT-4.1 Mini is the cheaper model" not in page
    assert "Choose Grok 4.20 when" in page
    response = client.get(PAIR_URL)
    assert 'content="noindex' in html_of(response)


def test_a_free_model_reads_free_in_the_verdict_tables_and_calculator(
    client, reference_models
):
    from decimal import Decimal

    from catalog.models import Offering

    mini, _ = reference_models
    for offering in Offering.objects.filter(model=mini):
        offering.input_price = Decimal("0")
        offering.output_price = Decimal("0")
        offering.save()
    page = visible_text(html_of(client.get(PAIR_URL)))
    assert "costs free" not in page and "cost free" not in page
    assert not re.search(r"\$0(\.0+)?(?![\d.,])", page)  # zero reads "free"
    calculator = page[page.index("Monthly cost calculator") :]
    calculator = calculator[: calculator.index("Capabilities")]
    assert "Free" in calculator
    assert "GPT-4.1 Mini is the cheaper model: free at" in page
