"""Curated text follows the facts it was written against.

When a fact behind an editor's intro, verdict or FAQ changes, readers get the
generated text, the API says curated_current false, and the review queue shows
the comparison with what changed; marking it reviewed shows the text again.
"""

import datetime as dt
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.cache import bump_catalog_version
from catalog.models import LLMModel, Offering, Score
from comparisons import services
from comparisons.models import ComparisonFAQ
from comparisons.services.curated import comparison_review_record
from tests.factories import ComparisonFactory
from tests.pages.support import PAIR_URL, html_of, visible_text

pytestmark = pytest.mark.django_db

VERDICT = "Mini for price at $0.40 input, Grok for its 2M-token context."
FAQ_QUESTION = "Does GPT-4.1 Mini have a reasoning mode like Grok 4.20?"


@pytest.fixture
def curated(reference_models):
    mini, grok = reference_models
    comparison = ComparisonFactory(
        model_a=mini, model_b=grok, intro="An editor's intro.", verdict=VERDICT
    )
    ComparisonFAQ.objects.create(
        comparison=comparison, question=FAQ_QUESTION, answer="No: Grok has one."
    )
    return comparison


def build(reference_models):
    mini, grok = reference_models
    return services.comparison_build(model_a=mini, model_b=grok)


def set_price(model, provider: str, input_price: str) -> None:
    offering = Offering.objects.get(model=model, provider__slug=provider)
    offering.input_price = Decimal(input_price)
    offering.save()


def test_curated_text_is_shown_while_its_facts_hold(reference_models, curated):
    comparison = build(reference_models)
    assert comparison.curated_current
    assert comparison.verdict == VERDICT and comparison.verdict_is_curated
    assert comparison.faq[0].question == FAQ_QUESTION
    # One question per topic: the editor's reasoning question replaces ours.
    assert sum("reasoning" in e.question for e in comparison.faq) == 1


def test_a_price_change_withholds_the_curated_intro_verdict_and_faq(
    reference_models, curated
):
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    set_price(mini, "openrouter", "0.30")
    set_price(mini, "replicate", "0.30")
    comparison = build(reference_models)
    assert not comparison.curated_current
    assert not comparison.verdict_is_curated and not comparison.intro_is_curated
    assert VERDICT not in comparison.verdict
    assert "$0.69" in comparison.verdict  # 0.7 × $0.30 + 0.3 × $1.60
    assert FAQ_QUESTION not in [e.question for e in comparison.faq]
    assert [str(c) for c in comparison.curated_changes] == [
        "GPT-4.1 Mini input price: $0.40 → $0.30"
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda mini, grok: LLMModel.objects.filter(pk=grok.pk).update(
                context_window=1_000_000
            ),
            "Grok 4.20 context window: 2M → 1M",
        ),
        (
            lambda mini, grok: LLMModel.objects.filter(pk=mini.pk).update(
                reasoning=True
            ),
            "GPT-4.1 Mini reasoning mode: no → yes",
        ),
        (
            lambda mini, grok: Score.objects.filter(model=grok).update(
                value=Decimal("70.1")
            ),
            "Grok 4.20 SWE-bench Verified score: 76.7% → 70.1%",
        ),
        (
            lambda mini, grok: LLMModel.objects.filter(pk=grok.pk).update(
                lifecycle=LLMModel.Lifecycle.RETIRED
            ),
            "Grok 4.20 lifecycle: active → retired",
        ),
    ],
)
def test_each_recorded_fact_withholds_the_text_when_it_changes(
    reference_models, curated, change, expected
):
    mini, grok = reference_models
    change(mini, grok)
    bump_catalog_version()  # update() sends no signal; an edit would bump it

    comparison = build(reference_models)
    assert not comparison.curated_current
    assert expected in [str(c) for c in comparison.curated_changes]


def test_a_deprecation_date_that_passes_withholds_the_text(reference_models, curated):
    _, grok = reference_models
    grok.deprecation_date = timezone.localdate() + dt.timedelta(days=10)
    grok.save()
    mini, grok = reference_models
    assert services.comparison_build(model_a=mini, model_b=grok).curated_current
    later = timezone.localdate() + dt.timedelta(days=10)
    comparison = services.comparison_build(model_a=mini, model_b=grok, today=later)
    assert not comparison.curated_current
    assert "Grok 4.20 lifecycle: active → retired" in [
        str(c) for c in comparison.curated_changes
    ]


