"""The models list's orders, and each one over every published model kept per
serving version.

Putting every published model in order is what a page of the list cost in
PostgreSQL, and it grows with the catalog: at 10,000 models, sorting by name
alone takes some 14 ms (names compare by the database's collation), by price
some 54 ms (each model's cheapest offering first). Readers page through the same
few orders, so each process reads an order once per serving version (every
published model's id and whether its weights are open), and a page of the plain
list, or of open or closed weights, is then a slice of it: its count and its
fifty models cost the same at any catalog size. Other filters narrow the list
in SQL, with the same orders.
"""

import threading
from collections.abc import Callable

from django.db.models import Case, Exists, F, OuterRef, Subquery, Value, When

from catalog.cache import is_shared_version, serving_version
from catalog.models import LLMModel, Offering, Vendor
from comparisons import services
from vocabulary.process_memos import process_memo


def from_blended_price() -> Subquery:
    """A model's lowest blended price over its available, priced offerings.

    It is the blended price of the derivation's reference offering, read in SQL
    so that the list sorts and pages before any model's prices are read.
    """
    offerings = (
        Offering.objects.available()
        .filter(
            model=OuterRef("pk"), input_price__isnull=False, output_price__isnull=False
        )
        .annotate(blended=services.blended_expression(services.blend_input_weight()))
        .order_by("blended")
        .values("blended")[:1]
    )
    return Subquery(offerings)


SORTS = {
    "name": ("name", "slug"),
    # Unknown values last, then by name.
    "price": (F("from_blended").asc(nulls_last=True), "name", "slug"),
    "context": (F("context_window").desc(nulls_last=True), "name", "slug"),
    # Dates are text: "2026-03" and "2026-03-15" sort as reader expects, newest first.
    "release": (
        Case(When(release_date="", then=Value(1)), default=Value(0)),
        "-release_date",
        "name",
        "slug",
    ),
}

# The weights filter's values: any, open ("yes") or closed ("no"); a model whose
# weights are unknown is in neither of the last two.
WEIGHTS = {"": None, "yes": True, "no": False}


def sorted_models(models, sort: str):
    if sort == "price" and "from_blended" not in models.query.annotations:
        models = models.annotate(from_blended=from_blended_price())
    return models.order_by(*SORTS[sort])


_kept_lock = threading.Lock()
# (serving version, {key: what was read under it}): an order's key is
# (sort, weights), the vendors' "vendors".
_kept: tuple[str, dict] | None = None


@process_memo
def _forget_kept() -> None:
    global _kept
    with _kept_lock:
        _kept = None


def _kept_per_version(key, read: Callable[[], dict]):
    """What `read` returns for `key` (a dict of keys to keep, `key` among them),
    read once per serving version in this process (the calendar retires it too:
    a scheduled model comes in)."""
    global _kept
    version = serving_version()
    current = _kept
    if current is not None and current[0] == version and key in current[1]:
        return current[1][key]
    values = read()
    if version is not None and is_shared_version(version):
        with _kept_lock:
            if _kept is None or _kept[0] != version:
                _kept = (version, {})
            _kept[1].update(values)
    return values[key]


def _orders_read(sort: str) -> dict[tuple[str, str], tuple[int, ...]]:
    """One order over every published model, for each value of the weights filter."""
    rows = list(
        sorted_models(LLMModel.objects.published(), sort).values_list(
            "pk", "open_weights"
        )
    )
    return {
        (sort, weights): tuple(
            pk for pk, is_open in rows if wanted is None or is_open is wanted
        )
        for weights, wanted in WEIGHTS.items()
    }


def published_order(sort: str, weights: str = "") -> tuple[int, ...]:
    """Ids of the published models in the list's order `sort`, only those whose
    weights are open ("yes") or closed ("no") if asked."""
    return _kept_per_version((sort, weights), lambda: _orders_read(sort))


def _vendors_read() -> dict[str, tuple[tuple[str, str], ...]]:
    # A semi-join, not every published model joined and made distinct again.
    vendors = (
        Vendor.objects.filter(
            Exists(LLMModel.objects.published().filter(vendor=OuterRef("pk")))
        )
        .order_by("name")
        .values_list("slug", "name")
    )
    return {"vendors": tuple(vendors)}


def vendor_choices() -> tuple[tuple[str, str], ...]:
    """(slug, name) of every vendor with a published model, by name: the vendor
    filter's choices, found by one semi-join of every published model (some
    6 ms at 10,000 models), so kept per serving version as the orders are."""
    return _kept_per_version("vendors", _vendors_read)


class ModelsInOrder:
    """Published models in a kept order, as a sequence the paginator slices: its
    length is the order's, and a slice reads only its own models (one query)."""

    def __init__(self, ids: tuple[int, ...]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key: slice) -> list[LLMModel]:
        if not isinstance(key, slice):
            raise TypeError("ModelsInOrder is read a page (a slice) at a time.")
        ids = self.ids[key]
        if not ids:
            return []
        found = (
            LLMModel.objects.published()
            .select_related("vendor")
            .order_by()
            .in_bulk(ids)
        )
        # A model unpublished since the order was read is left out, not an error.
        return [found[pk] for pk in ids if pk in found]
