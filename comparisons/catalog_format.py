"""Curated comparisons in the `catalog/1` document: its `comparisons` section.

The catalog exports, checks and imports the document (catalog/exporting.py,
catalog/importing/); this app registers the section it owns
(catalog/extensions.py), so the section is written inside the export's
snapshot, checked in the same pass as the rest (every error naming its place,
e.g. `comparisons[2].faq[0].question`) and written in the same transaction.
docs/catalog-format.md describes the section field by field.
"""

from django.db.models import Q

from catalog import changes
from catalog.exporting import moment_text
from catalog.importing import values as v
from catalog.importing.validation import DocumentReader, Field, Item
from catalog.importing.writing import BATCH, Writer
from catalog.models import LLMModel
from comparisons.models import Comparison, ComparisonFAQ

KEY = "comparisons"
KINDS = {Comparison: "comparisons", ComparisonFAQ: "FAQ entries"}

# --- Export -------------------------------------------------------------------


def _comparison(obj: Comparison) -> dict:
    return {
        "models": sorted([obj.model_a.slug, obj.model_b.slug]),
        "featured": obj.is_featured,
        "intro": obj.intro,
        "verdict": obj.verdict,
        "facts_record": obj.facts_record,
        "reviewed_at": moment_text(obj.reviewed_at),
        "reviewed_by": obj.reviewed_by,
        "faq": [
            {"question": entry.question, "answer": entry.answer}
            for entry in sorted(obj.faq_entries.all(), key=lambda e: (e.position, e.pk))
        ],
    }


def comparisons_export(*, published_only: bool) -> list[dict]:
    """Every curated comparison (of published models only, if asked), by pair."""
    comparisons = Comparison.objects.select_related("model_a", "model_b")
    if published_only:
        published = LLMModel.objects.published().values("pk")
        comparisons = comparisons.filter(model_a__in=published, model_b__in=published)
    comparisons = comparisons.prefetch_related("faq_entries")
    ordered = sorted(
        comparisons, key=lambda c: sorted([c.model_a.slug, c.model_b.slug])
    )
    return [_comparison(c) for c in ordered]


def comparisons_published(pairs) -> dict[tuple, dict]:
    """The curated comparisons of these pairs of slugs whose models are published."""
    wanted = Q()
    for a, b in pairs:
        wanted |= Q(model_a__slug=a, model_b__slug=b)
        wanted |= Q(model_a__slug=b, model_b__slug=a)
    published = LLMModel.objects.published().values("pk")
    comparisons = (
        Comparison.objects.filter(wanted)
        .filter(model_a__in=published, model_b__in=published)
        .select_related("model_a", "model_b")
        .prefetch_related("faq_entries")
    )
    found = {}
    for obj in comparisons:
        document = _comparison(obj)
        found[tuple(document["models"])] = document
    return found


# --- Validation -----------------------------------------------------------------

COMPARISON = {
    "featured": Field(v.boolean, default=False, model_field="is_featured"),
    "intro": Field(v.text, default=""),
    "verdict": Field(v.text, default=""),
    # What the curated text was written against: a restore keeps text that
    # was already out of date withheld, instead of approving it anew.
    "facts_record": Field(v.facts_record, keep_when_absent=True),
    "reviewed_at": Field(v.moment, keep_when_absent=True),
    "reviewed_by": Field(v.text, default="", keep_when_absent=True),
}
COMPARISON_NESTED = ("models", "faq")
FAQ = {
    "question": Field(v.text, "value"),
    "answer": Field(v.text, "value"),
}
# Model fields whose document key has another name.
DOC_KEYS = {"is_featured": "featured"}


def comparisons_read(reader: DocumentReader, document: dict) -> list[Item]:
    """Check the section; each item's refs["pair"] is its two slugs, sorted."""
    items: list[Item] = []
    pairs: dict[tuple[str, str], str] = {}
    for path, raw in reader.entries(document, KEY, KEY):
        item = _read_comparison(reader, raw, path)
        if item is None or "pair" not in item.refs:
            continue
        pair = item.refs["pair"]
        if pair in pairs:
            reader.error(
                f"{path}.models", f"this pair is already curated at {pairs[pair]}"
            )
        else:
            pairs[pair] = path
        items.append(item)
    return items


