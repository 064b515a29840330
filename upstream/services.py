# Long on purpose: a sync's run, record and decisions share one transaction and lock discipline, kept in one module.
"""Upstream sync and editors' imports: start, run, record, decide."""

import datetime as dt
import gzip
import os
import socket
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from catalog.importing import CatalogError, catalog_import, document_load
from catalog.models import LLMModel
from catalog.services import QueueEntry, QueueSection
from upstream.applying import Applied, changes_apply, values_remember
from upstream.models import (
    ChangeSet,
    SourceState,
    SyncRun,
    UpstreamChange,
    UpstreamLink,
)
from upstream.planning import Plan, plan_build
from upstream.sources import (
    Snapshot,
    SourceError,
    UpstreamModel,
    bytes_unpack,
    facts_beside,
    file_read,
    is_url,
    snapshot_read,
    url_fetch,
)

Status = SyncRun.Status
ChangeStatus = UpstreamChange.Status

ALREADY_RUNNING = (
    "A sync or import is already running (#{pk}, {status}); "
    "wait for it to finish, then try again."
)
WORKER_LOST = (
    "The worker running this stopped before it finished (killed or restarted); "
    "nothing of it was applied."
)
NOT_MODIFIED = "Not modified since the last sync: nothing to compare."
LINK_NOT_NEW = "Only a new model can be linked to a model of the catalog."
QUEUE_LIMIT = 25
BATCH = 500


class SyncRefused(Exception):
    """Another sync or import is running."""


