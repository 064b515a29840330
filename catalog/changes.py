# Long on purpose: recording a write and reading the log back share one entry format; split, each half would restate it.
"""The catalog's change log: what partners can see that changed, in commit order.

Every write to something partners can see (or could, before the write) adds an
entry naming the object by its natural key: a model's slug, an offering's model
and provider, a comparison's pair. The partner feed (GET /api/v1/changes/)
reads the log after a cursor and answers each entry with the object as it is
*now*: an `upsert` with the object as the export writes it, or a `delete` when
it is gone or no longer visible. A mirror that applies the feed in order ends
up equal to a fresh export, whatever happened in between (docs/api.md).

Commit order. The cursor is an entry's id, and ids must follow commit order,
or a reader could pass an id whose transaction commits later and never see it.
Each transaction that records takes an EXCLUSIVE lock on the log table before
its first entry (before its first catalog write where signals allow, so the
lock always comes first and two writers cannot deadlock on it) and keeps it to
its commit. So entries are numbered one transaction at a time, and one that
commits later always holds higher ids, however long it ran and whatever the
clocks say. Readers take no lock (plain SELECTs do not wait on EXCLUSIVE). The
price: catalog writes queue one behind the other; they are editors' saves and
imports, short and rare. SQLite lets one transaction write at a time anyway.

Who records. Saves and deletes through the ORM (admin, shell, services,
cascades) record through signals (catalog/signals.py). Bulk writes send no
signals: the importer records what it bulk-creates with `objects_record`
inside `batched()`, which also gathers the saves' entries and writes them at
the end in one statement, each object once. One logical save logs each object
once in its transaction (`one_change()`): an admin page saved with its inlines
(catalog/admin.py), an offering saved with the earlier price it keeps
(Offering.save), so one price edit is one entry.
A draft whose publish time comes has no write at all:
`due_publications_announce` records it when the feed or an export is read.
"""

import base64
import binascii
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from catalog import extensions
from catalog import models as catalog
from catalog.models import ChangeKind, ChangeLogEntry, ChangeLogPruning
from vocabulary.slugs import pair_slug

Entry = tuple[str, dict]

# Where an offering, score or review is delivered: with its model.
CHILD_KINDS = (ChangeKind.OFFERING, ChangeKind.SCORE, ChangeKind.REVIEW)
NAMED_KINDS = (ChangeKind.VENDOR, ChangeKind.PROVIDER, ChangeKind.BENCHMARK)
# Entries that name a model: its own slug, or its offering's, score's or review's.
MODEL_KINDS = (ChangeKind.MODEL, *CHILD_KINDS)


def _db() -> str:
    return router.db_for_write(ChangeLogEntry)


# --- Visibility ----------------------------------------------------------------


def model_visible(
    status: str, publish_at: dt.datetime | None, now: dt.datetime | None = None
) -> bool:
    """True when readers see a model with this status and schedule (published())."""
    return catalog.is_published_as_of(
        status=status, publish_at=publish_at, at=now or timezone.now()
    )


def model_entry(slug: str) -> Entry:
    return (ChangeKind.MODEL, {"slug": slug})


def comparison_entry(first: str, second: str) -> Entry:
    return (
        ChangeKind.COMPARISON,
        {"slug": pair_slug(first, second), "models": sorted([first, second])},
    )


def entry_slug(kind: str, keys: dict) -> str:
    """The column the log is searched by: the object's slug, or its model's."""
    if kind in CHILD_KINDS:
        return keys["model"]
    return keys["slug"]


def entry_identity(kind: str, keys: dict) -> tuple:
    return (kind, *(str(value) for value in keys.values()))


# --- The lock that puts ids in commit order --------------------------------------


@dataclasses.dataclass
class _TransactionState:
    # Django replaces connection.run_on_commit with a new list at every commit,
    # rollback and savepoint rollback: while it is the same list object, the
    # transaction (and any lock it took) is the same one.
    hooks: list


def _state(connection) -> _TransactionState | None:
    state = getattr(connection, "_change_log_state", None)
    if (
        state is not None
        and connection.in_atomic_block
        and state.hooks is connection.run_on_commit
    ):
        return state
    return None


