"""manage.py import_catalog FILE [--dry-run] [--prune]: load a catalog document."""

import gzip
import sys
import zlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from catalog.importing import CatalogError, catalog_import, document_load, import_kinds
from catalog.importing.models_dev import FACTS_FILENAME

MAX_ERRORS_SHOWN = 200
GZIP_MAGIC = b"\x1f\x8b"


class Command(BaseCommand):
    help = (
        "Import a catalog/1 document (or the models.dev api.json aggregate): "
        "everything is checked first, then written in one transaction, or nothing is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file",
            help="JSON file to import, gzip-compressed or not; '-' reads standard input.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, writing nothing.",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete what the file does not mention (off by default).",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show a progress bar on standard error even when it is not a terminal.",
        )

    def handle(self, *args, **options) -> None:
        path = options["file"]
        raw = self.read(path)
        show = options["progress"] or sys.stderr.isatty()

        def progress(items):
            return tqdm(
                items,
                desc="models",
                unit="model",
                file=sys.stderr,
                disable=not show,
                leave=False,
            )

        try:
            document = document_load(raw)
            models_json = self.models_json_beside(path, document)
            result = catalog_import(
                document=document,
                dry_run=options["dry_run"],
                prune=options["prune"],
                progress=progress,
                models_json=models_json,
            )
        except CatalogError as error:
            shown = error.errors[:MAX_ERRORS_SHOWN]
            more = len(error.errors) - len(shown)
            lines = [f"{path}: {len(error.errors)} error(s), nothing was imported:"]
            lines += [f"  {line}" for line in shown]
            if more:
                lines.append(f"  … and {more} more")
            raise CommandError("\n".join(lines)) from None
        except DatabaseError as error:
            # A rule the checks above missed, or a concurrent edit: the
            # transaction was rolled back, so still nothing is written.
            raise CommandError(
                f"{path}: the database refused the import, nothing was imported: {error}"
            ) from None

        self.report(result)

    def read(self, path: str) -> bytes:
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            try:
                raw = Path(path).read_bytes()
            except OSError as error:
                raise CommandError(
                    f"{path}: cannot read the file ({error.strerror})."
                ) from None
        return self.decompressed(path, raw)

    def decompressed(self, path: str, raw: bytes) -> bytes:
        """A gzip file (`api.json.gz`) is known by its first bytes, not its name."""
        if not raw.startswith(GZIP_MAGIC):
            return raw
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise CommandError(
                f"{path}: not a readable gzip file ({error}), nothing was imported."
            ) from None

    def models_json_beside(self, path: str, document: dict) -> dict | None:
        """models.dev keeps provider-agnostic facts in models.json next to api.json."""
        if path == "-" or "format" in document:
            return None
        beside = Path(path).with_name(FACTS_FILENAME)
        if not beside.is_file() or beside.resolve() == Path(path).resolve():
            return None
        try:
            facts = document_load(self.decompressed(str(beside), beside.read_bytes()))
        except CatalogError as error:
            raise CatalogError(
                [f"{beside.name}: {line}" for line in error.errors]
            ) from None
        self.stdout.write(f"Reading model facts from {beside.name} beside it.")
        return facts

    def report(self, result) -> None:
        if result.source_format != "catalog/1":
            self.stdout.write(f"Read as {result.source_format} data.")
        header = f"{'':<14}{'created':>9}{'updated':>9}{'unchanged':>11}{'deleted':>9}"
        self.stdout.write(header)
        for kind in import_kinds():
            c = result.counts[kind]
            if not any(c.values()):
                continue
            self.stdout.write(
                f"{kind:<14}{c['created']:>9}{c['updated']:>9}{c['unchanged']:>11}{c['deleted']:>9}"
            )
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        summary = (
            f"created {result.total('created')}, updated {result.total('updated')}, "
            f"unchanged {result.total('unchanged')}, deleted {result.total('deleted')}"
        )
        if result.dry_run:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing written; would have {summary}.")
            )
        elif not result.changed:
            self.stdout.write(self.style.SUCCESS(f"Nothing to change: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
