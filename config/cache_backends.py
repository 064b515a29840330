"""A Redis cache that treats an outage as a miss, so pages are served uncached.

Django's RedisCache raises when Redis is unreachable, which would turn a cache
outage into 500s on every page. Here each operation catches connection and
timeout errors, logs them (at most once every LOG_EVERY seconds per process)
and answers as a miss or a no-op. After a failure the process leaves Redis
alone for RETRY_AFTER seconds instead of paying a timeout on every call, then
tries again, so it is back to cached pages within about a second of Redis
returning. See issue 6.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("versus.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# Short timeouts: a cache that answers slower than this is not worth waiting
# for. One immediate retry re-opens a pooled connection that Redis closed
# (after a restart) without reporting an outage.
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    "retry": Retry(NoBackoff(), 1),
}


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


class ResilientRedisCache(RedisCache):
    """RedisCache whose outages read as misses; settings: RETRY_AFTER, LOG_EVERY."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
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
        except OUTAGE_ERRORS as error:
            self._record_outage(operation, error)
            return fallback

    def _record_outage(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + self.retry_after
        if now - self._last_logged >= self.log_every:
            suffix = (
                f" ({self._unlogged} more since the last report)"
                if self._unlogged
                else ""
            )
            logger.warning(
                "Cache unavailable during %s, serving uncached for %.1fs: %s%s",
                operation,
                self.retry_after,
                error,
                suffix,
            )
            self._last_logged = now
            self._unlogged = 0
        else:
            self._unlogged += 1

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
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
        except OUTAGE_ERRORS as error:
            self._record_outage("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set_many", list(data), super().set_many, data, timeout, version
        )

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._call("clear", False, super().clear)
