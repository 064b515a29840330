"""The pairs sitemap: every indexable pair, paged by arithmetic, never all in memory.

With n indexable models there are n(n-1)/2 pairs (about 500,000 at 1,000
models). The models are put in code-point order of their slugs; pair (i, j),
i < j, then has the index i*n - i*(i+1)/2 + (j - i - 1), so a sitemap page is a
range of indexes turned back into (i, j) with a square root. The table of
indexable models (one row per model, never one per pair) is read once per
process and kept: after an edit it is brought up to date from the change log
(a few queries about the models the edit names), so each section costs what
its own pairs cost, whatever the catalog's size, even the first after an edit.
"""

import bisect
import sys
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from math import isqrt
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from catalog.cache import (
    is_shared_version,
    serving_version,
    unlogged_write_mark,
    unseen_write_mark,
)
from catalog.changes import MODEL_KINDS, entries_after, last_entry
from catalog.models import (
    ChangeKind,
    LLMModel,
    Offering,
    Score,
)
from comparisons.derivation import pair_slug
from comparisons.models import Comparison
from pages.sitemaps import SiteUrlSitemap, models_with_last_change
from vocabulary.process_memos import process_memo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# Smaller than the protocol's 50,000 so that every page answers quickly.
PAIRS_PER_PAGE = 10_000
# More change-log entries than this since the table was read: read it anew.
UPDATE_LIMIT = 500


class IndexedModel(NamedTuple):
    """An indexable model, with what its pairs' entries are written from.

    A named tuple: a section unpacks 10,000 of them, and the XML parts are
    made once per model, not once per pair.
    """

    slug: str
    has_price: bool
    benchmarks: int  # one bit per benchmark it has a score on
    last_changed: datetime
    # last_changed in microseconds: compared per pair, an int is quicker than
    # a datetime with its time zone, and orders the same.
    stamp: int
    loc: str  # the slug escaped for XML
    day: str  # the day of last_changed, as <lastmod> gives it


def indexed_model(
    slug: str, has_price: bool, benchmarks: int, last_changed: datetime
) -> IndexedModel:
    """A model's entry, sharing what it can: its slug as the escaped slug when
    escaping changes nothing (it never does for a valid slug), and one string
    per day, so 10,000 models cost workers little memory beyond their slugs."""
    escaped = str(escape(slug))
    return IndexedModel(
        slug,
        has_price,
        benchmarks,
        last_changed,
        (last_changed - EPOCH) // MICROSECOND,
        slug if escaped == slug else escaped,
        sys.intern(last_changed.date().isoformat()),
    )


@dataclass(frozen=True)
class PairEntry:
    slug: str
    lastmod: datetime


def pair_index(i: int, j: int, n: int) -> int:
    """Position of pair (i, j), i < j, among the n(n-1)/2 pairs in order."""
    return i * n - i * (i + 1) // 2 + (j - i - 1)


def pair_at(index: int, n: int) -> tuple[int, int]:
    """The pair (i, j) at a position: the inverse of pair_index."""
    # Row i starts at s(i) = i(2n - i - 1)/2; solve s(i) <= index for the largest i.
    i = (2 * n - 1 - isqrt((2 * n - 1) ** 2 - 8 * index)) // 2
    while i > 0 and pair_index(i, i + 1, n) > index:
        i -= 1
    while i + 1 < n - 1 and pair_index(i + 1, i + 2, n) <= index:
        i += 1
    return i, index - pair_index(i, i + 1, n) + i + 1


def is_thin(a: IndexedModel, b: IndexedModel) -> bool:
    """The data says little: a model without a price and no shared benchmark.

    Retired models never get here (they are left out of the index). The pair
    page reaches the same answer through the derivation's `is_indexable`;
    tests/pages/test_sitemaps.py checks that the two agree.
    """
    return (not a.has_price or not b.has_price) and not (a.benchmarks & b.benchmarks)


def _slug_of(model: IndexedModel) -> str:
    return model.slug