@dataclass
class SyncResult:
    run: SyncRun | None
    plan: Plan | None = None
    change_set: ChangeSet | None = None
    applied: int = 0
    not_modified: bool = False
    counts: dict = field(default_factory=dict)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_alive(worker: str) -> bool:
    """False only when the worker surely is gone: same host, no such process."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runs_reap() -> int:
    """Mark runs whose worker died as failed, so they block nothing; returns how many."""
    cutoff = timezone.now() - dt.timedelta(
        seconds=settings.VERSUS_UPSTREAM_STALE_SECONDS
    )
    reaped = 0
    for run in SyncRun.objects.filter(is_active=True, status=Status.RUNNING):
        beat = run.heartbeat_at or run.started_at or run.requested_at
        if _worker_alive(run.worker) and beat > cutoff:
            continue
        run_finish(run, status=Status.FAILED, message=WORKER_LOST)
        _task_mark_failed(run.task_id)
        reaped += 1
    return reaped


def _task_mark_failed(task_id: str) -> None:
    if not task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


def run_start(
    *,
    kind: str = SyncRun.Kind.SYNC,
    source: str = "",
    upload: bytes | None = None,
    file_name: str = "",
    user=None,
    dry_run: bool = False,
) -> SyncRun:
    """Record a run as waiting; SyncRefused if one is already under way."""
    runs_reap()
    source = source or settings.VERSUS_UPSTREAM_URL
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                kind=kind,
                source=source[:500],
                upload=gzip.compress(upload) if upload is not None else None,
                file_name=file_name[:255],
                requested_by=user,
                dry_run=dry_run,
            )
    except IntegrityError:
        running = SyncRun.objects.filter(is_active=True).first()
        raise SyncRefused(
            ALREADY_RUNNING.format(
                pk=running.pk if running else "?",
                status=running.get_status_display().lower() if running else "",
            )
        ) from None


def run_progress(run: SyncRun, text: str) -> None:
    """Say where the run is; also tells others the worker is alive."""
    run.progress = text[:300]
    run.heartbeat_at = timezone.now()
    SyncRun.objects.filter(pk=run.pk).update(
        progress=run.progress, heartbeat_at=run.heartbeat_at
    )


def run_finish(
    run: SyncRun,
    *,
    status: str,
    message: str = "",
    counts: dict | None = None,
    change_set: ChangeSet | None = None,
) -> None:
    run.status = status
    run.is_active = status in (Status.QUEUED, Status.RUNNING)
    run.finished_at = timezone.now()
    run.message = message
    if counts is not None:
        run.counts = counts
    if change_set is not None:
        run.change_set = change_set
    fields = ["status", "is_active", "finished_at", "message", "counts", "change_set"]
    if status != Status.PREVIEWED:
        run.upload = None  # the file is not needed any more
        fields.append("upload")
    run.save(update_fields=fields)


def _claim(run: SyncRun, task_id: str = "") -> None:
    run.status = Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.worker = worker_name()
    run.task_id = task_id or run.task_id
    run.save(
        update_fields=["status", "started_at", "heartbeat_at", "worker", "task_id"]
    )


# --- Syncs --------------------------------------------------------------------------


def _read_source(run: SyncRun) -> tuple[Snapshot | None, SourceState | None, object]:
    """The snapshot, the state to update after success, and what the server said."""
    if run.upload is not None:
        raw = bytes_unpack(
            gzip.decompress(bytes(run.upload)), where=run.file_name or run.source
        )
        return snapshot_read(raw, where=run.file_name or run.source), None, None
    if is_url(run.source):
        state = SourceState.objects.filter(url=run.source).first() or SourceState(
            url=run.source
        )
        fetched = url_fetch(
            run.source, etag=state.etag, last_modified=state.last_modified
        )
        if fetched.body is None:
            return None, state, fetched
        return snapshot_read(fetched.body, where=run.source), state, fetched
    raw = file_read(run.source)
    snapshot = snapshot_read(
        raw, where=os.path.basename(run.source), facts=facts_beside(run.source)
    )
    return snapshot, None, None


def plan_record(plan: Plan, *, change_set: ChangeSet | None = None) -> ChangeSet | None:
    """Write a plan's rows, links and remembered values (in the caller's transaction).

    The rows go into `change_set` when one is given (an editor's link adds the
    linked model's differences to the set it came from), else into a new one.
    """
    if plan.superseded:
        UpstreamChange.objects.filter(
            pk__in=plan.superseded, status=ChangeStatus.PENDING
        ).update(status=ChangeStatus.SUPERSEDED, decided_at=timezone.now())
    UpstreamLink.objects.bulk_create(plan.new_links, batch_size=BATCH)
    if plan.listed_again:
        UpstreamLink.objects.filter(pk__in=plan.listed_again).update(is_listed=True)
    if plan.unlisted:
        UpstreamLink.objects.filter(pk__in=plan.unlisted).update(is_listed=False)
    agreed = {key: values for key, values in plan.agreed.items() if values}
    if agreed:
        values_remember(source=plan.source, values=agreed)
    if not plan.proposals:
        return None
    if change_set is None:
        change_set = ChangeSet.objects.create(source=plan.source, counts=plan.counts())
    UpstreamChange.objects.bulk_create(
        [
            UpstreamChange(
                change_set=change_set,
                source=plan.source,
                kind=p.kind,
                topic=p.topic,
                model_id=p.model_id,
                offering_id=p.offering_id,
                subject=p.subject[:300],
                vendor_slug=p.vendor_slug,
                provider_slug=p.provider_slug,
                upstream_key=p.upstream_key[:300],
                field=p.field,
                old_value=p.old_value,
                new_value=p.new_value,
                payload=p.payload,
                is_editor_owned=p.is_editor_owned,
                note=p.note[:300],
            )
            for p in plan.proposals
        ],
        batch_size=BATCH,
    )
    return change_set


def sync_execute(run: SyncRun, *, task_id: str = "") -> SyncResult:
    """Run one sync to its end; every outcome is recorded on the run."""
    _claim(run, task_id)
    try:
        run_progress(run, f"reading {run.file_name or run.source}")
        snapshot, state, fetched = _read_source(run)
        if snapshot is None:
            run_finish(run, status=Status.NOT_MODIFIED, message=NOT_MODIFIED)
            return SyncResult(run, not_modified=True)
        # Said before the transaction: progress written inside it would show
        # only once it is over.
        run_progress(
            run,
            f"comparing {len(snapshot.models):,} upstream models with the catalog "
            "and applying what the policy allows",
        )
        with transaction.atomic():
            plan = plan_build(snapshot)
            if run.dry_run:
                transaction.set_rollback(True)
        if run.dry_run:
            counts = {
                "proposed": plan.counts(),
                "would apply": dict(Counter(p.topic for p in plan.at_once)),
            }
            run_finish(
                run,
                status=Status.SUCCEEDED,
                message=f"Dry run: {len(plan.proposals)} differences found, "
                f"{len(plan.at_once)} would apply by policy; nothing was written.",
                counts=counts,
            )
            return SyncResult(run, plan=plan, counts=counts)
        with transaction.atomic():
            change_set = plan_record(plan)
            applied = Applied()
            if change_set is not None:
                at_once = list(
                    change_set.changes.filter(
                        pk__in=_at_once_ids(change_set, plan)
                    ).order_by("pk")
                )
                if at_once:
                    applied = changes_apply(changes=at_once)
            if state is not None and fetched is not None:
                state.etag = fetched.etag
                state.last_modified = fetched.last_modified
                state.fetched_at = timezone.now()
                state.save()
            counts = {
                "proposed": plan.counts(),
                "applied": dict(
                    Counter(p.topic for p in plan.proposals if p.applies_at_once)
                ),
            }
            if change_set is not None:
                change_set.counts = counts
                change_set.save(update_fields=["counts"])
            message = _summary(plan, applied, change_set)
            run_finish(
                run,
                status=Status.SUCCEEDED,
                message=message,
                counts=counts,
                change_set=change_set,
            )
        return SyncResult(
            run,
            plan=plan,
            change_set=change_set,
            applied=applied.applied,
            counts=counts,
        )
    except (SourceError, CatalogError) as error:
        run_finish(run, status=Status.FAILED, message=str(error))
        return SyncResult(run)
    except BaseException as error:
        run_finish(
            run, status=Status.FAILED, message=f"Failed, nothing was applied: {error}"
        )
        raise


def _at_once_ids(change_set: ChangeSet, plan: Plan) -> list[int]:
    """The rows the policy applies: matched to the plan's proposals by their order."""
    ids = list(change_set.changes.order_by("pk").values_list("pk", flat=True))
    return [pk for pk, p in zip(ids, plan.proposals, strict=True) if p.applies_at_once]


def _summary(plan: Plan, applied: Applied, change_set: ChangeSet | None) -> str:
    if change_set is None:
        return "No differences: the catalog is up to date with the source."
    waiting = len(plan.proposals) - applied.applied
    return (
        f"Change set {change_set.pk}: {len(plan.proposals)} differences, "
        f"{applied.applied} applied by policy, {waiting} waiting for review."
    )


# --- Decisions --------------------------------------------------------------------------


def changes_accept(*, changes: QuerySet, user) -> Applied:
    """Apply pending rows, one transaction per change set; CatalogError names what failed."""
    rows = list(
        changes.filter(status=ChangeStatus.PENDING).order_by("change_set_id", "pk")
    )
    total = Applied()
    by_set: dict[int, list] = {}
    for row in rows:
        by_set.setdefault(row.change_set_id, []).append(row)
    for group in by_set.values():
        result = changes_apply(changes=group, user=user)
        total.applied += result.applied
    return total


def changes_reject(*, changes: QuerySet, user) -> int:
    return changes.filter(status=ChangeStatus.PENDING).update(
        status=ChangeStatus.REJECTED, decided_by=user, decided_at=timezone.now()
    )


@transaction.atomic
def model_link(*, change: UpstreamChange, model: LLMModel, user) -> int:
    """ "This is the same model": remember the link, then propose its differences."""
    if change.kind != UpstreamChange.Kind.NEW_MODEL or change.status != (
        ChangeStatus.PENDING
    ):
        raise ValueError(LINK_NOT_NEW)
    keys = change.payload.get("keys") or []
    for key, provider in keys:
        UpstreamLink.objects.update_or_create(
            source=change.source,
            key=key,
            defaults={
                "model": model,
                "provider_slug": provider,
                "linked_by": user,
                "is_listed": True,
            },
        )
    change.status = ChangeStatus.APPLIED
    change.model = model
    change.decided_by = user
    change.decided_at = timezone.now()
    change.note = f"linked to {model.name} by {user.get_username()}"[:300]
    change.save()
    # The model is listed again: its "no longer listed" row is moot.
    UpstreamChange.objects.filter(
        source=change.source,
        model=model,
        kind=UpstreamChange.Kind.GONE,
        status=ChangeStatus.PENDING,
    ).update(status=ChangeStatus.SUPERSEDED, decided_at=timezone.now())
    snapshot = Snapshot(source=change.source, label=change.source)
    snapshot.models = [UpstreamModel(change.payload["entry"], [tuple(k) for k in keys])]
    snapshot.vendors = (
        {change.payload["vendor"]["slug"]: change.payload["vendor"]}
        if change.payload.get("vendor")
        else {}
    )
    snapshot.providers = {p["slug"]: p for p in change.payload.get("providers") or []}
    plan = plan_build(snapshot, detect_gone=False)
    plan_record(plan, change_set=change.change_set)
    return len(plan.proposals)


# --- The review queue -------------------------------------------------------------


def pending_changes_section(*, user) -> QueueSection | None:
    """Pending upstream changes, per model, for the admin's review queue."""
    if not user.has_perm("upstream.view_upstreamchange"):
        return None
    changelist = reverse("admin:upstream_upstreamchange_changelist")
    section = QueueSection(
        "upstream-changes",
        "Upstream changes waiting for review",
        "Differences a sync found that the policy leaves to an editor.",
        more_url=changelist,
    )
    groups = (
        UpstreamChange.objects.pending()
        .values("model_id", "upstream_key", "subject")
        .annotate(n=Count("id"))
        .order_by("subject")
    )
    per_model: dict[tuple, list] = {}
    for group in groups:
        key = (
            group["model_id"],
            group["upstream_key"] if not group["model_id"] else "",
        )
        name = group["subject"].split(" on ")[0]
        per_model.setdefault(key, [name, 0])[1] += group["n"]
    for (model_id, upstream_key), (name, n) in per_model.items():
        section.total += n
        if len(section.entries) >= QUEUE_LIMIT:
            continue
        query = (
            f"?model__id__exact={model_id}"
            if model_id
            else f"?upstream_key={upstream_key}"
        )
        section.entries.append(
            QueueEntry(
                model=None,
                note=f"{n} change{'s' if n != 1 else ''}",
                fix_url=changelist + query,
                label=name,
            )
        )
    return section


# --- Editors' imports -----------------------------------------------------------------


def import_preview(run: SyncRun) -> None:
    """Dry-run an uploaded document through the importer, keeping each difference."""
    _claim(run)
    differences: list[dict] = []
    counts: Counter = Counter()

    def note(kind, obj, field_name, old, new) -> None:
        counts[kind] += 1
        if len(differences) >= PREVIEW_LIMIT:
            return
        label = str(obj) if obj is not None and obj.pk else _label(kind, new)
        differences.append(
            {
                "kind": kind,
                "object": label[:200],
                "field": field_name or "(new)",
                "old": _show(old),
                "new": _show(new) if field_name else "",
            }
        )

    try:
        run_progress(run, "checking the file")
        raw = bytes_unpack(gzip.decompress(bytes(run.upload)), where=run.file_name)
        document = document_load(raw)
        result = catalog_import(document=document, dry_run=True, on_change=note)
    except (CatalogError, SourceError) as error:
        errors = getattr(error, "errors", [str(error)])
        run.preview = {"errors": errors[:PREVIEW_LIMIT], "error_count": len(errors)}
        run.save(update_fields=["preview"])
        run_finish(
            run,
            status=Status.FAILED,
            message=f"{len(errors)} error(s) in the file; nothing was imported.",
        )
        return
    run.preview = {
        "differences": differences,
        "shown": len(differences),
        "total": sum(counts.values()),
        "counts": {
            kind: dict(c) for kind, c in result.counts.items() if any(c.values())
        },
        "notes": result.notes,
    }
    run.save(update_fields=["preview"])
    message = (
        f"Would create {result.total('created')}, update {result.total('updated')}; "
        "confirm to import."
        if result.changed
        else "The file changes nothing in the catalog."
    )
    run_finish(run, status=Status.PREVIEWED, message=message)


PREVIEW_LIMIT = 500


def _label(kind: str, values: dict) -> str:
    for key in ("name", "slug", "question", "reviewer"):
        if isinstance(values, dict) and values.get(key):
            return f"{kind[:-1] if kind.endswith('s') else kind}: {values[key]}"
    return kind


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if not k.endswith("_id"))[
            :300
        ]
    return str(value)[:300]


