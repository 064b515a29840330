"""Counters that decide security: admin sign-in failures and partner request rates.

They live in ``CACHES["counters"]``, apart from the pages in ``CACHES["default"]``:
in production a Redis that never evicts (``maxmemory-policy noeviction``, or no
``maxmemory``) and holds nothing else, so no amount of cached pages can push a
lockout or a rate count out of memory. REDIS_COUNTERS_URL names it; without it
the counters share REDIS_URL, which is safe only while that Redis does not
evict (see docs/security.md). The first count in each process logs an error if
the counters' Redis would evict them.

While that Redis cannot be reached or refuses a write, each process counts on
its own (``LocalCounts``): a limit then holds per process instead of across
the site, so a partner or an attacker gets at most the limit times the number
of server processes, never unlimited requests. Counts kept that way still
count until they expire once Redis is back: a lockout reached during an outage
holds after it.
"""

import logging
import threading
import time

from django.core.cache import caches

from core.cache_backends import CacheUnavailable, ResilientRedisCache
from vocabulary.process_memos import process_memo

logger = logging.getLogger("versus.counters")

COUNTERS_ALIAS = "counters"
EVICTING_MESSAGE = (
    "Security counters (sign-in lockouts, partner rates) are kept in a Redis "
    "whose maxmemory-policy is %s with maxmemory set: it can evict them, and a "
    "lockout or a rate count would restart. Point REDIS_COUNTERS_URL at a Redis "
    "with maxmemory-policy noeviction that holds no pages."
)


class LocalCounts:
    """This process's counts with their expiry, for while the shared store is out.

    At most `limit` keys: when full, expired keys go first, then the oldest.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + timeout
            self._counts[key] = (count + 1, expires)
            if len(self._counts) > self.limit:
                self._shrink(now)
            return count + 1

    def get(self, key: str) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()

    def _shrink(self, now: float) -> None:
        self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        while len(self._counts) > self.limit:
            self._counts.pop(next(iter(self._counts)))


local_counts = LocalCounts()
_checked_policy: set[int] = set()
process_memo(local_counts.clear)
process_memo(_checked_policy.clear)


def _store():
    return caches[COUNTERS_ALIAS]


def _check_policy(store: ResilientRedisCache) -> None:
    """Log once per process and store if the counters' Redis may evict them."""
    if id(store) in _checked_policy:
        return
    _checked_policy.add(id(store))
    policy = store.eviction_policy()
    if policy is not None:
        logger.error(EVICTING_MESSAGE, policy)


def counter_hit(key: str, *, timeout: int) -> int:
    """Count one event under key (which expires timeout seconds after its first); the new count."""
    store = _store()
    if isinstance(store, ResilientRedisCache):
        _check_policy(store)
        try:
            return max(store.count(key, timeout), local_counts.get(key))
        except CacheUnavailable:
            return local_counts.hit(key, timeout)
    # Local memory (development, tests) or another backend: add, then incr.
    store.add(key, 0, timeout=timeout)
    try:
        return store.incr(key)
    except ValueError:  # expired between add() and incr()
        store.add(key, 1, timeout=timeout)
        return 1


def counter_value(key: str) -> int:
    store = _store()
    if isinstance(store, ResilientRedisCache):
        try:
            return max(store.peek(key), local_counts.get(key))
        except CacheUnavailable:
            return local_counts.get(key)
    return int(store.get(key) or 0)


def counter_reset(key: str) -> None:
    local_counts.delete(key)
    _store().delete(key)
