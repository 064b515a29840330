"""Write a checked catalog to the database: upsert by natural key, save only what differs.

Existing rows are read once per kind (no per-row SELECT), new rows are
bulk-created, and changed rows are saved one by one so that `Offering.save()`
keeps the old price in the price history, as it does for editors.
"""

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from catalog import changes, extensions
from catalog import models as catalog
from catalog.importing.validation import Catalog, Item

# The catalog's own rows, in the order import reports list them.
KIND_OF_MODEL = {
    catalog.Vendor: "vendors",
    catalog.Provider: "providers",
    catalog.Benchmark: "benchmarks",
    catalog.LLMModel: "models",
    catalog.Offering: "offerings",
    catalog.PriceTier: "price tiers",
    catalog.PricePoint: "price history",
    catalog.Score: "scores",
    catalog.Review: "reviews",
}
BATCH = 500


def kinds_of_models() -> dict:
    """Each model an import writes -> its name in reports: the catalog's own, then
    those of other apps' sections (catalog/extensions.py)."""
    found = dict(KIND_OF_MODEL)
    for section in extensions.document_sections():
        found.update(section.kinds)
    return found


def import_kinds() -> tuple[str, ...]:
    """The kinds an import reports, in order."""
    return tuple(dict.fromkeys(kinds_of_models().values()))


