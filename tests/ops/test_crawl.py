"""Crawl every kind of page and API answer with mangled query strings: never a 500."""

import json
import re
import unicodedata
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from api.models import PartnerKey

pytestmark = pytest.mark.django_db

DEMO_CATALOG = (
    Path(__file__).resolve().parents[2] / "catalog" / "fixtures" / "demo-catalog.json"
)
START_PAGES = ("/", "/models/", "/compare/", "/sitemap.xml")
PAGES_PER_ROUTE = 1
MAX_FETCHES = 400
# Parameters a page might read even when no link or form on it shows them.
GENERIC_PARAMS = (
    "page",
    "q",
    "sort",
    "ordering",
    "a",
    "b",
    "tokens",
    "provider",
    "vendor",
)
BAD_VALUES = (
    "99999999999999999999999999",
    "-1",
    "1e309",
    "ünï-😀\u202e",
    "%00",
    "x" * 5000,
)
RAW_QUERIES = (
    "%00",
    "%zz",
    "%ff%fe",
    "a=1&a=2&a=x&a=",
    "=&&=&",
    "page=1&page=2&page=999999999",
    "q" * 3000 + "=1",
    "__proto__=1&constructor=2",
)
API_PARAMS = (
    "page_size",
    "cursor",
    "updated_since",
    "vendor",
    "provider",
    "open_weights",
    "vision",
    "reasoning",
    "min_context",
    "max_input_price",
    "max_output_price",
    "search",
    "ordering",
)
API_LISTS = (
    "/api/v1/models/",
    "/api/v1/vendors/",
    "/api/v1/providers/",
    "/api/v1/benchmarks/",
    "/api/v1/comparisons/",
)


