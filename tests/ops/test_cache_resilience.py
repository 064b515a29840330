"""Redis as the shared cache: outages read as misses, pages keep coming."""

import logging
import os
import shutil
import socket
import subprocess
import time
import uuid
from http import HTTPStatus

import pytest
import redis
from django.core.cache import caches

from catalog.cache import bump_catalog_version, catalog_version, is_shared_version
from tests.factories import LLMModelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.pages")]

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(location: str, **params) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            # Tests in parallel share the Redis database: each its own keys.
            "KEY_PREFIX": f"versus-test-{uuid.uuid4().hex}",
            "TRACKED_KEYS": ("catalog-version",),
            **params,
        }
    }


@pytest.fixture
def dead_redis(settings):
    """The shared cache points at a port where nothing listens."""
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    yield
    caches["default"].close()


@pytest.fixture
def real_redis(settings):
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL} (set TEST_REDIS_URL; CI starts one)")
    settings.CACHES = redis_cache(TEST_REDIS_URL)
    yield caches["default"]
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    caches["default"].close()


@pytest.fixture
def own_redis(settings):
    """A Redis server of this test's own, so the test can stop and restart it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no"]

    def start() -> subprocess.Popen:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=port).ping()
                return process
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        process.kill()
        raise RuntimeError("redis-server did not start")

    server = {"process": start()}

    def stop() -> None:
        server["process"].terminate()
        server["process"].wait(timeout=10)

    def restart() -> None:
        server["process"] = start()

    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0", RETRY_AFTER=0)
    yield stop, restart
    caches["default"].close()
    if server["process"].poll() is None:
        stop()


def test_pages_are_served_when_redis_is_unreachable(client, dead_redis):
    LLMModelFactory(name="Alpha")

    responses = [client.get("/names/") for _ in range(3)]

    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 3
    assert all(b"Alpha" in r.content for r in responses)


def test_no_page_is_kept_while_the_version_cannot_be_read(
    client, dead_redis, django_assert_num_queries
):
    """With the version unknown, an edit could go unseen: render every time instead."""
    LLMModelFactory(name="Alpha")
    client.get("/names/")

    with django_assert_num_queries(1):
        client.get("/names/")
    assert not is_shared_version(catalog_version())


def test_outage_is_logged_once_not_per_request(client, dead_redis, caplog):
    with caplog.at_level(logging.WARNING, logger="versus.cache"):
        for _ in range(5):
            client.get("/names/")

    warnings = [r for r in caplog.records if r.name == "versus.cache"]
    assert len(warnings) == 1
    assert "Cache unavailable" in warnings[0].getMessage()


def test_outage_answers_every_cache_operation_as_a_miss(dead_redis):
    cache = caches["default"]

    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is False
    assert cache.set("key", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("key") is False
    assert cache.has_key("key") is False
    with pytest.raises(ValueError):
        cache.incr("key")


def test_version_is_shared_through_real_redis(real_redis, settings):
    version = catalog_version()
    other_process = type(real_redis)(TEST_REDIS_URL, settings.CACHES["default"])

    release = settings.VERSUS_RELEASE
    assert f"{other_process.get('catalog-version')}.{release}" == version
    assert is_shared_version(version)
    bump_catalog_version()
    assert f"{other_process.get('catalog-version')}.{release}" == catalog_version()
    assert catalog_version() != version


def test_version_changed_by_another_process_is_read_at_once(real_redis, settings):
    """The version is kept in-process; Redis's invalidation push must retire it.

    Redis sends the push the moment the other client's write lands, and a read
    takes in every push that has arrived without waiting for one, so the new
    version shows on a read made moments later: the test allows it a second to
    arrive (on loopback it takes well under a millisecond), never an edit more.
    """
    first = catalog_version()
    assert catalog_version() == first
    other_process = type(real_redis)(TEST_REDIS_URL, settings.CACHES["default"])

    other_process.set("catalog-version", "edited-elsewhere", timeout=None)

    expected = f"edited-elsewhere.{settings.VERSUS_RELEASE}"
    deadline = time.monotonic() + 1
    seen = catalog_version()
    while seen != expected and time.monotonic() < deadline:
        time.sleep(0.001)
        seen = catalog_version()
    assert seen == expected


def test_version_is_read_from_memory_not_from_redis(own_redis, settings):
    catalog_version()  # finds no version and writes one
    version = catalog_version()
    raw = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    calls_before = raw.info("stats")["total_commands_processed"]

    for _ in range(20):
        assert catalog_version() == version

    # Only the first INFO call itself reached Redis.
    assert raw.info("stats")["total_commands_processed"] - calls_before == 1


def test_page_cached_with_real_redis_shows_an_edit_at_once(
    client, real_redis, django_assert_num_queries
):
    model = LLMModelFactory(name="Alpha")
    client.get("/names/")
    with django_assert_num_queries(0):
        assert b"Alpha" in client.get("/names/").content

    model.name = "Alpha Prime"
    model.save()

    assert b"Alpha Prime" in client.get("/names/").content


def test_cached_pages_return_when_redis_comes_back(
    client, own_redis, django_assert_num_queries
):
    stop, restart = own_redis
    LLMModelFactory(name="Alpha")
    client.get("/names/")
    stop()

    assert client.get("/names/").status_code == HTTPStatus.OK
    restart()
    client.get("/names/")

    with django_assert_num_queries(0):
        assert client.get("/names/").status_code == HTTPStatus.OK
