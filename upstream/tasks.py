"""Background work for the admin and the schedule, run by `manage.py db_worker`."""

from django.conf import settings
from django_tasks import TaskContext, task

from upstream import services
from upstream.models import SyncRun


@task(takes_context=True)
def sync_task(context: TaskContext, run_id: int) -> str:
    """Run a sync the admin (or the schedule) asked for."""
    run = SyncRun.objects.get(pk=run_id)
    services.sync_execute(run, task_id=str(context.task_result.id))
    run.refresh_from_db()
    return run.message


@task(takes_context=True)
def import_preview_task(context: TaskContext, run_id: int) -> str:
    run = SyncRun.objects.get(pk=run_id)
    run.task_id = str(context.task_result.id)
    services.import_preview(run)
    return run.message


@task(takes_context=True)
def import_task(context: TaskContext, run_id: int) -> str:
    run = SyncRun.objects.get(pk=run_id)
    services.import_execute(run, task_id=str(context.task_result.id))
    return run.message


def sync_enqueue(
    *, user=None, source: str = "", upload: bytes | None = None, file_name: str = ""
) -> SyncRun:
    """Record a sync and hand it to the worker; SyncRefused if one is under way."""
    run = services.run_start(
        source=source or settings.VERSUS_UPSTREAM_URL,
        upload=upload,
        file_name=file_name,
        user=user,
    )
    result = sync_task.enqueue(run.pk)
    SyncRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    return run


def import_enqueue(*, user, upload: bytes, file_name: str) -> SyncRun:
    """Record an editor's upload and have its preview prepared."""
    run = services.run_start(
        kind=SyncRun.Kind.IMPORT,
        source=f"upload: {file_name}",
        upload=upload,
        file_name=file_name,
        user=user,
    )
    import_preview_task.enqueue(run.pk)
    return run


def import_confirm_enqueue(*, run: SyncRun, user) -> SyncRun:
    run = services.import_confirm(run=run, user=user)
    import_task.enqueue(run.pk)
    return run