def serialize_writes() -> None:
    """Take the log's lock for the rest of this transaction (once; PostgreSQL only).

    Called before a transaction's first catalog write, so every writer takes
    this lock before any row lock. Outside a transaction it does nothing: each
    recording opens its own.
    """
    connection = connections[_db()]
    if not connection.in_atomic_block or _state(connection) is not None:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ChangeLogEntry._meta.db_table} IN EXCLUSIVE MODE"
            )
    connection._change_log_state = _TransactionState(hooks=connection.run_on_commit)


# --- Recording -------------------------------------------------------------------


@dataclasses.dataclass
class _Batch:
    entries: list = dataclasses.field(default_factory=list)
    # (object, its key fields as loaded): resolved together when the batch ends.
    saved: list = dataclasses.field(default_factory=list)


# What batched() gathers, written when it ends.
_batch: ContextVar[_Batch | None] = ContextVar("change_log_batch", default=None)


@dataclasses.dataclass
class _Once:
    # The objects already logged, and the transaction they were logged in (its
    # on-commit list, as in _TransactionState).
    logged: set = dataclasses.field(default_factory=set)
    hooks: list | None = None


# Set by one_change(): the entries it has let through.
_once: ContextVar[_Once | None] = ContextVar("change_log_once", default=None)


@contextmanager
def one_change() -> Iterator[None]:
    """Log each object once per transaction while the block runs.

    For one logical save (an admin page with its inlines, an offering with the
    earlier price it keeps): no reader sees the log between its writes, so a
    second entry for the same object would only repeat the first. Entries are
    still written as the writes happen, so the lock and `is_unseen_write()`
    work as for any save.
    """
    if _once.get() is not None:
        yield
        return
    token = _once.set(_Once())
    try:
        yield
    finally:
        _once.reset(token)


def _not_yet_logged(entries: list[Entry], connection) -> list[Entry]:
    once = _once.get()
    if once is None:
        return entries
    if once.hooks is not connection.run_on_commit:
        # Another transaction, or a savepoint rolled back (perhaps with entries
        # of this scope): nothing written before counts.
        once.logged.clear()
        once.hooks = connection.run_on_commit
    fresh = []
    for kind, keys in entries:
        identity = entry_identity(kind, keys)
        if identity not in once.logged:
            once.logged.add(identity)
            fresh.append((kind, keys))
    return fresh


def changes_record(*, entries: Iterable[Entry], at: dt.datetime | None = None) -> int:
    """Add entries to the log in this transaction (or a transaction of their own)."""
    batch = _batch.get()
    if batch is not None:
        batch.entries.extend(entries)
        return 0
    entries = list(entries)
    if not entries:
        return 0
    db = _db()
    with transaction.atomic(using=db, savepoint=False):
        serialize_writes()
        at = at or timezone.now()
        # Repeats within one transaction stay, unless one_change() or batched()
        # says no reader can see the log in between: a reader in the same
        # transaction may read it between two writes.
        entries = _not_yet_logged(entries, connections[db])
        if not entries:
            return 0
        rows = [
            ChangeLogEntry(kind=kind, slug=entry_slug(kind, keys), keys=keys, at=at)
            for kind, keys in entries
        ]
        ChangeLogEntry.objects.using(db).bulk_create(rows)
    return len(rows)


@contextmanager
def batched() -> Iterator[None]:
    """Gather the entries recorded inside the block and write them when it ends.

    For bulk writers: saved objects are resolved to their keys together, with a
    handful of queries in all instead of some per object, and each object is
    logged once however often the block wrote it. Deletes are still resolved at
    once (their rows are gone by the end).
    """
    if _batch.get() is not None:
        yield
        return
    serialize_writes()
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    once: dict[tuple, Entry] = {}
    for kind, keys in [*batch.entries, *_object_entries(batch.saved)]:
        once.setdefault(entry_identity(kind, keys), (kind, keys))
    changes_record(entries=once.values())


