"""A Redis that refuses writes (out of memory, a read-only replica) costs no page.

Every error reply from the shared cache is a miss, logged at most once per
interval: readers, partners and the version of the catalog carry on, uncached.
"""

import logging
import time
from http import HTTPStatus

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from api.models import PartnerKey
from comparisons.services import pair_slug
from tests.factories import LLMModelFactory, OfferingFactory
from tests.ops.redis_servers import MAXMEMORY, OwnRedis, redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages_and_key(db):
    alpha = LLMModelFactory(slug="alpha", name="Alpha")
    beta = LLMModelFactory(slug="beta", name="Beta")
    OfferingFactory(model=alpha)
    OfferingFactory(model=beta)
    _, key = PartnerKey.objects.create_key(name="mirror", rate="1000000/hour")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return (alpha, beta), api


def _serves_everything(client, api, models) -> list[tuple[str, int]]:
    """Every kind of answer, cache-busting and plain; returns the ones that failed."""
    pair = f"/compare/{pair_slug(models[0].slug, models[1].slug)}/"
    paths = [f"/models/?bust={n}" for n in range(40)]
    paths += ["/", "/models/", f"/models/{models[0].slug}/", pair, pair]
    paths += ["/sitemap.xml", "/sitemap-models.xml", "/robots.txt"]
    failed = [(p, client.get(p).status_code) for p in paths]
    failed += [(p, api.get(p).status_code) for p in ("/api/v1/models/",) * 3]
    return [(path, status) for path, status in failed if status != HTTPStatus.OK]


@pytest.fixture
def full_redis(settings):
    """A Redis at its memory limit under noeviction: every write is refused."""
    server = OwnRedis("--maxmemory", MAXMEMORY, "--maxmemory-policy", "noeviction")
    settings.CACHES = {**settings.CACHES, "default": redis_cache(server.url())}
    server.fill()
    server.shrink()
    yield server
    caches["default"].close()
    server.stop()


@pytest.fixture
def read_only_replica(settings):
    """A replica of a primary of our own: it answers reads and refuses writes."""
    primary = OwnRedis()
    replica = OwnRedis("--replicaof", "127.0.0.1", str(primary.port))
    deadline = time.monotonic() + 10
    while replica.client().info("replication")["master_link_status"] != "up":
        assert time.monotonic() < deadline, "the replica did not sync"
        time.sleep(0.05)
    settings.CACHES = {**settings.CACHES, "default": redis_cache(replica.url())}
    replica.primary = primary
    yield replica
    caches["default"].close()
    replica.stop()
    primary.stop()


@pytest.fixture(params=("noeviction", "allkeys-lru", "volatile-lru", "volatile-ttl"))
def redis_at_its_limit(request, settings):
    """A Redis filled to maxmemory with keys that never expire, under one policy.

    Under the volatile-* policies nothing in it may be evicted, so writes of
    keys without an expiry are refused, as under noeviction.
    """
    server = OwnRedis("--maxmemory", MAXMEMORY, "--maxmemory-policy", request.param)
    settings.CACHES = {**settings.CACHES, "default": redis_cache(server.url())}
    server.fill()
    yield server
    caches["default"].close()
    server.stop()


def test_redis_at_its_limit_costs_no_page_under_any_policy(
    client, redis_at_its_limit, pages_and_key
):
    models, api = pages_and_key

    assert _serves_everything(client, api, models) == []


def test_full_redis_under_noeviction_costs_no_page(client, full_redis, pages_and_key):
    models, api = pages_and_key

    assert _serves_everything(client, api, models) == []


def test_read_only_replica_costs_no_page(client, read_only_replica, pages_and_key):
    models, api = pages_and_key

    assert _serves_everything(client, api, models) == []


def test_refused_write_is_answered_as_a_miss_by_every_operation(read_only_replica):
    cache = caches["default"]

    assert cache.set("key", 1) is None
    assert cache.add("key", 1) is False
    assert cache.get("key", "default") == "default"
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.touch("key") is False
    with pytest.raises(ValueError):
        cache.incr("key")


def test_edit_is_shown_while_redis_refuses_writes(client, full_redis, pages_and_key):
    """The new catalog version cannot be written, so the old one must go."""
    (alpha, _), _ = pages_and_key
    full_redis.client().flushdb()
    full_redis.client().config_set("maxmemory", MAXMEMORY)
    client.get("/models/")  # the version and the page fit in the freed room
    assert b"Alpha" in client.get("/models/").content
    full_redis.fill()
    full_redis.shrink()

    alpha.name = "Alpha Prime"
    alpha.save()

    assert b"Alpha Prime" in client.get("/models/").content


def test_refused_writes_are_logged_once_per_interval(
    client, pages_and_key, full_redis, caplog
):
    with caplog.at_level(logging.WARNING, logger="versus.cache"):
        for n in range(10):
            client.get(f"/models/?bust={n}")

    warnings = [r.getMessage() for r in caplog.records if r.name == "versus.cache"]
    assert len(warnings) == 1, warnings
    assert "OOM" in warnings[0] or "maxmemory" in warnings[0]


def test_an_edit_a_read_only_cache_cannot_record_is_reported(
    read_only_replica, pages_and_key, caplog, settings
):
    """The old pages cannot be retired there: an operator must hear of it."""
    (alpha, _), _ = pages_and_key
    params = settings.CACHES["default"]
    primary = type(caches["default"])(read_only_replica.primary.url(), params)
    primary.set("catalog-version", "before-the-edit", timeout=None)
    deadline = time.monotonic() + 10
    while caches["default"].get("catalog-version") != "before-the-edit":
        assert time.monotonic() < deadline, "the version did not replicate"
        time.sleep(0.05)

    with caplog.at_level(logging.ERROR, logger="versus.cache"):
        alpha.name = "Alpha Prime"
        alpha.save()

    assert "could not replace the catalog version" in caplog.text
