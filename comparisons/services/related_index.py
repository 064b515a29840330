"""The index of the catalog that related pairs are chosen from, kept per catalog
version in each process and brought up to date after each edit."""

from __future__ import annotations

import bisect
import dataclasses
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Value,
)

from catalog.cache import unlogged_write_mark, unseen_write_mark
from catalog.changes import MODEL_KINDS, entries_after, last_entry
from catalog.models import (
    ChangeKind,
    LLMModel,
    Offering,
)
from comparisons.models import Comparison as CuratedComparison
from comparisons.services.facts import ModelRef
from vocabulary.process_memos import process_memo


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
    retired_from: date | None  # the day it counts as retired from (date.min: already)
    # Only to tell, after an edit, whether its place in its vendor's list may move.
    release_date: str = ""

    def is_published(self, now: datetime) -> bool:
        return self.publish_at is None or self.publish_at <= now

    def is_target(self, now: datetime) -> bool:
        """May a related link lead to a pair with it: published and not retired."""
        return self.is_published(now) and (
            self.retired_from is None or now.date() < self.retired_from
        )

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
    # (-updated_at, pk) of each entry: the order of `recent`.
    recent_keys: dict[int, tuple] = dataclasses.field(default_factory=dict)
    # The entries that are scheduled drafts (publish_at set), read again after each edit.
    scheduled: frozenset[int] = frozenset()
    # The last change-log entry the index has taken in (catalog/changes.py).
    log_position: int = 0
    # The last unlogged write it has seen (catalog/cache.py); None: unknown.
    unlogged_mark: str | None = None
    # The last write to a draft (or another unlogged part) it has seen; None: unknown.
    unseen_mark: str | None = None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# More changes than this since the index was made: build it again instead.
UPDATE_LIMIT = 500

_index_lock = threading.Lock()
_index: tuple[tuple[str, Decimal], RelatedIndex] | None = None


@process_memo
def _forget_index() -> None:
    global _index
    with _index_lock:
        _index = None


def related_index(version: str, weight: Decimal) -> RelatedIndex:
    """This process's index for the catalog version.

    Built on first use; after an edit it is updated for what the change log
    says changed since (a few queries, whatever the catalog's size), so the
    first page after an edit costs about what any other does.
    """
    global _index
    key = (version, weight)
    current = _index
    if current is not None and current[0] == key:
        return current[1]
    built = None
    if current is not None and current[0][1] == weight:
        built = _related_index_update(current[1], weight)
    if built is None:
        built = _related_index_build(weight)
    with _index_lock:
        _index = (key, built)
    return built


def _index_rows(weight: Decimal, models: Q):
    """(entry, recent key) of the models matching `models` the index holds."""
    rows = list(
        LLMModel.objects.filter(models)
        .filter(
            Q(status=LLMModel.Status.PUBLISHED)
            | Q(status=LLMModel.Status.DRAFT, publish_at__isnull=False)
        )
        .order_by("-release_date", "slug")
        .values_list(
            "pk",
            "slug",
            "name",
            "vendor_id",
            "status",
            "publish_at",
            "updated_at",
            "lifecycle",
            "deprecation_date",
            "release_date",
        )
    )
    cheapest = dict(
        # No ordering: Offering's default one joins the models and providers
        # (a scan of every model, even for the few an edit names).
        Offering.objects.available()
        .order_by()
        .filter(input_price__isnull=False, output_price__isnull=False)
        .filter(**({} if models == Q() else {"model_id__in": [r[0] for r in rows]}))
        .values("model_id")
        .annotate(lowest=Min(blended_expression(weight)))
        .values_list("model_id", "lowest")
    )
    published = LLMModel.Status.PUBLISHED
    found = []
    retired = LLMModel.Lifecycle.RETIRED
    for (
        pk,
        slug,
        name,
        vendor_id,
        status,
        publish_at,
        updated_at,
        lifecycle,
        ends,
        released,
    ) in rows:
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
            date.min if lifecycle == retired else ends,
            released or "",
        )
        found.append((entry, (-_microseconds(updated_at), pk)))
    return found


def _microseconds(moment: datetime) -> int:
    """A time as a whole number of microseconds: exact, unlike a float timestamp."""
    return (moment - EPOCH) // MICROSECOND


