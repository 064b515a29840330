"""The catalog version: one token in the shared cache that every edit replaces,
followed by the code release (settings.VERSUS_RELEASE).

Rendered pages and API answers are cached under keys that include it, so an
edit anywhere is visible at once in every process, and a deploy of other code
retires every page the old code made, with no list of keys to invalidate.
"""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "catalog-version"
STALE_VERSION_MESSAGE = (
    "A catalog edit could not replace the catalog version in the cache, which "
    "refuses writes (a read-only replica?): cached pages show the catalog as it "
    "was until the cache takes writes again or they expire."
)

logger = logging.getLogger("versus.cache")
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


def bump_catalog_version(*, logged: bool = False) -> str:
    """A new catalog version; logged=True only for writes the change log records."""
    if not logged:
        cache.delete(UNLOGGED_KEY)
    _pinned.set(None)  # a write in a pinned request reads the new version after it
    version = uuid.uuid4().hex
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