def test_marking_reviewed_records_the_facts_anew(reference_models, curated):
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    assert not build(reference_models).curated_current
    comparison_review_record(comparisons=[curated], reviewer="editor")
    comparison = build(reference_models)
    assert comparison.curated_current and comparison.verdict == VERDICT
    curated.refresh_from_db()
    assert curated.reviewed_by == "editor"
    assert (
        curated.facts_record["models"]["gpt-4-1-mini"]["reference"]["input_price"]
        == "0.30"
    )


def test_page_and_api_withhold_the_text_at_once(
    client, admin_client, reference_models, curated
):
    from api.models import PartnerKey

    _, key = PartnerKey.objects.create_key(name="Check")
    api = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    url = "/api/v1/comparisons/gpt-4-1-mini-vs-grok-4-20/"
    assert VERDICT in visible_text(html_of(client.get(PAIR_URL)))
    assert client.get(url, **api).json()["curated_current"] is True
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    page = visible_text(html_of(client.get(PAIR_URL)))
    assert VERDICT not in page and "An editor's intro." not in page
    body = client.get(url, **api).json()
    assert body["curated_current"] is False and body["verdict"] != VERDICT
    listed = client.get("/api/v1/comparisons/", **api).json()["results"][0]
    assert listed["curated_current"] is False
    assert (listed["intro"], listed["verdict"], listed["faq"]) == ("", "", [])

    queue = admin_client.get(reverse("admin:index")).content.decode()
    assert "Curated text out of date (1)" in queue
    assert "GPT-4.1 Mini input price: $0.40 → $0.30" in queue
    review = reverse("admin:comparisons_comparison_mark_reviewed", args=[curated.pk])
    assert review in queue
    assert admin_client.post(review).status_code == HTTPStatus.FOUND
    assert VERDICT in visible_text(html_of(client.get(PAIR_URL)))
    assert client.get(url, **api).json()["curated_current"] is True
    queue = admin_client.get(reverse("admin:index")).content.decode()
    assert "Curated text out of date (0)" in queue


def test_change_form_reads_the_facts_anew_after_the_list_was_shown(
    admin_client, reference_models, curated
):
    """One admin object serves every request: the list shown before a price
    change must not decide what the change form says after it."""
    listed = admin_client.get(reverse("admin:comparisons_comparison_changelist"))
    assert "Shown" in listed.content.decode()
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    url = reverse("admin:comparisons_comparison_change", args=[curated.pk])
    page = admin_client.get(url).content.decode()
    assert "GPT-4.1 Mini input price: $0.40 → $0.30" in page


def test_saving_the_change_form_records_the_facts(
    admin_client, reference_models, curated
):
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    url = reverse("admin:comparisons_comparison_change", args=[curated.pk])
    page = admin_client.get(url).content.decode()
    assert "GPT-4.1 Mini input price: $0.40 → $0.30" in page
    faq = curated.faq_entries.get()
    response = admin_client.post(
        url,
        {
            "model_a": mini.pk,
            "model_b": curated.model_b_id,
            "is_featured": "",
            "intro": "An editor's intro.",
            "verdict": "Mini for price at $0.30 input.",
            "faq_entries-TOTAL_FORMS": "1",
            "faq_entries-INITIAL_FORMS": "1",
            "faq_entries-0-id": faq.pk,
            "faq_entries-0-comparison": curated.pk,
            "faq_entries-0-question": faq.question,
            "faq_entries-0-answer": faq.answer,
            "faq_entries-0-position": "0",
            "loaded_version": re.search(
                r'name="loaded_version" value="([^"]*)"', page
            ).group(1),
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    comparison = build(reference_models)
    assert comparison.curated_current
    assert comparison.verdict == "Mini for price at $0.30 input."


def test_toggling_featured_in_the_list_records_nothing(reference_models, curated):
    mini, _ = reference_models
    set_price(mini, "openai", "0.30")
    curated.is_featured = True
    curated.save()
    assert not build(reference_models).curated_current