def objects_record(saved: Iterable[tuple]) -> None:
    """Record saved catalog objects, each with its key fields as loaded.

    Bulk-created ones come with {} (they were not there before). In a batch,
    they are resolved when it ends.
    """
    saved = list(saved)
    batch = _batch.get()
    if batch is not None:
        batch.saved.extend(saved)
        return
    changes_record(entries=_object_entries(saved))


def object_deleted(instance, origin=None) -> None:
    """Record an object about to be deleted, unless its parent's delete covers it."""
    if _covered_by(instance, origin):
        return
    changes_record(
        entries=_object_entries([(instance, loaded_keys(instance))], deleting=True)
    )


def _origin_is(origin, model_cls) -> bool:
    if isinstance(origin, QuerySet):
        return issubclass(origin.model, model_cls)
    return isinstance(origin, model_cls)


# --- Rows about a pair (catalog/extensions.py) ------------------------------------
# Curated comparisons live in another app, which registers them: a pair row is
# an object of its own in the feed (a `comparison` entry for its two models),
# and its parts (FAQ entries) are changes to it.


def _pair_models() -> tuple[type, ...]:
    return tuple(records.model for records in extensions.pair_records())


def _pair_sides(model_cls) -> tuple[str, str]:
    return next(r.sides for r in extensions.pair_records() if r.model is model_cls)


def _pair_parts() -> dict[type, tuple[str, type]]:
    """Each part's model -> (its foreign key to the pair row, the pair row's model)."""
    return {
        part: (field, records.model)
        for records in extensions.pair_records()
        for part, field in records.parts.items()
    }


def _covered_by(instance, origin) -> bool:
    """A row deleted with its model (or offering, pair row) is that object's change."""
    if isinstance(instance, (catalog.LLMModel, *_pair_models())):
        return False
    part = _pair_parts().get(type(instance))
    if _origin_is(origin, catalog.LLMModel):
        # A pair row deleted with the model records itself; its parts go with it.
        return part is None
    if isinstance(instance, catalog.PriceTier | catalog.PricePoint):
        return _origin_is(origin, catalog.Offering)
    if part is not None:
        return _origin_is(origin, part[1])
    return False


def loaded_keys(instance) -> dict:
    """The key fields as the instance was loaded (post_init), before any edit."""
    return getattr(instance, "_change_log_loaded", {})


def remember_loaded(instance) -> None:
    fields = tracked_fields(type(instance))
    instance._change_log_loaded = {name: instance.__dict__.get(name) for name in fields}


TRACKED_FIELDS = {
    catalog.Vendor: ("slug",),
    catalog.Provider: ("slug",),
    catalog.Benchmark: ("slug",),
    catalog.LLMModel: ("slug", "status", "publish_at"),
    catalog.Offering: ("model_id", "provider_id"),
    catalog.Score: ("model_id", "benchmark_id"),
    catalog.Review: ("model_id", "reviewed_on", "reviewer"),
}


def tracked_fields(model_cls) -> tuple[str, ...]:
    """The fields an object of this model is known by in the log (pair rows: their sides)."""
    if model_cls in TRACKED_FIELDS:
        return TRACKED_FIELDS[model_cls]
    if model_cls in _pair_models():
        return tuple(f"{side}_id" for side in _pair_sides(model_cls))
    return ()