def _curated() -> tuple[list[tuple[int, int]], frozenset[frozenset[int]]]:
    curated = list(
        CuratedComparison.objects.order_by("-updated_at", "pk").values_list(
            "model_a_id", "model_b_id", "is_featured"
        )
    )
    return (
        [(a, b) for a, b, is_featured in curated if is_featured],
        frozenset(frozenset((a, b)) for a, b, _ in curated),
    )


def _ladder_key(entry: _Entry) -> tuple:
    return (entry.price, entry.slug)


def _related_index_build(weight: Decimal) -> RelatedIndex:
    # The log's position first: a change committed while the rest is read is
    # then taken in again by the next update, never missed.
    mark = unlogged_write_mark()
    unseen = unseen_write_mark()
    position = last_entry()
    found = _index_rows(weight, Q())
    entries = [entry for entry, _ in found]
    recent_keys = {entry.pk: key for entry, key in found}
    by_vendor: dict[int, list[_Entry]] = {}
    for entry in entries:
        by_vendor.setdefault(entry.vendor_id, []).append(entry)
    ladder = sorted((e for e in entries if e.price is not None), key=_ladder_key)
    featured, curated_pairs = _curated()
    return RelatedIndex(
        by_pk={e.pk: e for e in entries},
        by_slug={e.slug: e for e in entries},
        by_vendor=by_vendor,
        recent=sorted(entries, key=lambda e: recent_keys[e.pk]),
        ladder=ladder,
        ladder_prices=[e.price for e in ladder],
        featured=featured,
        curated_pairs=curated_pairs,
        recent_keys=recent_keys,
        scheduled=frozenset(e.pk for e in entries if e.publish_at is not None),
        log_position=position,
        unlogged_mark=mark,
        unseen_mark=unseen,
    )


def _related_index_update(index: RelatedIndex, weight: Decimal) -> RelatedIndex | None:
    """The index with what changed since it was made, or None to build it anew.

    The change log names what partners can see that changed. Writes it leaves
    out because nobody sees them (to a draft, say) move the unseen-write mark
    instead: then every scheduled draft and the curated pairs are read again
    (the index holds scheduled drafts to publish them on time). Only entries
    that differ from what the index holds are moved, so the work after an edit
    follows the edit, not the catalog (the containers are copied, not rebuilt,
    so that a request still reading the old index sees it whole).
    """
    mark = unlogged_write_mark()
    if mark is None or mark != index.unlogged_mark:
        return None  # a write the log does not describe: start again
    unseen = unseen_write_mark()
    drafts_changed = unseen is None or unseen != index.unseen_mark
    changes = entries_after(
        index.log_position, limit=UPDATE_LIMIT, fields=("id", "kind", "slug")
    )
    if changes is None:
        return None  # entries the index never saw are gone, or too many
    position = changes[-1][0] if changes else index.log_position
    slugs = {slug for _, kind, slug in changes if kind in MODEL_KINDS}
    providers = {slug for _, kind, slug in changes if kind == ChangeKind.PROVIDER}
    curated_changed = drafts_changed or any(
        kind == ChangeKind.COMPARISON for _, kind, _ in changes
    )
    wanted = Q(slug__in=slugs)
    if drafts_changed:
        wanted |= Q(pk__in=index.scheduled) | Q(
            status=LLMModel.Status.DRAFT, publish_at__isnull=False
        )
    if providers:
        wanted |= Q(offerings__provider__slug__in=providers)
    found = {entry.pk: (entry, key) for entry, key in _index_rows(weight, wanted)}
    # Every model that may have changed, as the index knew it.
    named = {e.pk for slug in slugs if (e := index.by_slug.get(slug)) is not None}
    named |= found.keys()
    if drafts_changed:
        named |= index.scheduled
    if providers:
        named |= {
            pk
            for pk in Offering.objects.filter(provider__slug__in=providers)
            .order_by()
            .values_list("model_id", flat=True)
            if pk in index.by_pk
        }
    removed, added = _differences(index, found, named)
    if not removed and not added and not curated_changed:
        return dataclasses.replace(
            index, log_position=position, unlogged_mark=mark, unseen_mark=unseen
        )
    changed = _entries_moved(index, removed, added)
    if changed is None:
        return None
    by_pk, by_slug, recent, recent_keys, ladder, ladder_prices = changed
    vendors = {e.vendor_id for e in removed} | {e.vendor_id for e, _ in added}
    by_vendor = _vendor_lists(index.by_vendor, vendors, by_pk)
    featured, curated_pairs = (
        _curated() if curated_changed else (index.featured, index.curated_pairs)
    )
    scheduled = set(index.scheduled)
    scheduled.difference_update(e.pk for e in removed)
    scheduled.update(e.pk for e, _ in added if e.publish_at is not None)
    return RelatedIndex(
        by_pk=by_pk,
        by_slug=by_slug,
        by_vendor=by_vendor,
        recent=recent,
        ladder=ladder,
        ladder_prices=ladder_prices,
        featured=featured,
        curated_pairs=curated_pairs,
        recent_keys=recent_keys,
        scheduled=frozenset(scheduled),
        log_position=position,
        unlogged_mark=mark,
        unseen_mark=unseen,
    )


