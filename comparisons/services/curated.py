"""Curated text tied to facts: what it was written against, and whether that still holds."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import LLMModel
from catalog.services import QueueEntry, QueueSection
from comparisons import derivation
from comparisons.derivation import FactChange
from comparisons.models import Comparison as CuratedComparison
from comparisons.services.facts import (
    _models_queryset,
    blend_input_weight,
    memoised_facts,
    model_facts,
)

CURATED_SECTION_KEY = "curated-out-of-date"


def _facts_by_pk(pks: set[int]) -> dict:
    """Each model's facts, read now from the database (one prefetched query set)."""
    return {m.pk: model_facts(m) for m in _models_queryset().filter(pk__in=pks)}


def curated_facts_read(
    *, model_a: LLMModel, model_b: LLMModel, today: date | None = None
) -> dict:
    """The facts a curated comparison of the two models rests on, today."""
    facts = _facts_by_pk({model_a.pk, model_b.pk})
    return derivation.curated_record(
        facts[model_a.pk],
        facts[model_b.pk],
        weight=blend_input_weight(),
        today=today or timezone.localdate(),
    )


def curated_changes_list(
    *, comparisons: list[CuratedComparison], today: date | None = None
) -> dict[int, tuple[FactChange, ...]]:
    """For each curated comparison (by pk), the recorded facts that no longer hold."""
    today = today or timezone.localdate()
    weight = blend_input_weight()
    models = {}
    for comparison in comparisons:
        models[comparison.model_a_id] = comparison.model_a
        models[comparison.model_b_id] = comparison.model_b
    # Kept per catalog version (every edit makes a new one), as pair pages do.
    loaded = memoised_facts(catalog_version(), *models.values())
    facts = {pk: found for pk, found in zip(models, loaded, strict=True)}
    changes = {}
    for comparison in comparisons:
        a, b = facts[comparison.model_a_id], facts[comparison.model_b_id]
        current = derivation.curated_record(a, b, weight=weight, today=today)
        changes[comparison.pk] = derivation.curated_changes(
            comparison.facts_record, current
        )
    return changes


@transaction.atomic
def comparison_review_record(
    *, comparisons: list[CuratedComparison], reviewer: str
) -> list[CuratedComparison]:
    """An editor checked the curated text against today's facts: record them anew."""
    now = timezone.now()
    for comparison in comparisons:
        comparison.facts_record = curated_facts_read(
            model_a=comparison.model_a, model_b=comparison.model_b
        )
        comparison.reviewed_at = now
        comparison.reviewed_by = reviewer
        comparison._change_reason = "Curated text reviewed"
        comparison.save()
    return comparisons


def curated_out_of_date_section(*, user) -> QueueSection | None:
    """The review queue's "Curated text out of date": comparisons whose text is withheld."""
    if not user.has_perm("comparisons.view_comparison"):
        return None
    section = QueueSection(
        CURATED_SECTION_KEY,
        "Curated text out of date",
        "Facts these curated comparisons were written against have changed, so "
        "readers see the generated intro, verdict and FAQ instead. Check the text "
        "against the changes listed, edit it if needed, and save it or mark it "
        "reviewed to show it again.",
        more_url=reverse("admin:comparisons_comparison_changelist") + "?curated=stale",
    )
    comparisons = list(
        CuratedComparison.objects.select_related("model_a", "model_b").order_by(
            "model_a__name", "model_b__name", "pk"
        )
    )
    changes = curated_changes_list(comparisons=comparisons)
    can_review = user.has_perm("comparisons.change_comparison")
    for comparison in comparisons:
        found = changes.get(comparison.pk)
        if not found:
            continue
        url = reverse("admin:comparisons_comparison_change", args=[comparison.pk])
        entry = QueueEntry(
            None,
            "; ".join(str(change) for change in found),
            fix_url=url,
            label=str(comparison),
        )
        entry.review_url = (
            reverse("admin:comparisons_comparison_mark_reviewed", args=[comparison.pk])
            if can_review
            else ""
        )
        section.add(entry)
    return section
