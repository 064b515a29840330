# Long on purpose: Django finds an app's models in one module, and these share field helpers and querysets; each class is one table.
"""The catalog editors keep: vendors, models, providers, prices, scores, reviews."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models, router, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalog.validators import (
    validate_modalities,
    validate_model_slug,
    validate_partial_date,
    validate_slug,
    validate_url_list,
    validate_visible_name,
)

# CAPABILITY_LABELS is named here too, for the pages that list capabilities.
from vocabulary.capabilities import CAPABILITIES, CAPABILITY_LABELS  # noqa: F401

# Prices are US dollars per million tokens: up to 999,999.999999, six decimals
# so that $0.0375 and float noise rounded from imports both fit exactly.
PRICE_FIELD = {"max_digits": 12, "decimal_places": 6}
# The default share of input tokens in a blended price (VERSUS_BLEND_INPUT_WEIGHT);
# the blended-price index is built for it.
BLEND_INDEX_WEIGHT = Decimal("0.7")
# Nothing sensible has a context window above a billion tokens.
MAX_TOKENS = 1_000_000_000

NEGATIVE_PRICE_MESSAGE = "A price cannot be negative; use 0 for a free tier."
TOKENS_MESSAGE = "Enter a positive number of tokens (at least 1)."
TOKENS_TOO_LARGE_MESSAGE = "That is more than a billion tokens; check for extra zeros."
OFFERING_CONTEXT_MESSAGE = (
    "A provider cannot offer more context than the model itself has "
    "({model_context:,} tokens)."
)

price_validators = [MinValueValidator(Decimal("0"), message=NEGATIVE_PRICE_MESSAGE)]
http_url = URLValidator(schemes=["http", "https"])


def validate_tokens(value: int | None) -> None:
    if value is None:
        return
    if value < 1:
        raise ValidationError(TOKENS_MESSAGE, code="min_value")
    if value > MAX_TOKENS:
        raise ValidationError(TOKENS_TOO_LARGE_MESSAGE, code="max_value")


def _price_field(
    verbose_name: str, *, null: bool = True, help_text: str = ""
) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        **PRICE_FIELD,
        null=null,
        blank=null,
        validators=price_validators,
        help_text=help_text or "US dollars per million tokens. Leave empty if unknown.",
    )


class WebAddressField(models.URLField):
    """A URL column whose form field reads an address typed without a scheme as https."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self) -> tuple:
        # Stored exactly as a URLField: migrations need not know the difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


def _url_field(verbose_name: str, help_text: str = "") -> models.URLField:
    # Web pages only: no ftp:, javascript: or data: addresses reach a link.
    return WebAddressField(
        verbose_name,
        max_length=500,
        blank=True,
        validators=[http_url],
        help_text=help_text,
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class SluggedQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class Organisation(TimeStampedModel):
    """A company the catalog names: a model's vendor or a hosting provider.

    The two are kept apart (a vendor makes models, a provider sells access to
    them, and one company may be both under different names), but every field
    and rule they have is the same, so it is written here once.
    """

    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_slug],
        help_text="Short address name, e.g. 'openai'. Lowercase letters, digits, hyphens.",
    )
    name = models.CharField(
        max_length=200,
        validators=[validate_visible_name],
        help_text="The company or service as readers know it.",
    )
    website = _url_field("website")
    description = models.TextField(
        blank=True, help_text="One or two sentences, Markdown."
    )

    # The reader page of one (a URL name), set by each concrete model.
    detail_url_name = ""

    class Meta:
        abstract = True
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(self.detail_url_name, args=[self.slug])


class Vendor(Organisation):
    detail_url_name = "catalog:vendor-detail"

    history = HistoricalRecords()

    class Meta(Organisation.Meta):
        pass


class Provider(Organisation):
    detail_url_name = "catalog:provider-detail"

    history = HistoricalRecords()

    class Meta(Organisation.Meta):
        pass


