"""Publish drafts whose scheduled time has come, as a revision readers see at once."""

from django.core.management.base import BaseCommand

from catalog.services import scheduled_drafts_publish


class Command(BaseCommand):
    help = (
        "Turn drafts whose 'publish at' time has passed into published models. "
        "Optional: readers see them from that time whether or not this runs "
        "(cached pages are keyed on the due publish times). Running it only "
        "records the publication in the revision history; running it twice, or "
        "with nothing due, changes nothing."
    )

    def handle(self, *args, **options) -> None:
        published = scheduled_drafts_publish()
        for model in published:
            self.stdout.write(
                f"published {model.slug} (scheduled {model.publish_at:%Y-%m-%d %H:%M} UTC)"
            )
        self.stdout.write(f"{len(published)} scheduled model(s) published.")