class _Lookups:
    """Slugs and visibility of the models, providers and benchmarks objects name.

    Related objects already loaded are used as they are; the rest are read with
    one query per kind.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.models: dict[int, tuple[str, bool]] = {}
        self.slugs: dict[type, dict[int, str]] = {
            catalog.Provider: {},
            catalog.Benchmark: {},
            catalog.Vendor: {},
        }
        self.wanted: dict[type, set[int]] = {
            catalog.LLMModel: set(),
            catalog.Provider: set(),
            catalog.Benchmark: set(),
        }

    def note(self, instance, field: str, model_id: int | None) -> None:
        if model_id is None:
            return
        descriptor = getattr(type(instance), field)
        related_cls = descriptor.field.related_model
        if descriptor.is_cached(instance):
            related = getattr(instance, field)
            if related is not None and related.pk == model_id:
                self.add(related)
                return
        if model_id not in self._known(related_cls):
            self.wanted[related_cls].add(model_id)

    def _known(self, related_cls) -> dict:
        if related_cls is catalog.LLMModel:
            return self.models
        return self.slugs[related_cls]

    def add(self, obj) -> None:
        if isinstance(obj, catalog.LLMModel):
            self.models[obj.pk] = (
                obj.slug,
                model_visible(obj.status, obj.publish_at, self.now),
            )
        else:
            self.slugs[type(obj)][obj.pk] = obj.slug

    def fetch(self) -> None:
        ids = self.wanted[catalog.LLMModel] - self.models.keys()
        if ids:
            for pk, slug, status, publish_at in catalog.LLMModel.objects.filter(
                pk__in=ids
            ).values_list("pk", "slug", "status", "publish_at"):
                self.models[pk] = (slug, model_visible(status, publish_at, self.now))
        for related_cls in (catalog.Provider, catalog.Benchmark):
            ids = self.wanted[related_cls] - self.slugs[related_cls].keys()
            if ids:
                self.slugs[related_cls].update(
                    related_cls.objects.filter(pk__in=ids).values_list("pk", "slug")
                )
        for wanted in self.wanted.values():
            wanted.clear()

    def model(self, pk) -> tuple[str, bool] | None:
        return self.models.get(pk)

    def slug(self, related_cls, pk) -> str | None:
        return self.slugs[related_cls].get(pk)


_CHILD_FIELDS = {
    catalog.Offering: (ChangeKind.OFFERING, "provider", catalog.Provider),
    catalog.Score: (ChangeKind.SCORE, "benchmark", catalog.Benchmark),
}


def _object_entries(saved: list[tuple], *, deleting: bool = False) -> list[Entry]:
    """The entries saved (or deleted) objects make, in as few queries as it takes."""
    if not saved:
        return []
    now = timezone.now()
    lookups = _Lookups(now)
    entries: list[Entry] = []
    parents = _parents(saved)
    pair_models = _pair_models()
    for obj, before in parents:
        if isinstance(obj, catalog.Offering | catalog.Score | catalog.Review):
            lookups.note(obj, "model", obj.model_id)
            lookups.note(obj, "model", before.get("model_id"))
            if not isinstance(obj, catalog.Review):
                _, field, related_cls = _CHILD_FIELDS[type(obj)]
                lookups.note(obj, field, getattr(obj, f"{field}_id"))
                lookups.note(obj, field, before.get(f"{field}_id"))
        elif isinstance(obj, pair_models):
            for side in _pair_sides(type(obj)):
                lookups.note(obj, side, getattr(obj, f"{side}_id"))
                lookups.note(obj, side, before.get(f"{side}_id"))
    lookups.fetch()

    for obj, before in parents:
        if isinstance(obj, catalog.LLMModel):
            found = _model_entries(obj, before, deleting=deleting, now=now)
        elif isinstance(obj, catalog.Vendor | catalog.Provider | catalog.Benchmark):
            found = _named_entries(obj, before, deleting=deleting)
        elif isinstance(obj, pair_models):
            found = _comparison_entries(obj, before, lookups)
        else:
            found = _child_entries(obj, before, lookups)
        obj._change_log_unseen = not found
        entries.extend(found)
    return entries


def is_unseen_write(instance) -> bool:
    """True if recording this object's write found nothing readers see (a draft's)."""
    return getattr(instance, "_change_log_unseen", False)


def _parents(saved: list[tuple]) -> list[tuple]:
    """Tiers and earlier prices change their offering; a pair row's parts, the row."""
    parts = _pair_parts()
    parents: list[tuple] = []
    wanted: dict[type, set[int]] = {catalog.Offering: set()}
    wanted.update((model_cls, set()) for model_cls in _pair_models())
    for obj, before in saved:
        if not isinstance(obj, (catalog.PriceTier, catalog.PricePoint, *parts)):
            parents.append((obj, before))
            continue
        field = parts[type(obj)][0] if type(obj) in parts else "offering"
        parent = _cached_parent(obj, field)
        if parent is None:
            related_cls = type(obj)._meta.get_field(field).related_model
            wanted[related_cls].add(getattr(obj, f"{field}_id"))
        else:
            parents.append((parent, {}))
    for parent_cls, ids in wanted.items():
        if ids:
            parents.extend((p, {}) for p in parent_cls.objects.filter(pk__in=ids))
    return parents