def _in_order(a: str, b: str) -> tuple[str, str]:
    """Two slugs in code-point order, as pair addresses put them."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class PairTable:
    """What the pairs are made from: the indexable models in code-point order of
    their slugs, and the curated comparisons' last changes by pair, with what
    an update from the change log starts from."""

    models: list[IndexedModel]
    # (first slug, second slug) in code-point order: the comparison's last change.
    curated: dict[tuple[str, str], datetime]
    # Benchmark id: its bit in IndexedModel.benchmarks (ids first seen get new bits).
    benchmark_bits: dict[int, int]
    day: date  # the day retirement was judged on
    log_position: int = 0  # the last change-log entry taken in
    unlogged_mark: str | None = None  # the last unlogged write seen; None: unknown
    unseen_mark: str | None = None  # the last unseen write seen; None: unknown

    @cached_property
    def curated_by_first(self) -> dict[str, dict[str, datetime]]:
        """The curated changes by the pair's first slug, then its second: a
        section looks a row's model up once, and a pair only in a row that has one."""
        by_first: dict[str, dict[str, datetime]] = {}
        for (first, second), updated in self.curated.items():
            by_first.setdefault(first, {})[second] = updated
        return by_first

    @cached_property
    def latest(self) -> datetime | None:
        """The newest change among indexable models and comparisons: a pair
        changes when one of its models does (or its curated text), so it bounds them all."""
        changes = [model.last_changed for model in self.models]
        changes += self.curated.values()
        return max(changes, default=None)


def _indexed_read(
    day: date, slugs: set[str] | None, bits: dict[int, int]
) -> list[IndexedModel]:
    """The indexable models (those of `slugs` only, if given); `bits` gains a
    bit for each benchmark not seen before."""
    indexable = models_with_last_change()
    if slugs is not None:
        indexable = indexable.filter(slug__in=slugs)
    indexable = indexable.in_service(on=day)
    priced = Offering.objects.available().filter(
        model=OuterRef("pk"), input_price__isnull=False, output_price__isnull=False
    )
    # Unordered: the models are put in code-point order by the caller, and the
    # default order by name made PostgreSQL sort every row by its collation first.
    rows = list(
        indexable.annotate(has_price=Exists(priced))
        .order_by()
        .values_list("pk", "slug", "has_price", "last_changed")
    )
    benchmarks: dict[int, int] = {}
    # All of them as a subquery (no list of every id sent back); a few by slug,
    # indexable or not, so that an edit costs the same queries whatever it did
    # (and the query that found them is not compiled again).
    scores = Score.objects.filter(
        model__in=indexable.values("pk")
        if slugs is None
        else LLMModel.objects.filter(slug__in=slugs).values("pk")
    )
    for model_id, benchmark_id in scores.order_by().values_list(
        "model_id", "benchmark_id"
    ):
        bit = bits.setdefault(benchmark_id, 1 << len(bits))
        benchmarks[model_id] = benchmarks.get(model_id, 0) | bit
    return [
        indexed_model(slug, has_price, benchmarks.get(pk, 0), changed)
        for pk, slug, has_price, changed in rows
    ]


def _curated_read() -> dict[tuple[str, str], datetime]:
    return {
        _in_order(a, b): updated
        for a, b, updated in Comparison.objects.order_by().values_list(
            "model_a__slug", "model_b__slug", "updated_at"
        )
    }


def _curated_of(slugs: set[str], sides: set[str]) -> dict[tuple[str, str], datetime]:
    """The comparisons of a model of `slugs`, or of two models of `sides`.

    The models are found by slug in subqueries and each side's slug read for
    the rows found: joined instead, PostgreSQL read every model to match a few.
    """

    def slug_of(side: str) -> Subquery:
        return Subquery(
            LLMModel.objects.filter(pk=OuterRef(side)).order_by().values("slug")
        )

    named = LLMModel.objects.filter(slug__in=slugs).values("pk")
    paired = LLMModel.objects.filter(slug__in=sides).values("pk")
    rows = (
        Comparison.objects.order_by()
        .filter(
            Q(model_a__in=named)
            | Q(model_b__in=named)
            | Q(model_a__in=paired, model_b__in=paired)
        )
        .annotate(first=slug_of("model_a"), second=slug_of("model_b"))
        .values_list("first", "second", "updated_at")
    )
    return {_in_order(a, b): updated for a, b, updated in rows}


def _pair_table_read() -> PairTable:
    # The marks and the log's position first: a change committed while the
    # rest is read is then taken in again by the next update, never missed.
    mark = unlogged_write_mark()
    unseen = unseen_write_mark()
    position = last_entry()
    day = timezone.localdate()
    bits: dict[int, int] = {}
    models = _indexed_read(day, None, bits)
    # Code-point order of slugs, as canonical pair addresses use (never a collation).
    models.sort(key=_slug_of)
    return PairTable(
        models=models,
        curated=_curated_read(),
        benchmark_bits=bits,
        day=day,
        log_position=position,
        unlogged_mark=mark,
        unseen_mark=unseen,
    )


