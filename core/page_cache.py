"""Serving rendered pages fast: a per-process page cache and conditional GET.

Every process keeps the pages it has rendered in memory, keyed by the catalog
version, the origin when SITE_URL is unset, and the full path; a page is kept
only when that path is the page's canonical one (core.view_cache), so junk
query parameters add no entries. The version lives in the shared cache (Redis in
production) and each process holds it through Redis client-side tracking
(core/cache_backends.py), so an edit made through any server changes the key
everywhere at once: no process can serve a page older than the catalog. A hit
costs a poll of one socket and a dictionary lookup, instead of a round trip for
the whole page and the middleware stack behind it.

Only views wrapped by ``core.view_cache.cached_page`` are kept, only for GET/HEAD requests without a session, and
only 200 answers that set no cookie and hold no CSRF token.
"""

import threading
from hashlib import md5

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from catalog.cache import is_shared_version, serving_version, version_pinned
from core.view_cache import is_page_view, page_origin
from vocabulary.bounded_store import BoundedStore
from vocabulary.process_memos import process_memo

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
# Headers added per request by the middleware around this one, or per client.
PER_REQUEST_HEADERS = {"set-cookie", "date"}


class LocalPageCache:
    """Rendered pages of the current catalog version, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages = BoundedStore()
        self._version = None
        self._lock = threading.Lock()

    def get(self, version: str, path: str):
        return self._pages.get((version, path))

    def put(self, version: str, path: str, entry: tuple) -> None:
        size = len(entry[0]) + len(path) + 512
        with self._lock:
            if version != self._version:
                # Every page of an older version is dead: free them all now.
                self._pages.clear()
                self._version = version
            self._pages.put((version, path), (*entry, size), size, self.max_bytes)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._version = None

    def __len__(self) -> int:
        return len(self._pages)


local_pages = LocalPageCache(
    getattr(settings, "VERSUS_PAGE_CACHE_BYTES", DEFAULT_MAX_BYTES)
)
process_memo(local_pages.clear)


def _stored_headers(response: HttpResponse) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in PER_REQUEST_HEADERS
    }


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    # "Vary: Cookie" is ignored on purpose: only requests without a session
    # are served from here, and they all get the same page. A page holding a
    # CSRF token is personal, though, so it is never kept.
    return (
        getattr(request, "_page_cache_view", False)
        and getattr(request, "canonical_full_path", None) == request.get_full_path()
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    """Answer repeat page requests from this process's memory (see the module)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or self.session_cookie in request.COOKIES
        ):
            return self.get_response(request)
        with version_pinned():
            # The catalog, the day and the due publications: see serving_version().
            # Its schedule of publications may be unknown to this process yet;
            # it is then read (from the database) only for a page to keep.
            return self._respond(request, serving_version(read_database=False))

    def _respond(self, request: HttpRequest, version: str | None) -> HttpResponse:
        if version is not None and not is_shared_version(version):
            # The shared cache is down: render every page, cache none.
            return self.get_response(request)
        path = page_origin(request) + request.get_full_path()
        entry = None if version is None else local_pages.get(version, path)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if _is_storable(request, response):
            version = version or serving_version()
            if not is_shared_version(version):
                return response
            content = response.content
            if "ETag" not in response:
                # ConditionalGetMiddleware (inside this one) has usually set it.
                etag = md5(content, usedforsecurity=False).hexdigest()
                response["ETag"] = f'"{etag}"'
            # No Last-Modified of our own: the time a process rendered a page
            # differs from server to server, while the ETag (a hash of the
            # body) is the same on all of them, which is what a shared cache
            # in front revalidates with.
            last_modified = response.get("Last-Modified")
            entry = (
                content,
                _stored_headers(response),
                response["ETag"],
                parse_http_date_safe(last_modified) if last_modified else None,
            )
            local_pages.put(version, path, entry)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        request._page_cache_view = is_page_view(view_func)

    @staticmethod
    def _from_entry(request: HttpRequest, entry: tuple) -> HttpResponse:
        content, headers, etag, last_modified, _size = entry
        response = HttpResponse(content, headers=headers)
        if (
            "HTTP_IF_NONE_MATCH" in request.META
            or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response