def _differences(
    index: RelatedIndex, found: dict[int, tuple[_Entry, tuple]], named: set[int]
) -> tuple[list[_Entry], list[tuple[_Entry, tuple]]]:
    """The entries to take out of the index and to put in, of the models named."""
    removed, added = [], []
    for pk in named:
        old, new = index.by_pk.get(pk), found.get(pk)
        if (
            old is not None
            and new is not None
            and old == new[0]
            and index.recent_keys[pk] == new[1]
        ):
            continue  # read again (a scheduled draft, say) and just the same
        if old is not None:
            removed.append(old)
        if new is not None:
            added.append(new)
    return removed, added


def _vendor_lists(
    by_vendor: dict[int, list[_Entry]], vendors: set[int], by_pk: dict[int, _Entry]
) -> dict[int, list[_Entry]]:
    """by_vendor with the lists of these vendors read again (one query, if any)."""
    if not vendors:
        return by_vendor
    by_vendor = dict(by_vendor)
    # Each changed vendor's list in the database's order, as the build has it.
    order = (
        LLMModel.objects.filter(vendor_id__in=vendors)
        .order_by("-release_date", "slug")
        .values_list("vendor_id", "pk")
    )
    lists: dict[int, list[_Entry]] = {vendor: [] for vendor in vendors}
    for vendor_id, pk in order:
        if pk in by_pk:
            lists[vendor_id].append(by_pk[pk])
    for vendor_id, models in lists.items():
        if models:
            by_vendor[vendor_id] = models
        else:
            by_vendor.pop(vendor_id, None)
    return by_vendor


def _entries_moved(
    index: RelatedIndex, removed: list[_Entry], added: list[tuple[_Entry, tuple]]
) -> tuple | None:
    """Copies of the index's containers with `removed` taken out and `added` put in.

    Each entry is found by bisection in the sorted lists, so an edit costs a
    copy of each container (done in C) and a few searches, whatever the size.
    None if an entry is not where its key says (never expected: build anew).
    """
    by_pk = index.by_pk.copy()
    by_slug = index.by_slug.copy()
    recent = index.recent.copy()
    recent_keys = index.recent_keys.copy()
    ladder = index.ladder.copy()
    ladder_prices = index.ladder_prices.copy()

    def recent_key(entry: _Entry) -> tuple:
        return recent_keys[entry.pk]

    for old in removed:
        at = bisect.bisect_left(recent, recent_keys[old.pk], key=recent_key)
        if at == len(recent) or recent[at] is not old:
            return None
        del recent[at]
        del recent_keys[old.pk]
        del by_pk[old.pk]
        if by_slug.get(old.slug) is old:
            del by_slug[old.slug]
        if old.price is not None:
            at = bisect.bisect_left(ladder, _ladder_key(old), key=_ladder_key)
            if at == len(ladder) or ladder[at] is not old:
                return None
            del ladder[at]
            del ladder_prices[at]
    for new, key in added:
        recent_keys[new.pk] = key
        by_pk[new.pk] = new
        by_slug[new.slug] = new
        bisect.insort(recent, new, key=recent_key)
        if new.price is not None:
            at = bisect.bisect_left(ladder, _ladder_key(new), key=_ladder_key)
            ladder.insert(at, new)
            ladder_prices.insert(at, new.price)
    return by_pk, by_slug, recent, recent_keys, ladder, ladder_prices


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
