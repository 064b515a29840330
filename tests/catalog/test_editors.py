"""The Editors group: the daily work of keeping the catalog, and nothing more."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from api.models import PartnerKey
from catalog.models import LLMModel, Offering, PricePoint, Review
from comparisons.models import Comparison
from tests.catalog.adminforms import change_form_data
from tests.factories import (
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-passphrase"


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user(
        "edna", password=PASSWORD, first_name="Edna", last_name="Mode", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_editor_signs_in_on_the_admin_login_page(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "edna", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == HTTPStatus.FOUND
    home = client.get(reverse("admin:index"))
    assert home.status_code == HTTPStatus.OK
    assert b"Review queue" in home.content


def test_editor_adds_a_model_with_two_offerings(editor_client, editor):
    vendor = VendorFactory(name="Acme")
    first, second = ProviderFactory(name="Cloud A"), ProviderFactory(name="Cloud B")
    url = reverse("admin:catalog_llmmodel_add")
    data = change_form_data(editor_client.get(url))
    data.update(
        {
            "name": "Acme Large",
            "slug": "acme-large",
            "vendor": str(vendor.pk),
            "status": "draft",
            "context_window": "200000",
            "input_modalities": '["text", "image"]',
            "vision": "true",
            "offerings-TOTAL_FORMS": "2",
            "offerings-0-provider": str(first.pk),
            "offerings-0-input_price": "3",
            "offerings-0-output_price": "15",
            "offerings-0-is_available": "on",
            "offerings-1-provider": str(second.pk),
            "offerings-1-input_price": "2.5",
            "offerings-1-is_available": "on",
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context[
        "adminform"
    ].form.errors
    model = LLMModel.objects.get(slug="acme-large")
    assert model.vision is True
    assert model.input_modalities == ["text", "image"]
    prices = {
        o.provider.name: (o.input_price, o.output_price) for o in model.offerings.all()
    }
    # A price left empty stays unknown, never 0.
    assert prices == {
        "Cloud A": (Decimal("3"), Decimal("15")),
        "Cloud B": (Decimal("2.5"), None),
    }
    assert model.history.get().history_user == editor


def test_editor_changes_a_price_and_the_old_one_is_kept(editor_client, editor):
    offering = OfferingFactory(
        input_price=Decimal("1.00"), output_price=Decimal("4.00")
    )
    url = reverse("admin:catalog_offering_change", args=[offering.pk])
    data = change_form_data(editor_client.get(url))
    data["input_price"] = "0.80"

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    offering.refresh_from_db()
    assert offering.input_price == Decimal("0.80")
    point = PricePoint.objects.get(offering=offering)
    assert (point.input_price, point.output_price) == (Decimal("1.00"), Decimal("4.00"))
    page = editor_client.get(url)
    history = {i.formset.prefix: i for i in page.context["inline_admin_formsets"]}
    assert [f.instance for f in history["price_history"].formset.forms] == [point]
    revision = offering.history.first()
    assert revision.history_user == editor
    assert revision.diff_against(revision.prev_record).changed_fields == ["input_price"]


def test_editor_changes_a_price_inline_on_the_model_page(editor_client):
    offering = OfferingFactory(input_price=Decimal("1.00"))
    url = reverse("admin:catalog_llmmodel_change", args=[offering.model.pk])
    data = change_form_data(editor_client.get(url))
    data["offerings-0-input_price"] = "1.10"

    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    offering.refresh_from_db()
    assert offering.input_price == Decimal("1.10")
    assert offering.price_history.get().input_price == Decimal("1.00")


def test_editor_adds_a_review_on_the_model_page(editor_client):
    model = LLMModelFactory()
    url = reverse("admin:catalog_llmmodel_change", args=[model.pk])
    data = change_form_data(editor_client.get(url))
    data.update(
        {
            "reviews-TOTAL_FORMS": "1",
            "reviews-0-reviewed_on": "2026-05-14",
            "reviews-0-reviewer": "Edna Mode",
            "reviews-0-summary": "Prices and context checked.",
            "reviews-0-sources": '["https://vendor.example.com/pricing"]',
        }
    )

    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    review = Review.objects.get(model=model)
    assert review.sources == ["https://vendor.example.com/pricing"]


def test_editor_edits_a_curated_comparison_and_its_faq(editor_client):
    comparison = ComparisonFactory()
    url = reverse("admin:comparisons_comparison_change", args=[comparison.pk])
    data = change_form_data(editor_client.get(url))
    data.update(
        {
            "is_featured": "on",
            "verdict": "Pick the cheaper one for bulk work.",
            "faq_entries-TOTAL_FORMS": "1",
            "faq_entries-0-question": "Which is cheaper?",
            "faq_entries-0-answer": "The first, by a third.",
            "faq_entries-0-position": "1",
        }
    )

    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    comparison = Comparison.objects.get()
    assert comparison.is_featured
    assert comparison.verdict == "Pick the cheaper one for bulk work."
    assert [f.question for f in comparison.faq_entries.all()] == ["Which is cheaper?"]


def test_editor_finds_models_with_autocomplete_for_a_comparison(editor_client):
    LLMModelFactory(name="Needle")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "comparisons",
            "model_name": "comparison",
            "field_name": "model_a",
            "term": "need",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Needle"]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:auth_group_add",
        "admin:api_partnerkey_changelist",
        "admin:api_partnerkey_add",
    ],
)
def test_editor_is_refused_users_groups_and_partner_keys(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == HTTPStatus.FORBIDDEN


def test_editor_cannot_change_an_existing_user_or_key(editor_client, editor):
    key, _ = PartnerKey.objects.create_key(name="Partner")
    for url in (
        reverse("admin:auth_user_change", args=[editor.pk]),
        reverse("admin:api_partnerkey_change", args=[key.pk]),
    ):
        assert editor_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert (
        editor_client.post(
            reverse("admin:auth_user_change", args=[editor.pk]),
            {"username": "edna", "is_superuser": "on"},
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_editor_home_lists_catalog_comparisons_and_upstream_data_only(editor_client):
    response = editor_client.get(reverse("admin:index"))
    apps = {app["app_label"] for app in response.context["app_list"]}
    assert apps == {"catalog", "comparisons", "upstream"}
    names = {m["object_name"] for m in response.context["app_list"][0]["models"]}
    assert "PartnerKey" not in names
    assert "Offering" in names


def test_staff_member_outside_editors_cannot_touch_the_catalog(client):
    outsider = User.objects.create_user("otto", password=PASSWORD, is_staff=True)
    client.force_login(outsider)
    response = client.get(reverse("admin:catalog_llmmodel_changelist"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"Review queue" not in client.get(reverse("admin:index")).content
    assert not Offering.objects.exists()
