"""GET /api/v1/changes/: every change partners can see, after an export's cursor."""

import datetime as dt
import json
from decimal import Decimal
from http import HTTPStatus
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog import changes
from catalog.exporting import moment_text
from catalog.models import ChangeLogEntry, LLMModel, PriceTier
from tests.catalog.adminforms import change_form_data
from tests.factories import ComparisonFactory, LLMModelFactory, OfferingFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"


def export_cursor(api) -> str:
    response = api.get("/api/v1/export/")
    assert response.status_code == HTTPStatus.OK
    return json.loads(b"".join(response.streaming_content))["cursor"]


def feed(api, cursor: str, **params) -> dict:
    response = api.get(FEED, {"after": cursor, **params})
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def without_times(page: dict) -> list[dict]:
    return [
        {key: value for key, value in result.items() if key != "at"}
        for result in page["results"]
    ]


def test_a_price_change_is_an_upsert_of_the_offering_with_its_history(api, catalog):
    cursor = export_cursor(api)
    offering = catalog["mini"].offerings.get()
    offering.input_price = Decimal("0.45")
    offering.save()
    recorded = offering.price_history.get().created_at

    page = feed(api, cursor)

    assert without_times(page) == [
        {
            "kind": "offering",
            "action": "upsert",
            "model": "gpt-4-1-mini",
            "provider": "openrouter",
            "api_url": "http://testserver/api/v1/models/gpt-4-1-mini/",
            "object": {
                "provider": "openrouter",
                "provider_model_id": "openai/gpt-4.1-mini",
                "input_price": "0.45",
                "output_price": "1.60",
                "cached_input_price": "0.10",
                "cache_write_price": None,
                "tiers": [
                    {
                        "above_tokens": 200000,
                        "input_price": "0.80",
                        "output_price": "3.20",
                    }
                ],
                "context_window": None,
                "available": True,
                "url": "https://openrouter.ai/openai/gpt-4.1-mini",
                "source_url": offering.source_url,
                "checked_on": "2026-11-01",
                "price_history": [
                    {
                        "until": timezone.localdate().isoformat(),
                        "input_price": "0.40",
                        "output_price": "1.60",
                        "recorded_at": moment_text(recorded),
                    }
                ],
            },
        }
    ]
    assert page["next"] is None
    assert page["results"][0]["at"].endswith("Z")
    # Caught up: the page's cursor gives nothing more.
    assert feed(api, page["cursor"])["results"] == []


def feed_walk(api, cursor: str) -> list[dict]:
    """Every result after the cursor, one change a page (no collapsing on a page)."""
    results, page = [], feed(api, cursor, page_size=1)
    while page["results"]:
        results.extend(page["results"])
        page = feed(api, page["cursor"], page_size=1)
    return results


def entries_after(cursor: str) -> list[tuple]:
    rows = ChangeLogEntry.objects.filter(id__gt=changes.cursor_position(cursor))
    return [(row.kind, row.keys) for row in rows.order_by("id")]


MINI_AT_OPENROUTER = ("offering", {"model": "gpt-4-1-mini", "provider": "openrouter"})


@pytest.mark.parametrize("with_tier", [False, True])
def test_one_admin_price_edit_is_one_change(api, catalog, admin_client, with_tier):
    cursor = export_cursor(api)
    offering = catalog["mini"].offerings.get()
    url = reverse("admin:catalog_offering_change", args=[offering.pk])
    data = change_form_data(admin_client.get(url))
    data["input_price"] = "0.45"
    if with_tier:
        data["tiers-0-input_price"] = "0.90"

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert entries_after(cursor) == [MINI_AT_OPENROUTER]
    (result,) = feed_walk(api, cursor)
    assert result["object"]["input_price"] == "0.45"
    assert result["object"]["price_history"][-1]["input_price"] == "0.40"
    assert result["object"]["tiers"][0]["input_price"] == (
        "0.90" if with_tier else "0.80"
    )


def test_one_price_save_outside_the_admin_is_one_change(api, catalog):
    cursor = export_cursor(api)
    offering = catalog["mini"].offerings.get()
    offering.output_price = Decimal("1.70")

    offering.save()

    assert entries_after(cursor) == [MINI_AT_OPENROUTER]
    (result,) = feed_walk(api, cursor)
    assert result["object"]["price_history"][-1]["output_price"] == "1.60"


def test_a_new_tier_alone_is_an_upsert_of_its_offering(api, catalog):
    cursor = export_cursor(api)
    offering = catalog["grok"].offerings.get(provider__slug="openrouter")
    PriceTier.objects.create(
        offering=offering,
        above_tokens=128_000,
        input_price=Decimal("4"),
        output_price=Decimal("12"),
    )

    (result,) = feed(api, cursor)["results"]

    assert (result["kind"], result["action"], result["provider"]) == (
        "offering",
        "upsert",
        "openrouter",
    )
    assert result["object"]["tiers"] == [
        {"above_tokens": 128000, "input_price": "4.00", "output_price": "12.00"}
    ]