def _cached_parent(obj, field: str):
    descriptor = getattr(type(obj), field)
    return getattr(obj, field) if descriptor.is_cached(obj) else None


def _versions(obj, before: dict, names: tuple[str, ...]) -> list[tuple]:
    """The object's key fields now, and as loaded if they differed."""
    current = tuple(getattr(obj, name) for name in names)
    loaded = tuple(before.get(name) for name in names)
    if before and loaded != current and None not in loaded:
        return [current, loaded]
    return [current]


def _child_entries(obj, before: dict, lookups: _Lookups) -> list[Entry]:
    entries = []
    if isinstance(obj, catalog.Review):
        names = ("model_id", "reviewed_on", "reviewer")
    else:
        names = ("model_id", f"{_CHILD_FIELDS[type(obj)][1]}_id")
    for values in _versions(obj, before, names):
        model = lookups.model(values[0])
        if model is None or not model[1]:
            continue  # a draft's parts are not visible; its publication says it all
        if isinstance(obj, catalog.Review):
            reviewed_on = values[1]
            if isinstance(reviewed_on, dt.date):
                reviewed_on = reviewed_on.isoformat()
            entries.append(
                (
                    ChangeKind.REVIEW,
                    {
                        "model": model[0],
                        "reviewed_on": str(reviewed_on),
                        "reviewer": values[2],
                    },
                )
            )
        else:
            kind, field, related_cls = _CHILD_FIELDS[type(obj)]
            other = lookups.slug(related_cls, values[1])
            if other is not None:
                entries.append((kind, {"model": model[0], field: other}))
    return entries


def _comparison_entries(obj, before: dict, lookups: _Lookups) -> list[Entry]:
    entries = []
    sides = tuple(f"{side}_id" for side in _pair_sides(type(obj)))
    for a_id, b_id in _versions(obj, before, sides):
        a, b = lookups.model(a_id), lookups.model(b_id)
        if a and b and a[1] and b[1]:
            entries.append(comparison_entry(a[0], b[0]))
    return entries


def _named_entries(obj, before: dict, *, deleting: bool) -> list[Entry]:
    kind = ChangeKind(type(obj).__name__.lower())
    entries = [(kind, {"slug": obj.slug})]
    old = before.get("slug")
    if deleting or not old or old == obj.slug:
        return entries
    # Renamed: the old slug is a delete, and what partners know by it moves too.
    entries.append((kind, {"slug": old}))
    if isinstance(obj, catalog.Vendor):
        entries.extend(
            model_entry(slug)
            for slug in catalog.LLMModel.objects.published()
            .filter(vendor=obj)
            .values_list("slug", flat=True)
        )
    else:
        child = "offerings" if isinstance(obj, catalog.Provider) else "scores"
        kind = ChangeKind.OFFERING if child == "offerings" else ChangeKind.SCORE
        published = catalog.LLMModel.objects.published()
        field = type(obj).__name__.lower()
        related = getattr(obj, child).filter(model__in=published)
        for model_slug in related.values_list("model__slug", flat=True):
            entries.append((kind, {"model": model_slug, field: obj.slug}))
            entries.append((kind, {"model": model_slug, field: old}))
    return entries


def _model_entries(
    obj, before: dict, *, deleting: bool, now: dt.datetime
) -> list[Entry]:
    visible_now = not deleting and model_visible(obj.status, obj.publish_at, now)
    was_visible = bool(before) and model_visible(
        before.get("status"), before.get("publish_at"), now
    )
    if deleting:
        was_visible = model_visible(obj.status, obj.publish_at, now)
    old_slug = before.get("slug") or obj.slug
    entries: list[Entry] = []
    if was_visible:
        entries.append(model_entry(old_slug))
    if visible_now:
        entries.append(model_entry(obj.slug))
    if not entries:
        return []  # a draft, before and after: partners never see it
    # A model just created has no comparisons yet.
    if before and (was_visible != visible_now or old_slug != obj.slug):
        # Its curated comparisons appear, disappear or change address with it.
        entries.extend(_model_comparisons(obj, old_slug, was_visible, visible_now))
    return entries


