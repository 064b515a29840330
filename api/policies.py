"""The partner API's policies, named in REST_FRAMEWORK: keys, rates, pages, errors.

The views' shared base (conditional GET, strict parameters, read-only) is in
api/base.py. See docs/api.md.
"""

import datetime as dt
import math
import re
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from api.models import PartnerKey
from core.counters import counter_hit

KEYWORD = "Api-Key"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")

MISSING_KEY_MESSAGE = (
    "This API needs a partner key: send 'Authorization: Api-Key <key>'."
)
UNKNOWN_KEY_MESSAGE = "Unknown API key."
REVOKED_KEY_MESSAGE = "This API key has been revoked."
EXPIRED_KEY_MESSAGE = "This API key has expired."
READ_ONLY_MESSAGE = (
    "The partner API is read-only: use GET, HEAD or OPTIONS, not {method}."
)
THROTTLED_MESSAGE = "Over this key's rate of {rate}; try again in {wait} seconds."
NOT_FOUND_MESSAGE = "Not found."
UNKNOWN_PARAMETER_MESSAGE = (
    "Unknown query parameter '{name}'. This endpoint accepts: {accepted}."
)
NO_PARAMETERS_MESSAGE = (
    "Unknown query parameter '{name}'. This endpoint takes no parameters."
)
REPEATED_PARAMETER_MESSAGE = "Give '{name}' once, not {count} times."
PAGE_SIZE_MESSAGE = "page_size must be a whole number from 1 to {max} (got {value!r})."
CURSOR_MESSAGE = "cursor is not valid: use the 'next' or 'previous' link of a page as it is (got {value!r})."
UPDATED_SINCE_MESSAGE = (
    "updated_since must be an ISO 8601 date and time, e.g. 2026-11-25T12:00:00Z "
    "(a time without a zone is read as UTC) (got {value!r})."
)
RATE_MESSAGE = (
    "A rate is a number of requests per second, minute, hour or day, "
    "e.g. '100/minute' or '1000/hour' (got {value!r})."
)

# --- Errors ----------------------------------------------------------------------


class BadParameter(exceptions.APIException):
    """A query parameter with a value the endpoint cannot use (400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"


def api_exception_handler(exc: Exception, context: dict):
    """Answer every error as {"detail": "...", "code": "..."}, whatever raised it."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # Imported here: rest_framework.views reads REST_FRAMEWORK, which names this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail, code = _flatten(exc.detail)
    response.data = {"detail": detail, "code": code}
    return response


def _flatten(detail) -> tuple[str, str]:
    """The first message of a (possibly nested) DRF error, prefixed with its field."""
    if isinstance(detail, dict):
        field, value = next(iter(detail.items()))
        message, code = _flatten(value)
        if field in ("non_field_errors", "detail"):
            return message, code
        return f"{field}: {message}", code
    if isinstance(detail, list):
        return _flatten(detail[0]) if detail else ("Invalid request.", "invalid")
    return str(detail), getattr(detail, "code", None) or "error"


# --- Keys ------------------------------------------------------------------------


class PartnerKeyAuthentication(BaseAuthentication):
    """Authorization: Api-Key <key>, checked against the hashed PartnerKey rows.

    request.auth is the PartnerKey; there is no user. The key itself is never
    logged or echoed.
    """

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        key = key.strip()
        prefix, dot, _ = key.partition(".")
        if not key or not dot:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY_MESSAGE)
        partner_key = PartnerKey.objects.filter(prefix=prefix).first()
        if partner_key is None or not partner_key.is_valid(key):
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY_MESSAGE)
        if partner_key.revoked:
            raise exceptions.AuthenticationFailed(REVOKED_KEY_MESSAGE)
        if partner_key.has_expired:
            raise exceptions.AuthenticationFailed(EXPIRED_KEY_MESSAGE)
        return (AnonymousUser(), partner_key)

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) and tells the client how to authenticate.
        return f'{KEYWORD} realm="Versus partner API"'


class HasPartnerKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerKey)


# --- Rates -----------------------------------------------------------------------

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'100/minute' -> (100, 60): requests allowed and the period in seconds."""
    match = _RATE.match(rate or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(RATE_MESSAGE.format(value=rate))
    return int(match.group(1)), _PERIODS[match.group(2)[0]]


def key_rate(partner_key: PartnerKey) -> tuple[str, int, int]:
    """The key's own rate, or the site default: (as written, requests, seconds)."""
    rate = (partner_key.rate or "").strip()
    if rate:
        try:
            return (rate, *parse_rate(rate))
        except ValueError:
            pass  # An editor's typo must not open the gates: use the default.
    rate = settings.VERSUS_API_DEFAULT_RATE
    return (rate, *parse_rate(rate))


def rate_hit(bucket: str, limit: int, period: int, *, now: float | None = None):
    """Count one request in ``bucket``'s current window: (allowed, seconds to wait).

    A fixed window per period, counted atomically where every process sees one
    count and no cached page can evict it (core/counters.py; per process
    while that Redis is down).
    """
    now = time.time() if now is None else now
    window = int(now // period)
    count = counter_hit(f"api-rate:{bucket}:{period}:{window}", timeout=period + 5)
    wait = max(1, math.ceil((window + 1) * period - now))
    return count <= limit, wait


class PartnerRateThrottle(BaseThrottle):
    """Each key's rate (or VERSUS_API_DEFAULT_RATE), counted in the counters' Redis."""

    def allow_request(self, request, view) -> bool:
        partner_key = request.auth
        if not isinstance(partner_key, PartnerKey):
            return True
        _, limit, period = key_rate(partner_key)
        allowed, self._wait = rate_hit(partner_key.prefix, limit, period)
        return allowed

    def wait(self) -> int:
        return self._wait


# --- Query parameters ------------------------------------------------------------


def single_value(request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(
            REPEATED_PARAMETER_MESSAGE.format(name=name, count=len(values))
        )
    return values[0]


def parse_updated_since(value: str) -> dt.datetime:
    # An unencoded "+" in a query string arrives as a space: "...T12:00:00 01:00".
    text = re.sub(r" (\d\d(?::?\d\d)?)$", r"+\1", value.strip())
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(UPDATED_SINCE_MESSAGE.format(value=value))
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        # In UTC now: a moment at the very edge of the calendar fails here, not in SQL.
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise BadParameter(UPDATED_SINCE_MESSAGE.format(value=value)) from None


# --- Pages -----------------------------------------------------------------------


class PartnerCursorPagination(CursorPagination):
    """Cursor pages in a stable order the view chooses; page_size 1..200, default 50."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("slug",)

    def get_page_size(self, request) -> int:
        value = single_value(request, self.page_size_query_param)
        if value is None:
            return self.page_size
        is_number = value.isascii() and value.isdigit()  # "²" passes isdigit()
        if not is_number or not 1 <= int(value) <= self.max_page_size:
            raise BadParameter(
                PAGE_SIZE_MESSAGE.format(max=self.max_page_size, value=value)
            )
        return int(value)

    def get_ordering(self, request, queryset, view):
        return tuple(view.get_cursor_ordering())

    def decode_cursor(self, request):
        value = single_value(request, self.cursor_query_param)
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise BadParameter(CURSOR_MESSAGE.format(value=value)) from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            page = super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError, DataError):
            # A well-formed cursor whose position does not fit the ordering field.
            value = request.query_params.get(self.cursor_query_param)
            raise BadParameter(CURSOR_MESSAGE.format(value=value)) from None
        if settings.SITE_URL:
            # DRF puts next/previous on the request's host, which the client chose.
            self.base_url = settings.SITE_URL + request.get_full_path()
        return page

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