def test_a_deleted_offering_is_a_delete(api, catalog):
    cursor = export_cursor(api)
    catalog["grok"].offerings.get(provider__slug="azure").delete()

    assert without_times(feed(api, cursor)) == [
        {
            "kind": "offering",
            "action": "delete",
            "model": "grok-4-20",
            "provider": "azure",
            "api_url": "http://testserver/api/v1/models/grok-4-20/",
        }
    ]


def test_a_model_moved_back_to_draft_is_a_delete_with_its_comparisons(api, catalog):
    cursor = export_cursor(api)
    grok = catalog["grok"]
    grok.status = LLMModel.Status.DRAFT
    grok.save()

    results = without_times(feed(api, cursor))

    assert results == [
        {
            "kind": "model",
            "action": "delete",
            "slug": "grok-4-20",
            "api_url": "http://testserver/api/v1/models/grok-4-20/",
        },
        {
            "kind": "comparison",
            "action": "delete",
            "slug": "gpt-4-1-mini-vs-grok-4-20",
            "models": ["gpt-4-1-mini", "grok-4-20"],
            "api_url": "http://testserver/api/v1/comparisons/gpt-4-1-mini-vs-grok-4-20/",
        },
    ]


def test_a_deleted_model_is_a_delete(api, catalog):
    cursor = export_cursor(api)
    catalog["grok"].delete()

    results = feed(api, cursor)["results"]

    assert {(r["kind"], r["action"], r["slug"]) for r in results} == {
        ("model", "delete", "grok-4-20"),
        ("comparison", "delete", "gpt-4-1-mini-vs-grok-4-20"),
    }


def test_drafts_and_their_parts_never_appear(api, catalog):
    cursor = export_cursor(api)
    draft = catalog["draft"]
    draft.description = "Still secret."
    draft.save()
    offering = draft.offerings.get()
    offering.input_price = Decimal("0.02")
    offering.save()
    LLMModelFactory(
        slug="another-secret", status=LLMModel.Status.DRAFT, vendor=catalog["openai"]
    )

    page = feed(api, cursor)

    assert page["results"] == []
    assert "secret" not in json.dumps(page)


def test_publishing_a_draft_is_an_upsert_with_its_parts_and_comparisons(api, catalog):
    cursor = export_cursor(api)
    draft = catalog["draft"]
    draft.status = LLMModel.Status.PUBLISHED
    draft.save()

    results = feed(api, cursor)["results"]

    assert [(r["kind"], r["action"], r["slug"]) for r in results] == [
        ("model", "upsert", "secret-model"),
        ("comparison", "upsert", "gpt-4-1-mini-vs-secret-model"),
    ]
    assert [o["provider"] for o in results[0]["object"]["offerings"]] == ["openrouter"]
    assert results[1]["object"]["intro"] == "Not yet public."


def test_a_publish_time_that_comes_is_announced_once_without_any_write(api, catalog):
    now = timezone.now()
    scheduled = LLMModelFactory(
        slug="scheduled",
        status=LLMModel.Status.DRAFT,
        publish_at=now + dt.timedelta(hours=1),
    )
    ComparisonFactory(model_a=catalog["mini"], model_b=scheduled)
    cursor = export_cursor(api)
    assert feed(api, cursor)["results"] == []

    with mock.patch(
        "django.utils.timezone.now", return_value=now + dt.timedelta(hours=2)
    ):
        first = feed(api, cursor)
        again = feed(api, cursor)
        after = feed(api, first["cursor"])

    assert [(r["kind"], r["action"], r["slug"]) for r in first["results"]] == [
        ("model", "upsert", "scheduled"),
        ("comparison", "upsert", "gpt-4-1-mini-vs-scheduled"),
    ]
    assert again == first
    assert after["results"] == []


def test_a_renamed_model_is_a_delete_of_the_old_slug_and_an_upsert_of_the_new(
    api, catalog
):
    cursor = export_cursor(api)
    mini = catalog["mini"]
    mini.slug = "gpt-4-1-mini-2025"
    mini.save()

    results = feed(api, cursor)["results"]

    assert {(r["kind"], r["action"], r["slug"]) for r in results} == {
        ("model", "delete", "gpt-4-1-mini"),
        ("model", "upsert", "gpt-4-1-mini-2025"),
        ("comparison", "delete", "gpt-4-1-mini-vs-grok-4-20"),
        ("comparison", "upsert", "gpt-4-1-mini-2025-vs-grok-4-20"),
    }


def test_an_object_changed_twice_on_a_page_is_answered_once_at_its_last_change(
    api, catalog
):
    cursor = export_cursor(api)
    vendor = catalog["openai"]
    for description in ("First.", "Second.", "Third."):
        vendor.description = description
        vendor.save()

    (result,) = feed(api, cursor)["results"]

    assert result["object"]["description"] == "Third."


