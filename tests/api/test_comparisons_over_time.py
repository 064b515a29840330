"""The pair answer follows the calendar: an answer kept yesterday is not served today."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def at(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_pair_answer_is_derived_again_after_midnight(api, catalog):
    grok = catalog["grok"]
    day = timezone.now().date() + dt.timedelta(days=3)
    grok.deprecation_date = day
    grok.save()
    url = "/api/v1/comparisons/gpt-4-1-mini-vs-grok-4-20/"
    evening = dt.datetime.combine(day, dt.time(23, 0), tzinfo=dt.UTC) - dt.timedelta(
        days=1
    )
    with at(evening):
        choose = api.get(url).json()["choose"]["grok-4-20"]
    assert not any("is retired" in sentence for sentence in choose)
    with at(evening + dt.timedelta(hours=2)):
        choose = api.get(url).json()["choose"]["grok-4-20"]
    assert choose and "is retired" in choose[0]
