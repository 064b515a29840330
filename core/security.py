"""Protections that wrap every request: headers, database outages, sign-in guessing.

- ``SecurityHeadersMiddleware`` sends a Content-Security-Policy without
  'unsafe-inline' and without per-response nonces (pages are shared by
  caches), a Permissions-Policy, and the cross-origin isolation headers.
- ``DatabaseUnavailableMiddleware`` (and ``server_error``, the backstop for
  failures outside views) turns a lost database into a clear 503 with
  Retry-After, HTML for readers and JSON under /api/, never a stack trace.
- ``LoginRateLimitMiddleware`` refuses admin sign-ins after repeated failures
  for one username from one address, counted where no cached page can evict
  the count (core/counters.py).

See docs/security.md.
"""

import hashlib
import json
import logging
import sys

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views import defaults

from core.counters import counter_hit, counter_reset, counter_value

logger = logging.getLogger(__name__)

# --- Content-Security-Policy ----------------------------------------------------
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


# One policy for every answer, with no nonce: a page a shared cache keeps is
# handed to every reader, so nothing in it may be per response. Pages load
# their scripts and styles from our own files; the only inline <script>s are
# JSON-LD data blocks, which browsers never run, so CSP does not apply to them.
# Should inline code ever be needed, list its hash ('sha256-…') here rather
# than allowing 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    f"{name} {value}"
    for name, value in {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }.items()
)


class SecurityHeadersMiddleware:
    """Set CSP, Permissions-Policy and COOP/CORP on every answer."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 304:
            # The browser keeps the headers it stored with the page.
            return response
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


# --- Database outages -----------------------------------------------------------

DATABASE_DOWN_RETRY_SECONDS = 5
DATABASE_DOWN_MESSAGE = (
    "Versus is briefly unavailable while its database restarts. "
    "Please try again in a few seconds."
)
DATABASE_DOWN_HTML = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Back in a moment · Versus</title></head>
<body>
<main>
<h1>Back in a moment</h1>
<p>{message}</p>
</main>
</body>
</html>
"""


def _is_database_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = json.dumps(
            {"detail": DATABASE_DOWN_MESSAGE, "code": "service_unavailable"}
        )
        response = HttpResponse(body, status=503, content_type="application/json")
    else:
        html = DATABASE_DOWN_HTML.format(message=DATABASE_DOWN_MESSAGE)
        response = HttpResponse(
            html, status=503, content_type="text/html; charset=utf-8"
        )
    response["Retry-After"] = str(DATABASE_DOWN_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when a view loses the database."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not _is_database_outage(exception):
            return None
        logger.warning("Database unavailable during %s: %s", request.path, exception)
        return database_unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database outage outside a view (middleware, session save) is a 503 too."""
    if _is_database_outage(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)


# --- Admin sign-in rate limit ------------------------------------------------------
# A small limiter of our own rather than django-axes: it needs no tables or
# authentication backend, and counts in the counters' Redis (core/counters.py)
# so the limit holds across every server and no page can evict it. If that
# Redis is down each process counts on its own: an attacker gets the limit once
# per process, and editors are never locked out by the outage itself.

LOGIN_LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account from your address. "
    "For your security, sign-in is paused for {minutes} minutes; try again later "
    "or ask an administrator to reset your password."
)


def _login_limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "VERSUS_LOGIN_FAILURES_PER_USER", 5),
        getattr(settings, "VERSUS_LOGIN_FAILURES_PER_ADDRESS", 50),
        getattr(settings, "VERSUS_LOGIN_LOCKOUT_SECONDS", 15 * 60),
    )


def client_address(request: HttpRequest) -> str:
    """The reader's address; behind our proxy, the one it appended to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _hashed(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _user_key(username: str, address: str) -> str:
    return "login-failures:user:" + _hashed(username.strip().lower(), address)


def _address_key(address: str) -> str:
    return "login-failures:address:" + _hashed(address)


def login_is_locked(request: HttpRequest, username: str) -> bool:
    per_user, per_address, _ = _login_limits()
    address = client_address(request)
    return (
        counter_value(_user_key(username, address)) >= per_user
        or counter_value(_address_key(address)) >= per_address
    )


def _count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    _, _, lockout = _login_limits()
    address = client_address(request)
    counter_hit(
        _user_key(str(credentials.get("username", "")), address), timeout=lockout
    )
    counter_hit(_address_key(address), timeout=lockout)


def _reset_login_failures(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    counter_reset(_user_key(user.get_username(), client_address(request)))


def connect() -> None:
    """Count failed admin sign-ins and forget them on success (from CoreConfig.ready())."""
    user_login_failed.connect(
        _count_login_failure, dispatch_uid="versus-count-login-failure"
    )
    user_logged_in.connect(
        _reset_login_failures, dispatch_uid="versus-reset-login-failures"
    )


class LoginRateLimitMiddleware:
    """Refuse admin sign-in POSTs once a username+address has failed too often."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("admin:login"):
            username = request.POST.get("username", "")
            if login_is_locked(request, username):
                return self._locked(request)
        return self.get_response(request)

    @staticmethod
    def _locked(request: HttpRequest) -> HttpResponse:
        _, _, lockout = _login_limits()
        logger.warning(
            "Sign-in refused: too many failures from %s", client_address(request)
        )
        messages.error(
            request, LOGIN_LOCKED_MESSAGE.format(minutes=max(1, lockout // 60))
        )
        # Show the ordinary sign-in page, with the message, without trying the password.
        request.method = "GET"
        response = admin.site.login(request)
        response.render()
        response.status_code = 429
        response["Retry-After"] = str(lockout)
        return response
