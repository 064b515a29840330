"""A Redis cache that treats any failure as a miss, so pages are served uncached.

Django's RedisCache raises when Redis is unreachable or answers with an error,
which would turn a cache problem into 500s on every page. Here each operation
catches both kinds, logs them (at most once every LOG_EVERY seconds per
process) and answers as a miss or a no-op:

- an outage (no connection, a timeout): the process leaves Redis alone for
  RETRY_AFTER seconds instead of paying a timeout on every call, then tries
  again, so it is back to cached pages within about a second of Redis
  returning;
- an error reply (out of memory under ``noeviction``, READONLY from a replica
  after a failover, MISCONF after a failed save) or a value that cannot be
  read back: that one operation is a miss; Redis is still asked next time,
  as reads usually still work.

Keys named in TRACKED_KEYS (the catalog version) are read through Redis's
server-assisted client-side caching: the process keeps the value and Redis
pushes an invalidation on the same connection the moment any client changes
the key, so a read costs a poll of that socket instead of a round trip, and an
edit is still seen by every process at once.
"""

import contextlib
import logging
import os
import pickle
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("versus.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
# Everything else Redis (or a stored value) can throw at an operation.
CACHE_ERRORS = (RedisError, OSError, pickle.UnpicklingError, EOFError)

# Short timeouts: a cache that answers slower than this is not worth waiting
# for. One immediate retry re-opens a pooled connection that Redis closed
# (after a restart) without reporting an outage.
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    "retry": Retry(NoBackoff(), 1),
}


class CacheUnavailable(Exception):
    """Redis could not answer a counter (core/counters.py falls back on its own)."""