class Benchmark(TimeStampedModel):
    slug = models.SlugField(max_length=80, unique=True, validators=[validate_slug])
    name = models.CharField(max_length=200, validators=[validate_visible_name])
    unit = models.CharField(
        max_length=20,
        default="%",
        help_text="What a score is measured in: '%', 'points', 'elo'… "
        "Scores are only compared within the same benchmark.",
    )
    higher_is_better = models.BooleanField(
        default=True, help_text="Untick when a lower score is the better one."
    )
    url = _url_field("web page", "Where readers can learn about the benchmark.")
    description = models.TextField(blank=True, help_text="What it measures, Markdown.")

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:benchmark-detail", args=[self.slug])


def is_published_as_of(
    *, status: str, publish_at: datetime | None, at: datetime
) -> bool:
    """The rule of "published as of now" for one model's status and schedule.

    LLMModelQuerySet.published() is the same rule as a query; pages, the API,
    sitemaps, feeds and the change log all use one or the other.
    """
    if status == LLMModel.Status.PUBLISHED:
        return True
    return publish_at is not None and publish_at <= at


class LLMModelQuerySet(models.QuerySet):
    def published(self, *, at: datetime | None = None) -> "LLMModelQuerySet":
        """Models readers may see at `at` (default now): published, or drafts whose
        scheduled time has come.

        The one rule of "published as of now": pages, the API, sitemaps and feeds
        all ask this, so a scheduled draft appears everywhere at its time, with no
        job having to run.
        """
        return self.filter(
            Q(status=LLMModel.Status.PUBLISHED)
            | Q(
                status=LLMModel.Status.DRAFT,
                publish_at__isnull=False,
                publish_at__lte=at or timezone.now(),
            )
        )

    def retired(self, *, on: date | None = None) -> "LLMModelQuerySet":
        """Models retired on the day `on` (default today, UTC): marked retired, or
        past their deprecation date."""
        on = on or timezone.localdate()
        return self.filter(
            Q(lifecycle=LLMModel.Lifecycle.RETIRED) | Q(deprecation_date__lte=on)
        )

    def in_service(self, *, on: date | None = None) -> "LLMModelQuerySet":
        """Models not retired on the day `on` (see retired())."""
        return self.exclude(pk__in=self.retired(on=on).values("pk"))

    def drafts(self) -> "LLMModelQuerySet":
        return self.exclude(pk__in=self.published().values("pk"))

    def with_published_at(self) -> "LLMModelQuerySet":
        """Annotate `published_at`: when readers first saw each model (None: not yet).

        A scheduled draft at its publish_at; otherwise the moment a backup
        carried over, else its first published revision, else its creation.
        """
        first_published = (
            self.model.history.model.objects.filter(
                id=OuterRef("pk"), status=LLMModel.Status.PUBLISHED
            )
            .order_by("history_date")
            .values("history_date")[:1]
        )
        return self.annotate(
            published_at=Case(
                When(status=LLMModel.Status.DRAFT, then=F("publish_at")),
                default=Coalesce(
                    F("first_published_at"), Subquery(first_published), F("created_at")
                ),
            )
        )


