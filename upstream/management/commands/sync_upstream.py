"""manage.py sync_upstream [--source URL|FILE] [--dry-run]: one sync, now."""

from django.core.management.base import BaseCommand, CommandError

from upstream.models import SyncRun, UpstreamChange
from upstream.services import SyncRefused, run_start, sync_execute

TOPICS = dict(UpstreamChange.Topic.choices)


class Command(BaseCommand):
    help = (
        "Compare upstream data (by default the models.dev aggregate at "
        "VERSUS_UPSTREAM_URL) with the catalog, record the differences as a change "
        "set and apply what the policy allows."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--source",
            default="",
            help="A URL or a file: the models.dev aggregate or a catalog/1 document.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compare and report, writing nothing to the catalog.",
        )

    def handle(self, *args, **options) -> None:
        try:
            run = run_start(source=options["source"], dry_run=options["dry_run"])
        except SyncRefused as error:
            raise CommandError(str(error)) from None
        result = sync_execute(run)
        run.refresh_from_db()
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(run.message)
        if result.not_modified:
            self.stdout.write(run.message)
            return
        proposed = run.counts.get("proposed", {})
        applied = run.counts.get("applied") or run.counts.get("would apply") or {}
        if proposed:
            header = "applied" if not run.dry_run else "would apply"
            self.stdout.write(f"{'':<36}{'found':>7}{header:>13}")
            for topic, found in proposed.items():
                self.stdout.write(
                    f"{TOPICS.get(topic, topic):<36}{found:>7}{applied.get(topic, 0):>13}"
                )
        style = self.style.WARNING if run.dry_run else self.style.SUCCESS
        self.stdout.write(style(run.message))
