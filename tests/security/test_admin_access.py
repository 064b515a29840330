"""Nobody gets into the admin uninvited, and editors get only content."""

import logging
import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from api.models import PartnerKey
from catalog.models import LLMModel
from core.security import LOGIN_LOCKED_MESSAGE
from tests.security.conftest import admin_urls

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ACCOUNT_PAGES = ("auth_user", "auth_group", "api_partnerkey")


def sign_in(client, username="editor", password=PASSWORD, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Every admin view requires sign-in ------------------------------------------


def test_every_admin_page_sends_anonymous_visitors_to_sign_in(client, small_catalog):
    urls = admin_urls()
    login = reverse("admin:login")

    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(login), url


def test_admin_refuses_a_signed_in_reader_who_is_not_staff(client, small_catalog):
    User.objects.create_user("reader", password=PASSWORD)
    client.force_login(User.objects.get(username="reader"))

    response = client.get(reverse("admin:catalog_llmmodel_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


# --- Editors: content only -------------------------------------------------------


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
def test_editors_cannot_see_or_add_users_groups_or_partner_keys(client, editor, page):
    client.force_login(editor)

    for view in ("changelist", "add"):
        response = client.get(reverse(f"admin:{page}_{view}"))
        assert response.status_code == HTTPStatus.FORBIDDEN, f"{page}_{view}"


def test_editors_do_not_see_account_sections_on_the_admin_index(client, editor):
    client.force_login(editor)

    content = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:catalog_llmmodel_changelist") in content
    for page in ACCOUNT_PAGES:
        assert reverse(f"admin:{page}_changelist") not in content


def test_an_editor_given_the_right_can_manage_partner_keys(client, editor):
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="api", codename__endswith="_partnerkey"
        )
    )
    client.force_login(editor)

    response = client.get(reverse("admin:api_partnerkey_changelist"))

    assert response.status_code == HTTPStatus.OK


def test_editors_can_edit_the_catalog(client, editor, small_catalog):
    client.force_login(editor)

    for page in ("llmmodel", "vendor", "offering", "review"):
        response = client.get(reverse(f"admin:catalog_{page}_changelist"))
        assert response.status_code == HTTPStatus.OK, page


# --- Sign-in guessing is rate-limited --------------------------------------------


def test_sign_in_is_refused_after_five_failures_even_with_the_right_password(
    client, editor
):
    for _ in range(5):
        response = sign_in(client, password="guess")
        assert response.status_code == HTTPStatus.OK  # the form again, with its error

    response = sign_in(client)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert LOGIN_LOCKED_MESSAGE.format(minutes=15) in response.content.decode()
    assert not is_signed_in(client)


def test_lockout_is_per_username_and_address(client, editor):
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    for _ in range(5):
        sign_in(client, password="guess")

    assert sign_in(client, "colleague").status_code == HTTPStatus.FOUND
    client.logout()
    assert sign_in(client, address="198.51.100.9").status_code == HTTPStatus.FOUND


def test_username_case_does_not_dodge_the_lockout(client, editor):
    for _ in range(5):
        sign_in(client, username="EDITOR", password="guess")

    assert sign_in(client).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_one_address_guessing_many_usernames_is_stopped(client, editor, settings):
    settings.VERSUS_LOGIN_FAILURES_PER_ADDRESS = 10
    for number in range(10):
        sign_in(client, username=f"user{number}", password="guess")

    assert sign_in(client).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_successful_sign_in_clears_earlier_failures(client, editor):
    for _ in range(4):
        sign_in(client, password="guess")
    assert sign_in(client).status_code == HTTPStatus.FOUND
    client.logout()

    for _ in range(4):
        sign_in(client, password="guess")

    assert sign_in(client).status_code == HTTPStatus.FOUND


# --- Partner keys ------------------------------------------------------------------


def test_partner_keys_are_stored_only_as_a_hash(editor):
    partner_key, key = PartnerKey.objects.create_key(name="Acme partner")

    stored = PartnerKey.objects.filter(pk=partner_key.pk).values().get()

    assert partner_key.is_valid(key)
    assert all(key not in str(value) for value in stored.values())
    assert key.split(".", 1)[1] not in partner_key.hashed_key


def test_a_revoked_partner_key_is_no_longer_valid():
    partner_key, key = PartnerKey.objects.create_key(name="Acme partner")

    partner_key.revoked = True
    partner_key.save()

    assert not PartnerKey.objects.is_valid(key)


def test_a_revoked_partner_key_is_refused_by_the_api(client):
    partner_key, key = PartnerKey.objects.create_key(name="Acme partner")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert client.get("/api/v1/models/", **auth).status_code == HTTPStatus.OK

    partner_key.revoked = True
    partner_key.save()

    assert client.get("/api/v1/models/", **auth).status_code == HTTPStatus.UNAUTHORIZED


def test_partner_keys_never_reach_the_logs(client, caplog, small_catalog):
    from django.db import connection

    _, key = PartnerKey.objects.create_key(name="Acme partner")
    revoked, revoked_key = PartnerKey.objects.create_key(name="Old partner")
    revoked.revoked = True
    revoked.save()
    secret = key.split(".", 1)[1]
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True  # log every SQL statement too
    try:
        for sent in (key, revoked_key, key + "x", "nonsense." + secret):
            for path in (
                "/api/v1/models/",
                "/api/v1/models/alpha/",
                "/api/v1/nowhere/",
            ):
                client.get(path, HTTP_AUTHORIZATION=f"Api-Key {sent}")
    finally:
        connection.force_debug_cursor = False

    assert caplog.records, "nothing was logged, so the check proves nothing"
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
        for record in caplog.records
    )
    for value in (key, secret, revoked_key, revoked_key.split(".", 1)[1]):
        assert value not in logged