def test_pages_follow_one_another_with_nothing_skipped_or_repeated(api, catalog):
    cursor = export_cursor(api)
    offerings = list(catalog["grok"].offerings.all())
    for step in range(7):
        for offering in offerings:
            offering.checked_on = dt.date(2026, 11, 2 + step)
            offering.save()

    seen, page = [], feed(api, cursor, page_size=3)
    while True:
        seen.extend(r["provider"] for r in page["results"])
        if page["next"] is None:
            break
        response = api.get(page["next"])
        assert response.status_code == HTTPStatus.OK
        page = response.json()

    # Each page answers an offering once, at its last change on that page.
    assert seen.count("azure") == seen.count("openrouter") >= 3
    assert feed(api, page["cursor"])["results"] == []


def test_export_and_export_catalog_say_the_cursor_they_were_taken_at(api, catalog):
    cursor = export_cursor(api)
    assert changes.cursor_position(cursor) == ChangeLogEntry.objects.latest("id").id
    out = StringIO()
    call_command("export_catalog", "--published-only", stdout=out)
    assert json.loads(out.getvalue())["cursor"] == cursor


def test_an_exported_document_with_its_cursor_imports(api, catalog, tmp_path):
    response = api.get("/api/v1/export/")
    path = tmp_path / "catalog.json"
    path.write_bytes(b"".join(response.streaming_content))
    out = StringIO()
    call_command("import_catalog", str(path), stdout=out)
    assert "unknown key" not in out.getvalue()


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "",
            "after is required: start from the 'cursor' of a full export "
            "(/api/v1/export/), then use the 'cursor' each page of changes gives.",
        ),
        (
            "?after=2026-11-25T12:00:00Z",
            "after must be a cursor this API gave out (an export's or a page's "
            "'cursor'), as it is (got '2026-11-25T12:00:00Z').",
        ),
        (
            "?after=MTox&after=MTox",
            "Give 'after' once, not 2 times.",
        ),
        (
            "?after=MTox&page_size=500",
            "page_size must be a whole number from 1 to 200 (got '500').",
        ),
        (
            "?after=MTox&since=yesterday",
            "Unknown query parameter 'since'. This endpoint accepts: after, page_size.",
        ),
    ],
)
def test_a_bad_parameter_is_400_naming_it(api, catalog, query, detail):
    response = api.get(FEED + query)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": detail, "code": "invalid_parameter"}


def test_a_cursor_older_than_the_window_is_410_telling_to_export_again(
    api, catalog, settings
):
    cursor = export_cursor(api)
    vendor = catalog["openai"]
    vendor.description = "Edited."
    vendor.save()
    later = timezone.now() + dt.timedelta(days=settings.VERSUS_CHANGES_WINDOW_DAYS + 1)

    out = StringIO()
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("prune_changes", stdout=out)
        response = api.get(FEED, {"after": cursor})
        fresh = feed(api, export_cursor(api))

    assert out.getvalue().endswith("change(s) older than 90 days dropped.\n")
    assert not ChangeLogEntry.objects.exists()
    assert response.status_code == HTTPStatus.GONE
    assert response.json() == {
        "detail": "This cursor is older than the 90 days of changes kept. Take a new "
        "full export (/api/v1/export/) and follow the changes from its cursor.",
        "code": "cursor_expired",
    }
    assert fresh["results"] == []


def test_pruning_keeps_the_window(api, catalog, settings):
    cursor = export_cursor(api)
    vendor = catalog["openai"]
    vendor.description = "Edited."
    vendor.save()

    assert changes.changes_prune() == 0
    assert feed(api, cursor)["results"][0]["slug"] == "openai"


def test_keys_rates_and_methods_are_those_of_the_whole_api(api, anonymous, catalog):
    cursor = export_cursor(api)
    assert anonymous.get(FEED, {"after": cursor}).status_code == HTTPStatus.UNAUTHORIZED
    assert api.post(FEED).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_an_unchanged_page_answers_304(api, catalog):
    cursor = export_cursor(api)
    vendor = catalog["openai"]
    vendor.description = "Edited."
    vendor.save()
    response = api.get(FEED, {"after": cursor})
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Last-Modified"]

    again = api.get(FEED, {"after": cursor}, HTTP_IF_NONE_MATCH=response["ETag"])

    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_a_page_takes_the_same_queries_whatever_its_length(
    api, catalog, django_assert_num_queries
):
    cursor = export_cursor(api)
    for index in range(30):
        model = LLMModelFactory(slug=f"model-{index:02}", vendor=catalog["openai"])
        OfferingFactory(model=model, provider=catalog["mini"].offerings.get().provider)
    # The key; the pruning horizon and due publications; the horizon again and
    # the page; its models with their offerings, tiers, price history, scores
    # and reviews: 11 for 60 changes as for one.
    with django_assert_num_queries(11):
        page = feed(api, cursor, page_size=200)
    assert len(page["results"]) == 60


def test_a_page_of_one_change_takes_as_many_queries(
    api, catalog, django_assert_num_queries
):
    cursor = export_cursor(api)
    offering = catalog["mini"].offerings.get()
    offering.checked_on = dt.date(2026, 11, 30)
    offering.save()
    with django_assert_num_queries(11):
        page = feed(api, cursor, page_size=200)
    assert len(page["results"]) == 1