def _norm(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


class Writer:
    def __init__(
        self,
        *,
        prune: bool,
        progress: Callable = iter,
        reason: str = "",
        user=None,
        on_change: Callable | None = None,
    ) -> None:
        self.prune = prune
        self.progress = progress
        # What the revision history says about every row written, and who did it.
        self.reason = reason or None
        self.user = user
        # Told of each difference written: (kind, instance or None, field, old, new).
        self.on_change = on_change
        self.kind_of = kinds_of_models()
        self.counts: dict[str, Counter] = {kind: Counter() for kind in import_kinds()}
        self.notes: list[str] = []

    # -- generic upsert -----------------------------------------------------

    def sync(
        self, model_cls, existing: dict, wanted: list[tuple[object, dict]]
    ) -> dict:
        """Create or update rows keyed by natural key; return key -> instance."""
        counts = self.counts[self.kind_of[model_cls]]
        result, new = {}, []
        for key, values in wanted:
            obj = existing.get(key)
            if obj is None:
                obj = model_cls(**values)
                new.append(obj)
                counts["created"] += 1
                if self.on_change:
                    self.on_change(self.kind_of[model_cls], obj, None, None, values)
            else:
                changed = [
                    name
                    for name, value in values.items()
                    if getattr(obj, name) != value
                ]
                if changed:
                    for name in changed:
                        if self.on_change:
                            self.on_change(
                                self.kind_of[model_cls],
                                obj,
                                name,
                                getattr(obj, name),
                                values[name],
                            )
                        setattr(obj, name, values[name])
                    self.save(obj, changed)
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            result[key] = obj
        if new:
            self.bulk_create(model_cls, new)
        return result

    def bulk_create(self, model_cls, new: list) -> None:
        """Create rows, keeping the creation times a backup carried over."""
        # bulk_create() stamps auto_now_add fields with the present moment.
        stamped = [
            f.name for f in model_cls._meta.fields if getattr(f, "auto_now_add", False)
        ]
        given = [(obj, {name: getattr(obj, name) for name in stamped}) for obj in new]
        if hasattr(model_cls, "history"):
            bulk_create_with_history(
                new,
                model_cls,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason,
            )
        else:
            model_cls.objects.bulk_create(new, batch_size=BATCH)
        restored = []
        for obj, values in given:
            kept = {name: value for name, value in values.items() if value is not None}
            if kept:
                for name, value in kept.items():
                    setattr(obj, name, value)
                restored.append(obj)
        fields = sorted(
            {name for _, values in given for name, v in values.items() if v}
        )
        if restored and fields:
            model_cls.objects.bulk_update(restored, fields, batch_size=BATCH)
        # bulk_create sends no signals: tell the change log.
        changes.objects_record((obj, {}) for obj in new)

    def save(self, obj, changed: list[str]) -> None:
        fields = list(changed)
        if any(f.name == "updated_at" for f in obj._meta.fields):
            fields.append("updated_at")
        before = obj._loaded_prices if isinstance(obj, catalog.Offering) else None
        if self.reason:
            obj._change_reason = self.reason
        if self.user is not None:
            obj._history_user = self.user
        obj.save(update_fields=fields)
        if before is not None and before != (None, None) and before != obj._prices():
            # Offering.save() kept the old price in the history.
            self.counts["price history"]["created"] += 1

    def delete(self, queryset) -> None:
        _, per_model = queryset.delete()
        by_label = {model._meta.label: kind for model, kind in self.kind_of.items()}
        for label, number in per_model.items():
            if label in by_label:
                self.counts[by_label[label]]["deleted"] += number

    # -- the catalog ----------------------------------------------------------

    def write(self, doc: Catalog) -> None:
        vendors = self.sync_named(catalog.Vendor, doc.vendors)
        providers = self.sync_named(catalog.Provider, doc.providers)
        benchmarks = self.sync_named(catalog.Benchmark, doc.benchmarks)

        models = {m.slug: m for m in catalog.LLMModel.objects.with_published_at()}
        wanted = [
            (item.slug, self.model_values(item, models.get(item.slug), vendors))
            for item in doc.models
        ]
        models.update(self.sync(catalog.LLMModel, models, wanted))

        offerings = self.write_offerings(doc, models, providers)
        scores = self.sync(
            catalog.Score,
            {(s.model_id, s.benchmark_id): s for s in catalog.Score.objects.all()},
            [
                (
                    (models[item.slug].pk, benchmarks[score.refs["benchmark"]].pk),
                    {
                        **score.values,
                        "model_id": models[item.slug].pk,
                        "benchmark_id": benchmarks[score.refs["benchmark"]].pk,
                    },
                )
                for item in doc.models
                for score in item.children["scores"]
            ],
        )
        reviews = self.sync(
            catalog.Review,
            {
                (r.model_id, r.reviewed_on, r.reviewer): r
                for r in catalog.Review.objects.all()
            },
            [
                (
                    (
                        models[item.slug].pk,
                        review.values["reviewed_on"],
                        review.values["reviewer"],
                    ),
                    {**review.values, "model_id": models[item.slug].pk},
                )
                for item in doc.models
                for review in item.children["reviews"]
            ],
        )
        kept = {
            section.key: section.write(self, doc.sections[section.key], models)
            for section in extensions.document_sections()
        }

        if self.prune:
            self.prune_absent(doc, models, offerings, scores, reviews, kept)

    @staticmethod
    def model_values(item: Item, stored, vendors: dict) -> dict:
        values = {**item.values, "vendor_id": vendors[item.refs["vendor"]].pk}
        # The document gives the moment readers first saw the model; keep it
        # only where the database would not work out the same one itself.
        if (
            stored is not None
            and "first_published_at" in values
            and values["first_published_at"] == stored.published_at
        ):
            del values["first_published_at"]
        return values

    def sync_named(self, model_cls, items: list[Item]) -> dict:
        existing = {obj.slug: obj for obj in model_cls.objects.all()}
        existing.update(
            self.sync(model_cls, existing, [(item.slug, item.values) for item in items])
        )
        return existing

    def write_offerings(self, doc: Catalog, models: dict, providers: dict) -> dict:
        wanted, children = [], []
        for item in self.progress(doc.models):
            model = models[item.slug]
            for offering in item.children["offerings"]:
                provider = providers[offering.refs["provider"]]
                key = (model.pk, provider.pk)
                wanted.append(
                    (
                        key,
                        {
                            **offering.values,
                            "model_id": model.pk,
                            "provider_id": provider.pk,
                        },
                    )
                )
                children.append((key, offering))
        existing = {
            (o.model_id, o.provider_id): o for o in catalog.Offering.objects.all()
        }
        offerings = self.sync(catalog.Offering, existing, wanted)

        tiers = {
            (t.offering_id, t.above_tokens): t for t in catalog.PriceTier.objects.all()
        }
        wanted_tiers = [
            (
                (offerings[key].pk, tier.values["above_tokens"]),
                {**tier.values, "offering_id": offerings[key].pk},
            )
            for key, offering in children
            for tier in offering.children["tiers"]
        ]
        kept_tiers = self.sync(catalog.PriceTier, tiers, wanted_tiers)
        if self.prune:
            listed = {o.pk for o in offerings.values()}
            stale = [
                tier.pk
                for key, tier in tiers.items()
                if key not in kept_tiers and tier.offering_id in listed
            ]
            self.delete(catalog.PriceTier.objects.filter(pk__in=stale))

        # Price history only grows: an entry is added unless the same
        # (until, input, output) is already recorded, by an editor or by
        # Offering.save() when the price changed.
        recorded = {
            (p.offering_id, p.until, _norm(p.input_price), _norm(p.output_price))
            for p in catalog.PricePoint.objects.all()
        }
        new = []
        for key, offering in children:
            pk = offerings[key].pk
            for point in offering.children["price_history"]:
                values = point.values
                mark = (
                    pk,
                    values["until"],
                    _norm(values["input_price"]),
                    _norm(values["output_price"]),
                )
                if mark in recorded:
                    self.counts["price history"]["unchanged"] += 1
                    continue
                recorded.add(mark)
                moment = catalog.price_change_moment(
                    values["until"], recorded_at=values.get("created_at")
                )
                new.append(
                    catalog.PricePoint(offering_id=pk, changed_at=moment, **values)
                )
                self.counts["price history"]["created"] += 1
        self.bulk_create(catalog.PricePoint, new)
        return offerings

    # -- --prune --------------------------------------------------------------

    def prune_absent(self, doc, models, offerings, scores, reviews, kept) -> None:
        """Delete what the document does not mention, children before parents."""

        def keep(found: dict) -> list[int]:
            return [obj.pk for obj in found.values()]

        kept_models = [models[item.slug].pk for item in doc.models]
        # Other apps' rows hang on models: theirs go first.
        for section in extensions.document_sections():
            section.prune(self, kept[section.key])
        self.delete(catalog.Review.objects.exclude(pk__in=keep(reviews)))
        self.delete(catalog.Score.objects.exclude(pk__in=keep(scores)))
        self.delete(catalog.Offering.objects.exclude(pk__in=keep(offerings)))
        self.delete(catalog.LLMModel.objects.exclude(pk__in=kept_models))

        # A vendor, provider or benchmark left out of the document but still
        # used by something in it is kept: deleting it is refused (PROTECT).
        for model_cls, items, used in (
            (catalog.Vendor, doc.vendors, catalog.LLMModel.objects.values("vendor_id")),
            (
                catalog.Provider,
                doc.providers,
                catalog.Offering.objects.values("provider_id"),
            ),
            (
                catalog.Benchmark,
                doc.benchmarks,
                catalog.Score.objects.values("benchmark_id"),
            ),
        ):
            absent = model_cls.objects.exclude(slug__in=[item.slug for item in items])
            still_used = list(absent.filter(pk__in=used).values_list("slug", flat=True))
            if still_used:
                kind = self.kind_of[model_cls]
                self.notes.append(
                    f"kept {len(still_used)} {kind} not in the document because models in it "
                    f"still use them: {', '.join(sorted(still_used)[:10])}"
                    + ("…" if len(still_used) > 10 else "")
                )
            self.delete(absent.exclude(pk__in=used))


def count_rows() -> dict[str, int]:
    """Rows per kind, for reports and tests."""
    return {kind: model.objects.count() for model, kind in kinds_of_models().items()}
