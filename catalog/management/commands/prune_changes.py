"""Drop the change log's entries older than its window (VERSUS_CHANGES_WINDOW_DAYS)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.changes import changes_prune


class Command(BaseCommand):
    help = (
        "Drop change-feed entries older than VERSUS_CHANGES_WINDOW_DAYS (90 by "
        "default); a partner whose cursor is older is told to export again. "
        "Run it daily from cron or a scheduler."
    )

    def handle(self, *args, **options) -> None:
        dropped = changes_prune()
        self.stdout.write(
            f"{dropped} change(s) older than {settings.VERSUS_CHANGES_WINDOW_DAYS} "
            "days dropped."
        )
