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

    The admission rule of the shared cache: a page goes there the second time
    this process renders it. Crawlers walk hundreds of thousands of pair pages
    that nobody asks for again before the next edit; writing each of them to
    Redis cost a tenth of an uncached request's CPU and filled Redis with pages
    never read. A page asked for again is first served from this process's memory
    (config.middleware); it is rendered here a second time only once that memory
    has let it go, and from then on it is shared. At most `limit` keys are
    remembered (then forgotten all at once, which only admits a few pages early).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._version: str | None = None
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def seen_before(self, version: str, key: str) -> bool:
        """True if this key was rendered before; remembers it either way."""
        with self._lock:
            if version != self._version:
                self._keys.clear()
                self._version = version
            if key in self._keys:
                return True
            if len(self._keys) >= self.limit:
                self._keys.clear()
            self._keys.add(key)
            return False

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self._version = None


rendered_once = RenderedOnce()


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a reader page from the cache while the catalog is unchanged.

    The key holds catalog_version(), which every catalog write replaces, and the
    full path with its query. Staff requests (previews, admin links) and error
    pages are never cached. A page enters the shared cache the second time this
    process renders it (RenderedOnce).
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
        if _is_cacheable(response) and rendered_once.seen_before(version, key):
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