def test_a_new_partner_key_is_shown_on_the_page_never_in_a_cookie(admin_client):
    """The messages cookie is signed, not encrypted: a key in it can be read back."""
    response = admin_client.post(
        reverse("admin:api_partnerkey_add"),
        {"name": "Acme partner", "rate": "100/minute"},
    )

    stored = PartnerKey.objects.get(name="Acme partner")
    shown = re.search(rb'<code id="new-key">([^<]+)</code>', response.content)
    assert response.status_code == HTTPStatus.OK
    assert shown, response.content[:500]
    key = shown.group(1).decode()
    assert key.startswith(f"{stored.prefix}.") and stored.is_valid(key)
    assert "no-store" in response["Cache-Control"]
    secret = key.split(".", 1)[1]
    for cookie in response.cookies.values():
        assert secret not in cookie.value
    assert secret not in str(admin_client.session.items())
    later = admin_client.get(reverse("admin:api_partnerkey_changelist"))
    assert secret.encode() not in later.content


def test_editors_cannot_issue_partner_keys(client, editor):
    """Who issues keys is an administrator's decision (docs/api.md, "Getting a key")."""
    client.force_login(editor)

    response = client.post(
        reverse("admin:api_partnerkey_add"), {"name": "Sneaky", "rate": ""}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not PartnerKey.objects.exists()


# --- Draft previews ------------------------------------------------------------------


@pytest.fixture
def draft_pair(small_catalog):
    from tests.factories import LLMModelFactory

    published = LLMModelFactory(slug="shown", name="Shown Model")
    draft = LLMModelFactory(
        slug="hidden", name="Hidden Draft", status=LLMModel.Status.DRAFT
    )
    return published, draft


def test_staff_without_permissions_cannot_preview_drafts(client, draft_pair):
    """Staff status alone opens the admin's door, not the drafts behind it."""
    bare = User.objects.create_user("bare-staff", password="x" * 20, is_staff=True)
    client.force_login(bare)

    for path in ("/models/hidden/?preview=1", "/compare/hidden-vs-shown/?preview=1"):
        response = client.get(path)

        assert response.status_code == HTTPStatus.NOT_FOUND, path
        assert b"Hidden Draft" not in response.content


def test_editors_preview_drafts(client, editor, draft_pair):
    client.force_login(editor)

    for path in ("/models/hidden/?preview=1", "/compare/hidden-vs-shown/?preview=1"):
        response = client.get(path)

        assert response.status_code == HTTPStatus.OK, path
        assert b"Hidden Draft" in response.content
