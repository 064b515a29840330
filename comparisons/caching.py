"""Whole-page caching keyed on the catalog version, so an edit shows at once."""

import hashlib
import threading
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


class RenderedOnce:
    """The page keys this process has rendered under the current catalog version.

    Kept as their hashes (about 50 bytes each instead of 150): two pages sharing
    one would only change when the second is shared, never what it shows. At most
    `limit` are remembered, then forgotten all at once, which only makes a few
    pages look new again.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._version: str | None = None
        self._keys: set[int] = set()
        self._lock = threading.Lock()

    def seen_before(self, version: str, key: str) -> bool:
        """True if this key was rendered before; remembers it either way."""
        digest = hash(key)
        with self._lock:
            if version != self._version:
                self._keys.clear()
                self._version = version
            if digest in self._keys:
                return True
            if len(self._keys) >= self.limit:
                self._keys.clear()
            self._keys.add(digest)
            return False

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self._version = None


rendered_once = RenderedOnce()


def cached_page(
    view: Callable[..., HttpResponse] | None = None, *, long_tail: bool = False
) -> Callable:
    """Serve a reader page from the cache while the catalog is unchanged.

    The key holds catalog_version(), which every catalog write replaces, and the
    full path with its query. Staff requests (previews, admin links) and error
    pages are never cached. config.middleware.PageCacheMiddleware keeps the pages
    of marked views in each process's memory; the shared cache (Redis) is the
    level below it, for the other processes and servers.

    long_tail=True is for pages that are cheap to render and of which there are
    far more than anyone asks for twice between edits (pair pages: crawlers walk
    hundreds of thousands). Such a page is looked for in the shared cache, and
    put there, only if this process has rendered it before under the version,
    i.e. it was asked for again after this process's memory let it go. A
    one-off page then costs no round trip and takes no room in Redis (both were
    a tenth of an uncached pair page's CPU); a popular page is rendered once per
    process per edit, then served from memory or, after that, from Redis.
    """
    if view is None:
        return lambda view: cached_page(view, long_tail=long_tail)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or _is_staff(request):
            return view(request, *args, **kwargs)
        version = catalog_version()
        if not is_shared_version(version):
            # The cache is unreachable: render, keep nothing (catalog/cache.py).
            return view(request, *args, **kwargs)
        key = page_cache_key(request, version)
        shared = not long_tail or rendered_once.seen_before(version, key)
        if shared:
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if shared and _is_cacheable(response):
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
