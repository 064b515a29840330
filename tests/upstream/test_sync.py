"""Syncing from a real HTTP server: what is proposed, what applies, what survives."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from catalog.importing import count_rows
from catalog.importing.writing import KIND_OF_MODEL
from catalog.models import LLMModel, Offering, PricePoint
from tests.upstream.conftest import Answer, changed, sample
from upstream.models import ChangeSet, SyncRun, UpstreamChange
from upstream.services import (
    changes_accept,
    changes_reject,
    model_link,
    run_start,
    sync_execute,
)

pytestmark = pytest.mark.django_db

Status = UpstreamChange.Status


def sync(url: str) -> SyncRun:
    run = run_start(source=url)
    sync_execute(run)
    run.refresh_from_db()
    return run


def rows(change_set: ChangeSet) -> set[tuple]:
    return {
        (
            change.kind,
            change.topic,
            change.model.slug if change.model else change.upstream_key,
            change.provider_slug,
            change.field,
            change.status,
        )
        for change in change_set.changes.select_related("model")
    }


def offering(model: str, provider: str) -> Offering:
    return Offering.objects.get(model__slug=model, provider__slug=provider)


@pytest.fixture
def at_sample(synced_catalog, upstream):
    """The catalog after a first sync against the committed sample."""
    upstream.serve(sample())
    run = sync(upstream.url)
    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    return upstream


def test_first_sync_of_a_catalog_already_at_the_source_records_nothing(
    synced_catalog, upstream
):
    upstream.serve(sample())
    run = sync(upstream.url)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.change_set is None
    assert not UpstreamChange.objects.exists()


def test_change_set_holds_exactly_the_differences(at_sample):
    editor = User.objects.create_user("editor")
    # An editor's own price and description, set by hand after the first sync.
    turbo = offering("gpt-3-5-turbo", "openai")
    turbo.output_price = Decimal("1.40")
    turbo.save()
    mini = LLMModel.objects.get(slug="gpt-4o-mini")
    mini.description = "Fast and cheap; written by an editor."
    mini.save()
    at_sample.serve(changed(sample()))

    run = sync(at_sample.url)

    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert rows(run.change_set) == {
        ("field", "price", "gpt-4-1", "openai", "input_price", Status.APPLIED),
        (
            "field",
            "price",
            "claude-opus-4-6",
            "anthropic",
            "output_price",
            Status.APPLIED,
        ),
        ("field", "price", "gpt-3-5-turbo", "openai", "output_price", Status.PENDING),
        ("field", "limits", "grok-4-3", "", "max_output_tokens", Status.APPLIED),
        ("new-model", "new-model", "grok-5", "", "", Status.PENDING),
        ("field", "rename", "gpt-4o-mini", "", "name", Status.PENDING),
        (
            "no-longer-listed",
            "no-longer-listed",
            "gpt-4-1-mini",
            "openrouter",
            "",
            Status.PENDING,
        ),
        ("field", "capabilities", "o3", "", "capabilities.reasoning", Status.PENDING),
    }
    # Applied by policy, through the writer: price history and revision history.
    cut = offering("gpt-4-1", "openai")
    assert cut.input_price == Decimal("1.5")
    assert cut.checked_on is not None
    assert PricePoint.objects.filter(offering=cut, input_price=Decimal("2")).exists()
    assert cut.history.first().history_change_reason == (
        f"applied from models.dev, change set {run.change_set.pk}"
    )
    assert LLMModel.objects.get(slug="grok-4-3").max_output_tokens == 64000
    # Waiting for review, so untouched: the editor's work and everything else.
    assert offering("gpt-3-5-turbo", "openai").output_price == Decimal("1.40")
    mini.refresh_from_db()
    assert mini.name == "GPT-4o mini"
    assert mini.description == "Fast and cheap; written by an editor."
    assert LLMModel.objects.get(slug="o3").reasoning is True
    assert offering("gpt-4-1-mini", "openrouter").is_available
    assert not LLMModel.objects.filter(slug="grok-5").exists()
    # Nulls upstream left the known values alone.
    haiku = LLMModel.objects.get(slug="claude-3-haiku-20240307")
    assert haiku.context_window == 200000
    assert haiku.release_date
    assert offering("claude-3-5-sonnet-20241022", "anthropic").input_price == 3
    del editor


def test_a_second_sync_of_the_same_data_adds_nothing(at_sample):
    at_sample.serve(changed(sample()))
    first = sync(at_sample.url)
    before = UpstreamChange.objects.count()

    second = sync(at_sample.url)

    assert second.status == SyncRun.Status.SUCCEEDED
    assert second.change_set is None
    assert UpstreamChange.objects.count() == before
    assert first.change_set.changes.filter(status=Status.PENDING).count() == 4


def test_rejected_change_returns_only_when_upstream_changes_it_again(at_sample):
    editor = User.objects.create_user("editor")
    document = changed(sample())
    at_sample.serve(document)
    sync(at_sample.url)
    rename = UpstreamChange.objects.filter(field="name")
    changes_reject(changes=rename, user=editor)
    assert rename.get().decided_by == editor

    sync(at_sample.url)
    assert UpstreamChange.objects.filter(field="name").count() == 1

    document["openai"]["models"]["gpt-4o-mini"]["name"] = "GPT-4o mini 2024"
    at_sample.serve(document)
    sync(at_sample.url)
    latest = UpstreamChange.objects.filter(field="name").order_by("-pk").first()
    assert (latest.status, latest.new_value) == (Status.PENDING, "GPT-4o mini 2024")


def test_newer_upstream_value_supersedes_the_pending_one(at_sample):
    document = changed(sample())
    at_sample.serve(document)
    sync(at_sample.url)
    document["openai"]["models"]["o3"]["reasoning"] = True
    document["openai"]["models"]["gpt-4o-mini"]["name"] = "GPT-4o mini (2024)"
    at_sample.serve(document)

    sync(at_sample.url)

    flip = UpstreamChange.objects.get(field="capabilities.reasoning")
    assert flip.status == Status.SUPERSEDED  # upstream went back to the catalog's value
    renames = UpstreamChange.objects.filter(field="name").order_by("pk")
    assert [r.status for r in renames] == [Status.SUPERSEDED, Status.PENDING]


def test_accepting_applies_and_records_the_editor(at_sample):
    editor = User.objects.create_user("editor")
    at_sample.serve(changed(sample()))
    run = sync(at_sample.url)

    changes_accept(
        changes=UpstreamChange.objects.filter(kind__in=("field", "new-model")),
        user=editor,
    )

    assert LLMModel.objects.get(slug="gpt-4o-mini").name == "GPT-4o mini (July 2024)"
    grok5 = LLMModel.objects.get(slug="grok-5")
    assert grok5.status == LLMModel.Status.DRAFT
    assert grok5.offerings.get().provider.slug == "xai"
    renamed = LLMModel.objects.get(slug="gpt-4o-mini").history.first()
    assert renamed.history_user == editor
    assert renamed.history_change_reason == (
        f"accepted by editor: applied from models.dev, change set {run.change_set.pk}"
    )
    accepted = UpstreamChange.objects.filter(decided_by=editor, status=Status.APPLIED)
    assert accepted.count() == 3
    # Once applied, the new model is matched by its identity: no second proposal.
    assert sync(at_sample.url).change_set is None


def test_editor_owned_field_waits_whatever_the_policy(at_sample, settings):
    settings.VERSUS_UPSTREAM_APPLY_AT_ONCE = ["price", "rename"]
    mini = LLMModel.objects.get(slug="gpt-4o-mini")
    mini.name = "GPT-4o Mini"  # the editor's spelling
    mini.save()
    at_sample.serve(changed(sample()))

    sync(at_sample.url)

    rename = UpstreamChange.objects.get(field="name")
    assert (rename.status, rename.is_editor_owned) == (Status.PENDING, True)
    assert LLMModel.objects.get(slug="gpt-4o-mini").name == "GPT-4o Mini"


def test_policy_setting_decides_what_applies_at_once(at_sample, settings):
    settings.VERSUS_UPSTREAM_APPLY_AT_ONCE = []
    at_sample.serve(changed(sample()))

    run = sync(at_sample.url)

    assert not run.change_set.changes.filter(status=Status.APPLIED).exists()
    assert offering("gpt-4-1", "openai").input_price == Decimal("2")


def tiers_of(model: str, provider: str) -> list[tuple[int, Decimal, Decimal]]:
    return list(
        offering(model, provider)
        .tiers.order_by("above_tokens")
        .values_list("above_tokens", "input_price", "output_price")
    )


def with_new_tier(document: dict) -> dict:
    """GPT-5.5 at OpenAI priced above 128K tokens instead of above 272K."""
    gpt55 = document["openai"]["models"]["gpt-5.5"]
    gpt55["cost"]["tiers"] = [
        {"input": 8, "output": 40, "tier": {"size": 128000, "type": "context"}}
    ]
    return document


def test_a_tier_upstream_dropped_is_kept_and_reported_as_no_longer_listed(
    at_sample, settings
):
    settings.VERSUS_UPSTREAM_APPLY_AT_ONCE = ["price", "no-longer-listed"]
    editor = User.objects.create_user("editor")
    assert tiers_of("gpt-5-5", "openai") == [(272000, Decimal(10), Decimal(45))]
    at_sample.serve(with_new_tier(sample()))

    run = sync(at_sample.url)

    # The new tier applies by policy; the one upstream left out stays.
    assert tiers_of("gpt-5-5", "openai") == [
        (128000, Decimal(8), Decimal(40)),
        (272000, Decimal(10), Decimal(45)),
    ]
    assert rows(run.change_set) == {
        ("field", "price", "gpt-5-5", "openai", "tiers", Status.APPLIED),
        (
            "no-longer-listed",
            "no-longer-listed",
            "gpt-5-5",
            "openai",
            "tiers",
            Status.PENDING,  # an editor's call, whatever the policy
        ),
    }
    gone = run.change_set.changes.get(kind="no-longer-listed")
    assert gone.old_value == [
        {"above_tokens": 272000, "input_price": "10.00", "output_price": "45.00"}
    ]
    assert sync(at_sample.url).change_set is None  # reported once

    changes_accept(changes=UpstreamChange.objects.filter(pk=gone.pk), user=editor)

    assert len(tiers_of("gpt-5-5", "openai")) == 2
    assert offering("gpt-5-5", "openai").is_available


def test_a_tier_listed_again_supersedes_its_no_longer_listed_row(at_sample):
    at_sample.serve(with_new_tier(sample()))
    sync(at_sample.url)
    document = with_new_tier(sample())
    document["openai"]["models"]["gpt-5.5"]["cost"]["tiers"].append(
        {"input": 10, "output": 45, "tier": {"size": 272000, "type": "context"}}
    )
    at_sample.serve(document)

    sync(at_sample.url)

    gone = UpstreamChange.objects.get(kind="no-longer-listed")
    assert gone.status == Status.SUPERSEDED
    assert len(tiers_of("gpt-5-5", "openai")) == 2


def catalog_rows() -> dict[str, set[int]]:
    return {
        kind: set(model_cls.objects.values_list("pk", flat=True))
        for model_cls, kind in KIND_OF_MODEL.items()
    }


def test_applying_every_change_deletes_no_row_of_any_kind(at_sample):
    """Policy, then an editor accepting every row left: nothing is ever deleted."""
    editor = User.objects.create_user("editor")
    before = catalog_rows()
    at_sample.serve(with_new_tier(changed(sample())))

    sync(at_sample.url)
    changes_accept(changes=UpstreamChange.objects.all(), user=editor)

    after = catalog_rows()
    assert not UpstreamChange.objects.filter(status=Status.PENDING).exists()
    assert {
        kind: rows - after[kind] for kind, rows in before.items() if rows - after[kind]
    } == {}
    assert len(after["models"]) == len(before["models"]) + 1  # grok-5, as a draft


def test_linked_model_is_never_duplicated_after_an_upstream_rename(at_sample):
    editor = User.objects.create_user("editor")
    document = sample()
    entry = document["xai"]["models"].pop("grok-4.3")
    entry.update(id="grok-4.3-0901")
    document["xai"]["models"]["grok-4.3-0901"] = entry
    at_sample.serve(document)
    sync(at_sample.url)
    new = UpstreamChange.objects.get(kind="new-model")
    gone = UpstreamChange.objects.get(kind="no-longer-listed")
    assert gone.model.slug == "grok-4-3"

    added = model_link(
        change=new, model=LLMModel.objects.get(slug="grok-4-3"), user=editor
    )
    # Its differences join the change set the new-model row came from.
    assert added == 1
    renamed_id = UpstreamChange.objects.get(field="provider_model_id")
    assert (renamed_id.change_set, renamed_id.new_value) == (
        new.change_set,
        "grok-4.3-0901",
    )
    run = sync(at_sample.url)

    gone.refresh_from_db()
    assert gone.status == Status.SUPERSEDED
    assert run.change_set is None
    assert LLMModel.objects.filter(name="Grok 4.3").count() == 1
    assert not LLMModel.objects.filter(slug="grok-4-3-0901").exists()


def test_not_modified_ends_the_sync_early(synced_catalog, upstream):
    upstream.serve(sample(), etag='"v1"')
    assert sync(upstream.url).status == SyncRun.Status.SUCCEEDED

    run = sync(upstream.url)

    assert upstream.requests[-1]["If-None-Match"] == '"v1"'
    assert run.status == SyncRun.Status.NOT_MODIFIED
    assert "Not modified" in run.message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Answer(b"{}", delay=2), "no complete answer within 0.5 seconds"),
        (Answer(b"oops", status=500), "answered 500"),
        (Answer(b"<html>not json</html>"), "not valid JSON"),
        (Answer(b'{"format": "catalog/2"}'), 'format: must be "catalog/1"'),
        (Answer(b"[" + b"1," * 5000 + b"1]"), "larger than the limit of 4,096 bytes"),
    ],
    ids=["time-out", "server-error", "garbage", "wrong-format", "oversized"],
)
def test_bad_answers_end_with_a_message_and_change_nothing(
    at_sample, settings, answer, expected
):
    settings.VERSUS_UPSTREAM_TIMEOUT = 0.5
    settings.VERSUS_UPSTREAM_MAX_BYTES = 4096
    before = count_rows()
    at_sample.answer = answer

    run = sync(at_sample.url)

    assert run.status == SyncRun.Status.FAILED
    assert expected in run.message
    assert "nothing was changed" in run.message
    assert count_rows() == before
    assert not ChangeSet.objects.exists()
    assert not run.is_active


def test_dry_run_reports_and_writes_nothing(at_sample):
    at_sample.serve(changed(sample()))
    before = count_rows()
    run = run_start(source=at_sample.url, dry_run=True)

    sync_execute(run)

    run.refresh_from_db()
    assert run.counts["proposed"]["price"] == 3
    assert run.counts["would apply"]["price"] == 3
    assert count_rows() == before
    assert not ChangeSet.objects.exists()


def test_sync_from_a_catalog_document_file(synced_catalog, tmp_path):
    document = {
        "format": "catalog/1",
        "models": [
            {
                "slug": "o3",
                "name": "o3",
                "vendor": "openai",
                "context_window": 300000,
                "description": "",
                "offerings": [
                    {"provider": "openai", "input_price": "1.00", "output_price": "4"}
                ],
            }
        ],
    }
    path = tmp_path / "partner.json"
    path.write_text(json.dumps(document))

    run = sync(str(path))

    assert run.status == SyncRun.Status.SUCCEEDED, run.message
    assert rows(run.change_set) == {
        ("field", "limits", "o3", "", "context_window", Status.PENDING),
        ("field", "price", "o3", "openai", "input_price", Status.PENDING),
        ("field", "price", "o3", "openai", "output_price", Status.PENDING),
    }


def test_command_prints_counts_per_kind(at_sample, tmp_path):
    path = tmp_path / "api.json"
    path.write_text(json.dumps(changed(sample())))
    out = io.StringIO()

    call_command("sync_upstream", "--source", str(path), stdout=out)

    lines = out.getvalue().splitlines()
    assert any(re.fullmatch(r"Price\s+3\s+3", line) for line in lines)
    assert any(re.fullmatch(r"New model\s+1\s+0", line) for line in lines)
    assert re.search(r"8 differences, 4 applied by policy, 4 waiting", lines[-1])


def test_command_dry_run_writes_nothing(at_sample, tmp_path):
    path = tmp_path / "api.json"
    path.write_text(json.dumps(changed(sample())))
    before = count_rows()
    out = io.StringIO()

    call_command("sync_upstream", "--source", str(path), "--dry-run", stdout=out)

    assert "nothing was written" in out.getvalue()
    assert count_rows() == before
    assert not UpstreamChange.objects.exists()


def test_command_fails_with_the_reason_on_a_broken_file(at_sample, tmp_path):
    path = tmp_path / "api.json"
    path.write_text('{"openai": ')

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("sync_upstream", "--source", str(path))
    assert not ChangeSet.objects.exists()
