"""Curated comparisons for a generated benchmark catalog (`generate_catalog`)."""

import random

from catalog.models import LLMModel
from comparisons.models import Comparison


def comparisons_generate(rng: random.Random, models: list[LLMModel]) -> int:
    """One curated pair for every twenty published models, the first six featured."""
    published = [m for m in models if m.status == LLMModel.Status.PUBLISHED]
    wanted = max(1, len(published) // 20)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < wanted and len(published) > 1:
        a, b = sorted(rng.sample(published, 2), key=lambda m: m.slug)
        pairs.add((a.pk, b.pk))
    by_pk = {m.pk: m for m in published}
    created = Comparison.objects.bulk_create(
        Comparison(
            model_a=by_pk[a],
            model_b=by_pk[b],
            is_featured=index < 6,
            verdict=f"{by_pk[a].name} and {by_pk[b].name}: pick by price and context.",
        )
        for index, (a, b) in enumerate(sorted(pairs))
    )
    return len(created)


def comparisons_delete() -> None:
    Comparison.objects.all().delete()
