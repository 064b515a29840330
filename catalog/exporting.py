"""Write the catalog as a `catalog/1` document: complete, deterministic, sorted by slug.

Every export reads one snapshot of the database (catalog_snapshot), so a
document taken while editors work is still whole: no model without its vendor,
no comparison of a model that was deleted halfway through.
"""

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Prefetch

from catalog import changes, extensions
from catalog import models as catalog
from catalog.models import CAPABILITIES
from vocabulary.prices import PriceForm, price_text

DOCUMENT = PriceForm.DOCUMENT

FORMAT = "catalog/1"


def number(value: Decimal | None) -> int | float | None:
    """A JSON number without trailing zeros: 23.6, not 23.6000; 80, not 80.0."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return int(value)
    # At most 14 significant digits, so the float reads back as the same decimal.
    return float(value)


def _unknown(value: str) -> str | None:
    return value or None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def moment_text(value: dt.datetime | None) -> str | None:
    """UTC with a Z, to the microsecond when there is one: 2026-05-14T09:30:00Z."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@contextmanager
def catalog_snapshot():
    """Read everything inside this block from one snapshot of the database.

    On PostgreSQL a read-only REPEATABLE READ transaction: every query sees the
    database as it was at the first one, whatever commits meanwhile. SQLite's
    transactions read one snapshot already. Inside a transaction that has
    begun (tests), the outer one decides.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        yield


def _named(obj) -> dict:
    return {
        "slug": obj.slug,
        "name": obj.name,
        "website": obj.website,
        "description": obj.description,
    }


def _benchmark(obj: catalog.Benchmark) -> dict:
    return {
        "slug": obj.slug,
        "name": obj.name,
        "unit": obj.unit,
        "higher_is_better": obj.higher_is_better,
        "url": obj.url,
        "description": obj.description,
    }


def _price_point(point: catalog.PricePoint) -> dict:
    return {
        "until": point.until.isoformat(),
        "input_price": price_text(point.input_price, form=DOCUMENT),
        "output_price": price_text(point.output_price, form=DOCUMENT),
        "recorded_at": moment_text(point.created_at),
    }


def _offering(obj: catalog.Offering) -> dict:
    return {
        "provider": obj.provider.slug,
        "provider_model_id": obj.provider_model_id,
        "input_price": price_text(obj.input_price, form=DOCUMENT),
        "output_price": price_text(obj.output_price, form=DOCUMENT),
        "cached_input_price": price_text(obj.cached_input_price, form=DOCUMENT),
        "cache_write_price": price_text(obj.cache_write_price, form=DOCUMENT),
        "tiers": [
            {
                "above_tokens": tier.above_tokens,
                "input_price": price_text(tier.input_price, form=DOCUMENT),
                "output_price": price_text(tier.output_price, form=DOCUMENT),
            }
            for tier in sorted(obj.tiers.all(), key=lambda t: t.above_tokens)
        ],
        "context_window": obj.context_window,
        "available": obj.is_available,
        "url": obj.url,
        "source_url": obj.source_url,
        "checked_on": _date(obj.checked_on),
        "price_history": [
            _price_point(point)
            for point in sorted(
                obj.price_history.all(), key=lambda p: (p.changed_at, p.pk)
            )
        ],
    }


def _model(obj: catalog.LLMModel, *, published_only: bool = False) -> dict:
    # A backup keeps the status and schedule as stored, so a scheduled draft
    # comes back scheduled; the published catalog labels what readers see.
    status = obj.status
    if published_only:
        status = catalog.LLMModel.Status.PUBLISHED
    return {
        "slug": obj.slug,
        "name": obj.name,
        "vendor": obj.vendor.slug,
        "status": status,
        "publish_at": None if published_only else moment_text(obj.publish_at),
        "published_at": moment_text(obj.published_at),
        "created_at": moment_text(obj.created_at),
        "release_date": _unknown(obj.release_date),
        "knowledge_cutoff": _unknown(obj.knowledge_cutoff),
        "context_window": obj.context_window,
        "max_output_tokens": obj.max_output_tokens,
        "parameters_billions": number(obj.parameters_billions),
        "architecture": _unknown(obj.architecture),
        "license": _unknown(obj.license),
        "open_weights": obj.open_weights,
        "modalities": {"input": obj.input_modalities, "output": obj.output_modalities},
        "capabilities": {name: getattr(obj, name) for name in CAPABILITIES},
        "description": obj.description,
        "lifecycle": obj.lifecycle,
        "deprecation_date": _date(obj.deprecation_date),
        "offerings": [
            _offering(o)
            for o in sorted(obj.offerings.all(), key=lambda o: o.provider.slug)
        ],
        "scores": [
            {
                "benchmark": score.benchmark.slug,
                "value": number(score.value),
                "verified": score.is_verified,
                "source_url": score.source_url,
                "measured_on": _date(score.measured_on),
            }
            for score in sorted(obj.scores.all(), key=lambda s: s.benchmark.slug)
        ],
        "reviews": [
            {
                "reviewed_on": review.reviewed_on.isoformat(),
                "reviewer": review.reviewer,
                "summary": review.summary,
                "body": review.body,
                "sources": review.sources,
            }
            for review in sorted(
                obj.reviews.all(), key=lambda r: (r.reviewed_on, r.reviewer)
            )
        ],
    }


def _models_queryset(*, published_only: bool):
    models = catalog.LLMModel.objects.all()
    if published_only:
        models = models.published()
    return (
        models.select_related("vendor")
        .with_published_at()
        .prefetch_related(
            Prefetch(
                "offerings",
                queryset=catalog.Offering.objects.select_related(
                    "provider"
                ).prefetch_related("tiers", "price_history"),
            ),
            Prefetch(
                "scores", queryset=catalog.Score.objects.select_related("benchmark")
            ),
            "reviews",
        )
        .order_by("slug")
    )


def _head(now: dt.datetime | None) -> dict:
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "format": FORMAT,
        "exported_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        # Read first, in the export's snapshot: the changes after this cursor
        # are exactly those the document does not hold (docs/api.md).
        "cursor": changes.cursor_text(changes.current_position()),
        "vendors": [_named(v) for v in catalog.Vendor.objects.order_by("slug")],
        "providers": [_named(p) for p in catalog.Provider.objects.order_by("slug")],
        "benchmarks": [
            _benchmark(b) for b in catalog.Benchmark.objects.order_by("slug")
        ],
    }


def catalog_export(
    *, published_only: bool = False, now: dt.datetime | None = None
) -> dict:
    """The whole catalog as a `catalog/1` document (drafts too, unless published_only)."""
    with catalog_snapshot():
        document = _head(now)
        document["models"] = [
            _model(m, published_only=published_only)
            for m in _models_queryset(published_only=published_only)
        ]
        # Sections of other apps (curated comparisons), after the models.
        for section in extensions.document_sections():
            document[section.key] = section.export(published_only=published_only)
    return document


def models_export(*, slugs) -> list[dict]:
    """Some models as `catalog/1` entries, drafts included, in slug order."""
    return [
        _model(m) for m in _models_queryset(published_only=False).filter(slug__in=slugs)
    ]


def catalog_export_chunks(
    *,
    published_only: bool = False,
    now: dt.datetime | None = None,
    batch_size: int = 200,
) -> Iterator[str]:
    """The same document as JSON text, in chunks, reading models a batch at a time.

    The snapshot lasts from the first chunk to the last (a client that goes
    away closes the generator, which ends it).
    """
    with catalog_snapshot():
        head = _head(now)
        yield "{" + json.dumps(head, ensure_ascii=False)[1:-1] + ', "models": ['
        slugs = list(
            _models_queryset(published_only=published_only).values_list(
                "slug", flat=True
            )
        )
        for start in range(0, len(slugs), batch_size):
            batch = _models_queryset(published_only=published_only).filter(
                slug__in=slugs[start : start + batch_size]
            )
            text = ", ".join(
                json.dumps(_model(m, published_only=published_only), ensure_ascii=False)
                for m in batch
            )
            yield (", " if start else "") + text
        yield "]"
        for section in extensions.document_sections():
            entries = section.export(published_only=published_only)
            yield f", {json.dumps(section.key)}: " + json.dumps(
                entries, ensure_ascii=False
            )
        yield "}"


def published_objects(
    *, vendors=(), providers=(), benchmarks=(), models=(), pairs=()
) -> dict[str, dict]:
    """Some objects of the published catalog as the published export writes them.

    Keyed by kind, then slug (a comparison by its pair of slugs, sorted); what
    is not there (or not published) is left out. The change feed answers with these;
    pairs come from the apps that keep rows about pairs (catalog/extensions.py).
    """
    found: dict[str, dict] = {
        "vendor": {},
        "provider": {},
        "benchmark": {},
        "model": {},
        "comparison": {},
    }
    for kind, model_cls, slugs, write in (
        ("vendor", catalog.Vendor, vendors, _named),
        ("provider", catalog.Provider, providers, _named),
        ("benchmark", catalog.Benchmark, benchmarks, _benchmark),
    ):
        if slugs:
            for obj in model_cls.objects.filter(slug__in=slugs):
                found[kind][obj.slug] = write(obj)
    if models:
        for obj in _models_queryset(published_only=True).filter(slug__in=models):
            found["model"][obj.slug] = _model(obj, published_only=True)
    if pairs:
        for records in extensions.pair_records():
            found["comparison"].update(records.published(pairs))
    return found


def catalog_export_json(
    *, published_only: bool = False, now: dt.datetime | None = None
) -> str:
    """The document as indented JSON text with a final newline, as export_catalog writes it."""
    document = catalog_export(published_only=published_only, now=now)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
