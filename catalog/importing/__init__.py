"""Import a catalog document (`catalog/1` or the models.dev aggregate): all or nothing."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from catalog import changes
from catalog.cache import bump_catalog_version
from catalog.importing import models_dev
from catalog.importing.validation import (
    FORMAT,
    CatalogError,
    catalog_validate,
    document_load,
)
from catalog.importing.writing import Writer, count_rows, import_kinds

UNKNOWN_SHAPE = (
    f'format: is required ("{FORMAT}"); the file is neither a {FORMAT} document nor '
    "the models.dev aggregate (api.json: {provider id: {id, name, models}})"
)


@dataclass
class ImportResult:
    counts: dict[str, Counter]
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    source_format: str = FORMAT

    @property
    def changed(self) -> bool:
        return any(
            c["created"] or c["updated"] or c["deleted"] for c in self.counts.values()
        )

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())


def catalog_import(
    *,
    document: dict,
    dry_run: bool = False,
    prune: bool = False,
    progress: Callable = iter,
    models_json: dict | None = None,
    reason: str = "",
    user=None,
    on_change: Callable | None = None,
) -> ImportResult:
    """Validate the whole document, then write it in one transaction.

    Raises CatalogError (nothing written) when anything in it is wrong. A
    models.dev aggregate (with its `models.json` facts when given) is first
    turned into a `catalog/1` document, so both go through the same checks.
    `reason` and `user` go into the revision history of every row written;
    `on_change` is told of every difference, as the writer meets it.
    """
    notes: list[str] = []
    source_format = FORMAT
    if "format" not in document:
        if not models_dev.looks_like_models_dev(document):
            raise CatalogError([UNKNOWN_SHAPE])
        conversion = models_dev.models_dev_convert(api=document, facts=models_json)
        document, notes = conversion.document, conversion.notes
        source_format = "models.dev"
    with transaction.atomic():
        checked = catalog_validate(document, progress=progress)
        writer = Writer(
            prune=prune,
            progress=progress,
            reason=reason,
            user=user,
            on_change=on_change,
        )
        # The change log's entries for the whole import, resolved together.
        with changes.batched():
            writer.write(checked)
        result = ImportResult(
            counts=writer.counts,
            notes=notes + writer.notes,
            dry_run=dry_run,
            source_format=source_format,
        )
        if dry_run:
            transaction.set_rollback(True)
        elif result.changed:
            # Bulk writes send no signals: one new catalog version for the lot.
            bump_catalog_version()
            transaction.on_commit(bump_catalog_version)
    return result


__all__ = [
    "FORMAT",
    "CatalogError",
    "ImportResult",
    "catalog_import",
    "count_rows",
    "import_kinds",
    "document_load",
]
