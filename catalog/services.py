"""Editorial work across several catalog models: the review queue and reviews."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from catalog.models import LLMModel, Offering, PricePoint, Review, Score
from vocabulary.prices import PriceForm, price_text

DEPRECATION_WARNING_DAYS = 90
# Each list shows this many entries at most; the count says how many there are.
QUEUE_LIST_LIMIT = 25


@dataclass
class QueueEntry:
    model: LLMModel | None
    note: str
    offering: Offering | None = None
    # Where the entry's link goes, when its section says so itself.
    fix_url: str = ""
    label: str = ""
    review_url: str = ""


@dataclass
class QueueSection:
    key: str
    title: str
    help: str
    entries: list[QueueEntry] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    def add(self, entry: QueueEntry) -> None:
        self.total += 1
        if len(self.entries) < QUEUE_LIST_LIMIT:
            self.entries.append(entry)


def _latest(queryset, field_name: str) -> Subquery:
    """The latest value of a field among a model's related rows, as a subquery."""
    return Subquery(
        queryset.filter(model=OuterRef("pk"))
        .order_by(f"-{field_name}")
        .values(field_name)[:1]
    )


def _latest_edit(history, *, parent: str) -> Subquery:
    """When a model's data last changed, from the revisions of `history`.

    Creation does not count as a change for the model itself (a review checks
    what was created); rows added to a model later do: an offering or a score
    that appeared on a later day than the model is news for the reviewer. So a
    freshly imported catalog does not flag every model at once.
    """
    added_later = Q(
        history_type="+",
        history_date__gt=ExpressionWrapper(
            OuterRef("created_at") + dt.timedelta(days=1),
            output_field=DateTimeField(),
        ),
    )
    return Subquery(
        history.filter(**{parent: OuterRef("pk")})
        .filter(Q(history_type__in=("~", "-")) | added_later)
        .order_by("-history_date")
        .values("history_date")[:1]
    )


# Sections other apps add to the queue (catalog imports none of them): each is a
# function of the signed-in user returning a section, or None when it has
# nothing to show that user.
QueueProvider = Callable[..., QueueSection | None]
_queue_providers: list[QueueProvider] = []


def review_queue_register(provider: QueueProvider) -> None:
    """Add a section to the review queue; registering the same function twice is a no-op."""
    if provider not in _queue_providers:
        _queue_providers.append(provider)


def review_queue_extra_sections(*, user) -> list[QueueSection]:
    """The sections registered by other apps, for this user."""
    sections = (provider(user=user) for provider in _queue_providers)
    return [section for section in sections if section is not None]


