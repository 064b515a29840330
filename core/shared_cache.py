"""What a shared HTTP cache (nginx, a CDN) may keep, and for how long.

Reader pages are the same for everyone without a session, so an anonymous GET
of one says ``Cache-Control: public`` with a short shared lifetime
(``s-maxage``), a short browser lifetime and ``stale-while-revalidate``. Its
validator is the strong ETag of its body (ConditionalGetMiddleware, or the page
cache), so every server answers a page with the same ETag and a cache
revalidates with a cheap 304. Nothing in such a page is per response: the
Content-Security-Policy carries no nonce (core/security.py).

Everything else a shared cache must not keep is said so explicitly: the admin,
the API and every request with a session get ``private, no-store`` (unless the
view chose a private policy of its own, such as the API's ``private,
no-cache`` for its own ETags).

See docs/deployment.md ("The cache in front") for the nginx side.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PRIVATE = "private, no-store"
# Paths that are never the same for two callers.
PRIVATE_PREFIXES = ("/admin/", "/api/")


def public_cache_control() -> str:
    """The Cache-Control of a reader answer a shared cache may keep (settings)."""
    return (
        f"public, max-age={settings.VERSUS_PAGE_MAX_AGE}, "
        f"s-maxage={settings.VERSUS_PAGE_SHARED_MAX_AGE}, "
        f"stale-while-revalidate={settings.VERSUS_PAGE_STALE_WHILE_REVALIDATE}"
    )


def has_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def may_share(request: HttpRequest, response: HttpResponse) -> bool:
    """True if this answer is the one every reader without a session gets."""
    return (
        request.method in ("GET", "HEAD")
        and not has_session(request)
        and response.status_code == 200
        and not response.cookies
        and "Cache-Control" not in response
        and not request.META.get("CSRF_COOKIE_USED")
    )


def mark_public(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if may_share(request, response):
        response["Cache-Control"] = public_cache_control()
    return response


def shareable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let shared caches keep this reader view's anonymous answers (see the module)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return mark_public(request, view(request, *args, **kwargs))

    return wrapper


def _without_cookie_vary(response: HttpResponse) -> None:
    if "Vary" not in response:
        return
    kept = [
        field.strip()
        for field in response["Vary"].split(",")
        if field.strip() and field.strip().lower() != "cookie"
    ]
    del response["Vary"]
    if kept:
        patch_vary_headers(response, kept)


class SharedCacheMiddleware:
    """Make sure a shared cache keeps only what is the same for every reader.

    Outside the page cache, so answers from memory (200s and 304s) pass here too.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cache_control = response.get("Cache-Control", "")
        if "public" in cache_control:
            if has_session(request) or response.cookies:
                # A view marked the page public, but this caller is someone.
                response["Cache-Control"] = PRIVATE
            else:
                # The answer is the same for every caller without a session,
                # and callers with one are never given it (they bypass the
                # shared cache and are answered privately).
                _without_cookie_vary(response)
        elif (
            has_session(request) or request.path.startswith(PRIVATE_PREFIXES)
        ) and "private" not in cache_control:
            response["Cache-Control"] = PRIVATE
        return response
