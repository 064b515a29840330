"""Price against quality: which models no other model beats on both at once.

A model with a known price is on the frontier when no other model is cheaper and
at least as good, or as cheap and better (better by the benchmark's direction).
Two models at the same price and score are both on it. A model whose price is
unknown takes no part: nothing is claimed about it either way.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class QualityPoint:
    key: Hashable  # what the caller knows the model by (its slug)
    price: Decimal | None  # blended "from" price; None when unknown
    score: Decimal


def price_frontier(
    points: Iterable[QualityPoint], *, higher_is_better: bool
) -> frozenset[Hashable]:
    """The keys of the points on the price-quality frontier (see the module's rule)."""
    sign = 1 if higher_is_better else -1
    priced = sorted(
        (p for p in points if p.price is not None),
        key=lambda p: (p.price, -sign * p.score),
    )
    frontier = []
    best_cheaper: Decimal | None = (
        None  # the best quality among strictly cheaper points
    )
    for _, group in itertools.groupby(priced, key=lambda p: p.price):
        group = list(group)
        top = sign * group[0].score  # the group is sorted best first
        if best_cheaper is None or top > best_cheaper:
            frontier += [p.key for p in group if sign * p.score == top]
            best_cheaper = top
    return frozenset(frontier)
