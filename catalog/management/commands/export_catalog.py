"""manage.py export_catalog [FILE]: write the whole catalog as a catalog/1 document."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog import changes
from catalog.exporting import catalog_export_json


class Command(BaseCommand):
    help = (
        "Export the whole catalog (published and draft models) as a catalog/1 "
        "document, to FILE or to standard output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", nargs="?", help="Where to write; standard output if left out."
        )
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Leave out drafts (and comparisons that involve one).",
        )

    def handle(self, *args, **options) -> None:
        # A scheduled model whose time came is in the change log before the
        # snapshot, so the document's cursor agrees with what it holds.
        changes.due_publications_announce()
        text = catalog_export_json(published_only=options["published_only"])
        target = options["file"]
        if not target or target == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(target)
        # Write beside the target and rename, so a failed export never leaves half a backup.
        try:
            handle, temporary = tempfile.mkstemp(
                dir=path.parent or ".", prefix=f".{path.name}."
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except OSError as error:
            raise CommandError(
                f"{target}: cannot write the file ({error.strerror})."
            ) from None
        self.stderr.write(f"Wrote {path} ({len(text.encode()):,} bytes).")
