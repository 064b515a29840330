"""The "continue comparing" links: the pairs chosen from the related-pairs index."""

from __future__ import annotations

import bisect
import heapq
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import LLMModel
from comparisons import derivation
from comparisons.derivation import (
    RelatedPair,
    pair_slug,
)
from comparisons.services.facts import blend_input_weight
from comparisons.services.related_index import RelatedIndex, _Entry, related_index

RELATED_LIMIT = 6
# Same-vendor pairs per model, so that a large vendor leaves room for price neighbours.
SAME_VENDOR_PER_MODEL = 2
# Models taken nearest each price: more than featured and same-vendor pairs can take.
PRICE_NEIGHBOURS = 24


def related_pairs(
    *,
    model_a: LLMModel,
    model_b: LLMModel,
    price_a: Decimal | None = None,
    price_b: Decimal | None = None,
    index: RelatedIndex | None = None,
) -> tuple[RelatedPair, ...]:
    """Up to six other pairs with A or B: featured curated ones, same vendor, nearest price.

    Chosen from the in-process index of the catalog version (built by its first
    use, then no query), so the cost stays flat as the catalog grows.
    """
    if index is None:
        index = related_index(catalog_version(), blend_input_weight())
    now = timezone.now()
    pair_ids = {model_a.pk, model_b.pk}
    found: dict[str, RelatedPair] = {}

    def add(one: LLMModel, other: _Entry, reason: str) -> None:
        if len(found) == RELATED_LIMIT:
            return  # only the first six are kept, in the order they came
        mine = index.by_pk.get(one.pk)
        if not other.is_target(now) or (mine is not None and not mine.is_target(now)):
            return  # a retired model is never recommended, nor a pair with one
        slug = pair_slug(one.slug, other.slug)
        if slug in found or slug == pair_slug(model_a.slug, model_b.slug):
            return
        names = sorted([(one.slug, one.name), (other.slug, other.name)])
        found[slug] = RelatedPair(
            slug=slug,
            title=derivation.pair_title(*derivation.distinct_names(names)),
            model_a_slug=names[0][0],
            model_b_slug=names[1][0],
            reason=reason,
        )

    for ours_id, theirs in _featured_comparisons(index, pair_ids, now):
        add(model_a if ours_id == model_a.pk else model_b, theirs, "featured")
    for mine, other in _same_vendor(index, model_a, model_b, now):
        add(mine, other, "same-vendor")
    if len(found) < RELATED_LIMIT:
        for mine, other in _nearest_price(
            index, model_a, model_b, price_a, price_b, now
        ):
            add(mine, other, "price")
    if len(found) < RELATED_LIMIT:
        # Unpriced models are near nothing: fill up with recently updated ones, so
        # that "continue comparing" is never empty while other models exist.
        for mine, other in _recently_updated(index, model_a, model_b, now):
            add(mine, other, "recent")
    return tuple(found.values())[:RELATED_LIMIT]


def _recently_updated(
    index: RelatedIndex, model_a: LLMModel, model_b: LLMModel, now: datetime
) -> list[tuple[LLMModel, _Entry]]:
    others = []
    for entry in index.recent:
        if entry.pk not in (model_a.pk, model_b.pk) and entry.is_target(now):
            others.append(entry)
            if len(others) == RELATED_LIMIT:
                break
    return [(model_a if i % 2 == 0 else model_b, o) for i, o in enumerate(others)]


def _featured_comparisons(
    index: RelatedIndex, pair_ids: set[int], now: datetime
) -> list[tuple[int, _Entry]]:
    """(our model's id, the other model) of featured pairs with one of ours, latest first."""
    found = []
    for a_id, b_id in index.featured:
        if (a_id in pair_ids) == (b_id in pair_ids):
            continue
        a, b = index.by_pk.get(a_id), index.by_pk.get(b_id)
        if a is None or b is None or not (a.is_target(now) and b.is_target(now)):
            continue
        found.append((a_id, b) if a_id in pair_ids else (b_id, a))
        if len(found) == RELATED_LIMIT:
            break
    return found


def _same_vendor(
    index: RelatedIndex, model_a: LLMModel, model_b: LLMModel, now: datetime
) -> list[tuple[LLMModel, _Entry]]:
    """The latest other models of each one's vendor."""
    taken = {model_a.pk, model_b.pk}
    pairs = []
    for mine in (model_a, model_b):
        siblings = []
        for entry in index.by_vendor.get(mine.vendor_id, ()):
            if entry.pk not in taken and entry.is_target(now):
                siblings.append(entry)
                if len(siblings) == SAME_VENDOR_PER_MODEL:
                    break
        taken.update(sibling.pk for sibling in siblings)
        pairs += [(mine, sibling) for sibling in siblings]
    return _interleave(pairs, model_a)


def _interleave(pairs: list[tuple], model_a: LLMModel) -> list[tuple]:
    """A's and B's pairs alternately, so that both models get related links."""
    of_a = [p for p in pairs if p[0] is model_a]
    of_b = [p for p in pairs if p[0] is not model_a]
    mixed = []
    for index in range(max(len(of_a), len(of_b))):
        mixed += of_a[index : index + 1] + of_b[index : index + 1]
    return mixed


def _nearest(
    index: RelatedIndex, target: Decimal, exclude: set[int], now: datetime
) -> list[_Entry]:
    """The PRICE_NEIGHBOURS published models priced nearest to target: a bisection."""
    ladder = index.ladder
    below = bisect.bisect_left(index.ladder_prices, target) - 1
    above = below + 1
    nearest = []
    while len(nearest) < PRICE_NEIGHBOURS and (below >= 0 or above < len(ladder)):
        if above < len(ladder) and (
            below < 0 or ladder[above].price - target <= target - ladder[below].price
        ):
            entry, above = ladder[above], above + 1
        else:
            entry, below = ladder[below], below - 1
        if entry.pk not in exclude and entry.is_target(now):
            nearest.append(entry)
    return nearest


def _nearest_price(
    index: RelatedIndex,
    model_a: LLMModel,
    model_b: LLMModel,
    price_a: Decimal | None,
    price_b: Decimal | None,
    now: datetime,
) -> list[tuple[LLMModel, _Entry]]:
    """Published models whose cheapest blended price is nearest to A's or B's.

    Each model's candidates in order of their distance to its price (ties: slug),
    then the two lists alternately. No more than RELATED_LIMIT per price can be
    used (a candidate is skipped only for a pair already chosen, and each pair
    chosen leaves one fewer to choose), so no more are ranked. A model page asks
    for one model twice: its list then holds each candidate twice, and twice as
    many are ranked.
    """
    exclude = {model_a.pk, model_b.pk}
    targets = [
        (m, p) for m, p in ((model_a, price_a), (model_b, price_b)) if p is not None
    ]
    candidates: dict[int, _Entry] = {}
    for _, target in targets:
        for entry in _nearest(index, target, exclude, now):
            candidates.setdefault(entry.pk, entry)
    lists: dict[int, list] = {}
    for mine, target in targets:
        count = RELATED_LIMIT * sum(1 for m, _ in targets if m is mine)
        nearest = heapq.nsmallest(
            count,
            candidates.values(),
            key=lambda entry, target=target: (abs(entry.price - target), entry.slug),
        )
        lists.setdefault(id(mine), []).extend(
            ((abs(entry.price - target), entry.slug), mine, entry) for entry in nearest
        )
    ranked = []
    for items in lists.values():
        items.sort(key=lambda item: item[0])
        ranked += [(mine, entry) for _, mine, entry in items]
    return _interleave(ranked, model_a)