class LLMModel(TimeStampedModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        DRAFT = "draft", "Draft"

    class Lifecycle(models.TextChoices):
        PREVIEW = "preview", "Preview"
        ACTIVE = "active", "Active"
        DEPRECATED = "deprecated", "Deprecated"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_model_slug],
        help_text="Short address name, e.g. 'gpt-4-1-mini'. Must not contain '-vs-'.",
    )
    name = models.CharField(
        max_length=200,
        validators=[validate_visible_name],
        help_text="As the vendor writes it, e.g. 'GPT-4.1 Mini'.",
    )
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        related_name="models",
        help_text="Who makes the model.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.PUBLISHED,
        db_index=True,
        help_text="Drafts are seen by editors only.",
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="For a draft: publish it automatically at this date and time (UTC).",
    )
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When readers first saw it, as restored from a backup; empty "
        "means the revision history says.",
    )
    release_date = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_partial_date],
        help_text="YYYY-MM-DD, or YYYY-MM when only the month is known.",
    )
    knowledge_cutoff = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_partial_date],
        help_text="Training data cutoff: YYYY-MM-DD, or YYYY-MM.",
    )
    context_window = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[validate_tokens],
        help_text="Tokens the model reads at once. Leave empty if unknown.",
    )
    max_output_tokens = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[validate_tokens],
        help_text="Most tokens it writes in one answer. Leave empty if unknown.",
    )
    parameters_billions = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), message="Enter a positive size.")
        ],
        help_text="Size in billions of parameters, if the vendor states it.",
    )
    architecture = models.CharField(max_length=200, blank=True)
    license = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Proprietary', 'Apache 2.0'."
    )
    open_weights = models.BooleanField(
        null=True,
        blank=True,
        help_text="Can anyone download the weights? Leave unknown if unsure.",
    )
    input_modalities = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_modalities],
        help_text='What it reads, e.g. ["text", "image"].',
    )
    output_modalities = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_modalities],
        help_text='What it writes, e.g. ["text"].',
    )
    vision = models.BooleanField(null=True, blank=True, help_text="Understands images.")
    multimodal = models.BooleanField(
        null=True, blank=True, help_text="Reads more than text."
    )
    reasoning = models.BooleanField(
        null=True, blank=True, help_text="Has a reasoning (thinking) mode."
    )
    function_calling = models.BooleanField(null=True, blank=True)
    tool_use = models.BooleanField(null=True, blank=True)
    structured_outputs = models.BooleanField(
        null=True, blank=True, help_text="Can follow a JSON schema."
    )
    code_execution = models.BooleanField(
        null=True, blank=True, help_text="Can run code it writes."
    )
    description = models.TextField(
        blank=True, help_text="What the model is for, Markdown."
    )
    lifecycle = models.CharField(
        max_length=20,
        choices=Lifecycle,
        default=Lifecycle.ACTIVE,
        db_index=True,
        help_text="Retired models keep their pages, clearly marked.",
    )
    deprecation_date = models.DateField(
        null=True, blank=True, help_text="When the vendor stops or stopped serving it."
    )

    objects = LLMModelQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "model"
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(context_window__isnull=True) | Q(context_window__gte=1),
                name="model_context_window_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_output_tokens__isnull=True)
                | Q(max_output_tokens__gte=1),
                name="model_max_output_positive",
            ),
            models.CheckConstraint(
                condition=Q(parameters_billions__isnull=True)
                | Q(parameters_billions__gt=0),
                name="model_parameters_positive",
            ),
            models.CheckConstraint(
                condition=~Q(slug__contains="-vs-"), name="model_slug_without_vs"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:model-detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.is_published_at(timezone.now())

    def is_published_at(self, moment: datetime) -> bool:
        """LLMModelQuerySet.published()'s rule for this one model."""
        return is_published_as_of(
            status=self.status, publish_at=self.publish_at, at=moment
        )

    def is_retired_on(self, day: date) -> bool:
        """LLMModelQuerySet.retired()'s rule: marked retired, or past its deprecation date."""
        return self.lifecycle == self.Lifecycle.RETIRED or (
            self.deprecation_date is not None and self.deprecation_date <= day
        )

    def capabilities(self) -> dict[str, bool | None]:
        return {name: getattr(self, name) for name in CAPABILITIES}


class OfferingQuerySet(models.QuerySet):
    def available(self) -> "OfferingQuerySet":
        return self.filter(is_available=True)


class Offering(TimeStampedModel):
    """A model served by a provider, at the provider's prices."""

    model = models.ForeignKey(
        LLMModel, on_delete=models.CASCADE, related_name="offerings"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="offerings"
    )
    provider_model_id = models.CharField(
        "provider's model id",
        max_length=200,
        blank=True,
        help_text="The name the provider's API uses, e.g. 'openai/gpt-4.1-mini'.",
    )
    input_price = _price_field("input price")
    output_price = _price_field("output price")
    cached_input_price = _price_field("cached input price")
    cache_write_price = _price_field("cache write price")
    context_window = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        validators=[validate_tokens],
        help_text="Only if this provider offers less context than the model has.",
    )
    is_available = models.BooleanField(
        "available",
        default=True,
        help_text="Untick when the provider stops serving it.",
    )
    url = _url_field("model page", "The provider's page for this model.")
    source_url = _url_field("price source", "Where the price was read.")
    checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the price was last checked at its source.",
    )

    objects = OfferingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("model", "provider__slug")
        indexes = [
            # "Continue comparing" finds the models nearest in blended price with
            # LIMITed range scans on this expression (comparisons.services); the
            # query must build the same expression, with BLEND_INDEX_WEIGHT.
            models.Index(
                F("input_price") * Value(BLEND_INDEX_WEIGHT)
                + F("output_price") * Value(1 - BLEND_INDEX_WEIGHT),
                name="offering_blended_price",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("model", "provider"), name="one_offering_per_provider"
            ),
            models.CheckConstraint(
                condition=Q(input_price__isnull=True) | Q(input_price__gte=0),
                name="offering_input_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(output_price__isnull=True) | Q(output_price__gte=0),
                name="offering_output_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(cached_input_price__isnull=True)
                | Q(cached_input_price__gte=0),
                name="offering_cached_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(cache_write_price__isnull=True)
                | Q(cache_write_price__gte=0),
                name="offering_cache_write_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(context_window__isnull=True) | Q(context_window__gte=1),
                name="offering_context_window_positive",
            ),
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._loaded_prices = self._prices() if self.pk else None

    def __str__(self) -> str:
        return f"{self.model} on {self.provider}"

    def save(self, *args, **kwargs) -> None:
        # Imported here: the change log reads this module's models.
        from catalog import changes

        # Keep the old price whenever it changes, however the change is made
        # (admin, import or shell): readers can see what a model cost on a day.
        # The offering and the earlier price it keeps are one change: written
        # together, and logged once.
        previous = self._loaded_prices
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False), changes.one_change():
            super().save(*args, **kwargs)
            current = self._prices()
            if (
                previous is not None
                and previous != current
                and previous != (None, None)
            ):
                # Every change with its moment: an edit and its revert on one day
                # are two entries, in the order they were made.
                now = timezone.now()
                PricePoint.objects.using(using).create(
                    offering=self,
                    until=timezone.localdate(now),
                    changed_at=now,
                    input_price=previous[0],
                    output_price=previous[1],
                )
        self._loaded_prices = current

    def clean(self) -> None:
        model_context = (
            getattr(self.model, "context_window", None) if self.model_id else None
        )
        if (
            self.context_window
            and model_context
            and self.context_window > model_context
        ):
            raise ValidationError(
                {
                    "context_window": OFFERING_CONTEXT_MESSAGE.format(
                        model_context=model_context
                    )
                }
            )

    def _prices(self) -> tuple[Decimal | None, Decimal | None]:
        def norm(value):
            return None if value is None else Decimal(value).normalize()

        return (norm(self.input_price), norm(self.output_price))


