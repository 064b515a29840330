"""The editors' admin: every page opens, bad input is refused on its field."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from api.models import PartnerKey
from catalog.models import (
    NEGATIVE_PRICE_MESSAGE,
    OFFERING_CONTEXT_MESSAGE,
    TOKENS_MESSAGE,
    TOKENS_TOO_LARGE_MESSAGE,
    LLMModel,
    Offering,
    PriceTier,
    Review,
)
from catalog.validators import MODALITY_MESSAGE, PARTIAL_DATE_MESSAGE, SLUG_VS_MESSAGE
from comparisons.models import Comparison, ComparisonFAQ
from tests.catalog.adminforms import (
    change_form_data,
    field_errors,
    inline_errors,
)
from tests.factories import (
    BenchmarkFactory,
    ComparisonFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ReviewFactory,
    ScoreFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# The editorial admin: the catalog's own, and the tables that moved out of it
# to the apps they serve (partner keys, curated comparisons).
EDITORIAL_APPS = ("catalog", "api", "comparisons")
CATALOG_ADMINS = sorted(
    (
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model in admin.site._registry
        if model._meta.app_label in EDITORIAL_APPS
    ),
)


@pytest.fixture
def catalog():
    """One of everything, so changelists have rows to show."""
    model = LLMModelFactory(name="Alpha One", slug="alpha-one")
    other = LLMModelFactory(name="Beta Two", slug="beta-two")
    offering = OfferingFactory(model=model)
    PriceTier.objects.create(
        offering=offering,
        above_tokens=200_000,
        input_price=Decimal("2"),
        output_price=Decimal("8"),
    )
    offering.input_price = Decimal("1.50")
    offering.save()  # leaves one earlier price in the history
    ScoreFactory(model=model)
    ReviewFactory(model=model)
    comparison = ComparisonFactory(model_a=model, model_b=other, is_featured=True)
    ComparisonFAQ.objects.create(
        comparison=comparison, question="Which?", answer="This."
    )
    PartnerKey.objects.create_key(name="Partner")
    return model


def _url(model_name: str, view: str, *args, app_label: str = "catalog") -> str:
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def _admin_url(admin_name: str, view: str, *args) -> str:
    return reverse(f"admin:{admin_name}_{view}", args=args)


@pytest.mark.parametrize("admin_name", CATALOG_ADMINS)
def test_changelist_search_and_add_pages_open(admin_client, catalog, admin_name):
    changelist = _admin_url(admin_name, "changelist")
    assert admin_client.get(changelist).status_code == HTTPStatus.OK
    response = admin_client.get(changelist, {"q": "alpha"})
    assert response.status_code == HTTPStatus.OK
    assert admin_client.get(_admin_url(admin_name, "add")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("admin_name", CATALOG_ADMINS)
def test_change_and_history_pages_open(admin_client, catalog, admin_name):
    model_class = next(
        m
        for m in admin.site._registry
        if f"{m._meta.app_label}_{m._meta.model_name}" == admin_name
    )
    obj = model_class.objects.first()
    assert (
        admin_client.get(_admin_url(admin_name, "change", obj.pk)).status_code
        == HTTPStatus.OK
    )
    assert (
        admin_client.get(_admin_url(admin_name, "history", obj.pk)).status_code
        == HTTPStatus.OK
    )


def test_model_changelist_filters_all_open(admin_client, catalog):
    url = _url("llmmodel", "changelist")
    for query in (
        {"publication": "live"},
        {"publication": "draft"},
        {"publication": "scheduled"},
        {"review": "never"},
        {"review": "stale"},
        {"review": "recent"},
        {"lifecycle__exact": "active"},
        {"open_weights__exact": "1"},
        {"vision__isnull": "True"},
        {"vendor__id__exact": str(catalog.vendor_id)},
        {"o": "-3"},
    ):
        response = admin_client.get(url, query)
        assert response.status_code == HTTPStatus.OK, query


def test_model_filter_by_publication_separates_drafts(admin_client):
    LLMModelFactory(name="Live Model")
    LLMModelFactory(name="Draft Model", status=LLMModel.Status.DRAFT)
    live = admin_client.get(_url("llmmodel", "changelist"), {"publication": "live"})
    drafts = admin_client.get(_url("llmmodel", "changelist"), {"publication": "draft"})
    assert [m.name for m in live.context["cl"].result_list] == ["Live Model"]
    assert [m.name for m in drafts.context["cl"].result_list] == ["Draft Model"]


def test_model_search_finds_by_vendor_name(admin_client):
    LLMModelFactory(name="Gizmo", vendor=VendorFactory(name="Acme Labs"))
    LLMModelFactory(name="Other")
    response = admin_client.get(_url("llmmodel", "changelist"), {"q": "acme"})
    assert [m.name for m in response.context["cl"].result_list] == ["Gizmo"]


def test_model_changelist_query_count_does_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    LLMModelFactory.create_batch(2)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(_url("llmmodel", "changelist"))
    LLMModelFactory.create_batch(10)
    with CaptureQueriesContext(connection) as large:
        admin_client.get(_url("llmmodel", "changelist"))
    assert len(large) == len(small)


def test_autocomplete_lists_vendors_for_the_model_form(admin_client):
    VendorFactory(name="Acme Labs")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "catalog",
            "model_name": "llmmodel",
            "field_name": "vendor",
            "term": "acm",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert [item["text"] for item in response.json()["results"]] == ["Acme Labs"]


def test_offering_page_shows_tiers_and_price_history_newest_first(admin_client):
    offering = OfferingFactory(input_price=Decimal("3"), output_price=Decimal("9"))
    PriceTier.objects.create(
        offering=offering,
        above_tokens=128_000,
        input_price=Decimal("6"),
        output_price=Decimal("18"),
    )
    offering.refresh_from_db()
    offering.input_price = Decimal("2")
    offering.save()
    offering.refresh_from_db()
    offering.input_price = Decimal("1")
    offering.save()
    first, second = offering.price_history.order_by("id")
    first.until = first.until.replace(year=first.until.year - 1)
    first.save()

    response = admin_client.get(_url("offering", "change", offering.pk))

    inlines = {i.formset.prefix: i for i in response.context["inline_admin_formsets"]}
    shown = [
        form.instance.input_price for form in inlines["price_history"].formset.forms
    ]
    assert shown == [Decimal("2"), Decimal("3")]
    assert not inlines["price_history"].has_add_permission
    assert [f.instance.above_tokens for f in inlines["tiers"].formset.forms] == [
        128_000
    ]


def test_draft_model_page_offers_a_preview_link(admin_client):
    draft = LLMModelFactory(slug="secret-model", status=LLMModel.Status.DRAFT)
    response = admin_client.get(_url("llmmodel", "change", draft.pk))
    assert b'href="/models/secret-model/?preview=1"' in response.content


def test_published_model_page_links_to_the_live_page(admin_client):
    model = LLMModelFactory(slug="open-model")
    response = admin_client.get(_url("llmmodel", "change", model.pk))
    assert b'href="/models/open-model/"' in response.content
    assert b"?preview=1" not in response.content


def test_partner_key_is_shown_once_on_creation(admin_client):
    response = admin_client.get(_url("partnerkey", "add", app_label="api"))
    data = change_form_data(response)
    data.update({"name": "Acme partner", "rate": "100/hour"})
    response = admin_client.post(_url("partnerkey", "add", app_label="api"), data)
    key = PartnerKey.objects.get(name="Acme partner")
    assert response.status_code == 200
    assert b"shown only on this page" in response.content
    full_key = response.context["key"]
    assert full_key.encode() in response.content
    assert PartnerKey.objects.is_valid(full_key)
    secret = full_key.removeprefix(f"{key.prefix}.")
    assert not list(response.context["messages"])
    page = admin_client.get(_url("partnerkey", "change", key.pk, app_label="api"))
    assert secret.encode() not in page.content


def test_old_partner_key_admin_addresses_lead_to_the_new_ones(admin_client):
    key, _ = PartnerKey.objects.create_key(name="Partner")
    for old, new in (
        ("/admin/catalog/partnerkey/?q=acme", "/admin/api/partnerkey/?q=acme"),
        (
            f"/admin/catalog/partnerkey/{key.pk}/change/",
            _url("partnerkey", "change", key.pk, app_label="api"),
        ),
    ):
        response = admin_client.get(old)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == new
        assert admin_client.get(new).status_code == HTTPStatus.OK


def test_old_curated_comparison_admin_addresses_lead_to_the_new_ones(
    admin_client, catalog
):
    comparison = Comparison.objects.get()
    new = _url("comparison", "change", comparison.pk, app_label="comparisons")
    response = admin_client.get(f"/admin/catalog/comparison/{comparison.pk}/change/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == new
    assert admin_client.get(new).status_code == HTTPStatus.OK


# --- Validation: on the field, in plain words, nothing saved ------------------------


def _model_form(admin_client, model=None):
    url = _url("llmmodel", "change", model.pk) if model else _url("llmmodel", "add")
    return url, change_form_data(admin_client.get(url))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "alpha-vs-beta", SLUG_VS_MESSAGE),
        ("context_window", "0", TOKENS_MESSAGE),
        ("context_window", "5000000000", TOKENS_TOO_LARGE_MESSAGE),
        ("max_output_tokens", "0", TOKENS_MESSAGE),
        ("release_date", "2025-13", "2025-13 is not a real date."),
        ("release_date", "May 2025", PARTIAL_DATE_MESSAGE),
        ("release_date", "2025-02-30", "2025-02-30 is not a real date."),
        ("knowledge_cutoff", "2024/06", PARTIAL_DATE_MESSAGE),
        (
            "input_modalities",
            '["text", "smell"]',
            MODALITY_MESSAGE + " Not allowed: smell.",
        ),
        ("output_modalities", '"text"', "Enter a list of modalities."),
    ],
)
def test_bad_model_value_refused_on_its_field(admin_client, field, value, message):
    model = LLMModelFactory(slug="good-slug", context_window=128_000)
    before = LLMModel.objects.values().get(pk=model.pk)
    url, data = _model_form(admin_client, model)
    data[field] = value

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, field) == [message]
    assert message.encode() in response.content.replace(b"&#x27;", b"'").replace(
        b"&quot;", b'"'
    )
    assert LLMModel.objects.values().get(pk=model.pk) == before


def test_new_model_with_bad_slug_is_not_created(admin_client):
    vendor = VendorFactory()
    url, data = _model_form(admin_client)
    data.update({"name": "X vs Y", "slug": "x-vs-y", "vendor": str(vendor.pk)})
    response = admin_client.post(url, data)
    assert field_errors(response, "slug") == [SLUG_VS_MESSAGE]
    assert not LLMModel.objects.exists()


def _with_offering(data: dict, provider, **values) -> dict:
    index = int(data["offerings-TOTAL_FORMS"])
    data["offerings-TOTAL_FORMS"] = str(index + 1)
    row = {
        "provider": str(provider.pk),
        "input_price": "1",
        "output_price": "2",
        "is_available": "on",
        **values,
    }
    data.update({f"offerings-{index}-{key}": value for key, value in row.items()})
    return data


def test_negative_price_in_inline_offering_refused_on_its_field(admin_client):
    model = LLMModelFactory()
    url, data = _model_form(admin_client, model)
    data["name"] = "Renamed"
    _with_offering(data, ProviderFactory(), input_price="-1")

    response = admin_client.post(url, data)

    assert inline_errors(response, "offerings")[0] == {
        "input_price": [NEGATIVE_PRICE_MESSAGE]
    }
    assert NEGATIVE_PRICE_MESSAGE.encode() in response.content
    model.refresh_from_db()
    assert model.name != "Renamed"
    assert not Offering.objects.exists()


def test_offering_context_above_model_refused_when_adding_model_and_offering(
    admin_client,
):
    vendor = VendorFactory()
    url, data = _model_form(admin_client)
    data.update(
        {
            "name": "New",
            "slug": "new",
            "vendor": str(vendor.pk),
            "context_window": "8000",
        }
    )
    _with_offering(data, ProviderFactory(), context_window="16000")

    response = admin_client.post(url, data)

    expected = OFFERING_CONTEXT_MESSAGE.format(model_context=8000)
    assert inline_errors(response, "offerings")[0] == {"context_window": [expected]}
    assert not LLMModel.objects.exists()
    assert not Offering.objects.exists()


def test_offering_context_above_model_refused_on_offering_page(admin_client):
    offering = OfferingFactory(model=LLMModelFactory(context_window=32_000))
    url = _url("offering", "change", offering.pk)
    data = change_form_data(admin_client.get(url))
    data["context_window"] = "64000"

    response = admin_client.post(url, data)

    assert field_errors(response, "context_window") == [
        OFFERING_CONTEXT_MESSAGE.format(model_context=32_000)
    ]
    offering.refresh_from_db()
    assert offering.context_window is None


def test_negative_price_on_offering_page_keeps_the_old_price(admin_client):
    offering = OfferingFactory(input_price=Decimal("1.25"))
    url = _url("offering", "change", offering.pk)
    data = change_form_data(admin_client.get(url))
    data["output_price"] = "-4"

    response = admin_client.post(url, data)

    assert field_errors(response, "output_price") == [NEGATIVE_PRICE_MESSAGE]
    offering.refresh_from_db()
    assert offering.output_price == Decimal("4.00")
    assert not offering.price_history.exists()


def test_negative_tier_price_refused_on_its_field(admin_client):
    offering = OfferingFactory()
    url = _url("offering", "change", offering.pk)
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "tiers-TOTAL_FORMS": "1",
            "tiers-0-above_tokens": "200000",
            "tiers-0-input_price": "-2",
            "tiers-0-output_price": "8",
        }
    )
    response = admin_client.post(url, data)
    assert inline_errors(response, "tiers")[0] == {
        "input_price": [NEGATIVE_PRICE_MESSAGE]
    }
    assert not PriceTier.objects.exists()


def test_comparison_of_a_model_with_itself_refused(admin_client):
    model = LLMModelFactory()
    url = _url("comparison", "add", app_label="comparisons")
    data = change_form_data(admin_client.get(url))
    data.update({"model_a": str(model.pk), "model_b": str(model.pk)})
    response = admin_client.post(url, data)
    assert field_errors(response, "model_b") == ["Choose two different models."]
    assert not Comparison.objects.exists()


def test_review_with_a_source_that_is_not_an_address_refused(admin_client):
    model = LLMModelFactory()
    url = _url("review", "add")
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "model": str(model.pk),
            "reviewed_on": "2026-05-14",
            "reviewer": "Ada",
            "sources": '["notes on my desk"]',
        }
    )
    response = admin_client.post(url, data)
    assert field_errors(response, "sources") == [
        "Source 1 is not a web address (http or https): 'notes on my desk'."
    ]
    assert not Review.objects.exists()


def test_benchmark_added_with_history_recording_the_editor(admin_client, admin_user):
    url = _url("benchmark", "add")
    data = change_form_data(admin_client.get(url))
    data.update({"slug": "gpqa", "name": "GPQA Diamond", "unit": "%"})
    admin_client.post(url, data)
    record = BenchmarkFactory._meta.model.history.get()
    assert record.history_user == admin_user
    assert record.history_type == "+"


def test_an_address_typed_without_a_scheme_is_saved_as_https(admin_client):
    vendor = VendorFactory()
    url = reverse("admin:catalog_vendor_change", args=[vendor.pk])
    data = change_form_data(admin_client.get(url))
    data["website"] = "example.com/about"
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, field_errors(response, "website")
    vendor.refresh_from_db()
    assert vendor.website == "https://example.com/about"
