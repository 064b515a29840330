"""What a cached page is kept under: its canonical query, and the host when no SITE_URL.

Junk query parameters must not multiply the entries in the shared cache, and
one request with a strange Host must not decide the links every later reader
gets.
"""

from http import HTTPStatus

import pytest
from django.core.cache import caches

from tests.factories import LLMModelFactory, VendorFactory
from tests.ops.redis_servers import OwnRedis, redis_cache

pytestmark = pytest.mark.django_db

POISON = "127.0.0.1:6666"


@pytest.fixture
def shared_pages(settings):
    """The page cache in a Redis of this test's own, to count what is kept."""
    server = OwnRedis()
    settings.CACHES = {**settings.CACHES, "default": redis_cache(server.url())}
    yield lambda: sum(1 for key in server.client().scan_iter("*:page:*"))
    caches["default"].close()
    server.stop()


@pytest.fixture
def listed_models(db):
    vendor = VendorFactory(slug="acme", name="Acme")
    return [LLMModelFactory(slug=f"m-{n}", vendor=vendor) for n in range(3)]


def test_junk_parameters_share_one_entry(client, shared_pages, listed_models):
    for n in range(20):
        assert client.get(f"/models/?junk={n}&utm_source=x{n}").status_code == 200

    assert shared_pages() == 1


def test_known_parameters_in_any_order_share_one_entry(
    client, shared_pages, listed_models
):
    client.get("/models/?vendor=acme&sort=price")
    client.get("/models/?sort=price&vendor=acme")
    client.get("/models/?sort=name&sort=price&vendor=acme&junk=1")

    assert shared_pages() == 1


def test_a_page_ignores_parameters_it_does_not_know(client, listed_models):
    plain = client.get("/models/?sort=price")
    junk = client.get("/models/?sort=price&junk=%3Cscript%3E")

    assert junk.status_code == HTTPStatus.OK
    assert b"junk" not in junk.content
    assert junk.content == plain.content


def test_sitemap_section_is_kept_under_its_page_number_only(client, shared_pages):
    LLMModelFactory()
    for n in range(10):
        client.get(f"/sitemap-models.xml?junk={n}")

    assert shared_pages() == 1


@pytest.mark.parametrize(
    "path",
    ["/", "/models/", "/robots.txt", "/sitemap.xml", "/sitemap-models.xml"],
)
def test_one_request_with_another_host_does_not_poison_later_readers(
    client, listed_models, path
):
    poisoned = client.get(path, HTTP_HOST=POISON)
    assert poisoned.status_code == HTTPStatus.OK

    later = client.get(path)

    assert POISON.encode() not in later.content
    assert b"http://testserver/" in later.content


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/models/",
        "/models/m-0/",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-models.xml",
        "/sitemap-static.xml",
        "/feeds/changes.atom",
    ],
)
def test_with_site_url_every_absolute_address_uses_it(
    client, settings, listed_models, path
):
    settings.SITE_URL = "https://versus.example.com"

    for host in (POISON, "localhost", "testserver"):
        content = client.get(path, HTTP_HOST=host).content.decode()

        assert "https://versus.example.com/" in content
        for other in (POISON, "localhost", "testserver"):
            assert f"//{other}" not in content, (host, other)


def test_one_page_number_written_many_ways_is_one_entry(
    client, shared_pages, listed_models
):
    # Leading zeros, a sign, spaces and Arabic-Indic digits all read as page 1.
    spellings = ("1", "01", "001", "+1", " 1", "\u0661")
    pages = {client.get("/models/", {"page": p}).content for p in spellings}

    assert len(pages) == 1
    assert shared_pages() == 1


def test_sitemap_sections_keep_one_entry_per_page_number(
    client, shared_pages, listed_models
):
    for spelling in ("1", "01", "0001", "\u0661"):
        response = client.get("/sitemap-models.xml", {"p": spelling})
        assert response.status_code == HTTPStatus.OK

    assert shared_pages() == 1
    # A value that is no number is still refused, and kept nowhere.
    assert client.get("/sitemap-models.xml", {"p": "one"}).status_code == 404
    assert shared_pages() == 1


def test_typed_entries_on_the_add_page_are_kept_by_no_cache(
    client, shared_pages, listed_models
):
    current = {"m": ["m-0", "m-1"]}
    empty = client.get("/compare/add/", current)
    assert empty.status_code == HTTPStatus.OK
    assert "public" in empty["Cache-Control"]
    for n in range(5):
        answer = client.get("/compare/add/", {**current, "add": f"nothing like {n}"})
        assert answer.status_code == HTTPStatus.OK
        assert answer["Cache-Control"] == "no-store"

    # Only the empty form is kept: junk typed by readers adds no entry.
    assert shared_pages() == 1