def review_queue_build(*, today: dt.date | None = None) -> list[QueueSection]:
    """What editors should look at next, in two queries whatever the catalog's size."""
    today = today or timezone.localdate()
    review_cutoff = today - dt.timedelta(days=settings.VERSUS_REVIEW_STALE_DAYS)
    price_cutoff = today - dt.timedelta(days=settings.VERSUS_PRICE_STALE_DAYS)
    deprecation_horizon = today + dt.timedelta(days=DEPRECATION_WARNING_DAYS)

    never = QueueSection(
        "never-reviewed",
        "Never reviewed",
        "No editor has checked these models against their sources yet.",
    )
    stale = QueueSection(
        "review-stale",
        "Review out of date",
        f"The latest review is more than {settings.VERSUS_REVIEW_STALE_DAYS} days old.",
    )
    changed = QueueSection(
        "changed-since-review",
        "Changed since the last review",
        "The model, its offerings or its scores were edited after its latest review.",
    )
    prices = QueueSection(
        "prices-unchecked",
        "Prices not checked",
        f"Prices not checked at their source for {settings.VERSUS_PRICE_STALE_DAYS} "
        "days, or never.",
    )
    incomplete = QueueSection(
        "incomplete",
        "Published without offerings or scores",
        "Readers see these models with an empty price table or no benchmarks.",
    )
    deprecations = QueueSection(
        "deprecations",
        "Deprecations coming up",
        f"The vendor stops serving these within {DEPRECATION_WARNING_DAYS} days.",
    )
    passed = QueueSection(
        "deprecation-passed",
        "Deprecation date passed",
        "Their deprecation date has come, so readers already see them as retired: "
        "set the lifecycle to retired, or correct the date.",
    )

    models = (
        LLMModel.objects.select_related("vendor")
        .annotate(
            # Subqueries, not joins: joining reviews, offerings and scores at
            # once would multiply the rows read for every model.
            latest_review=_latest(Review.objects.all(), "reviewed_on"),
            has_offering=Exists(Offering.objects.filter(model=OuterRef("pk"))),
            has_score=Exists(Score.objects.filter(model=OuterRef("pk"))),
            model_edited=_latest_edit(
                LLMModel.history.filter(history_type="~"), parent="id"
            ),
            offerings_edited=_latest_edit(Offering.history.all(), parent="model_id"),
            scores_edited=_latest_edit(Score.history.all(), parent="model_id"),
        )
        .order_by("name", "pk")
    )
    for model in models:
        if model.latest_review is None:
            never.add(QueueEntry(model, "never reviewed"))
        else:
            if model.latest_review < review_cutoff:
                stale.add(
                    QueueEntry(model, f"last reviewed {model.latest_review:%Y-%m-%d}")
                )
            # A review covers its whole day: edits on a later day are news.
            edits = [
                stamp
                for stamp in (
                    model.model_edited,
                    model.offerings_edited,
                    model.scores_edited,
                )
                if stamp is not None
            ]
            last_edit = timezone.localdate(max(edits)) if edits else None
            if last_edit and last_edit > model.latest_review:
                changed.add(
                    QueueEntry(
                        model,
                        f"edited {last_edit:%Y-%m-%d}, "
                        f"reviewed {model.latest_review:%Y-%m-%d}",
                    )
                )
        if model.is_published and not (model.has_offering and model.has_score):
            missing = [
                label
                for label, present in (
                    ("no offering", model.has_offering),
                    ("no score", model.has_score),
                )
                if not present
            ]
            incomplete.add(QueueEntry(model, " and ".join(missing)))
        if model.lifecycle == LLMModel.Lifecycle.RETIRED or not model.deprecation_date:
            pass
        elif model.deprecation_date <= today:
            passed.add(
                QueueEntry(
                    model,
                    f"deprecation date {model.deprecation_date:%Y-%m-%d} passed, "
                    f"lifecycle still {model.get_lifecycle_display().lower()}",
                )
            )
        elif model.deprecation_date <= deprecation_horizon:
            deprecations.add(
                QueueEntry(model, f"deprecated on {model.deprecation_date:%Y-%m-%d}")
            )

    unchecked = (
        Offering.objects.filter(is_available=True)
        .filter(Q(checked_on__isnull=True) | Q(checked_on__lt=price_cutoff))
        .select_related("model", "provider")
        # Never checked first, then the longest unchecked, on every database.
        .order_by(
            F("checked_on").asc(nulls_first=True), "model__name", "provider__name"
        )
    )
    for offering in unchecked:
        note = (
            f"{offering.provider}: checked {offering.checked_on:%Y-%m-%d}"
            if offering.checked_on
            else f"{offering.provider}: never checked"
        )
        prices.add(QueueEntry(offering.model, note, offering=offering))

    return [never, stale, changed, prices, incomplete, passed, deprecations]


@transaction.atomic
def review_record(
    *,
    models: list[LLMModel],
    reviewer: str,
    reviewed_on: dt.date,
    sources: list[str],
    summary: str = "",
) -> list[Review]:
    """Record that each model was checked; a second mark on the same day updates it."""
    reviews = []
    for model in models:
        review, _ = Review.objects.update_or_create(
            model=model,
            reviewed_on=reviewed_on,
            reviewer=reviewer,
            defaults={"sources": sources, "summary": summary},
        )
        reviews.append(review)
    return reviews


