"""The Atom feed of price changes and newly published models."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import LLMModel
from tests.factories import LLMModelFactory, OfferingFactory, ProviderFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = "/feeds/changes.atom"


def _entries(client) -> list[dict[str, str]]:
    response = client.get(FEED_URL)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def _change_price(offering, **prices) -> None:
    for name, value in prices.items():
        setattr(offering, name, Decimal(value))
    offering.save()


def test_feed_route_is_named():
    assert reverse("catalog:changes-feed") == FEED_URL


def test_price_change_appears_with_old_and_new_price(client):
    model = LLMModelFactory(name="Gizmo", slug="gizmo")
    offering = OfferingFactory(
        model=model,
        provider=ProviderFactory(name="Cloudy"),
        input_price=Decimal("2"),
        output_price=Decimal("8"),
    )
    _change_price(offering, input_price="1.5")

    entries = _entries(client)

    price = next(e for e in entries if e["title"].startswith("Price change"))
    assert price["title"] == "Price change: Gizmo on Cloudy"
    # Money as the pages write it: $1.50, never $1.5.
    assert price["summary"] == ("Input $2 → $1.50, output $8 → $8 per million tokens.")
    assert price["link"].endswith("/models/gizmo/")
    assert price["id"].startswith("tag:versus,2026:price-")


def test_successive_price_changes_each_show_the_price_that_followed(client):
    offering = OfferingFactory(input_price=Decimal("3"), output_price=Decimal("9"))
    _change_price(offering, input_price="2")
    _change_price(offering, input_price="1")
    summaries = [
        e["summary"] for e in _entries(client) if e["title"].startswith("Price")
    ]
    assert summaries == [
        "Input $2 → $1, output $9 → $9 per million tokens.",
        "Input $3 → $2, output $9 → $9 per million tokens.",
    ]


def test_an_edit_and_its_revert_within_a_second_are_both_kept_in_order(client):
    """Same-day changes were one entry a day: the $0.30 in between was lost and the
    feed said "Input $0.4 → $0.4"."""
    model = LLMModelFactory(name="Mini", slug="mini")
    offering = OfferingFactory(
        model=model,
        provider=ProviderFactory(name="Cloudy"),
        input_price=Decimal("0.40"),
        output_price=Decimal("1.60"),
    )
    _change_price(offering, input_price="0.30")
    _change_price(offering, input_price="0.40")
    points = list(offering.price_history.order_by("changed_at", "id"))
    assert [p.input_price for p in points] == [Decimal("0.40"), Decimal("0.30")]
    assert points[0].changed_at < points[1].changed_at
    assert (points[1].changed_at - points[0].changed_at) < dt.timedelta(seconds=1)
    summaries = [
        e["summary"] for e in _entries(client) if e["title"].startswith("Price")
    ]
    assert summaries == [
        "Input $0.30 → $0.40, output $1.60 → $1.60 per million tokens.",
        "Input $0.40 → $0.30, output $1.60 → $1.60 per million tokens.",
    ]
    page = client.get("/models/mini/").content.decode()
    history = page[page.index("Earlier prices at Cloudy") :]
    history = history[: history.index("</table>")]
    assert history.index("$0.40") < history.index("$0.30") < history.index("Now")
    assert history.count(" UTC") == 2  # each change with its moment


def test_a_change_to_the_same_price_is_never_announced(client):
    offering = OfferingFactory(input_price=Decimal("1"), output_price=Decimal("2"))
    # An earlier-price entry equal to what followed it (as an import may leave).
    offering.price_history.create(
        until=timezone.localdate(),
        input_price=Decimal("1.00"),
        output_price=Decimal("2"),
    )
    assert not [e for e in _entries(client) if e["title"].startswith("Price")]


def test_imported_history_is_dated_by_its_own_day_not_the_import(client):
    offering = OfferingFactory(input_price=Decimal("2"), output_price=Decimal("8"))
    offering.price_history.create(
        until=dt.date(2025, 6, 10),
        input_price=Decimal("10"),
        output_price=Decimal("40"),
    )
    root = ET.fromstring(client.get(FEED_URL).content)
    (entry,) = [
        e
        for e in root.findall(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title").startswith("Price")
    ]
    assert entry.findtext(f"{ATOM}updated").startswith("2025-06-10")
    assert entry.findtext(f"{ATOM}summary") == (
        "Input $10 → $2, output $40 → $8 per million tokens."
    )


def test_new_published_model_appears(client):
    LLMModelFactory(name="Fresh", vendor__name="Acme")
    titles = [e["title"] for e in _entries(client)]
    assert titles == ["New: Fresh by Acme"]


def test_drafts_never_appear_not_even_their_price_changes(client):
    draft = LLMModelFactory(name="Secret", status=LLMModel.Status.DRAFT)
    offering = OfferingFactory(model=draft, input_price=Decimal("5"))
    _change_price(offering, input_price="4")
    future = timezone.now() + dt.timedelta(days=2)
    LLMModelFactory(name="Scheduled", status=LLMModel.Status.DRAFT, publish_at=future)

    response = client.get(FEED_URL)

    assert b"Secret" not in response.content
    assert b"Scheduled" not in response.content
    assert _entries(client) == []


def test_scheduled_draft_appears_once_its_time_has_come(client):
    past = timezone.now() - dt.timedelta(hours=1)
    LLMModelFactory(name="Due", status=LLMModel.Status.DRAFT, publish_at=past)
    assert [e["title"] for e in _entries(client)] == [
        f"New: Due by {LLMModel.objects.get().vendor.name}"
    ]


def test_draft_published_later_is_dated_by_its_publication(client):
    model = LLMModelFactory(name="Late", status=LLMModel.Status.DRAFT)
    LLMModel.objects.filter(pk=model.pk).update(
        created_at=timezone.now() - dt.timedelta(days=300)
    )
    model.refresh_from_db()
    model.status = LLMModel.Status.PUBLISHED
    model.save()

    root = ET.fromstring(client.get(FEED_URL).content)
    updated = root.find(f"{ATOM}entry").findtext(f"{ATOM}updated")

    assert dt.datetime.fromisoformat(updated) > timezone.now() - dt.timedelta(hours=1)


@pytest.mark.parametrize("size", [2, 8])
def test_feed_query_count_is_fixed(client, django_assert_num_queries, size):
    for _ in range(size):
        offering = OfferingFactory()
        _change_price(offering, input_price="0.5")
    with django_assert_num_queries(3):
        client.get(FEED_URL)
