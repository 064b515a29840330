"""Fresh after every edit: cached pages change the moment the catalog does."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest

from catalog.models import Offering, Review, Score
from comparisons.models import Comparison
from tests.factories import ReviewFactory
from tests.pages.support import PAIR_URL, html_of, visible_text

pytestmark = pytest.mark.django_db

MODEL_URL = "/models/gpt-4-1-mini/"


def test_an_unchanged_page_is_served_from_the_cache_without_queries(
    client, reference_models, django_assert_num_queries
):
    first = client.get(PAIR_URL)
    with django_assert_num_queries(0):
        second = client.get(PAIR_URL)
    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content


def test_a_price_change_shows_at_once_on_every_page_that_uses_it(
    client, reference_models
):
    mini, _ = reference_models
    pages = (PAIR_URL, MODEL_URL, "/models/", "/providers/openai/")
    for url in pages:
        assert "$0.40" in visible_text(html_of(client.get(url))), url
    offering = Offering.objects.get(model=mini, provider__slug="openai")
    offering.input_price = Decimal("0.35")
    offering.save()
    for url in pages:
        assert "$0.35" in visible_text(html_of(client.get(url))), url
    # The verdict follows the new cheapest price: (1.25 - 0.35) / 1.25 = 72%.
    assert "72% cheaper" in visible_text(html_of(client.get(PAIR_URL)))


def test_a_score_change_shows_at_once(client, reference_models):
    _, grok = reference_models
    client.get(PAIR_URL)
    client.get("/benchmarks/swe-bench-verified/")
    Score.objects.filter(model=grok).update(value=Decimal("70.1"))
    # update() sends no signal; a save does, as the admin and the importer do.
    score = Score.objects.get(model=grok)
    score.save()
    assert "70.1%" in visible_text(html_of(client.get(PAIR_URL)))
    assert "70.1%" in visible_text(
        html_of(client.get("/benchmarks/swe-bench-verified/"))
    )


def test_a_new_review_shows_at_once(client, reference_models):
    mini, grok = reference_models
    client.get(PAIR_URL)
    client.get(MODEL_URL)
    ReviewFactory(
        model=mini, reviewed_on=date(2026, 6, 1), summary="A fresh look at it."
    )
    ReviewFactory(model=grok, reviewed_on=date(2026, 6, 2))
    assert "Last reviewed: 1 Jun 2026" in visible_text(html_of(client.get(PAIR_URL)))
    assert "A fresh look at it." in visible_text(html_of(client.get(MODEL_URL)))


def test_a_deleted_review_disappears_at_once(client, reference_models):
    mini, _ = reference_models
    client.get(PAIR_URL)
    Review.objects.filter(model=mini).delete()
    assert "has not yet reviewed" in visible_text(html_of(client.get(PAIR_URL)))


def test_a_curated_verdict_shows_at_once(client, reference_models):
    mini, grok = reference_models
    client.get(PAIR_URL)
    Comparison.objects.create(
        model_a=mini, model_b=grok, verdict="Editors prefer neither."
    )
    assert "Editors prefer neither." in visible_text(html_of(client.get(PAIR_URL)))
    comparison = Comparison.objects.get()
    comparison.verdict = "Editors changed their minds."
    comparison.save()
    text = visible_text(html_of(client.get(PAIR_URL)))
    assert "Editors changed their minds." in text
    assert "Editors prefer neither." not in text


def test_a_model_edit_shows_on_its_pages_and_in_the_sitemap(client, reference_models):
    mini, _ = reference_models
    client.get(PAIR_URL)
    client.get("/sitemap-models.xml")
    mini.name = "GPT-4.1 Mini (2025)"
    mini.save()
    assert "GPT-4.1 Mini (2025) vs Grok 4.20" in visible_text(
        html_of(client.get(PAIR_URL))
    )
    assert "GPT-4.1 Mini (2025)" in visible_text(html_of(client.get("/models/")))


def test_an_edit_in_the_admin_shows_on_the_pair_page(
    client, admin_client, reference_models
):
    mini, _ = reference_models
    client.get(PAIR_URL)
    response = admin_client.get(f"/admin/catalog/llmmodel/{mini.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    data = {**_post_data(response), "context_window": "1047576"}
    response = admin_client.post(f"/admin/catalog/llmmodel/{mini.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND, (
        response.context and response.context["adminform"].form.errors
    )
    assert "1.05M" in visible_text(html_of(client.get(PAIR_URL)))


def _post_data(response) -> dict:
    """Every field of an admin change form (inline management forms included) as posted."""
    data = {}
    for form in [response.context["adminform"].form] + [
        inline_form
        for formset in response.context["inline_admin_formsets"]
        for inline_form in formset.formset.forms
    ]:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_a_page_enters_the_shared_cache_only_when_rendered_a_second_time(
    client, reference_models, django_assert_num_queries
):
    from django.core.cache import cache
    from django.test import RequestFactory

    from catalog.cache import serving_version
    from core.page_cache import local_pages
    from core.view_cache import page_cache_key

    key = page_cache_key(RequestFactory().get(PAIR_URL), serving_version())
    asked = []
    real_get = cache.get
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            cache, "get", lambda k, *a, **kw: asked.append(k) or real_get(k, *a, **kw)
        )
        client.get(PAIR_URL)
    # A crawler's one-off pair page is not looked for in the shared cache, and
    # stays out of it (the process keeps it in memory).
    assert key not in asked
    assert cache.get(key) is None
    # Asked for again once this process's memory has let it go: now it is shared.
    local_pages.clear()
    client.get(PAIR_URL)
    assert cache.get(key) is not None
    local_pages.clear()
    with django_assert_num_queries(0):
        assert client.get(PAIR_URL).status_code == HTTPStatus.OK


def test_a_readers_request_reads_the_catalog_version_once(
    client, reference_models, monkeypatch
):
    from django.core.cache import cache

    from catalog.cache import VERSION_KEY

    reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == VERSION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    # The page cache, the pair's models and their facts all use that one read.
    assert client.get(PAIR_URL).status_code == HTTPStatus.OK
    assert len(reads) == 1


def test_an_edit_after_a_pinned_read_is_seen_by_the_next_request(
    client, reference_models
):
    mini, _ = reference_models
    client.get(PAIR_URL)
    mini.name = "GPT-4.1 Mini Renamed"
    mini.save()
    assert "GPT-4.1 Mini Renamed" in html_of(client.get(PAIR_URL))


def test_other_pages_are_shared_from_their_first_render(client, reference_models):
    from django.core.cache import cache
    from django.test import RequestFactory

    from catalog.cache import serving_version
    from core.view_cache import page_cache_key

    client.get(MODEL_URL)
    key = page_cache_key(RequestFactory().get(MODEL_URL), serving_version())
    assert cache.get(key) is not None


def test_a_deploy_of_other_code_renders_every_page_afresh(
    client, reference_models, settings
):
    """Pages were keyed on the catalog alone: a deploy that changed a template
    kept serving the old pages until someone edited the catalog."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(PAIR_URL)
    client.get(PAIR_URL)  # cached from here on, in memory and in the shared cache
    settings.VERSUS_RELEASE = "next-release"
    with CaptureQueriesContext(connection) as rendered:
        response = client.get(PAIR_URL)
    assert response.status_code == HTTPStatus.OK
    assert len(rendered) > 0  # rendered by the new code, not read from a cache
    with CaptureQueriesContext(connection) as cached:
        client.get(PAIR_URL)
    assert len(cached) == 0