@dataclass
class CatalogChange:
    """One entry in the public feed of changes: a price change or a new model."""

    key: str
    title: str
    summary: str
    model: LLMModel
    at: dt.datetime


def _price(value) -> str:
    """Money as the pages write it: "$0.40", "$12", "free"; "unknown" when missing."""
    if value is None:
        return "unknown"
    if value == 0:
        return "free"
    return price_text(value, form=PriceForm.DOLLARS)


def _same_price(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def price_after(point: PricePoint) -> tuple:
    """The (input, output) price that replaced this earlier price: the next entry of
    its offering's history by moment, or the offering's current price."""
    key = (point.changed_at, point.pk)
    later = [
        p for p in point.offering.price_history.all() if (p.changed_at, p.pk) > key
    ]
    if later:
        following = min(later, key=lambda p: (p.changed_at, p.pk))
        return following.input_price, following.output_price
    return point.offering.input_price, point.offering.output_price


def catalog_changes_list(*, limit: int = 50) -> list[CatalogChange]:
    """Recent price changes and newly published models, newest first; no drafts."""
    published = LLMModel.objects.published()
    changes = []
    models = (
        published.select_related("vendor")
        .with_published_at()
        .order_by("-published_at", "-pk")[:limit]
    )
    for model in models:
        changes.append(
            CatalogChange(
                # Slugs and moments, never database ids: a restored catalog
                # keeps the same entries instead of announcing them again.
                key=f"model-{model.slug}-published",
                title=f"New: {model.name} by {model.vendor.name}",
                summary=f"{model.name} by {model.vendor.name} is now in the catalog.",
                model=model,
                at=model.published_at,
            )
        )

    points = (
        PricePoint.objects.filter(offering__model__in=published)
        .select_related("offering__model__vendor", "offering__provider")
        .prefetch_related(
            Prefetch(
                "offering__price_history",
                queryset=PricePoint.objects.order_by("changed_at", "id"),
            )
        )
        # Each change at its own moment (an imported one on its own day).
        .order_by("-changed_at", "-id")[:limit]
    )
    for point in points:
        offering = point.offering
        new_input, new_output = price_after(point)
        if _same_price(point.input_price, new_input) and _same_price(
            point.output_price, new_output
        ):
            continue  # not a change: nothing to announce
        changes.append(
            CatalogChange(
                key=(
                    f"price-{offering.model.slug}-{offering.provider.slug}-"
                    f"{point.until:%Y%m%d}-{point.changed_at:%Y%m%dT%H%M%S%f}"
                ),
                title=f"Price change: {offering.model.name} on {offering.provider.name}",
                summary=(
                    f"Input {_price(point.input_price)} → {_price(new_input)}, "
                    f"output {_price(point.output_price)} → {_price(new_output)} "
                    "per million tokens."
                ),
                model=offering.model,
                at=point.changed_at,
            )
        )
    changes.sort(key=lambda change: (change.at, change.key), reverse=True)
    return changes[:limit]


SCHEDULED_PUBLICATION_REASON = "Scheduled publication"


@transaction.atomic
def scheduled_drafts_publish(*, now: dt.datetime | None = None) -> list[LLMModel]:
    """Mark drafts whose publish_at has passed as published, one revision each."""
    now = now or timezone.now()
    due = list(
        LLMModel.objects.select_for_update()
        .filter(
            status=LLMModel.Status.DRAFT,
            publish_at__isnull=False,
            publish_at__lte=now,
        )
        .order_by("publish_at", "pk")
    )
    for model in due:
        model.status = LLMModel.Status.PUBLISHED
        model._change_reason = SCHEDULED_PUBLICATION_REASON
        model.save()
    return due


def leaderboard_ranks(*, scores) -> list[tuple[int, Score]]:
    """Rank scores already in leaderboard order; equal values share a rank (1, 2, 2, 4)."""
    ranked: list[tuple[int, Score]] = []
    for position, score in enumerate(scores, start=1):
        if ranked and ranked[-1][1].value == score.value:
            ranked.append((ranked[-1][0], score))
        else:
            ranked.append((position, score))
    return ranked