def _pair_table_update(table: PairTable) -> PairTable | None:
    """The table with what the change log says changed since, or None to read it anew.

    Models are read again by the slugs the log names (their own, or their
    offerings', scores' or reviews'), and curated comparisons by the pairs and
    models it names, so the work after an edit follows the edit, not the
    catalog. A write to something nobody sees (a draft's comparison, say)
    leaves no entry but moves the unseen-write mark: then every comparison is
    read again (the section's last change counts them all). The list is
    copied, not changed, so a request still reading the old table sees it whole.
    """
    mark = unlogged_write_mark()
    if mark is None or mark != table.unlogged_mark:
        return None  # a write the log does not describe: start again
    if timezone.localdate() != table.day:
        return None  # models retire by the calendar, with no entry in the log
    unseen = unseen_write_mark()
    changes = entries_after(
        table.log_position, limit=UPDATE_LIMIT, fields=("id", "kind", "slug", "keys")
    )
    if changes is None:
        return None  # entries the table never saw are gone, or too many
    slugs = {slug for _, kind, slug, _ in changes if kind in MODEL_KINDS}
    pairs = {
        _in_order(*keys["models"])
        for _, kind, _, keys in changes
        if kind == ChangeKind.COMPARISON
    }
    models, bits = table.models, table.benchmark_bits
    if slugs:
        bits = dict(bits)
        models = _models_replaced(models, slugs, _indexed_read(table.day, slugs, bits))
    if unseen is None or unseen != table.unseen_mark:
        curated = _curated_read()
    elif slugs or pairs:
        curated = _curated_replaced(table.curated, slugs, pairs)
    else:
        curated = table.curated
    return replace(
        table,
        models=models,
        curated=curated,
        benchmark_bits=bits,
        log_position=changes[-1][0] if changes else table.log_position,
        unlogged_mark=mark,
        unseen_mark=unseen,
    )


def _models_replaced(
    models: list[IndexedModel], slugs: set[str], found: list[IndexedModel]
) -> list[IndexedModel]:
    """A copy of the models with those of `slugs` taken out and `found` put in,
    each by bisection (a copy of the list, done in C, and a few searches)."""
    models = models.copy()
    for slug in slugs:
        at = bisect.bisect_left(models, slug, key=_slug_of)
        if at < len(models) and models[at].slug == slug:
            del models[at]
    for model in found:
        bisect.insort(models, model, key=_slug_of)
    return models


def _curated_replaced(
    curated: dict[tuple[str, str], datetime],
    slugs: set[str],
    pairs: set[tuple[str, str]],
) -> dict[tuple[str, str], datetime]:
    """The comparisons with those naming one of `slugs`, or one of `pairs`, read again.

    A model's slug may have changed: its comparisons are dropped under the old
    one and read under the new, as the log names both.
    """
    found = _curated_of(slugs, {slug for pair in pairs for slug in pair})
    kept = {
        pair: updated
        for pair, updated in curated.items()
        if pair not in pairs and pair[0] not in slugs and pair[1] not in slugs
    }
    kept.update(found)
    return kept


_table_lock = threading.Lock()
_table: tuple[str, PairTable] | None = None


@process_memo
def _forget_table() -> None:
    global _table
    with _table_lock:
        _table = None


def _same_calendar(version: str, other: str) -> bool:
    """Do two serving versions differ only in their catalog token (an edit)?

    The rest is the release, the day and the scheduled publications due: a
    draft published by the clock leaves nothing in the change log.
    """
    return version.partition(".")[2] == other.partition(".")[2]


def pair_table() -> PairTable:
    """This process's table for the serving version: brought up to date from the
    change log after an edit, read anew when the calendar or the code moves."""
    global _table
    version = serving_version()
    current = _table
    if current is not None and current[0] == version:
        return current[1]
    table = None
    if (
        current is not None
        and version is not None
        and _same_calendar(current[0], version)
    ):
        table = _pair_table_update(current[1])
    if table is None:
        table = _pair_table_read()
    if version is not None and is_shared_version(version):
        with _table_lock:
            _table = (version, table)
    return table


