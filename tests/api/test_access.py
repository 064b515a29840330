"""Keys, read-only methods, rates: who gets an answer, and which error otherwise."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import PartnerKey
from api.policies import parse_rate, rate_hit

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
ENDPOINTS = [
    "/api/v1/vendors/",
    "/api/v1/vendors/openai/",
    "/api/v1/providers/",
    "/api/v1/providers/openrouter/",
    "/api/v1/benchmarks/",
    "/api/v1/benchmarks/swe-bench-verified/",
    "/api/v1/models/",
    "/api/v1/models/gpt-4-1-mini/",
    "/api/v1/comparisons/",
    "/api/v1/comparisons/gpt-4-1-mini-vs-grok-4-20/",
    "/api/v1/export/",
]
MISSING_KEY = {
    "detail": "This API needs a partner key: send 'Authorization: Api-Key <key>'.",
    "code": "not_authenticated",
}
UNKNOWN_KEY = {"detail": "Unknown API key.", "code": "authentication_failed"}
REVOKED_KEY = {
    "detail": "This API key has been revoked.",
    "code": "authentication_failed",
}


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_needs_a_key(anonymous, catalog, path):
    response = anonymous.get(path)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == MISSING_KEY
    assert response["WWW-Authenticate"] == 'Api-Key realm="Versus partner API"'


def test_unknown_key_is_401(catalog):
    response = with_key("abcdefgh.not-the-real-secret").get("/api/v1/models/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == UNKNOWN_KEY
    assert "WWW-Authenticate" in response


def test_right_prefix_with_wrong_secret_is_401(catalog, partner_key):
    prefix = partner_key[1].split(".")[0]
    response = with_key(f"{prefix}.wrong").get("/api/v1/models/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == UNKNOWN_KEY


@pytest.mark.parametrize(
    "header", ["Api-Key", "Api-Key ", "Api-Key nodot", "Bearer xyz"]
)
def test_malformed_authorization_is_401(catalog, header):
    response = APIClient().get("/api/v1/models/", HTTP_AUTHORIZATION=header)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert set(response.json()) == {"detail", "code"}


def test_revoked_key_is_401(catalog, partner_key):
    stored, key = partner_key
    stored.revoked = True
    stored.save()
    response = with_key(key).get("/api/v1/models/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json() == REVOKED_KEY


def test_expired_key_is_401(catalog, partner_key):
    stored, key = partner_key
    stored.expiry_date = timezone.now() - dt.timedelta(minutes=1)
    stored.save()
    response = with_key(key).get("/api/v1/models/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["detail"] == "This API key has expired."


def test_keyword_is_case_insensitive(catalog, partner_key):
    response = APIClient().get(
        "/api/v1/models/", HTTP_AUTHORIZATION=f"api-key {partner_key[1]}"
    )
    assert response.status_code == HTTPStatus.OK


def test_schema_and_docs_need_no_key(anonymous):
    schema = anonymous.get("/api/schema/")
    assert schema.status_code == HTTPStatus.OK
    assert b"openapi: 3" in schema.content
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == HTTPStatus.OK


def test_docs_load_nothing_from_other_sites(anonymous):
    """Swagger UI's files come from our own static files (drf-spectacular-sidecar)."""
    html = anonymous.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/models/", "/api/v1/models/gpt-4-1-mini/"])
def test_write_methods_are_405_with_or_without_key(
    api, anonymous, catalog, method, path
):
    for client in (api, anonymous):
        response = getattr(client, method)(path)
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
        assert response.json() == {
            "detail": f"The partner API is read-only: use GET, HEAD or OPTIONS, "
            f"not {method.upper()}.",
            "code": "method_not_allowed",
        }
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_and_options_are_allowed(api, catalog):
    assert api.head("/api/v1/models/").status_code == HTTPStatus.OK
    assert api.options("/api/v1/models/").status_code == HTTPStatus.OK


def test_unknown_api_path_is_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


# --- Rates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("100/minute", (100, 60)),
        ("5/s", (5, 1)),
        ("1000/hour", (1000, 3600)),
        ("2/day", (2, 86400)),
    ],
)
def test_rate_format(rate, parsed):
    assert parse_rate(rate) == parsed


