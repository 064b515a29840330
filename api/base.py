"""The base of every partner API view: read-only, keyed, strict, with ETag/Last-Modified.

Every resource in api/catalog and api/comparisons builds on PartnerReadOnlyViewSet.
"""

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.response import Response

from api.models import PartnerKey
from api.policies import (
    ALLOWED_METHODS,
    MISSING_KEY_MESSAGE,
    NO_PARAMETERS_MESSAGE,
    NOT_FOUND_MESSAGE,
    READ_ONLY_MESSAGE,
    THROTTLED_MESSAGE,
    UNKNOWN_PARAMETER_MESSAGE,
    BadParameter,
    PartnerKeyAuthentication,
    key_rate,
    parse_updated_since,
    single_value,
)
from catalog.cache import serving_version

# Seconds an API answer is kept (at most; any catalog write retires it at once).
ANSWER_TTL = 60


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Your partner key, sent as `Authorization: Api-Key <key>`.",
        }


class PartnerAPIMixin:
    """Read-only, keyed, rate-limited views with ETag/Last-Modified and strict parameters."""

    #: Query parameters a list accepts besides cursor, page_size and updated_since.
    list_parameters: tuple[str, ...] = ()
    #: The field (or annotation) that holds an object's updated_at.
    updated_at_field = "updated_at"
    last_modified: dt.datetime | None = None

    def initial(self, request, *args, **kwargs):
        # Read-only before anything else: a write is 405 even without a key.
        if request.method not in ALLOWED_METHODS:
            raise exceptions.MethodNotAllowed(
                request.method, detail=READ_ONLY_MESSAGE.format(method=request.method)
            )
        super().initial(request, *args, **kwargs)
        self.check_query_parameters(request)

    def permission_denied(self, request, message=None, code=None):
        if not request.successful_authenticator:
            raise exceptions.NotAuthenticated(MISSING_KEY_MESSAGE)
        super().permission_denied(request, message=message, code=code)

    def throttled(self, request, wait):
        rate = key_rate(request.auth)[0] if isinstance(request.auth, PartnerKey) else ""
        raise exceptions.Throttled(
            wait=wait, detail=THROTTLED_MESSAGE.format(rate=rate, wait=math.ceil(wait))
        )

    def accepted_parameters(self) -> tuple[str, ...]:
        if getattr(self, "action", None) == "list":
            return ("cursor", "page_size", "updated_since", *self.list_parameters)
        return ()

    def check_query_parameters(self, request) -> None:
        accepted = self.accepted_parameters()
        for name in request.query_params:
            if name in accepted:
                continue
            if accepted:
                message = UNKNOWN_PARAMETER_MESSAGE.format(
                    name=name, accepted=", ".join(accepted)
                )
            else:
                message = NO_PARAMETERS_MESSAGE.format(name=name)
            raise BadParameter(message)

    def filter_updated_since(self, queryset):
        value = single_value(self.request, "updated_since")
        if value is None:
            return queryset
        since = parse_updated_since(value)
        return queryset.filter(**{f"{self.updated_at_field}__gt": since})

    def note_modified(self, *moments: dt.datetime | None) -> None:
        """Record the newest updated_at that went into the answer (Last-Modified)."""
        for moment in moments:
            if moment is not None and (
                self.last_modified is None or moment > self.last_modified
            ):
                self.last_modified = moment

    def cached_answer(self, request, build):
        """The answer from the shared cache, or built and kept there.

        Keyed by the catalog version, so any catalog write retires every kept
        answer at once; the origin and full path (links are absolute and the
        query decides the content) pick the answer. Keys, rates and parameters
        are still checked on every request, before this. ANSWER_TTL bounds how
        late a draft scheduled to publish itself (no write) shows.
        """
        origin = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
        digest = hashlib.sha256(
            f"{origin}{request.get_full_path()}".encode()
        ).hexdigest()
        self._answer_key = f"api-answer:{serving_version()}:{digest}"
        kept = cache.get(self._answer_key)
        if kept is not None:
            self._answer_key = None
            content, self.last_modified = kept
            return HttpResponse(content, content_type="application/json")
        return build(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization",))
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response["Cache-Control"] = "private, no-cache"
        if getattr(response, "streaming", False):
            return response
        if isinstance(response, Response):
            response.render()
            if getattr(self, "_answer_key", None):
                cache.set(
                    self._answer_key, (response.content, self.last_modified), ANSWER_TTL
                )
        digest = hashlib.sha256(response.content).hexdigest()[:32]
        response["ETag"] = f'"{digest}"'
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=timestamp, response=response
        )


class PartnerReadOnlyViewSet(PartnerAPIMixin, viewsets.ReadOnlyModelViewSet):
    """One resource of the feed: a cursor-paged list and a detail by slug."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    list_serializer_class = None
    detail_serializer_class = None
    cursor_ordering: tuple[str, ...] = ("slug",)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.list_serializer_class

    def get_cursor_ordering(self) -> tuple[str, ...]:
        return self.cursor_ordering

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return self.filter_updated_since(queryset)

    def list(self, request, *args, **kwargs):
        return self.cached_answer(request, self.build_list)

    def retrieve(self, request, *args, **kwargs):
        value = kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if not value.isprintable():
            # No slug holds a control character, and PostgreSQL refuses a NUL
            # in a query: /api/v1/models/%00/ was a 500.
            raise exceptions.NotFound(NOT_FOUND_MESSAGE)
        return self.cached_answer(
            request, lambda request: self.build_detail(request, **kwargs)
        )

    def build_list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.note_modified(*(getattr(obj, self.updated_at_field) for obj in page))
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def build_detail(self, request, **kwargs):
        instance = self.get_object()
        self.note_modified(getattr(instance, self.updated_at_field))
        return Response(self.get_serializer(instance).data)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(help_text="A stable machine-readable code.")


def error_responses(*statuses: int) -> dict:
    """Schema entries for the error answers an operation can give."""
    descriptions = {
        400: "A query parameter is not valid; the detail names it and what it accepts.",
        401: "No key, or an unknown, revoked or expired key.",
        404: "No such object (or not published).",
        405: "The API is read-only.",
        429: "Over the key's rate; see the Retry-After header.",
    }
    return {
        code: OpenApiResponse(ErrorSerializer, description=descriptions[code])
        for code in statuses
    }


UPDATED_SINCE_PARAMETER = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only objects changed after this moment (ISO 8601; a time without "
    "a zone is read as UTC), for incremental sync.",
)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def api_not_found(request, *args, **kwargs):
    """Anything under /api/ that is no endpoint: a JSON 404, not the site's page."""
    raise exceptions.NotFound(NOT_FOUND_MESSAGE)
