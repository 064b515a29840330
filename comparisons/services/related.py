"""The "continue comparing" links: an index of the catalog and the pairs chosen from it."""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import threading
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from catalog.cache import catalog_version
from catalog.models import Comparison as CuratedComparison
from catalog.models import LLMModel, Offering
from comparisons import derivation
from comparisons.derivation import (
    RelatedPair,
    pair_slug,
)
from comparisons.services.facts import ModelRef, blend_input_weight

# --- "Continue comparing" ---------------------------------------------------------------

RELATED_LIMIT = 6
# Same-vendor pairs per model, so that a large vendor leaves room for price neighbours.
SAME_VENDOR_PER_MODEL = 2
# Models taken nearest each price: more than featured and same-vendor pairs can take.
PRICE_NEIGHBOURS = 24


class _Entry(NamedTuple):
    """A published (or scheduled) model as the related-pairs index holds it.

    A named tuple: the index makes one per model after every edit.
    """

    pk: int
    slug: str
    name: str
    vendor_id: int
    publish_at: datetime | None  # None: published; else a draft published from then
    price: Decimal | None  # its cheapest blended price at an available offering

    def is_published(self, now: datetime) -> bool:
        return self.publish_at is None or self.publish_at <= now

    def ref(self) -> ModelRef:
        return ModelRef(self.pk, self.slug, self.name, self.vendor_id, True)


@dataclasses.dataclass(frozen=True)
class RelatedIndex:
    """What related pairs are chosen from, for one catalog version and blend weight."""

    by_pk: dict[int, _Entry]
    by_slug: dict[str, _Entry]
    # Each vendor's models, newest release first (the database's order, NULLs included).
    by_vendor: dict[int, list[_Entry]]
    recent: list[_Entry]  # most recently updated first
    ladder: list[_Entry]  # priced models, cheapest first
    ladder_prices: list[Decimal]
    featured: list[tuple[int, int]]  # (model_a_id, model_b_id), latest first
    curated_pairs: frozenset[frozenset[int]]


_index_lock = threading.Lock()
_index: tuple[tuple[str, Decimal], RelatedIndex] | None = None


def related_index(version: str, weight: Decimal) -> RelatedIndex:
    """This process's index for the catalog version, built on first use (3 queries)."""
    global _index
    key = (version, weight)
    current = _index
    if current is not None and current[0] == key:
        return current[1]
    built = _related_index_build(weight)
    with _index_lock:
        _index = (key, built)
    return built


def _related_index_build(weight: Decimal) -> RelatedIndex:
    cheapest = dict(
        Offering.objects.available()
        .filter(input_price__isnull=False, output_price__isnull=False)
        .values("model_id")
        .annotate(lowest=Min(blended_expression(weight)))
        .values_list("model_id", "lowest")
    )
    rows = (
        LLMModel.objects.filter(
            Q(status=LLMModel.Status.PUBLISHED)
            | Q(status=LLMModel.Status.DRAFT, publish_at__isnull=False)
        )
        # The order of recent updates as a rank: reading a thousand timestamps
        # only to sort them cost more than the rest of the index.
        .annotate(
            recent_rank=Window(
                RowNumber(), order_by=[F("updated_at").desc(), F("pk").asc()]
            )
        )
        .order_by("-release_date", "slug")
        .values_list(
            "pk", "slug", "name", "vendor_id", "status", "publish_at", "recent_rank"
        )
    )
    entries = []
    ranks = {}
    published = LLMModel.Status.PUBLISHED
    for pk, slug, name, vendor_id, status, publish_at, rank in rows:
        lowest = cheapest.get(pk)
        if lowest is not None and not isinstance(lowest, Decimal):
            lowest = Decimal(str(lowest))
        entry = _Entry(
            pk,
            slug,
            name,
            vendor_id,
            None if status == published else publish_at,
            lowest,
        )
        entries.append(entry)
        ranks[pk] = rank
    by_vendor: dict[int, list[_Entry]] = {}
    for entry in entries:
        by_vendor.setdefault(entry.vendor_id, []).append(entry)
    recent = sorted(entries, key=lambda e: ranks[e.pk])
    ladder = sorted(
        (e for e in entries if e.price is not None), key=lambda e: (e.price, e.slug)
    )
    curated = list(
        CuratedComparison.objects.order_by("-updated_at", "pk").values_list(
            "model_a_id", "model_b_id", "is_featured"
        )
    )
    return RelatedIndex(
        by_pk={e.pk: e for e in entries},
        by_slug={e.slug: e for e in entries},
        by_vendor=by_vendor,
        recent=recent,
        ladder=ladder,
        ladder_prices=[e.price for e in ladder],
        featured=[(a, b) for a, b, is_featured in curated if is_featured],
        curated_pairs=frozenset(frozenset((a, b)) for a, b, _ in curated),
    )


def blended_expression(weight: Decimal):
    """The blended price of an offering as a database expression.

    With the default weight it is the expression of the `offering_blended_price`
    index, which PostgreSQL uses for the nearest-price range scans (SQLite does not,
    as it binds the weights as parameters; with another weight the scan is correct
    but unindexed).
    """
    return ExpressionWrapper(
        F("input_price") * Value(weight) + F("output_price") * Value(1 - weight),
        output_field=DecimalField(max_digits=20, decimal_places=8),
    )


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
        slug = pair_slug(one.slug, other.slug)
        if slug in found or slug == pair_slug(model_a.slug, model_b.slug):
            return
        names = sorted([(one.slug, one.name), (other.slug, other.name)])
        found[slug] = RelatedPair(
            slug=slug,
            title=derivation.pair_title(names[0][1], names[1][1]),
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
        if entry.pk not in (model_a.pk, model_b.pk) and entry.is_published(now):
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
        if a is None or b is None or not (a.is_published(now) and b.is_published(now)):
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
            if entry.pk not in taken and entry.is_published(now):
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
        if entry.pk not in exclude and entry.is_published(now):
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
