"""What a shared HTTP cache in front (nginx, a CDN) may keep of the reader's site."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from comparisons.models import ComparisonFAQ
from core.page_cache import local_pages
from core.view_cache import rendered_once
from tests.factories import ComparisonFactory
from tests.pages.support import PAIR_URL, html_of, visible_faq

pytestmark = pytest.mark.django_db

MODEL_URL = "/models/gpt-4-1-mini/"
READER_URLS = (
    "/",
    "/compare/",
    PAIR_URL,
    MODEL_URL,
    "/models/",
    "/vendors/openai/",
    "/providers/openai/",
    "/sitemap.xml",
    "/sitemap-models.xml",
    "/sitemap-pairs.xml",
    "/robots.txt",
    "/feeds/changes.atom",
)
# What the template engine's CSP nonce marker used to be: text an editor could
# type, which the server then replaced with the live nonce.
OLD_NONCE_MARKER = "csp-nonce-7f3c9d1e"


def directives(response) -> dict[str, str]:
    parts = (part.strip() for part in response["Cache-Control"].split(","))
    return dict((part.split("=", 1) + [""])[:2] for part in parts if part)


def forget_rendered_pages() -> None:
    """Stand in for another server: nothing rendered here before."""
    local_pages.clear()
    rendered_once.clear()
    cache.clear()


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def published_site(reference_models):
    mini, grok = reference_models
    return mini, grok, ComparisonFactory(model_a=mini, model_b=grok)


@pytest.mark.parametrize("url", READER_URLS)
def test_anonymous_reader_answers_may_be_kept_by_a_shared_cache(
    client, settings, published_site, url
):
    settings.VERSUS_PAGE_MAX_AGE = 2
    settings.VERSUS_PAGE_SHARED_MAX_AGE = 3
    settings.VERSUS_PAGE_STALE_WHILE_REVALIDATE = 40

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK, url
    assert directives(response) == {
        "public": "",
        "max-age": "2",
        "s-maxage": "3",
        "stale-while-revalidate": "40",
    }
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), "a strong ETag"
    assert "cookie" not in response.get("Vary", "").lower()
    assert not response.cookies


@pytest.mark.parametrize("url", READER_URLS)
def test_every_server_gives_a_page_the_same_etag(client, published_site, url):
    first = client.get(url)
    forget_rendered_pages()

    second = client.get(url)

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_revalidation_is_a_304_that_repeats_the_cache_policy(client, published_site):
    etag = client.get(PAIR_URL)["ETag"]

    response = client.get(PAIR_URL, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag
    assert directives(response)["s-maxage"] == "1"
    assert "cookie" not in response.get("Vary", "").lower()


def test_an_edit_changes_the_etag_so_revalidation_fetches_the_new_page(
    client, published_site
):
    mini, _, _ = published_site
    etag = client.get(PAIR_URL)["ETag"]
    mini.name = "GPT-4.1 Mini Edited"
    mini.save()

    response = client.get(PAIR_URL, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.OK
    assert "GPT-4.1 Mini Edited" in html_of(response)


@pytest.mark.parametrize("url", (PAIR_URL, MODEL_URL, "/models/", "/"))
def test_signed_in_editors_are_answered_privately(client, editor, published_site, url):
    client.force_login(editor)

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert directives(response) == {"private": "", "no-store": ""}


def test_a_visitor_with_any_session_cookie_is_answered_privately(
    client, published_site
):
    client.get(PAIR_URL)
    client.cookies["sessionid"] = "not-a-real-session"

    response = client.get(PAIR_URL)

    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_previews_are_never_kept(client, editor, published_site):
    client.force_login(editor)

    response = client.get(PAIR_URL + "?preview=1")

    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ("/admin/login/", "/api/v1/models/", "/api/docs/"))
def test_the_admin_and_the_api_are_never_kept_by_a_shared_cache(
    client, published_site, url
):
    response = client.get(url)

    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_page_with_a_form_token_is_never_public(client, published_site):
    """The admin sign-in page sets a CSRF cookie: it is one visitor's page."""
    response = client.get("/admin/login/")

    assert response.cookies
    assert "public" not in response["Cache-Control"]


def test_an_faq_question_holding_the_old_nonce_marker_is_printed_as_written(
    client, published_site
):
    """Regression: the CSP nonce marker was replaced everywhere in a page.

    An editor's FAQ question that contained the marker text printed the live
    nonce instead. Pages now carry no nonce at all: the text stays as written.
    """
    _, _, curated = published_site
    question = f"Does {OLD_NONCE_MARKER} appear as typed?"
    ComparisonFAQ.objects.create(
        comparison=curated, question=question, answer="Yes.", position=0
    )

    first = client.get(PAIR_URL)
    second = client.get(PAIR_URL)

    assert visible_faq(html_of(first))[0] == (question, "Yes.")
    assert second.content == first.content
    assert "nonce" not in first["Content-Security-Policy"]


@pytest.mark.parametrize("url", READER_URLS)
def test_no_reader_page_carries_a_nonce(client, published_site, url):
    response = client.get(url)

    assert "nonce" not in response["Content-Security-Policy"]
    assert not re.search(rb"\snonce=", response.content), url
