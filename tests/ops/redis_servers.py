"""Private redis-server processes for the cache tests, each on a free port.

A test that needs a full, read-only or failing Redis starts its own here and
stops it afterwards; the shared Redis is never reconfigured.
"""

import contextlib
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
import redis

from tests.ops.stack import free_port

# Small enough to fill in a second, big enough for Redis's own bookkeeping.
MAXMEMORY = "3mb"
FILLER_VALUE = b"x" * 50_000


class OwnRedis:
    """A redis-server without persistence; extra arguments are its configuration."""

    def __init__(self, *config: str) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="versus-redis-")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self.dir, *config]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(port=self.port, db=db, socket_timeout=5)

    def fill(self) -> int:
        """Write filler keys until Redis refuses even a small one, or evicts; returns how many.

        Big values first, then ever smaller ones, so not even a catalog version
        fits in what is left. Each round uses a new connection: the big
        command's input buffer counts as used memory until its client goes.
        """
        written = 0
        for size in (50_000, 1_000, 100, 100, 16):
            client = self.client()
            try:
                while True:
                    try:
                        client.set(f"filler:{written}", FILLER_VALUE[:size])
                    except redis.exceptions.ResponseError:
                        break
                    written += 1
                    if client.info("stats")["evicted_keys"] > 0:
                        return written
                    if written > 100_000:
                        raise AssertionError("Redis did not fill up: is maxmemory set?")
            finally:
                client.close()
        return written

    def flood(self, megabytes: int = 12) -> None:
        """Write several times maxmemory of fresh keys, as a crawl of junk addresses does."""
        client = self.client()
        for n in range(megabytes * 20):
            # Under noeviction the writes are refused, as the pages would be.
            with contextlib.suppress(redis.exceptions.ResponseError):
                client.set(f"flood:{n}", FILLER_VALUE, ex=86_400)
        client.close()

    def shrink(self) -> None:
        """Lower maxmemory below what is in use: not even a tiny write fits now.

        Filling alone leaves Redis hovering at its limit, where a few bytes
        still fit now and then as buffers are freed.
        """
        used = self.client().info("memory")["used_memory"]
        self.client().config_set("maxmemory", max(1, used // 2))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def redis_cache(location: str, **params) -> dict:
    """A CACHES entry for the resilient backend, with keys of this test's own."""
    return {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"versus-test-{uuid.uuid4().hex}",
        "TRACKED_KEYS": ("catalog-version",),
        **params,
    }
