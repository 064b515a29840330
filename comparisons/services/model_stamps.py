"""Each model's stamp: the last change-log entry that may have changed its facts.

A model's facts are kept (in each process, and in the shared cache for every
process) under its stamp, not under the catalog version: an edit moves the
stamps of the models it touched and leaves the others' facts in use, so the
first pages after an edit read two models from the database, not the catalog.

The stamps are worked out from the change log alone, so every process at the
same log position gives every model the same stamp, and a process may use
facts another one loaded under it. For a process at position P:

- the base is the highest of: the last vendor, provider or benchmark entry up
  to P (their names and addresses appear in many models' facts), the id up to
  which the log was pruned (entries a process building the stamps can no
  longer read), and P rounded down to a multiple of BUCKET (so no process
  reads more than BUCKET entries to build them);
- a model's stamp is the id of the last model, offering, score or review entry
  naming it after the base, else the base.

Facts kept under a stamp were read from the database after the log reached it,
and the log names every write readers can see, so they stay true until the
model's stamp moves. Writes the log does not describe (bulk updates, loaddata)
replace the unlogged-write mark, which is part of every key; writes to what no
reader sees (drafts) are not logged, so only facts of models readers see are
kept (comparisons/services/facts.py).
"""

from __future__ import annotations

import dataclasses
import threading

from django.db import connection
from django.db.models import Max, Value

from catalog.cache import unlogged_write_mark
from catalog.changes import MODEL_KINDS, NAMED_KINDS
from catalog.models import ChangeLogEntry, ChangeLogPruning
from vocabulary.process_memos import process_memo

# Every BUCKET entries, every stamp starts again from the base: the most a
# process reads to build the stamps, and the most it keeps.
BUCKET = 10_000
# More entries than this since the stamps were brought up to date: build them anew.
UPDATE_LIMIT = 2_000
# The kind given to a pruning in the query that reads what is new in the log.
_PRUNED = "pruned"


@dataclasses.dataclass(frozen=True)
class Stamps:
    """The models' stamps at one log position, for one catalog version."""

    version: str
    mark: str  # the unlogged-write mark they were worked out under
    position: int
    base: int
    # Slug -> the last entry after the base that names it.
    named: dict[str, int]

    def of(self, slug: str) -> int:
        return self.named.get(slug, self.base)


_lock = threading.Lock()
_current: Stamps | None = None


@process_memo
def _forget_stamps() -> None:
    global _current
    with _lock:
        _current = None


def model_stamps(version: str) -> Stamps | None:
    """The stamps as of this catalog version; None when the shared cache is down
    (the unlogged-write mark is then unknown, and nothing may be kept)."""
    global _current
    current = _current
    if current is not None and current.version == version:
        return current
    mark = unlogged_write_mark()
    if mark is None:
        return None
    stamps = None
    if current is not None and current.mark == mark:
        stamps = _followed(current, version)
    if stamps is None:
        stamps = _built(version, mark)
    with _lock:
        _current = stamps
    return stamps


def _bucket(position: int) -> int:
    return position // BUCKET * BUCKET


def _built(version: str, mark: str) -> Stamps:
    """The stamps read from the log: at most BUCKET entries, in two queries."""
    last, named_last, pruned = _heads()
    # Entries up to the pruning are gone: taken in, as far as anyone can.
    position = max(last, pruned)
    base = max(named_last, pruned, _bucket(position))
    named = dict(
        ChangeLogEntry.objects.filter(
            id__gt=base, id__lte=position, kind__in=MODEL_KINDS
        )
        .order_by()
        .values("slug")
        .annotate(last=Max("id"))
        .values_list("slug", "last")
    )
    return Stamps(version, mark, position, base, named)


def _heads() -> tuple[int, int, int]:
    """The log's last entry, its last vendor, provider or benchmark entry, and the
    id it was last pruned through (0 for none), read in one statement, so they
    agree. Each is an indexed lookup, not a scan of the log."""
    entries = connection.ops.quote_name(ChangeLogEntry._meta.db_table)
    prunings = connection.ops.quote_name(ChangeLogPruning._meta.db_table)
    kinds = sorted(NAMED_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {entries}),"
            f" (SELECT MAX(id) FROM {entries} WHERE kind IN (%s, %s, %s)),"
            f" (SELECT MAX(pruned_through) FROM {prunings})",
            kinds,
        )
        row = cursor.fetchone()
    return tuple(value or 0 for value in row)


def _followed(current: Stamps, version: str) -> Stamps | None:
    """The stamps moved on by the entries since, in one query; None to build anew
    (too many entries, or the log pruned past what these stamps have read)."""
    entries = (
        ChangeLogEntry.objects.filter(id__gt=current.position)
        .order_by()
        .values_list("id", "kind", "slug")
    )
    prunings = (
        ChangeLogPruning.objects.filter(pruned_through__gt=current.position)
        .order_by()
        .annotate(kind=Value(_PRUNED), slug=Value(""))
        .values_list("pruned_through", "kind", "slug")
    )
    rows = list(entries.union(prunings, all=True).order_by("id")[: UPDATE_LIMIT + 1])
    if len(rows) > UPDATE_LIMIT or any(kind == _PRUNED for _, kind, _ in rows):
        return None
    if not rows:
        return dataclasses.replace(current, version=version)
    base, named = current.base, dict(current.named)
    for entry_id, kind, slug in rows:
        if kind in NAMED_KINDS:
            base, named = entry_id, {}
        elif kind in MODEL_KINDS:
            named[slug] = entry_id
    position = rows[-1][0]
    if _bucket(position) > base:
        base = _bucket(position)
        named = {slug: last for slug, last in named.items() if last > base}
    return Stamps(version, current.mark, position, base, named)