class IndexablePairs:
    """A sequence of the indexable pairs' entries that computes each page on demand.

    len() counts every pair of indexable models, thin or not, so page ranges
    stay arithmetic; a page leaves its thin pairs out and may be shorter.
    """

    def __init__(self) -> None:
        self.table = pair_table()
        self.models = self.table.models

    def __len__(self) -> int:
        n = len(self.models)
        return n * (n - 1) // 2

    def __getitem__(self, key: slice) -> list[PairEntry]:
        """The entries of a range of pairs (pairs_page_xml writes a page's XML
        without them, to the same result)."""
        if not isinstance(key, slice):
            raise TypeError("IndexablePairs is read a page (a slice) at a time.")
        start, stop, _ = key.indices(len(self))
        if start >= stop:
            return []
        n = len(self.models)
        i, j = pair_at(start, n)
        entries = []
        for _ in range(stop - start):
            a, b = self.models[i], self.models[j]
            if not is_thin(a, b):
                lastmod = max(a.last_changed, b.last_changed)
                curated = self.table.curated.get((a.slug, b.slug))
                if curated and curated > lastmod:
                    lastmod = curated
                entries.append(PairEntry(pair_slug(a.slug, b.slug), lastmod))
            j += 1
            if j == n:
                i += 1
                j = i + 1
        return entries

    def latest_lastmod(self) -> datetime | None:
        return self.table.latest


class PairSitemap(SiteUrlSitemap):
    limit = PAIRS_PER_PAGE
    changefreq = "weekly"

    @cached_property
    def _pairs(self) -> IndexablePairs:
        return IndexablePairs()

    def items(self) -> IndexablePairs:
        return self._pairs

    def location(self, item: PairEntry) -> str:
        return reverse("comparisons:pair", args=[item.slug])

    def lastmod(self, item: PairEntry) -> datetime:
        return item.lastmod

    def get_latest_lastmod(self) -> datetime | None:
        return self._pairs.latest_lastmod()


URL_END = "</lastmod><changefreq>weekly</changefreq></url>"


def pairs_page_xml(pairs: IndexablePairs, start: int, stop: int, *, origin: str) -> str:
    """Pairs start to stop (positions in the order) as sitemap XML, written directly.

    Django's sitemap template costs seconds for 10,000 entries. Here each
    model's escaped slug and day are made once, in the table, and a pair's
    line is its row's opening, the second model's part and the newer day (a
    curated comparison's when newer still): no entry objects, no escaping
    and no date formatting per pair. The same XML as writing pairs[start:stop]
    entry by entry (tests/pages/test_pair_sitemap_updates.py checks it).
    """
    prefix = origin + reverse("comparisons:pair", args=["a-vs-b"]).removesuffix(
        "a-vs-b/"
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    models = pairs.models
    n = len(models)
    curated_by_first = pairs.table.curated_by_first
    left = stop - start
    if left > 0:
        i, j = pair_at(start, n)
    while left > 0:
        end = min(n, j + left)
        left -= end - j
        lines += _row_lines(
            models[i], models[j:end], curated_by_first.get(models[i].slug), prefix
        )
        i += 1
        j = i + 1
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _row_lines(
    a: IndexedModel,
    others: list[IndexedModel],
    curated: dict[str, datetime] | None,
    prefix: str,
) -> list[str]:
    """The lines of the pairs of `a` with each of `others` (thin pairs left out)."""
    _, priced_a, benchmarks_a, changed_a, stamp_a, loc_a, day_a = a
    opening = f"<url><loc>{prefix}{loc_a}-vs-"
    if curated is None:
        # Most rows: no curated comparison, so a line is made of the two models'
        # parts. The day is the newer model's (the first's on a tie, as max()).
        return [
            f"{opening}{loc_b}/</loc><lastmod>"
            f"{day_b if stamp_b > stamp_a else day_a}{URL_END}"
            for _, priced_b, benchmarks_b, _, stamp_b, loc_b, day_b in others
            if (priced_a and priced_b) or benchmarks_a & benchmarks_b  # not is_thin
        ]
    lines = []
    for slug_b, priced_b, benchmarks_b, changed_b, stamp_b, loc_b, day_b in others:
        if not ((priced_a and priced_b) or benchmarks_a & benchmarks_b):
            continue
        lastmod, day = (changed_b, day_b) if stamp_b > stamp_a else (changed_a, day_a)
        moment = curated.get(slug_b)
        if moment is not None and moment > lastmod:
            day = moment.date().isoformat()
        lines.append(f"{opening}{loc_b}/</loc><lastmod>{day}{URL_END}")
    return lines
