"""Whole-page caching keyed on the catalog version, so an edit shows at once."""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from catalog.cache import catalog_version, is_shared_version

# Headers a cached page must carry again when it is served from the cache.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


def page_cache_key(request: HttpRequest, version: str) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{version}:{path}"


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def _is_cacheable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and "no-store" not in response.get("Cache-Control", "")
        and not response.cookies
    )


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a reader page from the cache while the catalog is unchanged.

    The key holds catalog_version(), which every catalog write replaces, and the
    full path with its query. Staff requests (previews, admin links) and error
    pages are never cached.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or _is_staff(request):
            return view(request, *args, **kwargs)
        version = catalog_version()
        if not is_shared_version(version):
            # The cache is unreachable: render, keep nothing (catalog/cache.py).
            return view(request, *args, **kwargs)
        key = page_cache_key(request, version)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if _is_cacheable(response):
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse (the sitemap views)
            headers = {
                name: response[name] for name in KEPT_HEADERS if name in response
            }
            cache.set(key, (response.content, headers))
        return response

    # config.middleware.PageCacheMiddleware keeps marked views in process memory too.
    wrapper.cached_page = True
    return wrapper