class PriceTier(models.Model):
    """Long-context prices that apply once a request's input exceeds a size."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="tiers"
    )
    above_tokens = models.PositiveBigIntegerField(
        validators=[validate_tokens],
        help_text="Applies when the input is longer than this.",
    )
    input_price = _price_field(
        "input price", null=False, help_text="US dollars per million tokens."
    )
    output_price = _price_field(
        "output price", null=False, help_text="US dollars per million tokens."
    )

    class Meta:
        ordering = ("offering", "above_tokens")
        constraints = [
            models.UniqueConstraint(
                fields=("offering", "above_tokens"), name="one_tier_per_size"
            ),
            models.CheckConstraint(
                condition=Q(above_tokens__gte=1), name="tier_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(input_price__gte=0) & Q(output_price__gte=0),
                name="tier_prices_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"above {self.above_tokens:,} tokens"


def price_change_moment(
    until: date, *, recorded_at: datetime | None = None, now: datetime | None = None
) -> datetime:
    """When a price known only by its last day stopped applying.

    An entry recorded on its own `until` day (an edit, as a backup carries it)
    keeps that moment; one dated by `until` alone (an import of older history)
    is placed at the end of that day, never later than now: the feed then dates
    it by its own day, not by the moment of the import.
    """
    if recorded_at is not None and timezone.localdate(recorded_at) == until:
        return recorded_at
    end_of_day = datetime.combine(until, time.max, tzinfo=UTC)
    return min(end_of_day, now or timezone.now())


class PricePoint(models.Model):
    """An earlier price of an offering, which applied until a moment."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="price_history"
    )
    until = models.DateField(help_text="The last day this price applied.")
    changed_at = models.DateTimeField(
        db_index=True,
        help_text="When it was replaced: the moment of the edit, or the end of "
        "its last day for history imported with a date only.",
    )
    input_price = _price_field("input price")
    output_price = _price_field("output price")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("offering", "changed_at", "id")
        verbose_name = "earlier price"
        constraints = [
            models.CheckConstraint(
                condition=(Q(input_price__isnull=True) | Q(input_price__gte=0))
                & (Q(output_price__isnull=True) | Q(output_price__gte=0)),
                name="price_point_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"until {self.until:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        if self.changed_at is None and self.until is not None:
            self.changed_at = price_change_moment(
                self.until, recorded_at=self.created_at
            )
        super().save(*args, **kwargs)


class Score(TimeStampedModel):
    model = models.ForeignKey(LLMModel, on_delete=models.CASCADE, related_name="scores")
    benchmark = models.ForeignKey(
        Benchmark, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="In the benchmark's unit."
    )
    is_verified = models.BooleanField(
        "independently verified",
        default=False,
        help_text="Tick when measured independently; otherwise it is shown as vendor-reported.",
    )
    source_url = _url_field("source", "A page that states this score.")
    measured_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("benchmark", "-value")
        constraints = [
            models.UniqueConstraint(
                fields=("model", "benchmark"), name="one_score_per_benchmark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} on {self.benchmark}: {self.value.normalize()}"


class Review(TimeStampedModel):
    """An editor's dated review of a model, with the sources read."""

    model = models.ForeignKey(
        LLMModel, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField()
    reviewer = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, help_text="One line.")
    body = models.TextField(blank=True, help_text="Markdown.")
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_url_list],
        help_text="Web addresses read.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("model", "-reviewed_on")
        constraints = [
            models.UniqueConstraint(
                fields=("model", "reviewed_on", "reviewer"),
                name="one_review_per_reviewer_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} reviewed {self.reviewed_on:%Y-%m-%d} by {self.reviewer}"


class ChangeKind(models.TextChoices):
    """What a change-log entry is about, as the partner feed names it."""

    VENDOR = "vendor", "vendor"
    PROVIDER = "provider", "provider"
    BENCHMARK = "benchmark", "benchmark"
    MODEL = "model", "model"
    OFFERING = "offering", "offering"
    SCORE = "score", "score"
    REVIEW = "review", "review"
    COMPARISON = "comparison", "comparison"


class ChangeLogEntry(models.Model):
    """One object partners can see (or could) that changed; catalog/changes.py."""

    # The feed's cursor: ids are handed out in commit order (catalog/changes.py).
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=ChangeKind)
    slug = models.CharField(
        max_length=200,
        help_text="The object's slug; an offering's, score's or review's model; "
        "a comparison's pair.",
    )
    keys = models.JSONField(help_text="The object's natural key, as partners see it.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "change-log entry"
        verbose_name_plural = "change log"
        indexes = [
            models.Index(fields=("kind", "slug", "at"), name="changelog_kind_slug_at"),
            models.Index(fields=("at",), name="changelog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.keys} at {self.at:%Y-%m-%d %H:%M:%S}"


class ChangeLogPruning(models.Model):
    """A run that dropped the change log's entries older than its window."""

    pruned_through = models.BigIntegerField(
        help_text="Entries up to this id are gone; an older cursor answers 410."
    )
    cutoff = models.DateTimeField(
        help_text="Entries recorded before this were dropped."
    )
    pruned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-pruned_through",)

    def __str__(self) -> str:
        return f"pruned through {self.pruned_through}"
