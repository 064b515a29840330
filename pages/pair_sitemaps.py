"""The pairs sitemap: every indexable pair, paged by arithmetic, never all in memory.

With n indexable models there are n(n-1)/2 pairs (about 500,000 at 1,000
models). The models are put in code-point order of their slugs; pair (i, j),
i < j, then has the index i*n - i*(i+1)/2 + (j - i - 1), so a sitemap page is a
range of indexes turned back into (i, j) with a square root. The table of
indexable models (one row per model, never one per pair) is read once per
serving version and kept in the process, so each further section costs what
its own pairs cost, whatever the catalog's size: a crawler reads thousands of
sections of a large catalog under one version.
"""

import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from math import isqrt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import escape

from catalog.cache import is_shared_version, serving_version
from catalog.models import Offering, Score
from comparisons.derivation import pair_slug
from comparisons.models import Comparison
from pages.sitemaps import SiteUrlSitemap, models_with_last_change
from vocabulary.process_memos import process_memo

# Smaller than the protocol's 50,000 so that every page answers quickly.
PAIRS_PER_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class IndexedModel:
    slug: str
    has_price: bool
    benchmarks: int  # one bit per benchmark it has a score on
    last_changed: datetime


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


@dataclass(frozen=True)
class PairTable:
    """What the pairs are made from: the indexable models in code-point order of
    their slugs, and the curated comparisons' last changes by pair slug."""

    models: list[IndexedModel]
    curated: dict[str, datetime]
    # A pair changes when one of its models does (or its curated text), so the
    # newest change among indexable models and comparisons bounds them all.
    latest: datetime | None


def _pair_table_read() -> PairTable:
    priced = Offering.objects.available().filter(
        model=OuterRef("pk"), input_price__isnull=False, output_price__isnull=False
    )
    indexable = models_with_last_change().in_service()
    # Unordered: the models are put in code-point order below, and the default
    # order by name made PostgreSQL sort every row by its collation first.
    rows = list(
        indexable.annotate(has_price=Exists(priced))
        .order_by()
        .values_list("pk", "slug", "has_price", "last_changed")
    )
    bits: dict[int, int] = {}
    benchmarks: dict[int, int] = {}
    # The indexable models as a subquery: no list of every id sent back.
    for model_id, benchmark_id in (
        Score.objects.filter(model__in=indexable.values("pk"))
        .order_by()
        .values_list("model_id", "benchmark_id")
    ):
        bit = bits.setdefault(benchmark_id, 1 << len(bits))
        benchmarks[model_id] = benchmarks.get(model_id, 0) | bit
    models = [
        IndexedModel(slug, has_price, benchmarks.get(pk, 0), changed)
        for pk, slug, has_price, changed in rows
    ]
    # Code-point order of slugs, as canonical pair addresses use (never a collation).
    models.sort(key=lambda model: model.slug)
    curated = {
        pair_slug(a, b): updated
        for a, b, updated in Comparison.objects.order_by().values_list(
            "model_a__slug", "model_b__slug", "updated_at"
        )
    }
    changes = [model.last_changed for model in models] + list(curated.values())
    return PairTable(models, curated, max(changes, default=None))


_table_lock = threading.Lock()
_table: tuple[str, PairTable] | None = None


@process_memo
def _forget_table() -> None:
    global _table
    with _table_lock:
        _table = None


def pair_table() -> PairTable:
    """This process's table for the serving version (the calendar retires it too:
    a scheduled model comes in, a retired one goes out)."""
    global _table
    version = serving_version()
    current = _table
    if current is not None and current[0] == version:
        return current[1]
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
        self.curated = self.table.curated

    def __len__(self) -> int:
        n = len(self.models)
        return n * (n - 1) // 2

    def __getitem__(self, key: slice) -> list[PairEntry]:
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
                slug = pair_slug(a.slug, b.slug)
                lastmod = max(a.last_changed, b.last_changed)
                curated = self.curated.get(slug)
                if curated and curated > lastmod:
                    lastmod = curated
                entries.append(PairEntry(slug, lastmod))
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


def pairs_page_xml(entries: list[PairEntry], *, origin: str) -> str:
    """One page of the pairs section as sitemap XML, written directly.

    Django's sitemap template costs seconds for 10,000 entries; a pair entry is
    a slug and a date, so plain string building answers in milliseconds.
    """
    prefix = origin + reverse("comparisons:pair", args=["a-vs-b"]).removesuffix(
        "a-vs-b/"
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [
        f"<url><loc>{prefix}{escape(entry.slug)}/</loc>"
        f"<lastmod>{entry.lastmod.date().isoformat()}</lastmod>"
        "<changefreq>weekly</changefreq></url>"
        for entry in entries
    ]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
