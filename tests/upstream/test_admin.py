"""The editors' admin pages: sync now, review and decide, import, export."""

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from catalog.importing import count_rows
from catalog.models import LLMModel, Offering
from tests.factories import LLMModelFactory
from tests.upstream.conftest import changed, sample
from upstream.models import SyncRun, UpstreamChange

pytestmark = pytest.mark.django_db


def work() -> None:
    """Run everything queued with the database worker's own task runner.

    The worker's polling loop recycles database connections between tasks,
    which would end the test's transaction; a real worker process is tested in
    test_worker.py.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        assert result.status == "SUCCESSFUL", result.traceback


@pytest.fixture
def editor(db, client):
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def upload(document: dict, name: str = "api.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode())


def sync_from_file(client, document: dict) -> SyncRun:
    response = client.post(
        reverse("admin:upstream_syncrun_sync"), {"file": upload(document)}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    return SyncRun.objects.latest("pk")


def test_sync_now_from_a_file_runs_in_the_background(synced_catalog, client, editor):
    sync_from_file(client, sample())  # links everything, finds nothing
    work()
    run = sync_from_file(client, changed(sample()))
    assert run.status == SyncRun.Status.QUEUED

    work()

    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    page = client.get(run.get_absolute_url())
    assert b"Review change set" in page.content
    # Counts per kind: found, and applied by the default policy.
    assert b"<tr><td>Price</td><td>3</td><td>3</td></tr>" in page.content
    assert b"<tr><td>New model</td><td>1</td><td>0</td></tr>" in page.content
    assert run.requested_by == editor


def test_a_second_sync_while_one_waits_is_refused(synced_catalog, client, editor):
    sync_from_file(client, sample())

    response = client.post(
        reverse("admin:upstream_syncrun_sync"), {"file": upload(sample())}, follow=True
    )

    assert b"already running" in response.content
    assert SyncRun.objects.count() == 1


def test_accept_all_price_changes_of_one_provider(synced_catalog, client, editor):
    sync_from_file(client, sample())
    work()
    # Editor-made prices wait for review: make two at OpenAI the editor's own.
    for slug in ("gpt-4-1", "gpt-3-5-turbo"):
        offering = Offering.objects.get(model__slug=slug, provider__slug="openai")
        offering.output_price += 1
        offering.save()
    document = changed(sample())
    document["openai"]["models"]["gpt-4.1"]["cost"]["output"] = 7
    sync_from_file(client, document)
    work()
    url = reverse("admin:upstream_upstreamchange_changelist")
    filtered = f"{url}?topic__exact=price&provider=openai"
    listed = client.get(filtered)
    assert listed.status_code == HTTPStatus.OK
    assert listed.content.count(b'name="_selected_action"') == 2

    response = client.post(
        filtered,
        {
            "action": "accept",
            "select_across": "1",
            "index": "0",
            "_selected_action": ["0"],
        },
        follow=True,
    )

    assert b"Applied 2 changes" in response.content
    gpt41 = Offering.objects.get(model__slug="gpt-4-1", provider__slug="openai")
    assert gpt41.output_price == Decimal("7")
    decided = UpstreamChange.objects.filter(status="applied", decided_by=editor)
    assert decided.count() == 2
    # Changes of other kinds and providers still wait.
    assert UpstreamChange.objects.pending().filter(provider_slug="openai").count() == 0
    assert UpstreamChange.objects.pending().exists()


def test_a_dropped_tier_is_listed_for_review_with_its_prices(
    synced_catalog, client, editor
):
    sync_from_file(client, sample())
    work()
    document = sample()
    document["openai"]["models"]["gpt-5.5"]["cost"]["tiers"] = [
        {"input": 8, "output": 40, "tier": {"size": 128000, "type": "context"}}
    ]
    sync_from_file(client, document)
    work()

    url = reverse("admin:upstream_upstreamchange_changelist")
    listed = client.get(f"{url}?kind__exact=no-longer-listed")

    assert listed.status_code == HTTPStatus.OK
    text = listed.content.decode()
    assert "tiers: no longer listed upstream" in text
    assert "above 272,000: 10.00 / 45.00" in text
    assert "a sync never removes one" in text


def test_review_queue_counts_pending_changes(synced_catalog, client, editor):
    sync_from_file(client, sample())
    work()
    sync_from_file(client, changed(sample()))
    work()
    pending = UpstreamChange.objects.pending().count()

    page = client.get(reverse("admin:index"))

    assert f"Upstream changes waiting for review ({pending})".encode() in page.content
    assert reverse("admin:upstream_upstreamchange_changelist").encode() in page.content


def test_editor_links_a_new_model_to_one_we_have(synced_catalog, client, editor):
    sync_from_file(client, sample())
    work()
    document = sample()
    entry = document["xai"]["models"].pop("grok-4.3")
    document["xai"]["models"]["grok-4.3-0901"] = {**entry, "id": "grok-4.3-0901"}
    sync_from_file(client, document)
    work()
    new = UpstreamChange.objects.get(kind="new-model")
    grok = LLMModel.objects.get(slug="grok-4-3")

    response = client.post(
        reverse("admin:upstream_upstreamchange_link", args=[new.pk]),
        {"model": grok.pk},
        follow=True,
    )

    assert b"Linked to Grok 4.3" in response.content
    new.refresh_from_db()
    assert new.status == "applied" and new.decided_by == editor
    assert grok.upstream_links.filter(key="xai/grok-4.3-0901", linked_by=editor)


def test_import_shows_each_difference_before_writing(synced_catalog, client, editor):
    document = {
        "format": "catalog/1",
        "models": [
            {
                "slug": "o3",
                "name": "o3 (2025)",
                "vendor": "openai",
                "context_window": 200000,
            }
        ],
    }
    before = count_rows()
    client.post(
        reverse("admin:upstream_syncrun_import"),
        {"file": upload(document, "edit.json")},
    )
    run = SyncRun.objects.latest("pk")
    work()

    page = client.get(run.get_absolute_url())

    assert b"What the import would change" in page.content
    assert b"o3 (2025)" in page.content
    assert count_rows() == before
    client.post(reverse("admin:upstream_syncrun_confirm", args=[run.pk]))
    work()
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert LLMModel.objects.get(slug="o3").name == "o3 (2025)"


def test_cancelled_import_writes_nothing(synced_catalog, client, editor):
    document = {
        "format": "catalog/1",
        "models": [{"slug": "o3", "name": "x", "vendor": "openai"}],
    }
    client.post(reverse("admin:upstream_syncrun_import"), {"file": upload(document)})
    run = SyncRun.objects.latest("pk")
    work()

    client.post(reverse("admin:upstream_syncrun_cancel", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == SyncRun.Status.CANCELLED
    assert LLMModel.objects.get(slug="o3").name == "o3"


def test_import_errors_are_named_by_place(synced_catalog, client, editor):
    document = {
        "format": "catalog/1",
        "models": [
            {
                "slug": "o3",
                "name": "o3",
                "vendor": "openai",
                "offerings": [
                    {"provider": "openai", "input_price": "-1", "output_price": "1"}
                ],
            }
        ],
    }
    client.post(reverse("admin:upstream_syncrun_import"), {"file": upload(document)})
    run = SyncRun.objects.latest("pk")
    work()

    page = client.get(run.get_absolute_url())

    assert b"models[0].offerings[0].input_price: must be &gt;= 0" in page.content
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED


def test_export_downloads_the_whole_catalog_with_drafts(client, editor):
    LLMModelFactory(slug="secret-draft", status=LLMModel.Status.DRAFT)

    response = client.get(reverse("admin:upstream_syncrun_export"))

    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "catalog/1"
    assert [m["slug"] for m in document["models"]] == ["secret-draft"]


def test_staff_without_the_editors_rights_cannot_sync_or_decide(client, db):
    user = User.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(reverse("admin:upstream_syncrun_sync")).status_code == 403
    assert client.get(reverse("admin:upstream_syncrun_import")).status_code == 403
    assert client.get(reverse("admin:upstream_syncrun_export")).status_code == 403
    changes = client.get(reverse("admin:upstream_upstreamchange_changelist"))
    assert changes.status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "admin:upstream_upstreamchange_changelist",
        "admin:upstream_syncrun_changelist",
        "admin:upstream_changeset_changelist",
        "admin:upstream_upstreamlink_changelist",
        "admin:upstream_syncrun_sync",
        "admin:upstream_syncrun_import",
    ],
)
def test_admin_pages_open_for_editors(client, editor, name):
    assert client.get(reverse(name)).status_code == HTTPStatus.OK


def test_a_sync_from_a_broken_file_says_why_and_changes_nothing(
    synced_catalog, client, editor
):
    before = count_rows()
    client.post(
        reverse("admin:upstream_syncrun_sync"),
        {"file": SimpleUploadedFile("api.json", b'{"openai": {"id": "openai",')},
    )
    run = SyncRun.objects.latest("pk")
    work()

    page = client.get(run.get_absolute_url())

    assert b"Failed" in page.content
    assert b"not valid JSON" in page.content
    assert count_rows() == before
