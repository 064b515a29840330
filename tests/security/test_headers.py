"""Security headers, and markup that works under our Content-Security-Policy."""

import json
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from core.security import (
    DATABASE_DOWN_MESSAGE,
    DatabaseUnavailableMiddleware,
)
from tests.security.conftest import admin_urls, parse_html

pytestmark = pytest.mark.django_db

NONCE_RE = re.compile(r"'nonce-")
# Script types the browser does not run, so CSP does not apply to them.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
PUBLIC_START_PAGES = ("/", "/models/")
MAX_PAGES = 60


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(None, 1)[0]: part.split(None, 1)[1] if " " in part.strip() else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


# Third-party admin templates with a purely cosmetic style attribute: the
# browser ignores it under our policy and nothing breaks.
# simple_history/object_history_list.html: <p class="paginator" style="border-top: 0">
COSMETIC_THIRD_PARTY_STYLES = {"border-top: 0"}


def assert_markup_obeys_csp(response, url: str, *, allowed_styles=frozenset()) -> None:
    """What the browser would block under our policy, or what would run unasked.

    The policy has no nonce (a shared cache hands one page to every reader), so
    no inline <style> or running <script> may appear at all.
    """
    assert not NONCE_RE.search(response["Content-Security-Policy"]), url
    page = parse_html(response.content)
    for tag, attrs in page.tags:
        if "style" in attrs:
            assert attrs["style"] in allowed_styles, (
                f"{url}: <{tag} style=…> is blocked without 'unsafe-inline'"
            )
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (
            f"{url}: <{tag} {handlers[0]}=…> inline handlers are blocked"
        )
        assert tag != "style", f"{url}: inline <style> is blocked"
        assert "nonce" not in attrs, f"{url}: <{tag} nonce=…> in a shareable page"
        for name in ("src", "href", "action"):
            value = (attrs.get(name) or "").strip()
            assert not value.lower().startswith("javascript:"), (
                f"{url}: {name}={value!r}"
            )
            if tag in {"script", "link", "img"} and name in {"src", "href"} and value:
                parts = urlsplit(value)
                if tag == "link" and attrs.get("rel") not in {"stylesheet", "preload"}:
                    continue
                assert not parts.netloc or tag == "img", f"{url}: <{tag}> from {value}"
    for attrs, _text in page.scripts:
        if attrs.get("src") or (attrs.get("type") or "").lower() in DATA_SCRIPT_TYPES:
            continue
        assert not (_text or "").strip(), f"{url}: inline <script> is blocked"


def crawl_public_pages(client) -> dict[str, object]:
    """Every page reachable from the home page and the model list, same site only."""
    seen: dict[str, object] = {}
    queue = list(PUBLIC_START_PAGES)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code != HTTPStatus.OK:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        for tag, attrs in parse_html(response.content).tags:
            href = attrs.get("href") or ""
            if tag != "a" or not href.startswith("/") or href.startswith("//"):
                continue
            path = urlsplit(href).path
            if path.startswith(("/admin/", "/static/")) or path in seen:
                continue
            queue.append(path)
    return seen


def test_every_response_carries_the_protective_headers(client, small_catalog):
    response = client.get("/models/")

    assert response.status_code == HTTPStatus.OK
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_content_security_policy_allows_no_inline_code(client, small_catalog):
    directives = csp_directives(client.get("/models/"))

    assert "unsafe-inline" not in ";".join(directives.values())
    assert "unsafe-eval" not in ";".join(directives.values())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"


def test_policy_is_the_same_on_every_answer(client, small_catalog):
    """A shared cache hands one stored answer to every reader: nothing per response."""
    first = client.get("/models/")
    second = client.get("/models/")

    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert first.content == second.content


def test_strict_transport_security_when_served_over_https(
    client, settings, small_catalog
):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/models/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(
    client, settings, editor
):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("admin:login"), secure=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery staple"},
        secure=True,
    )

    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_public_pages_markup_runs_under_the_policy(client, small_catalog):
    pages = crawl_public_pages(client)

    assert len(pages) >= 3
    for url, response in pages.items():
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url
        if response.status_code == HTTPStatus.OK and response[
            "Content-Type"
        ].startswith("text/html"):
            assert_markup_obeys_csp(response, url)


def test_admin_pages_run_under_the_policy(admin_client, small_catalog):
    urls = admin_urls()
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.FORBIDDEN}, url
        if response.status_code == HTTPStatus.OK:
            assert_markup_obeys_csp(
                response, url, allowed_styles=COSMETIC_THIRD_PARTY_STYLES
            )


def test_admin_login_page_runs_under_the_policy(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == HTTPStatus.OK
    assert_markup_obeys_csp(response, "admin login")


# --- Database outages ------------------------------------------------------------


def _failing_view(request):
    raise OperationalError(
        "connection to server at 127.0.0.1 failed: Connection refused"
    )


def test_lost_database_gives_a_503_page_with_retry_after_not_a_stack_trace():
    middleware = DatabaseUnavailableMiddleware(_failing_view)
    request = RequestFactory().get("/models/")

    response = middleware.process_exception(request, OperationalError("server closed"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert DATABASE_DOWN_MESSAGE.encode() in response.content
    assert b"Traceback" not in response.content
    assert b"server closed" not in response.content


def test_lost_database_gives_json_under_the_api():
    middleware = DatabaseUnavailableMiddleware(_failing_view)
    request = RequestFactory().get("/api/v1/models/")

    response = middleware.process_exception(request, OperationalError("server closed"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": DATABASE_DOWN_MESSAGE,
        "code": "service_unavailable",
    }


def test_other_errors_are_left_to_the_ordinary_error_handling():
    middleware = DatabaseUnavailableMiddleware(_failing_view)

    assert (
        middleware.process_exception(RequestFactory().get("/"), ValueError("bug"))
        is None
    )


@pytest.mark.urls("tests.security.outage_urls")
def test_database_outage_in_a_view_reaches_the_reader_as_503(client):
    response = client.get("/outage/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert DATABASE_DOWN_MESSAGE in response.content.decode()


@pytest.mark.urls("tests.security.outage_urls")
def test_database_outage_outside_a_view_is_a_503_too(client, settings):
    """handler500 catches what the middleware cannot see, e.g. a failing session save."""
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if not name.endswith("DatabaseUnavailableMiddleware")
    ]
    client.raise_request_exception = False

    response = client.get("/outage/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"


@pytest.mark.urls("tests.security.outage_urls")
def test_a_genuine_bug_is_still_an_ordinary_500(client):
    client.raise_request_exception = False

    response = client.get("/bug/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Traceback" not in response.content


def test_api_docs_run_scripts_only_from_our_own_files(client):
    """Swagger UI is self-hosted; its page allows no inline or foreign script."""
    response = client.get("/api/docs/")

    assert response.status_code == HTTPStatus.OK
    directives = csp_directives(response)
    assert "unsafe-inline" not in ";".join(directives.values())
    assert "unsafe-eval" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    page = parse_html(response.content)
    assert page.scripts, "the docs page loads Swagger UI"
    for attrs, text in page.scripts:
        source = urlsplit(attrs.get("src") or "")
        assert attrs.get("src") and not source.netloc and not text.strip(), attrs
        script = client.get(attrs["src"])
        assert script.status_code == HTTPStatus.OK, attrs["src"]