def import_confirm(*, run: SyncRun, user) -> SyncRun:
    """Queue the import of a previewed file; SyncRefused if something else runs."""
    runs_reap()
    with transaction.atomic():
        locked = SyncRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != Status.PREVIEWED:
            raise SyncRefused("This import is not waiting for confirmation.")
        if SyncRun.objects.filter(is_active=True).exists():
            raise SyncRefused(ALREADY_RUNNING.format(pk="?", status="running"))
        locked.status = Status.QUEUED
        locked.is_active = True
        locked.requested_by = user
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "is_active", "requested_by"])
        except IntegrityError:
            raise SyncRefused(
                ALREADY_RUNNING.format(pk="?", status="running")
            ) from None
    return locked


def import_cancel(*, run: SyncRun) -> None:
    if run.status == Status.PREVIEWED:
        run_finish(run, status=Status.CANCELLED, message="Cancelled; nothing imported.")


def import_execute(run: SyncRun, *, task_id: str = "") -> None:
    """Import a confirmed file: the importer's rules, one transaction."""
    _claim(run, task_id)
    try:
        run_progress(run, "importing")
        raw = bytes_unpack(gzip.decompress(bytes(run.upload)), where=run.file_name)
        document = document_load(raw)
        user = run.requested_by
        result = catalog_import(
            document=document,
            reason=f"imported by {user.get_username() if user else 'an editor'} "
            f"from {run.file_name}",
            user=user,
        )
    except (CatalogError, SourceError) as error:
        errors = getattr(error, "errors", [str(error)])
        run.preview = {**run.preview, "errors": errors[:PREVIEW_LIMIT]}
        run.save(update_fields=["preview"])
        run_finish(
            run,
            status=Status.FAILED,
            message=f"{len(errors)} error(s); nothing was imported.",
        )
        return
    except BaseException as error:
        run_finish(
            run, status=Status.FAILED, message=f"Failed, nothing imported: {error}"
        )
        raise
    counts = {kind: dict(c) for kind, c in result.counts.items() if any(c.values())}
    run_finish(
        run,
        status=Status.SUCCEEDED,
        message=(
            f"Imported: created {result.total('created')}, "
            f"updated {result.total('updated')}, "
            f"unchanged {result.total('unchanged')}."
        ),
        counts=counts,
    )