# What a pair row's sides are read with, to tell whether partners see the pair.
PAIR_SIDE_FIELDS = ("slug", "status", "publish_at")


def _model_comparisons(
    obj, old_slug: str, was_visible: bool, visible_now: bool
) -> list[Entry]:
    entries = []
    for records in extensions.pair_records():
        a, b = records.sides
        others = records.model.objects.filter(
            Q(**{f"{a}_id": obj.pk}) | Q(**{f"{b}_id": obj.pk})
        ).values_list(
            f"{a}_id",
            *(f"{side}__{name}" for side in (a, b) for name in PAIR_SIDE_FIELDS),
        )
        for a_id, a_slug, a_status, a_at, b_slug, b_status, b_at in others:
            mine = a_id == obj.pk
            other = (b_slug, b_status, b_at) if mine else (a_slug, a_status, a_at)
            if not model_visible(other[1], other[2]):
                continue
            if was_visible:
                entries.append(comparison_entry(old_slug, other[0]))
            if visible_now:
                entries.append(comparison_entry(obj.slug, other[0]))
    return entries


# --- Scheduled publications ----------------------------------------------------


def due_publications_announce(*, now: dt.datetime | None = None) -> int:
    """Record drafts whose publish time has come and that the log has not yet announced.

    Idempotent: a model counts as announced once the log holds an entry for it
    from its publish time on. Models due before the last pruning's cutoff were
    announced before it (pruning announces first), so are not looked at again.
    """
    now = now or timezone.now()
    horizon = ChangeLogPruning.objects.order_by("-pruned_through").first()
    due = catalog.LLMModel.objects.filter(
        status=catalog.LLMModel.Status.DRAFT,
        publish_at__isnull=False,
        publish_at__lte=now,
    ).exclude(
        Exists(
            ChangeLogEntry.objects.filter(
                kind=ChangeKind.MODEL,
                slug=OuterRef("slug"),
                at__gte=OuterRef("publish_at"),
            )
        )
    )
    if horizon is not None:
        due = due.filter(publish_at__gt=horizon.cutoff)
    models = list(due)
    if not models:
        return 0
    entries: list[Entry] = []
    for model in models:
        entries.append(model_entry(model.slug))
        entries.extend(_model_comparisons(model, model.slug, False, True))
    return changes_record(entries=entries, at=now)


# --- Reading -------------------------------------------------------------------

_CURSOR_TEXT = re.compile(r"^1:(0|[1-9][0-9]{0,18})$")


def cursor_text(position: int) -> str:
    """The opaque cursor partners hold for a position in the log."""
    return base64.urlsafe_b64encode(f"1:{position}".encode()).decode().rstrip("=")


