"""Editorial workflow in the admin: revisions and revert, edit locking, drafts."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.cache import VERSION_KEY, catalog_version
from catalog.forms import STALE_EDIT_MESSAGE
from catalog.models import LLMModel, Review
from tests.catalog.adminforms import change_form_data
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

STALE_START = STALE_EDIT_MESSAGE.split(".")[0]


def _editor(username: str, **names) -> User:
    user = User.objects.create_user(username, password="x" * 20, is_staff=True, **names)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor() -> User:
    return _editor("edna", first_name="Edna", last_name="Mode")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _change_url(model: LLMModel) -> str:
    return reverse("admin:catalog_llmmodel_change", args=[model.pk])


def _save(client, model: LLMModel, **changes) -> None:
    data = change_form_data(client.get(_change_url(model)))
    data.update(changes)
    response = client.post(_change_url(model), data)
    assert response.status_code == HTTPStatus.FOUND, response.context[
        "adminform"
    ].form.errors


# --- History and revert -------------------------------------------------------------


def test_history_page_shows_who_changed_which_field_from_what_to_what(
    editor_client,
):
    model = LLMModelFactory(name="Old Name", context_window=128_000)
    _save(editor_client, model, name="New Name", context_window="200000")

    response = editor_client.get(
        reverse("admin:catalog_llmmodel_history", args=[model.pk])
    )

    latest = response.context["page_obj"].object_list[0]
    assert latest.history_user.username == "edna"
    changes = {c["field"]: (c["old"], c["new"]) for c in latest.history_delta_changes}
    assert changes == {
        "Name": ("Old Name", "New Name"),
        "Context window": ("128000", "200000"),
    }
    assert b"Old Name" in response.content
    assert b"New Name" in response.content


def test_revert_restores_every_field_and_is_itself_a_revision(editor_client):
    vendor, other_vendor = VendorFactory(), VendorFactory()
    model = LLMModelFactory(
        name="Original",
        vendor=vendor,
        description="First words.",
        context_window=128_000,
        max_output_tokens=16_000,
        release_date="2025-04",
        input_modalities=["text"],
        vision=None,
        reasoning=False,
        lifecycle=LLMModel.Lifecycle.ACTIVE,
        license="Proprietary",
    )
    original = model.history.get()
    _save(
        editor_client,
        model,
        name="Changed",
        vendor=str(other_vendor.pk),
        description="Other words.",
        context_window="1000000",
        max_output_tokens="",
        release_date="2025-05-01",
        input_modalities='["text", "image"]',
        vision="true",
        reasoning="unknown",
        lifecycle="deprecated",
        deprecation_date="2026-12-31",
        license="MIT",
        status="draft",
        publish_at_0="2026-12-01",
        publish_at_1="09:00:00",
    )
    revert_url = reverse(
        "admin:catalog_llmmodel_simple_history", args=[model.pk, original.history_id]
    )

    response = editor_client.post(
        revert_url, change_form_data(editor_client.get(revert_url))
    )

    assert response.status_code == HTTPStatus.FOUND
    restored = LLMModel.objects.values().get(pk=model.pk)
    before = {
        field.attname: getattr(original, field.attname)
        for field in LLMModel._meta.concrete_fields
    }
    for stamp in ("created_at", "updated_at"):
        restored.pop(stamp), before.pop(stamp)
    assert restored == before
    assert model.history.count() == 3
    assert model.history.first().history_user.username == "edna"


def test_reverted_name_shows_on_the_reader_page_at_once(editor_client, client):
    model = LLMModelFactory(name="Before Revert", slug="revert-me")
    original = model.history.get()
    _save(editor_client, model, name="After Edit")
    reader = type(client)()
    pages = (reverse("catalog:model-list"), model.get_absolute_url())
    assert all(b"After Edit" in reader.get(url).content for url in pages)

    revert_url = reverse(
        "admin:catalog_llmmodel_simple_history", args=[model.pk, original.history_id]
    )
    editor_client.post(revert_url, change_form_data(editor_client.get(revert_url)))

    for url in pages:
        page = reader.get(url).content
        assert b"Before Revert" in page
        assert b"After Edit" not in page


def test_offering_history_records_price_change_by_editor(editor_client):
    offering = OfferingFactory(input_price=Decimal("2.00"))
    url = reverse("admin:catalog_offering_change", args=[offering.pk])
    data = change_form_data(editor_client.get(url))
    data["input_price"] = "1.50"
    editor_client.post(url, data)

    response = editor_client.get(
        reverse("admin:catalog_offering_history", args=[offering.pk])
    )

    latest = response.context["page_obj"].object_list[0]
    changes = {c["field"]: (c["old"], c["new"]) for c in latest.history_delta_changes}
    assert changes == {"Input price": ("2.000000", "1.500000")}


# --- Locking ------------------------------------------------------------------------


def test_stale_save_is_refused_with_the_other_editors_changes_and_keeps_mine(
    client, editor
):
    model = LLMModelFactory(name="Shared", context_window=128_000, description="")
    other = _editor("otto", first_name="Otto")
    mine = client
    mine.force_login(editor)
    theirs = type(client)()
    theirs.force_login(other)

    my_form = change_form_data(mine.get(_change_url(model)))
    _save(theirs, model, context_window="256000", license="Apache 2.0")
    my_form.update(
        {"description": "My careful paragraph.", "max_output_tokens": "8000"}
    )

    response = mine.post(_change_url(model), my_form)

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    [message] = form.non_field_errors()
    assert message.startswith(STALE_START)
    assert "Context window is now 256000" in message
    assert "License is now Apache 2.0" in message
    assert "Context window is now 256000" in response.content.decode()
    # Nothing of mine was saved, nothing of theirs was lost.
    model.refresh_from_db()
    assert (model.context_window, model.license) == (256_000, "Apache 2.0")
    assert model.description == ""
    # My edits are still in the form.
    assert form["description"].value() == "My careful paragraph."
    assert form["max_output_tokens"].value() == "8000"


def test_saving_again_after_a_conflict_overwrites_knowingly(client, editor):
    model = LLMModelFactory(name="Shared", context_window=128_000)
    theirs = type(client)()
    theirs.force_login(_editor("otto"))
    client.force_login(editor)
    my_form = change_form_data(client.get(_change_url(model)))
    _save(theirs, model, context_window="256000")
    my_form["description"] = "Mine."
    refused = client.post(_change_url(model), my_form)

    response = client.post(_change_url(model), change_form_data(refused))

    assert response.status_code == HTTPStatus.FOUND
    model.refresh_from_db()
    assert model.description == "Mine."
    assert model.context_window == 128_000  # my form still had my value


def test_inline_edits_are_kept_when_a_stale_save_is_refused(client, editor):
    offering = OfferingFactory(input_price=Decimal("1.00"))
    model = offering.model
    theirs = type(client)()
    theirs.force_login(_editor("otto"))
    client.force_login(editor)
    my_form = change_form_data(client.get(_change_url(model)))
    _save(theirs, model, name="Their Name")
    my_form["offerings-0-input_price"] = "0.75"

    response = client.post(_change_url(model), my_form)

    assert response.status_code == HTTPStatus.OK
    offering.refresh_from_db()
    assert offering.input_price == Decimal("1.00")
    inline = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert inline["input_price"].value() == "0.75"


def test_price_changed_by_another_editor_blocks_a_stale_model_save(client, editor):
    offering = OfferingFactory(input_price=Decimal("1.00"))
    model = offering.model
    client.force_login(editor)
    my_form = change_form_data(client.get(_change_url(model)))
    theirs = type(client)()
    theirs.force_login(_editor("otto"))
    offering_url = reverse("admin:catalog_offering_change", args=[offering.pk])
    their_form = change_form_data(theirs.get(offering_url))
    their_form["input_price"] = "0.90"
    assert theirs.post(offering_url, their_form).status_code == HTTPStatus.FOUND
    my_form["description"] = "Mine."

    response = client.post(_change_url(model), my_form)

    [message] = response.context["adminform"].form.non_field_errors()
    assert f"{offering}: input price is now 0.9" in message
    offering.refresh_from_db()
    assert offering.input_price == Decimal("0.90")
    model.refresh_from_db()
    assert model.description == ""


def test_offering_added_by_another_editor_is_named_in_the_refusal(client, editor):
    model = LLMModelFactory()
    client.force_login(editor)
    my_form = change_form_data(client.get(_change_url(model)))
    added = OfferingFactory(model=model)
    my_form["name"] = "Mine"

    response = client.post(_change_url(model), my_form)

    [message] = response.context["adminform"].form.non_field_errors()
    assert f"{added} was added" in message


def test_fresh_save_is_not_mistaken_for_a_conflict(editor_client):
    model = LLMModelFactory()
    _save(editor_client, model, name="First")
    _save(editor_client, model, name="Second")
    model.refresh_from_db()
    assert model.name == "Second"


# --- Drafts, preview and scheduled publishing -----------------------------------------


def test_scheduled_draft_is_listed_as_scheduled(editor_client):
    later = timezone.now() + dt.timedelta(days=3)
    LLMModelFactory(name="Soon", status=LLMModel.Status.DRAFT, publish_at=later)
    response = editor_client.get(
        reverse("admin:catalog_llmmodel_changelist"), {"publication": "scheduled"}
    )
    assert [m.name for m in response.context["cl"].result_list] == ["Soon"]
    assert b"Scheduled for" in response.content


def test_draft_view_on_site_goes_to_the_preview(editor_client):
    draft = LLMModelFactory(slug="hidden", status=LLMModel.Status.DRAFT)
    response = editor_client.get(_change_url(draft))
    assert b"/models/hidden/?preview=1" in response.content


def test_draft_page_offers_pair_previews_with_curated_partners_and_stablemates(
    editor_client,
):
    vendor = VendorFactory()
    draft = LLMModelFactory(slug="m-new", vendor=vendor, status=LLMModel.Status.DRAFT)
    sibling = LLMModelFactory(slug="m-old", vendor=vendor)
    rival = LLMModelFactory(slug="a-rival")
    ComparisonFactory(model_a=draft, model_b=rival)
    LLMModelFactory(slug="m-hidden", vendor=vendor, status=LLMModel.Status.DRAFT)

    page = editor_client.get(_change_url(draft)).content.decode()

    assert 'href="/compare/a-rival-vs-m-new/?preview=1"' in page
    assert 'href="/compare/m-new-vs-m-old/?preview=1"' in page
    assert "m-hidden-vs" not in page and "vs-m-hidden" not in page
    assert sibling.name in page


def test_curated_comparison_of_a_draft_views_on_site_as_preview(editor_client):
    draft = LLMModelFactory(slug="b-draft", status=LLMModel.Status.DRAFT)
    comparison = ComparisonFactory(
        model_a=draft, model_b=LLMModelFactory(slug="a-live")
    )
    url = reverse("admin:comparisons_comparison_change", args=[comparison.pk])
    assert b"/compare/a-live-vs-b-draft/?preview=1" in editor_client.get(url).content


def test_anonymous_reader_never_gets_a_draft_even_asking_for_preview(client):
    draft = LLMModelFactory(slug="hidden", status=LLMModel.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    response = client.get(draft.get_absolute_url(), {"preview": "1"})
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- Mark reviewed ----------------------------------------------------------------------


def test_mark_reviewed_in_bulk_records_one_review_each(editor_client):
    first, second = LLMModelFactory(name="First"), LLMModelFactory(name="Second")
    LLMModelFactory(name="Untouched")
    response = editor_client.post(
        reverse("admin:catalog_llmmodel_changelist"),
        {"action": "mark_reviewed", "_selected_action": [first.pk, second.pk]},
    )
    form_url = response["Location"]
    page = editor_client.get(form_url)
    assert page.context["form"]["reviewer"].value() == "Edna Mode"

    response = editor_client.post(
        form_url,
        {
            "ids": page.context["ids"],
            "reviewer": "Edna Mode",
            "reviewed_on": "2026-05-14",
            "summary": "Prices checked.",
            "sources": "https://a.example.com/pricing\n\nhttps://b.example.com/docs\n",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    reviews = Review.objects.order_by("model__name")
    assert [(r.model.name, r.reviewer, f"{r.reviewed_on}") for r in reviews] == [
        ("First", "Edna Mode", "2026-05-14"),
        ("Second", "Edna Mode", "2026-05-14"),
    ]
    assert reviews[0].sources == [
        "https://a.example.com/pricing",
        "https://b.example.com/docs",
    ]


def test_mark_reviewed_defaults_to_username_and_today(client):
    user = _editor("plain")
    client.force_login(user)
    model = LLMModelFactory()
    url = reverse("admin:catalog_llmmodel_mark_reviewed") + f"?ids={model.pk}"
    form = client.get(url).context["form"]
    assert form["reviewer"].value() == "plain"
    assert form["reviewed_on"].value() == timezone.localdate()


def test_mark_reviewed_refuses_a_source_that_is_not_an_address(editor_client):
    model = LLMModelFactory()
    url = reverse("admin:catalog_llmmodel_mark_reviewed")
    response = editor_client.post(
        url,
        {
            "ids": str(model.pk),
            "reviewer": "Edna",
            "reviewed_on": "2026-05-14",
            "sources": "https://ok.example.com\nmy notes",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["sources"] == [
        "Line 2 is not a web address (http or https): my notes"
    ]
    assert not Review.objects.exists()


def test_marking_twice_on_one_day_updates_the_review(editor_client):
    model = LLMModelFactory()
    url = reverse("admin:catalog_llmmodel_mark_reviewed")
    for source in ("https://one.example.com", "https://two.example.com"):
        editor_client.post(
            url,
            {
                "ids": str(model.pk),
                "reviewer": "Edna",
                "reviewed_on": "2026-05-14",
                "sources": source,
            },
        )
    assert list(Review.objects.values_list("sources", flat=True)) == [
        ["https://two.example.com"]
    ]


def test_staff_without_review_rights_cannot_mark_reviewed(client):
    client.force_login(User.objects.create_user("viewer", is_staff=True))
    model = LLMModelFactory()
    url = reverse("admin:catalog_llmmodel_mark_reviewed") + f"?ids={model.pk}"
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_publish_scheduled_publishes_due_drafts_as_a_revision(client):
    due = LLMModelFactory(
        slug="due",
        status=LLMModel.Status.DRAFT,
        publish_at=timezone.now() - dt.timedelta(minutes=1),
    )
    later = LLMModelFactory(
        slug="later",
        status=LLMModel.Status.DRAFT,
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    version = catalog_version()
    out = StringIO()

    call_command("publish_scheduled", stdout=out)

    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == LLMModel.Status.PUBLISHED
    assert later.status == LLMModel.Status.DRAFT
    assert due.history.first().history_change_reason == "Scheduled publication"
    assert cache.get(VERSION_KEY) != version
    assert "1 scheduled model(s) published." in out.getvalue()
    assert client.get(due.get_absolute_url()).status_code == HTTPStatus.OK
    assert client.get(later.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