class LinksAndFields(HTMLParser):
    """Links, and the fields of each GET form by the address it submits to."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.fields: dict[str, set[str]] = {}
        self._target = page

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            is_get = (attributes.get("method") or "get").lower() == "get"
            self._target = (
                (attributes.get("action") or self.page) if is_get else self.page
            )
            self.links.append(self._target)
        elif (
            tag in {"input", "select", "textarea"}
            and name
            and name != "csrfmiddlewaretoken"
        ):
            self.fields.setdefault(urlsplit(self._target).path, set()).add(name)

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._target = self.page


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"", "http", "https"} or not parts.path.startswith("/"):
        return None
    if parts.netloc and parts.netloc not in {"testserver", "localhost", "127.0.0.1"}:
        return None
    if parts.path.startswith(("/static/", "/admin/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client) -> dict[str, set[str]]:
    """Pages by route: up to PAGES_PER_ROUTE of each, with the parameters seen on them."""
    pages: dict[str, set[str]] = {}
    per_route: dict[str, int] = {}
    linked_params: dict[str, set[str]] = {}
    queue, seen = list(START_PAGES), set()
    while queue and len(seen) < MAX_FETCHES:
        url = queue.pop(0)
        path = urlsplit(url).path
        route = route_of(path)
        if url in seen or route is None:
            continue
        if path not in pages and per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url
        if response.status_code != HTTPStatus.OK:
            continue
        if path not in pages:
            per_route[route] = per_route.get(route, 0) + 1
            pages[path] = set()
        content = response.content.decode(errors="replace")
        if "xml" in response["Content-Type"]:
            found = re.findall(r"<loc>([^<]+)</loc>", content)
        else:
            parser = LinksAndFields(path)
            parser.feed(content)
            for target, names in parser.fields.items():
                linked_params.setdefault(target, set()).update(names)
            found = parser.links
        for link in found:
            target = local_path(link.strip())
            if target:
                queue.append(target)
                linked = linked_params.setdefault(urlsplit(target).path, set())
                linked |= {name for name, _ in parse_qsl(urlsplit(target).query)}
    return {
        path: params | linked_params.get(path, set()) for path, params in pages.items()
    }


@pytest.fixture
def demo_catalog():
    call_command("import_catalog", str(DEMO_CATALOG), verbosity=0)


def assert_no_server_error(client, url: str, **headers) -> None:
    response = client.get(url, **headers)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        f"{url[:300]} answered {response.status_code}"
    )


def test_every_page_survives_mangled_query_strings(client, demo_catalog):
    client.raise_request_exception = True
    pages = crawl(client)
    routes = {route_of(path) for path in pages}

    assert len(pages) >= 8, pages
    assert {"models/<slug:slug>/", "compare/<str:pair>/"} <= routes, routes
    for path, params in sorted(pages.items()):
        for name in sorted(params | set(GENERIC_PARAMS)):
            for value in BAD_VALUES:
                encoded = value if value == "%00" else quote(value, safe="")
                assert_no_server_error(
                    client, f"{path}?{quote(name, safe='')}={encoded}"
                )
        for query in RAW_QUERIES:
            assert_no_server_error(client, f"{path}?{query}")


def test_every_api_list_survives_mangled_parameters(client, demo_catalog):
    _, key = PartnerKey.objects.create_key(name="crawler", rate="1000000/hour")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    slug = "gpt-4-1-mini"

    for path in API_LISTS:
        for name in API_PARAMS:
            for value in BAD_VALUES:
                url = f"{path}?{name}={value if value == '%00' else quote(value, safe='')}"
                response = client.get(url, **auth)
                assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url[
                    :300
                ]
                if response.status_code == HTTPStatus.BAD_REQUEST:
                    assert json.loads(response.content)["detail"], url[:300]
        for query in RAW_QUERIES:
            assert_no_server_error(client, f"{path}?{query}", **auth)
    for path in (
        f"/api/v1/models/{slug}/",
        f"/api/v1/comparisons/{slug}-vs-{'x' * 500}/",
        "/api/v1/comparisons/%00-vs-%00/",
        f"/api/v1/models/{'ü' * 100}/",
        "/api/v1/export/",
    ):
        for query in RAW_QUERIES[:4]:
            assert_no_server_error(client, f"{path}?{query}", **auth)


@pytest.mark.parametrize(
    "path",
    [
        "/compare/%00-vs-%00/",
        "/compare/-vs-/",
        "/compare/a-vs-b-vs-c/",
        "/compare/" + "x" * 3000 + "/",
        "/compare/ünï-vs-cödé/",
        "/models/%E2%80%AEevil/",
        "/models/" + "a" * 3000 + "/",
        "/vendors/-1/",
        "/compare/go/?a=&b=",
        "/compare/go/?a=%00&b=%00",
        "/compare/go/?a=gpt-4-1-mini&b=gpt-4-1-mini",
        "/sitemap-nonsense.xml",
        "/sitemap-models.xml?p=999999999999",
        "/sitemap-models.xml?p=-1",
    ],
)
def test_nonsense_addresses_are_refused_without_a_server_error(
    client, demo_catalog, path
):
    assert_no_server_error(client, path)


# --- The whole family: digits of every kind, control characters, methods --------


def _numeric_characters() -> list[str]:
    """Two characters of each kind Python calls numeric, by Unicode category and by
    which of isdecimal/isdigit accept them ('²' is a digit int() refuses)."""
    kinds: dict[tuple, list[str]] = {}
    for code in range(0x110000):
        char = chr(code)
        if char.isnumeric() and not char.isascii():
            kind = (unicodedata.category(char), char.isdecimal(), char.isdigit())
            found = kinds.setdefault(kind, [])
            if len(found) < 2:
                found.append(char)
    return [char for chars in kinds.values() for char in chars]


NUMERIC_CHARACTERS = _numeric_characters()
# Every C0 and C1 control character, DEL included.
CONTROL_CHARACTERS = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
METHODS = (
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "PROPFIND",
)
NUMBER_PARAMS = {
    "/api/v1/models/": ("min_context", "page_size", "max_input_price"),
    "/api/v1/vendors/": ("page_size",),
    "/api/v1/comparisons/": ("page_size",),
    "/models/": ("page",),
    "/compare/gpt-4-1-mini-vs-grok-4-20/": ("input_tokens", "output_tokens"),
    "/sitemap-models.xml": ("p",),
}


def test_the_numeric_characters_cover_every_kind_python_knows():
    categories = {unicodedata.category(char) for char in NUMERIC_CHARACTERS}
    assert categories == {"Nd", "Nl", "No", "Lo"}
    assert "²" in NUMERIC_CHARACTERS or "³" in NUMERIC_CHARACTERS
    assert any(char.isdigit() and not char.isdecimal() for char in NUMERIC_CHARACTERS)


@pytest.fixture
def partner_auth(db) -> dict:
    _, key = PartnerKey.objects.create_key(name="crawler", rate="1000000/hour")
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


def test_numbers_in_every_script_are_refused_or_read_never_a_500(
    client, demo_catalog, partner_auth
):
    client.raise_request_exception = False
    failures = []
    for path, names in NUMBER_PARAMS.items():
        for name in names:
            for char in NUMERIC_CHARACTERS:
                for value in (char, f"1{char}", f"{char}0"):
                    url = f"{path}?{name}={quote(value)}"
                    response = client.get(url, **partner_auth)
                    if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                        failures.append(url)
    assert failures == [], f"{len(failures)} answered 500, e.g. {failures[:5]}"


def _routes_with_a_parameter() -> list[str]:
    """Each route that takes a path parameter, with {} where the parameter goes."""
    return [
        "/models/{}/",
        "/vendors/{}/",
        "/providers/{}/",
        "/benchmarks/{}/",
        "/compare/{}/",
        "/compare/gpt-4-1-mini-vs-{}/",
        "/sitemap-{}.xml",
        *(f"/api/v1/{resource}/{{}}/" for resource in API_RESOURCES),
        "/api/v1/comparisons/gpt-4-1-mini-vs-{}/",
    ]


API_RESOURCES = ("models", "vendors", "providers", "benchmarks", "comparisons")


def test_control_characters_in_every_path_parameter_are_a_404(
    client, demo_catalog, partner_auth
):
    client.raise_request_exception = False
    failures = []
    for route in _routes_with_a_parameter():
        for char in CONTROL_CHARACTERS:
            for value in (char, f"gpt-4-1-mini{char}", f"{char}grok-4-20"):
                url = route.format(quote(value, safe=""))
                response = client.get(url, **partner_auth)
                if response.status_code != HTTPStatus.NOT_FOUND:
                    failures.append((url, response.status_code))
    assert failures == [], f"{len(failures)} not 404, e.g. {failures[:5]}"


def _every_route() -> list[str]:
    """One address per route the site has, admin sign-in and API docs included."""
    return [
        "/",
        "/models/",
        "/models/gpt-4-1-mini/",
        "/vendors/openai/",
        "/providers/openrouter/",
        "/benchmarks/swe-bench-verified/",
        "/compare/",
        "/compare/go/",
        "/compare/gpt-4-1-mini-vs-grok-4-20/",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-models.xml",
        "/feeds/changes.atom",
        "/admin/",
        "/admin/login/",
        "/api/schema/",
        "/api/docs/",
        "/api/nowhere/",
        *(f"/api/v1/{resource}/" for resource in API_RESOURCES),
        "/api/v1/models/gpt-4-1-mini/",
        "/api/v1/export/",
    ]


@pytest.mark.parametrize("keyed", [False, True], ids=["without-key", "with-key"])
def test_every_method_on_every_route_gets_an_answer_not_a_500(
    client, demo_catalog, partner_auth, keyed
):
    client.raise_request_exception = False
    headers = partner_auth if keyed else {}
    failures = []
    for path in _every_route():
        for method in METHODS:
            response = client.generic(method, path, **headers)
            if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                failures.append(f"{method} {path}")
    assert failures == []
