"""Whole-page caching keyed on the catalog version, so an edit shows at once."""

import hashlib
import threading
import weakref
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict

from catalog.cache import is_shared_version, serving_version
from core.shared_cache import has_session, mark_public

# Headers a cached page must carry again when it is served from the cache.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


def page_origin(request: HttpRequest) -> str:
    """What a page's absolute links depend on besides its path.

    Nothing with SITE_URL set (every absolute address uses it). Without it,
    links are built from the request's scheme and host, so pages are kept per
    origin: one request with a strange Host must not decide every reader's links.
    """
    if settings.SITE_URL:
        return ""
    return f"{request.scheme}://{request.get_host()}"


def canonical_number(value: str) -> str:
    """A page number as the pages read it, written one way ("01", " 1", "١" → "1").

    The paginators read a number with int(), which takes leading zeros, signs,
    spaces and digits of every script: each spelling would otherwise be a page
    of its own in the cache. A value int() refuses is left for the view to judge.
    """
    try:
        return str(int(value))
    except ValueError:
        return value


def canonical_query(
    query: QueryDict,
    *,
    single: Iterable[str] = (),
    multiple: Iterable[str] = (),
    numbers: Iterable[str] = (),
) -> QueryDict:
    """Only the parameters a page reads, in one order, each value once.

    A single-valued parameter keeps its last value (what QueryDict.get reads);
    a multi-valued one keeps its distinct values, sorted. The single-valued
    parameters named in `numbers` are page numbers, written by canonical_number().
    """
    canonical = QueryDict(mutable=True)
    multiple, numbers = set(multiple), set(numbers)
    for name in sorted({*single, *multiple}):
        values = query.getlist(name)
        if not values:
            continue
        if name in multiple:
            canonical.setlist(name, sorted(set(values)))
        elif name in numbers:
            canonical[name] = canonical_number(values[-1])
        else:
            canonical[name] = values[-1]
    canonical._mutable = False
    return canonical


def canonical_full_path(request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return request.path + (f"?{query}" if query else "")


def page_cache_key(request: HttpRequest, version: str) -> str:
    address = f"{page_origin(request)}{canonical_full_path(request)}"
    return f"page:{version}:{hashlib.sha256(address.encode()).hexdigest()}"


def _is_staff(request: HttpRequest) -> bool:
    # Only a request with a session can be staff. Asking the others would read
    # their (empty) session and add "Vary: Cookie" to a page that is the same
    # for every one of them.
    if not has_session(request):
        return False
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
    view: Callable[..., HttpResponse] | None = None,
    *,
    long_tail: bool = False,
    query: Iterable[str] = (),
    multi_valued: Iterable[str] = (),
    numbers: Iterable[str] = (),
) -> Callable:
    """Serve a reader page from the cache while the catalog is unchanged.

    The key holds serving_version(): the catalog version, which every catalog
    write replaces, the day and the scheduled publications that have come; the
    path, and the page's canonical query: only the parameters named in `query`
    (and `multi_valued`), normalised by canonical_query(), with the page
    numbers among them named in `numbers` written one way. The view sees that
    canonical query too, so whatever else a request carries (tracking tags, a
    crawler's junk) can neither change the page nor add an entry to the cache.
    Without SITE_URL the key holds the request's origin as well (page_origin).
    Staff requests (previews, admin links) and error pages are never cached.
    Anonymous answers say a shared cache may keep them (core/shared_cache.py).
    core.page_cache.PageCacheMiddleware keeps the pages of marked views in
    each process's memory; the shared cache (Redis) is the level below it, for
    the other processes and servers.

    long_tail=True is for pages that are cheap to render and of which there are
    far more than anyone asks for twice between edits (pair pages: crawlers walk
    hundreds of thousands). Such a page is looked for in the shared cache, and
    put there, only if this process has rendered it before under the version,
    i.e. it was asked for again after this process's memory let it go. A
    one-off page then costs no round trip and takes no room in Redis (both were
    a tenth of an uncached pair page's CPU); a popular page is rendered once per
    process per edit, then served from memory or, after that, from Redis.
    """
    query, multi_valued, numbers = tuple(query), tuple(multi_valued), tuple(numbers)
    if view is None:
        return lambda view: cached_page(
            view,
            long_tail=long_tail,
            query=query,
            multi_valued=multi_valued,
            numbers=numbers,
        )

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or _is_staff(request):
            return view(request, *args, **kwargs)
        request.GET = canonical_query(
            request.GET, single=query, multiple=multi_valued, numbers=numbers
        )
        # The address the middleware may keep this page under in memory.
        request.canonical_full_path = canonical_full_path(request)
        version = serving_version()
        if not is_shared_version(version):
            # The cache is unreachable: render, keep nothing (catalog/cache.py).
            return mark_public(request, view(request, *args, **kwargs))
        key = page_cache_key(request, version)
        shared = not long_tail or rendered_once.seen_before(version, key)
        if shared:
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                return mark_public(request, HttpResponse(content, headers=headers))
        response = view(request, *args, **kwargs)
        if shared and _is_cacheable(response):
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse (the sitemap views)
            headers = {
                name: response[name] for name in KEPT_HEADERS if name in response
            }
            cache.set(key, (response.content, headers))
        return mark_public(request, response)

    # core.page_cache.PageCacheMiddleware keeps these views in process memory too.
    return page_view_register(wrapper)


# The views cached_page wrapped; weak, so a view nothing routes to can go.
_page_views: "weakref.WeakSet[Callable]" = weakref.WeakSet()


def page_view_register(view: Callable) -> Callable:
    """Let the page-cache middleware keep this view's answers in process memory."""
    _page_views.add(view)
    return view


def is_page_view(view: Callable) -> bool:
    """Whether cached_page serves this view, so its pages may be kept in memory.

    Decorators applied over cached_page (functools.wraps) are looked through.
    """
    while view is not None:
        if view in _page_views:
            return True
        view = getattr(view, "__wrapped__", None)
    return False
