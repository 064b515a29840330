"""Production settings pass Django's deployment checklist."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "example.com",
    "SITE_URL": "https://example.com",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names: str, **env: str) -> dict:
    code = (
        "import django, json, sys; django.setup(); from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_settings_pass_check_deploy_with_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_a_site_served_without_https():
    """The check above can fail: without HTTPS the transport protections are missing."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**PRODUCTION_ENV, "HTTPS": "false"},
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_production_refuses_to_start_without_site_url():
    """Without it, links are built from the request's Host, which a client chooses."""
    environment = {**PRODUCTION_ENV, "SITE_URL": ""}

    result = run_manage("check", "--deploy", **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL must be set" in result.stderr


def test_site_url_must_be_an_origin():
    for value in (
        "versus.example.com",
        "https://example.com/path",
        "ftp://example.com",
    ):
        result = run_manage("check", **{**PRODUCTION_ENV, "SITE_URL": value})

        assert result.returncode != 0, value
        assert "SITE_URL must be" in result.stderr, value


PRODUCTION_PROTECTIONS = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "CSRF_COOKIE_SECURE": True,
    "CSRF_COOKIE_HTTPONLY": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_CONTENT_TYPE_NOSNIFF": True,
    "X_FRAME_OPTIONS": "DENY",
    "DEBUG": False,
}


def test_production_settings_protect_transport_and_cookies():
    assert production_settings(*PRODUCTION_PROTECTIONS) == PRODUCTION_PROTECTIONS
