"""Finding the pair a "<a>-vs-<b>" address names."""

from __future__ import annotations

from django.utils import timezone

from catalog.cache import catalog_version
from comparisons import derivation
from comparisons.services.facts import ModelRef, blend_input_weight
from comparisons.services.related_index import related_index
from vocabulary.slugs import SEPARATOR

PAIR_SEPARATOR = SEPARATOR


def pair_parse(pair: str) -> list[tuple[str, str]]:
    """Every (a, b) a "<a>-vs-<b>" string could mean; model slugs never contain '-vs-'."""
    candidates = []
    start = 0
    while (index := pair.find(PAIR_SEPARATOR, start)) != -1:
        a, b = pair[:index], pair[index + len(PAIR_SEPARATOR) :]
        if a and b and PAIR_SEPARATOR not in a and PAIR_SEPARATOR not in b:
            candidates.append((a, b))
        start = index + 1
    return candidates


def published_pair(pair: str) -> tuple[ModelRef, ModelRef] | None:
    """The two published models a "<a>-vs-<b>" string names (in its order), or None.

    Read from this process's index of the catalog version, so finding a pair costs
    no query: crawlers ask for pairs nobody has asked for before.
    """
    index = related_index(catalog_version(), blend_input_weight())
    now = timezone.now()
    for a, b in pair_parse(pair):
        entry_a, entry_b = index.by_slug.get(a), index.by_slug.get(b)
        if (
            a != b
            and entry_a is not None
            and entry_b is not None
            and entry_a.is_published(now)
            and entry_b.is_published(now)
        ):
            return entry_a.ref(), entry_b.ref()
    return None


def published_models(text: str) -> list[ModelRef] | None:
    """The published models a "<a>-vs-<b>-vs-<c>[-vs-<d>]" string names, in its order.

    None when it names fewer than three or more than four, a slug twice, or any
    slug that is not a published model's. Read from the catalog version's index,
    like published_pair, so an address costs no query.
    """
    slugs = derivation.models_parse(text)
    if not derivation.MIN_MODELS <= len(slugs) <= derivation.MAX_MODELS:
        return None
    if len(set(slugs)) != len(slugs):
        return None
    index = related_index(catalog_version(), blend_input_weight())
    now = timezone.now()
    refs = []
    for slug in slugs:
        entry = index.by_slug.get(slug)
        if entry is None or not entry.is_published(now):
            return None
        refs.append(entry.ref())
    return refs


def published_model(slug: str) -> ModelRef | None:
    """The published model of this slug from the catalog version's index, or None."""
    index = related_index(catalog_version(), blend_input_weight())
    entry = index.by_slug.get(slug)
    if entry is None or not entry.is_published(timezone.now()):
        return None
    return entry.ref()
