"""Where other apps plug rows of their own into the catalog's machinery.

The catalog imports no other app, yet some of its machinery has to handle rows
that live elsewhere: curated comparisons (the comparisons app) name a pair of
catalog models, travel in the `catalog/1` document, are announced in the change
log and are generated with a benchmark catalog. The catalog owns that machinery
and says here what it needs to know; the app that owns the rows hands it over
from its `AppConfig.ready()`. Nothing is looked up by name.

- `PairRecords`: rows about a pair of catalog models. The change log records
  them as `comparison` entries (catalog/changes.py), the admin offers their
  pairs as previews of a draft, and the change feed answers with them.
- `DocumentSection`: a top-level list of `catalog/1` after `models`, exported,
  checked and written by its owner inside the catalog's snapshot, validation
  pass and import transaction (catalog/exporting.py, catalog/importing/).
- `GeneratedRows`: what `generate_catalog` adds after the catalog's own rows.

Registering the same key again replaces the earlier entry (a test may run an
app's `ready()` twice), so order is the order of first registration.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class PairRecords:
    """Rows that each name two catalog models (`LLMModel`) by two foreign keys."""

    model: type[models.Model]
    # The two foreign keys to LLMModel, e.g. ("model_a", "model_b").
    sides: tuple[str, str]
    # Rows that belong to one of these, by their foreign key to it: a change to
    # one is a change to the pair row (e.g. {ComparisonFAQ: "comparison"}).
    parts: dict[type[models.Model], str] = field(default_factory=dict)
    # published(pairs) -> {(slug, slug): entry}: the pair rows among `pairs`
    # (sorted slug pairs) whose models are both published, as the published
    # export writes them; the change feed answers with these.
    published: Callable[..., dict] = lambda pairs: {}


@dataclass(frozen=True)
class DocumentSection:
    """A top-level list of the `catalog/1` document, owned by another app.

    Sections follow `models` in the document, in the order registered. Each
    callable gets the catalog's own objects to work with:

    - export(published_only=) -> list of entries, in the document's order;
    - read(reader, document) -> items: check the section with the reader of
      catalog/importing/validation.py (its `entries`, `read_object`,
      `full_clean`, `refer` and `error`, so errors name their place);
    - write(writer, items, models) -> what was kept: upsert with the importer's
      writer (catalog/importing/writing.py); `models` maps slug -> LLMModel;
    - prune(writer, kept): with --prune, delete what the document left out.
      Sections are pruned before the catalog's own rows.
    """

    key: str
    # Each model the section writes, with its name in import reports, in order.
    kinds: dict[type[models.Model], str]
    export: Callable[..., list[dict]]
    read: Callable[..., list]
    write: Callable[..., object]
    prune: Callable[..., None]


@dataclass(frozen=True)
class GeneratedRows:
    """Rows `generate_catalog` makes after the catalog's own, from the same seed."""

    label: str
    # generate(rng, models) -> how many rows: `rng` is the command's
    # random.Random, `models` every LLMModel it made.
    generate: Callable[..., int]
    # Delete them all (--replace), before the catalog's own rows go.
    delete: Callable[[], None]
    # Models whose tables the planner is given statistics for afterwards.
    tables: tuple[type[models.Model], ...] = ()


_pair_records: dict[type, PairRecords] = {}
_sections: dict[str, DocumentSection] = {}
_generated: dict[str, GeneratedRows] = {}


def pair_records_register(records: PairRecords) -> None:
    """Tell the change log, the admin and the feed about rows naming a pair."""
    from catalog import signals

    _pair_records[records.model] = records
    signals.connect_models([records.model, *records.parts], logged=True)


def document_section_register(section: DocumentSection) -> None:
    _sections[section.key] = section


def generated_rows_register(rows: GeneratedRows) -> None:
    _generated[rows.label] = rows


def pair_records() -> tuple[PairRecords, ...]:
    return tuple(_pair_records.values())


def document_sections() -> tuple[DocumentSection, ...]:
    return tuple(_sections.values())


def generated_rows() -> tuple[GeneratedRows, ...]:
    return tuple(_generated.values())


def paired_model_ids(model_id: int) -> list[int]:
    """The models some pair row puts beside this one, in the order found."""
    found: list[int] = []
    for records in pair_records():
        a, b = records.sides
        rows = records.model.objects.filter(
            models.Q(**{f"{a}_id": model_id}) | models.Q(**{f"{b}_id": model_id})
        ).values_list(f"{a}_id", f"{b}_id")
        found.extend(second if first == model_id else first for first, second in rows)
    return found
