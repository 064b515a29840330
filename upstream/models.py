"""Upstream data kept apart from the catalog: syncs, change sets, identities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.models import LLMModel, Offering


class SyncRun(models.Model):
    """One sync or editor's import, from the request to its result."""

    class Kind(models.TextChoices):
        SYNC = "sync", "Sync"
        IMPORT = "import", "Import"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        PREVIEWED = "previewed", "Waiting for confirmation"
        SUCCEEDED = "succeeded", "Done"
        NOT_MODIFIED = "not-modified", "Source not modified"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SYNC)
    status = models.CharField(
        max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    # True while the run may still write to the catalog; at most one such run.
    is_active = models.BooleanField(default=True)
    source = models.CharField(
        max_length=500, help_text="The address or file name the data came from."
    )
    file_name = models.CharField(max_length=255, blank=True)
    # An uploaded file, gzipped, kept until the run ends (the worker reads it).
    upload = models.BinaryField(null=True, blank=True, editable=False)
    dry_run = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(
        max_length=200, blank=True, help_text="host:process of the worker running it."
    )
    task_id = models.CharField(max_length=64, blank=True)
    progress = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    change_set = models.ForeignKey(
        "ChangeSet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )

    class Meta:
        ordering = ("-requested_at", "-id")
        verbose_name = "sync or import"
        verbose_name_plural = "syncs and imports"
        constraints = [
            models.UniqueConstraint(
                fields=("is_active",),
                condition=Q(is_active=True),
                name="one_active_sync",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} from {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("admin:upstream_syncrun_change", args=[self.pk])


class ChangeSet(models.Model):
    """What one sync found different between a source and the catalog."""

    source = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "change set"

    def __str__(self) -> str:
        return f"Change set {self.pk} ({self.source}, {self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return (
            reverse("admin:upstream_upstreamchange_changelist")
            + f"?change_set__id__exact={self.pk}"
        )


class UpstreamChangeQuerySet(models.QuerySet):
    def pending(self) -> "UpstreamChangeQuerySet":
        return self.filter(status=UpstreamChange.Status.PENDING)


class UpstreamChange(models.Model):
    """One difference between upstream and the catalog, and what became of it."""

    class Kind(models.TextChoices):
        NEW_MODEL = "new-model", "New model"
        NEW_OFFERING = "new-offering", "New offering"
        FIELD = "field", "Field change"
        GONE = "no-longer-listed", "No longer listed upstream"

    class Topic(models.TextChoices):
        NEW_MODEL = "new-model", "New model"
        NEW_OFFERING = "new-offering", "New offering"
        PRICE = "price", "Price"
        LIMITS = "limits", "Context and output limits"
        DEPRECATION = "deprecation", "Deprecation"
        RENAME = "rename", "Rename"
        CAPABILITIES = "capabilities", "Capabilities and modalities"
        DATES = "dates", "Release date and knowledge cutoff"
        FACTS = "facts", "Other facts"
        AVAILABILITY = "availability", "Availability"
        GONE = "no-longer-listed", "No longer listed"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    change_set = models.ForeignKey(
        ChangeSet, on_delete=models.PROTECT, related_name="changes"
    )
    source = models.CharField(max_length=500, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind)
    topic = models.CharField(max_length=20, choices=Topic, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    model = models.ForeignKey(
        LLMModel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="upstream_changes",
        help_text="Empty for a model the catalog does not have yet.",
    )
    offering = models.ForeignKey(
        Offering,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="upstream_changes",
    )
    subject = models.CharField(
        max_length=300, help_text="The model (and provider) the change is about."
    )
    vendor_slug = models.CharField("vendor", max_length=80, blank=True, db_index=True)
    provider_slug = models.CharField(
        "provider", max_length=80, blank=True, db_index=True
    )
    upstream_key = models.CharField(max_length=300, blank=True)
    field = models.CharField(max_length=60, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    is_editor_owned = models.BooleanField(
        "editor-owned",
        default=False,
        help_text="An editor changed this field since upstream last set it.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects = UpstreamChangeQuerySet.as_manager()

    class Meta:
        ordering = ("model__name", "model_id", "upstream_key", "provider_slug", "id")
        verbose_name = "upstream change"
        indexes = [
            models.Index(fields=("source", "status"), name="upstream_change_open"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FIELD:
            return f"{self.subject}: {self.field}"
        return f"{self.subject}: {self.get_kind_display().lower()}"


class UpstreamLink(models.Model):
    """An upstream entry known to be a catalog model ("this is the same model")."""

    source = models.CharField(max_length=200)
    key = models.CharField(
        max_length=400,
        help_text="The entry's identity upstream; for models.dev 'provider/model id'.",
    )
    provider_slug = models.CharField(max_length=80, blank=True)
    model = models.ForeignKey(
        LLMModel, on_delete=models.CASCADE, related_name="upstream_links"
    )
    is_listed = models.BooleanField(
        default=True, help_text="Whether the source listed it at its latest sync."
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who linked it; empty when matched automatically.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("source", "key")
        verbose_name = "upstream link"
        constraints = [
            models.UniqueConstraint(
                fields=("source", "key"), name="one_link_per_upstream_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key} → {self.model}"


class UpstreamValue(models.Model):
    """The values upstream last set (or agreed with) on one model or offering.

    A catalog value that differs from it was changed by an editor since, so the
    field is the editor's: upstream changes to it wait for review.
    """

    source = models.CharField(max_length=200)
    model = models.ForeignKey(LLMModel, on_delete=models.CASCADE, related_name="+")
    offering = models.ForeignKey(
        Offering, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("source", "model"),
                condition=Q(offering__isnull=True),
                name="one_upstream_value_per_model",
            ),
            models.UniqueConstraint(
                fields=("source", "offering"),
                condition=Q(offering__isnull=False),
                name="one_upstream_value_per_offering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.offering or self.model}"


class SourceState(models.Model):
    """What a source answered last time, for a conditional request next time."""

    url = models.CharField(max_length=500, unique=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.url