def _read_comparison(reader: DocumentReader, raw: object, path: str) -> Item | None:
    item = reader.read_object(raw, path, COMPARISON, COMPARISON_NESTED)
    if item is None:
        return None
    reader.full_clean(
        Comparison, item, exclude=["model_a", "model_b"], doc_keys=DOC_KEYS
    )
    pair = raw.get("models")
    place = f"{path}.models"
    if pair is None:
        reader.error(place, "is required (the two model slugs)")
    elif (
        not isinstance(pair, list)
        or len(pair) != 2
        or not all(isinstance(slug, str) for slug in pair)
    ):
        reader.error(place, "must be a list of two model slugs")
    elif pair[0] == pair[1]:
        reader.error(place, "must name two different models")
    else:
        for index, slug in enumerate(pair):
            reader.refer("model", slug, f"{place}[{index}]")
        item.refs["pair"] = tuple(sorted(pair))

    faq = []
    for place, entry in reader.entries(raw, "faq", f"{path}.faq"):
        question = reader.read_object(entry, place, FAQ)
        if question is not None:
            reader.full_clean(ComparisonFAQ, question, exclude=["comparison"])
            faq.append(question)
    item.children = {"faq": faq}
    return item


# --- Writing --------------------------------------------------------------------


def comparisons_write(writer: Writer, items: list[Item], models: dict) -> dict:
    """Upsert the comparisons and their FAQ entries; pair of pks -> Comparison."""
    wanted, faqs = [], []
    for item in items:
        first, second = (models[slug] for slug in item.refs["pair"])
        key = tuple(sorted((first.pk, second.pk)))
        # Stored in slug order, as Comparison.save() keeps them.
        wanted.append(
            (key, {**item.values, "model_a_id": first.pk, "model_b_id": second.pk})
        )
        faqs.append((key, item.children["faq"]))
    existing = {
        tuple(sorted((c.model_a_id, c.model_b_id))): c for c in Comparison.objects.all()
    }
    comparisons = writer.sync(Comparison, existing, wanted)
    _write_faq(writer, comparisons, faqs)
    # Curated text that arrives without recorded facts is tied to the facts
    # it is imported with, as if an editor had saved it now.
    unrecorded = [c for c in comparisons.values() if c.facts_record is None]
    for comparison in unrecorded:
        comparison.save(update_fields=["updated_at"])
    return comparisons


def _write_faq(writer: Writer, comparisons: dict, faqs: list) -> None:
    entries: dict[int, list] = {}
    for entry in ComparisonFAQ.objects.order_by("comparison_id", "position", "id"):
        entries.setdefault(entry.comparison_id, []).append(entry)
    counts = writer.counts["FAQ entries"]
    new, stale = [], []
    for key, questions in faqs:
        comparison = comparisons[key]
        current = entries.get(comparison.pk, [])
        # Matched by order: the n-th question of the document is the n-th on the page.
        for index, question in enumerate(questions):
            if index < len(current):
                entry = current[index]
                changed = [
                    name
                    for name, value in question.values.items()
                    if getattr(entry, name) != value
                ]
                if changed:
                    for name in changed:
                        setattr(entry, name, question.values[name])
                    entry.save(update_fields=changed)
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            else:
                last = current[-1].position + 1 if current else 0
                position = last + index - len(current)
                new.append(
                    ComparisonFAQ(
                        comparison_id=comparison.pk,
                        position=position,
                        **question.values,
                    )
                )
                counts["created"] += 1
        stale.extend(entry.pk for entry in current[len(questions) :])
    ComparisonFAQ.objects.bulk_create(new, batch_size=BATCH)
    changes.objects_record((entry, {}) for entry in new)
    if writer.prune and stale:
        writer.delete(ComparisonFAQ.objects.filter(pk__in=stale))


def comparisons_prune(writer: Writer, kept: dict) -> None:
    """--prune: delete the curated comparisons the document left out."""
    writer.delete(Comparison.objects.exclude(pk__in=[c.pk for c in kept.values()]))
