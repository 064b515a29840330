"""Sign-in lockouts and partner rates hold whatever happens to the page cache.

The counters live in their own Redis (CACHES["counters"]); pages, however many
and under whichever eviction policy, cannot push them out. While the counters'
Redis is down, each process counts on its own.
"""

import logging
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from rest_framework.test import APIClient

from api.models import PartnerKey
from tests.factories import LLMModelFactory
from tests.ops.redis_servers import MAXMEMORY, OwnRedis, redis_cache
from tests.ops.stack import free_port

pytestmark = pytest.mark.django_db

POLICIES = ("noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-ttl")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def counters_redis():
    server = OwnRedis("--maxmemory-policy", "noeviction")
    yield server
    server.stop()


@pytest.fixture(params=POLICIES)
def crowded_pages(request, settings, counters_redis):
    """Pages in a small Redis under one eviction policy; counters in their own."""
    pages = OwnRedis("--maxmemory", MAXMEMORY, "--maxmemory-policy", request.param)
    settings.CACHES = {
        "default": redis_cache(pages.url()),
        "counters": redis_cache(counters_redis.url()),
    }
    yield pages
    for alias in ("default", "counters"):
        caches[alias].close()
    pages.stop()


@pytest.fixture
def counters_down(settings):
    """Redis is unreachable: for pages and counters alike."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": redis_cache(dead), "counters": redis_cache(dead)}
    yield
    for alias in ("default", "counters"):
        caches[alias].close()


@pytest.fixture
def editor(db, settings):
    settings.VERSUS_LOGIN_FAILURES_PER_USER = 3
    return User.objects.create_superuser("editor", password=PASSWORD)


def sign_in(client, password: str) -> int:
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": password}
    )
    return response.status_code


def fail_until_locked(client) -> None:
    statuses = [sign_in(client, f"guess-{n}") for n in range(4)]
    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]


def flood_with_junk_pages(client, pages: OwnRedis) -> None:
    LLMModelFactory(name="Alpha")
    for n in range(60):
        assert client.get(f"/models/?junk={n}").status_code == HTTPStatus.OK
    pages.flood()


def partner(rate: str) -> APIClient:
    _, key = PartnerKey.objects.create_key(name="mirror", rate=rate)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return api


def test_lockout_survives_a_flood_of_pages(client, editor, crowded_pages):
    fail_until_locked(client)

    flood_with_junk_pages(client, crowded_pages)

    assert sign_in(client, PASSWORD) == HTTPStatus.TOO_MANY_REQUESTS


def test_partner_rate_survives_a_flood_of_pages(client, crowded_pages):
    api = partner("3/hour")
    assert [api.get("/api/v1/vendors/").status_code for _ in range(3)] == [200] * 3

    flood_with_junk_pages(client, crowded_pages)

    assert api.get("/api/v1/vendors/").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_rate_is_counted_in_the_process_while_counters_are_down(counters_down):
    api = partner("3/minute")

    statuses = [api.get("/api/v1/vendors/").status_code for _ in range(10)]

    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 7


def test_lockout_is_counted_in_the_process_while_counters_are_down(
    client, editor, counters_down
):
    fail_until_locked(client)

    assert sign_in(client, PASSWORD) == HTTPStatus.TOO_MANY_REQUESTS


def test_counters_on_an_evicting_redis_are_reported(settings, caplog):
    shared = OwnRedis("--maxmemory", MAXMEMORY, "--maxmemory-policy", "allkeys-lru")
    settings.CACHES = {
        **settings.CACHES,
        "counters": redis_cache(shared.url()),
    }
    try:
        with caplog.at_level(logging.ERROR, logger="versus.counters"):
            partner("3/minute").get("/api/v1/vendors/")
    finally:
        caches["counters"].close()
        shared.stop()

    assert "allkeys-lru" in caplog.text
    assert "REDIS_COUNTERS_URL" in caplog.text