class ReusingRedisCacheClient(RedisCacheClient):
    """Keeps one redis.Redis per server instead of building one per call.

    Django builds a new client object for every operation; with redis-py 8
    that costs about as much as the loopback round trip itself, and the page
    cache reads the catalog version on every request.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TrackedReads:
    """Values of a few keys kept in this process until Redis says they changed.

    One dedicated RESP3 connection per process with CLIENT TRACKING on: Redis
    remembers which keys it read and pushes "invalidate" for a key as soon as
    any client writes it (or for everything on a flush). Each read first
    drains pending pushes from the socket without waiting, so it never returns
    a value Redis has already replaced. Errors close the connection and drop
    every value; the caller treats them as an outage.
    """

    def __init__(self, location: str, options: dict) -> None:
        self._location = location
        self._options = {**options, "protocol": 3}
        self._lock = threading.Lock()
        self._values: dict[bytes, bytes] = {}
        self._connection = None
        self._pid = None

    def get(self, redis_key: str) -> bytes | None:
        key = redis_key.encode()
        with self._lock:
            try:
                connection = self._connect()
                while connection.can_read(timeout=0):
                    connection.read_response(push_request=True, timeout=0)
                if key in self._values:
                    return self._values[key]
                connection.send_command("GET", key)
                value = connection.read_response()
            except BaseException:
                self._reset()
                raise
            if value is not None:
                self._values[key] = value
            return value

    def forget(self, redis_key: str | None = None) -> None:
        """Drop a value (or all) this process has just written, not waiting for the push."""
        with self._lock:
            if redis_key is None:
                self._values.clear()
            else:
                self._values.pop(redis_key.encode(), None)

    def _connect(self):
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        # A forked worker must not share its parent's socket.
        self._connection, self._values = None, {}
        pool = ConnectionPool.from_url(self._location, **self._options)
        connection = pool.make_connection()
        connection.connect()
        connection.send_command("CLIENT", "TRACKING", "ON")
        connection.read_response()
        connection._parser.set_invalidation_push_handler(self._on_invalidate)
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _on_invalidate(self, message) -> None:
        keys = message[1]
        if keys is None:
            self._values.clear()
        else:
            for key in keys:
                self._values.pop(key if isinstance(key, bytes) else key.encode(), None)

    def _reset(self) -> None:
        self._values.clear()
        if self._connection is not None:
            # Already broken: nothing to keep.
            with contextlib.suppress(Exception):
                self._connection.disconnect()
        self._connection = None


class ResilientRedisCache(RedisCache):
    """RedisCache whose outages read as misses; settings: RETRY_AFTER, LOG_EVERY."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.tracked_keys = frozenset(params.get("TRACKED_KEYS", ()))
        self._tracked = TrackedReads(self._servers[0], params["OPTIONS"])
        self.retry_after = float(params.get("RETRY_AFTER", 1.0))
        self.log_every = float(params.get("LOG_EVERY", 10.0))
        self._down_until = 0.0
        self._last_logged = 0.0
        self._unlogged = 0

    @property
    def is_available(self) -> bool:
        """False while the process is waiting out a recent outage."""
        return time.monotonic() >= self._down_until

    def _call(self, operation: str, fallback, method, *args, **kwargs):
        if not self.is_available:
            return fallback
        try:
            return method(*args, **kwargs)
        except CACHE_ERRORS as error:
            self._record_outage(operation, error)
            return fallback

    def _record_outage(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        is_outage = isinstance(error, OUTAGE_ERRORS)
        if is_outage:
            self._down_until = now + self.retry_after
        if now - self._last_logged >= self.log_every:
            suffix = (
                f" ({self._unlogged} more since the last report)"
                if self._unlogged
                else ""
            )
            logger.warning(
                "Cache unavailable during %s, serving uncached%s: %s: %s%s",
                operation,
                f" for {self.retry_after:.1f}s" if is_outage else "",
                type(error).__name__,
                error,
                suffix,
            )
            self._last_logged = now
            self._unlogged = 0
        else:
            self._unlogged += 1

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        if key in self.tracked_keys:
            return self._call("get", default, self._get_tracked, key, default, version)
        return self._call("get", default, super().get, key, default, version)

    def _get_tracked(self, key, default, version):
        value = self._tracked.get(self.make_and_validate_key(key, version=version))
        return default if value is None else self._cache._serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        return self._call("set", None, super().set, key, value, timeout, version)

    def _forget(self, key, version=None) -> None:
        if key is None:
            self._tracked.forget()
        elif key in self.tracked_keys:
            self._tracked.forget(self.make_and_validate_key(key, version=version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        self._forget(key, version)
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        if not self.is_available:
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        try:
            return super().incr(key, delta, version)
        except CACHE_ERRORS as error:
            self._record_outage("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from error

    def count(self, key, timeout: int, version=None) -> int:
        """Add one to a counter that expires timeout seconds after its first count.

        Atomic (one MULTI), so every process sees one count; raises
        CacheUnavailable, after logging, if Redis cannot take the write.
        """
        redis_key = self.make_and_validate_key(key, version=version)
        pipeline = self._counter_client(redis_key).pipeline(transaction=True)
        pipeline.set(redis_key, 0, ex=timeout, nx=True)
        pipeline.incr(redis_key)
        return int(self._counter_call("count", pipeline.execute)[1])

    def peek(self, key, version=None) -> int:
        """A counter's value (0 if there is none); raises CacheUnavailable."""
        redis_key = self.make_and_validate_key(key, version=version)
        value = self._counter_call(
            "peek", self._counter_client(redis_key).get, redis_key
        )
        return int(value or 0)

    def eviction_policy(self) -> str | None:
        """The server's maxmemory-policy if it may evict keys, else None (or unknown)."""
        try:
            memory = self._cache.get_client(write=True).info("memory")
        except CACHE_ERRORS:
            return None
        policy = memory.get("maxmemory_policy", "noeviction")
        if policy == "noeviction" or not memory.get("maxmemory"):
            return None
        return policy

    def _counter_client(self, redis_key: str):
        return self._cache.get_client(redis_key, write=True)

    def _counter_call(self, operation: str, method, *args):
        if not self.is_available:
            raise CacheUnavailable(operation)
        try:
            return method(*args)
        except CACHE_ERRORS as error:
            self._record_outage(operation, error)
            raise CacheUnavailable(operation) from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(None)
        return self._call(
            "set_many", list(data), super().set_many, data, timeout, version
        )

    def delete_many(self, keys, version=None):
        self._forget(None)
        return self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        self._forget(None)
        return self._call("clear", False, super().clear)