def test_over_the_keys_rate_is_429_with_retry_after(catalog):
    stored, key = PartnerKey.objects.create_key(name="Small", rate="3/minute")
    client = with_key(key)
    for _ in range(3):
        assert client.get("/api/v1/vendors/").status_code == HTTPStatus.OK
    response = client.get("/api/v1/vendors/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled"
    assert "3/minute" in response.json()["detail"]


def test_each_key_has_its_own_count(catalog):
    _, first = PartnerKey.objects.create_key(name="One", rate="1/minute")
    _, second = PartnerKey.objects.create_key(name="Two", rate="1/minute")
    assert with_key(first).get("/api/v1/vendors/").status_code == HTTPStatus.OK
    assert with_key(second).get("/api/v1/vendors/").status_code == HTTPStatus.OK
    assert (
        with_key(first).get("/api/v1/vendors/").status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )


@override_settings(VERSUS_API_DEFAULT_RATE="2/hour")
def test_key_without_rate_gets_the_site_default(catalog, api):
    assert api.get("/api/v1/vendors/").status_code == HTTPStatus.OK
    assert api.get("/api/v1/vendors/").status_code == HTTPStatus.OK
    response = api.get("/api/v1/vendors/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "2/hour" in response.json()["detail"]


@override_settings(VERSUS_API_DEFAULT_RATE="1/hour")
def test_mistyped_key_rate_falls_back_to_the_default(catalog):
    _, key = PartnerKey.objects.create_key(name="Typo", rate="lots")
    assert with_key(key).get("/api/v1/vendors/").status_code == HTTPStatus.OK
    assert (
        with_key(key).get("/api/v1/vendors/").status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )


def test_window_resets_after_its_period():
    bucket = uuid.uuid4().hex
    assert rate_hit(bucket, 1, 60, now=120.0) == (True, 60)
    assert rate_hit(bucket, 1, 60, now=150.0) == (False, 30)
    assert rate_hit(bucket, 1, 60, now=180.0)[0] is True


# --- The count is shared by every process using the same (Redis) cache. --------------

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=1).ping())
    except Exception:
        return False


REDIS_CACHE_PREFIX = f"versus-test-{uuid.uuid4().hex}"
REDIS_CACHES = {
    alias: {
        "BACKEND": "core.cache_backends.ResilientRedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": REDIS_CACHE_PREFIX,
    }
    for alias in ("default", "counters")
}
OTHER_PROCESS = """
import django, sys
django.setup()
from api.policies import rate_hit
allowed, wait = rate_hit(sys.argv[1], int(sys.argv[2]), 3600)
print("allowed" if allowed else "refused")
"""


def hit_from_another_process(bucket: str, limit: int) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.api.redis_settings",
        "TEST_REDIS_URL": TEST_REDIS_URL,
        "TEST_REDIS_PREFIX": REDIS_CACHE_PREFIX,
    }
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, bucket, str(limit)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(
    not redis_reachable(), reason=f"Redis is unreachable at {TEST_REDIS_URL}"
)
@override_settings(CACHES=REDIS_CACHES)
def test_rate_is_counted_across_processes_in_redis(catalog):
    stored, key = PartnerKey.objects.create_key(name="Busy", rate="3/hour")
    client = with_key(key)
    assert client.get("/api/v1/vendors/").status_code == HTTPStatus.OK
    # A second server process spends the second and third requests of the hour…
    assert hit_from_another_process(stored.prefix, 3) == "allowed"
    assert hit_from_another_process(stored.prefix, 3) == "allowed"
    # …so this process, which made only one, is refused now.
    response = client.get("/api/v1/vendors/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) >= 1


def test_keys_never_reach_the_logs_or_the_answer(catalog, partner_key, caplog):
    stored, key = partner_key
    wrong = f"{key.split('.')[0]}.wrong-secret-123"
    with caplog.at_level("DEBUG"):
        answers = [
            with_key(wrong).get("/api/v1/models/"),
            with_key(key).get("/api/v1/models/?colour=red"),
            with_key(key).post("/api/v1/models/"),
        ]
    for secret in (key, wrong, key.split(".")[1]):
        assert secret not in caplog.text
        for response in answers:
            assert secret not in response.content.decode()
