"""The per-process page cache (core/page_cache.py) and conditional GET on pages."""

from http import HTTPStatus

import pytest

from tests.factories import LLMModelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.pages")]


@pytest.fixture
def model():
    return LLMModelFactory(name="Alpha")


def test_page_carries_a_strong_etag_and_no_per_server_last_modified(client, model):
    """The time a process rendered a page differs per server; the body's hash does not."""
    response = client.get("/names/")

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"].startswith('"')
    assert "Last-Modified" not in response


def test_matching_if_none_match_gets_304_without_a_body(client, model):
    etag = client.get("/names/")["ETag"]

    response = client.get("/names/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""


def test_stale_etag_gets_the_edited_page(client, model):
    etag = client.get("/names/")["ETag"]
    model.name = "Alpha Prime"
    model.save()

    response = client.get("/names/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.OK
    assert b"Alpha Prime" in response.content
    assert response["ETag"] != etag


def test_pages_not_in_the_page_cache_still_answer_conditional_gets(client, model):
    etag = client.get("/uncached/")["ETag"]

    assert client.get("/uncached/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_repeat_request_is_served_without_touching_the_database(
    client, model, django_assert_num_queries
):
    first = client.get("/names/")

    with django_assert_num_queries(0):
        second = client.get("/names/")

    assert second.content == first.content


def test_an_edit_is_visible_on_the_next_request(client, model):
    assert b"Alpha" in client.get("/names/").content

    LLMModelFactory(name="Beta")

    assert b"Alpha, Beta" in client.get("/names/").content


def test_signed_in_visitors_are_never_served_from_the_page_cache(
    client, model, django_assert_max_num_queries
):
    client.get("/names/")
    client.cookies["sessionid"] = "some-session"

    with django_assert_max_num_queries(5) as queries:
        client.get("/names/")

    assert any("catalog_llmmodel" in q["sql"] for q in queries.captured_queries)


def test_page_with_a_csrf_token_is_not_shared_between_visitors(client, model):
    first = client.get("/form/")
    other = type(client)()

    second = other.get("/form/")

    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert first.content != second.content


def test_304_keeps_the_policy_the_browser_stored_with_the_page(client, model):
    """A 304 leaves the browser's stored headers, the policy among them, as they were."""
    etag = client.get("/names/")["ETag"]

    response = client.get("/names/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert "Content-Security-Policy" not in response
