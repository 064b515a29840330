"""The catalog version: one token in the shared cache that every edit replaces,
followed by the code release (settings.VERSUS_RELEASE).

Rendered pages and API answers are cached under keys that include it, so an
edit anywhere is visible at once in every process, and a deploy of other code
retires every page the old code made, with no list of keys to invalidate.
"""

import bisect
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vocabulary.process_memos import process_memo

VERSION_KEY = "catalog-version"
STALE_VERSION_MESSAGE = (
    "A catalog edit could not replace the catalog version in the cache, which "
    "refuses writes (a read-only replica?): cached pages show the catalog as it "
    "was until the cache takes writes again or they expire."
)

logger = logging.getLogger("versus.cache")

# The scheduled publish times of the drafts under one catalog token.
SCHEDULE_KEY = "catalog-schedule:{token}"
# Marks a token made up because the cache could not be read.
UNSHARED_PREFIX = "unshared-"


# The version a reader's request is rendered under (version_pinned()).
_pinned: ContextVar[str | None] = ContextVar("pinned_catalog_version", default=None)


def catalog_version() -> str:
    """The catalog's token followed by the code release ("<token>.<release>").

    Every cache key holds it, so both an edit (a new token) and a deploy of
    other code (a new settings.VERSUS_RELEASE) retire what was cached before.
    """
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    return f"{_catalog_token()}.{settings.VERSUS_RELEASE}"


def _catalog_token() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add() keeps the first writer's token if several processes race.
        if not cache.add(VERSION_KEY, version, timeout=None):
            shared = cache.get(VERSION_KEY)
            # Neither written nor readable: the cache is down. A token nobody
            # else holds means nothing is ever served from under it, so no
            # reader sees a page older than the catalog.
            version = shared or f"{UNSHARED_PREFIX}{version}"
    return version


def is_shared_version(version: str) -> bool:
    """True if pages may be cached under this version (the cache was reachable)."""
    return not version.startswith(UNSHARED_PREFIX)


@contextmanager
def version_pinned() -> Iterator[str]:
    """Read the version once and answer it for the rest of this request.

    A reader's page asks for the version in several places (page caches, the
    pair's models, their facts); one read gives them one snapshot of the catalog,
    and saves the others (each a poll of the tracking connection).
    """
    version = catalog_version()
    token = _pinned.set(version)
    try:
        yield version
    finally:
        _pinned.reset(token)


# Replaced by every write the change log may not describe (loaddata, bulk
# writes, QuerySet.update): whatever keeps an index of the catalog and follows
# the log must then build it anew (comparisons/services/related.py).
UNLOGGED_KEY = "catalog-unlogged-write"


def unlogged_write_mark() -> str | None:
    """The mark of the last unlogged write; None if the cache has none (or is down)."""
    mark = cache.get(UNLOGGED_KEY)
    if mark is None and cache.add(UNLOGGED_KEY, uuid.uuid4().hex, timeout=None):
        mark = cache.get(UNLOGGED_KEY)
    return mark


# Replaced by every logged write the change log leaves out because nobody sees
# its object (a draft, its offerings, a comparison with a draft): an index
# that holds scheduled drafts reads them again only when this mark moves.
UNSEEN_KEY = "catalog-unseen-write"


def unseen_write_mark() -> str | None:
    """The mark of the last write to something readers do not see; None if unknown."""
    mark = cache.get(UNSEEN_KEY)
    if mark is None and cache.add(UNSEEN_KEY, uuid.uuid4().hex, timeout=None):
        mark = cache.get(UNSEEN_KEY)
    return mark


def bump_catalog_version(*, logged: bool = False, unseen: bool = False) -> str:
    """A new catalog version; logged=True only for writes the change log records,
    unseen=True for writes it leaves out because nobody sees what they wrote.

    The marks move before the version does: a process that finds the new
    version finds the new marks too.
    """
    if not logged:
        cache.delete(UNLOGGED_KEY)
    if unseen or not logged:
        cache.delete(UNSEEN_KEY)
    _pinned.set(None)  # a write in a pinned request reads the new version after it
    version = uuid.uuid4().hex
    # The schedule first: a reader who finds the new token finds its schedule.
    cache.set(SCHEDULE_KEY.format(token=version), _schedule_read(), timeout=None)
    cache.set(VERSION_KEY, version, timeout=None)
    if cache.get(VERSION_KEY) != version:
        # The cache refused the write (full under noeviction, say) but may
        # still hold the old version, and pages under it. Deleting is allowed
        # when Redis is out of memory: with no version, every process renders
        # uncached until one can be written again.
        cache.delete(VERSION_KEY)
        if cache.get(VERSION_KEY) is not None:
            # Read-only (a replica after a failover): pages cached before this
            # edit stay in use until Redis takes writes or they expire.
            logger.error(STALE_VERSION_MESSAGE)
    return f"{version}.{settings.VERSUS_RELEASE}"


# --- What a page is served under: the catalog, the day and the schedule ----------

_schedules_lock = threading.Lock()
_schedules: dict[str, tuple[float, ...]] = {}
process_memo(_schedules.clear)


def _schedule_read() -> tuple[float, ...]:
    """The publish times of scheduled drafts, as sorted POSIX timestamps."""
    from catalog.models import LLMModel  # the models import nothing from here

    times = LLMModel.objects.filter(
        status=LLMModel.Status.DRAFT, publish_at__isnull=False
    ).values_list("publish_at", flat=True)
    return tuple(sorted(moment.timestamp() for moment in times))


def _schedule(token: str, *, read_database: bool) -> tuple[float, ...] | None:
    """The drafts' publish times under this catalog token (fixed: any edit makes a
    new one); None if unknown and the database may not be read."""
    known = _schedules.get(token)
    if known is not None:
        return known
    key = SCHEDULE_KEY.format(token=token)
    times = cache.get(key)
    if times is None:
        if not read_database:
            return None
        times = _schedule_read()
        cache.add(key, times, timeout=None)
    with _schedules_lock:
        if len(_schedules) > 16:
            _schedules.clear()
        _schedules[token] = times
    return times


def serving_version(
    now: dt.datetime | None = None, *, read_database: bool = True
) -> str | None:
    """The key that cached pages and API answers are kept under.

    The catalog version, which every edit replaces, plus the day (UTC), so no
    page derived on one day is served on the next (lifecycle, "possibly out of
    date" and "last reviewed" follow the calendar), plus how many scheduled
    publish times have passed, so a draft appears to every reader at its time
    with no job and no edit: the key changes at the next due publish time.

    The schedule is written with the version by every edit; when it is missing
    (a version made up after the cache lost it), it is read from the database
    once, unless read_database is False, which answers None instead.
    """
    version = catalog_version()
    if not is_shared_version(version):
        return version
    token = version.split(".")[0]  # the schedule is the catalog's, whatever release
    now = now or timezone.now()
    schedule = _schedule(token, read_database=read_database)
    if schedule is None:
        return None
    due = bisect.bisect_right(schedule, now.timestamp())
    return f"{version}.{now.astimezone(dt.UTC):%Y%m%d}.{due}"