def cursor_position(text: str) -> int:
    """The position a cursor stands for; ValueError if it is not one we gave out."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", text or ""):
        raise ValueError(text)
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(text) from None
    match = _CURSOR_TEXT.match(decoded)
    if match is None or cursor_text(int(match.group(1))) != text:
        raise ValueError(text)
    return int(match.group(1))


class CursorExpired(Exception):
    """The cursor points before the oldest change still kept."""


def pruned_through() -> int:
    return (
        ChangeLogPruning.objects.aggregate(through=Max("pruned_through"))["through"]
        or 0
    )


def current_position() -> int:
    """The id of the last change committed, as this transaction (an export) sees it."""
    return max(
        ChangeLogEntry.objects.aggregate(last=Max("id"))["last"] or 0, pruned_through()
    )


def last_entry() -> int:
    """The id of the last entry in the log (0 when empty)."""
    return ChangeLogEntry.objects.aggregate(last=Max("id"))["last"] or 0


def entries_after(position: int, *, limit: int, fields: tuple[str, ...]) -> list | None:
    """The `fields` of the entries after `position`, oldest first; None when
    whoever keeps something up to date from the log must read it afresh
    instead: entries after `position` were pruned unseen, or there are more
    than `limit`."""
    if ChangeLogPruning.objects.filter(pruned_through__gt=position).exists():
        return None
    entries = list(
        ChangeLogEntry.objects.filter(id__gt=position)
        .order_by("id")
        .values_list(*fields)[: limit + 1]
    )
    return None if len(entries) > limit else entries


@dataclasses.dataclass
class ChangesPage:
    results: list[dict]
    position: int
    is_full: bool


def changes_page(*, after: int, limit: int) -> ChangesPage:
    """The changes after a position, each with the object as partners see it now.

    Raises CursorExpired for a position older than the log keeps. An object
    changed several times within the page is answered once, at its last change.
    """
    if after < pruned_through():
        raise CursorExpired
    rows = list(ChangeLogEntry.objects.filter(id__gt=after).order_by("id")[:limit])
    if not rows:
        return ChangesPage(results=[], position=after, is_full=False)
    last: dict[tuple, ChangeLogEntry] = {}
    for row in rows:
        last.pop(entry_identity(row.kind, row.keys), None)
        last[entry_identity(row.kind, row.keys)] = row
    from catalog.exporting import published_objects

    wanted: dict[str, set] = {kind: set() for kind in ChangeKind.values}
    for row in last.values():
        if row.kind in CHILD_KINDS:
            wanted[ChangeKind.MODEL].add(row.keys["model"])
        elif row.kind == ChangeKind.COMPARISON:
            wanted[ChangeKind.COMPARISON].add(tuple(row.keys["models"]))
        else:
            wanted[row.kind].add(row.keys["slug"])
    found = published_objects(
        vendors=wanted[ChangeKind.VENDOR],
        providers=wanted[ChangeKind.PROVIDER],
        benchmarks=wanted[ChangeKind.BENCHMARK],
        models=wanted[ChangeKind.MODEL],
        pairs=wanted[ChangeKind.COMPARISON],
    )
    results = []
    for row in last.values():
        document = _current(row, found)
        if document is _HIDDEN:
            continue
        result = {"kind": row.kind, "action": "upsert" if document else "delete"}
        result.update(row.keys)
        result["at"] = row.at
        if document:
            result["object"] = document
        results.append(result)
    return ChangesPage(
        results=results, position=rows[-1].id, is_full=len(rows) == limit
    )


_HIDDEN = object()
_CHILD_LISTS = {
    ChangeKind.OFFERING: ("offerings", ("provider",)),
    ChangeKind.SCORE: ("scores", ("benchmark",)),
    ChangeKind.REVIEW: ("reviews", ("reviewed_on", "reviewer")),
}


def _current(row: ChangeLogEntry, found: dict):
    """The object as the export writes it now; None if gone; _HIDDEN to leave it out."""
    if row.kind in CHILD_KINDS:
        model = found[ChangeKind.MODEL].get(row.keys["model"])
        if model is None:
            # Its model left the published catalog: that change removes it too.
            return _HIDDEN
        name, fields = _CHILD_LISTS[row.kind]
        wanted = tuple(row.keys[field] for field in fields)
        for child in model[name]:
            if tuple(child[field] for field in fields) == wanted:
                return child
        return None
    if row.kind == ChangeKind.COMPARISON:
        return found[ChangeKind.COMPARISON].get(tuple(row.keys["models"]))
    return found[row.kind].get(row.keys["slug"])


# --- Pruning -------------------------------------------------------------------


def changes_prune(*, now: dt.datetime | None = None) -> int:
    """Drop the entries older than the window (VERSUS_CHANGES_WINDOW_DAYS); how many."""
    now = now or timezone.now()
    # Announce due publications first, so none is due before the cutoff unannounced.
    due_publications_announce(now=now)
    cutoff = now - dt.timedelta(days=settings.VERSUS_CHANGES_WINDOW_DAYS)
    with transaction.atomic(using=_db()):
        serialize_writes()
        through = ChangeLogEntry.objects.filter(at__lt=cutoff).aggregate(
            last=Max("id")
        )["last"]
        if through is None:
            return 0
        deleted, _ = ChangeLogEntry.objects.filter(id__lte=through).delete()
        ChangeLogPruning.objects.create(
            pruned_through=through, cutoff=cutoff, pruned_at=now
        )
    return deleted
