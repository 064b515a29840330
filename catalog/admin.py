# Long on purpose: one ModelAdmin per catalog table, registered together so the editors' admin reads in one place.
"""The editors' admin: the catalog, its history and reviews."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count, JSONField, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.admin import SimpleHistoryAdmin

from catalog import changes
from catalog.extensions import paired_model_ids
from catalog.forms import (
    VERSION_FIELD,
    ContextWithinModelFormSet,
    LLMModelAdminForm,
    LockedModelForm,
    MarkReviewedForm,
)
from catalog.models import (
    CAPABILITIES,
    Benchmark,
    LLMModel,
    Offering,
    PricePoint,
    PriceTier,
    Provider,
    Review,
    Score,
    Vendor,
)
from catalog.services import review_record
from vocabulary.slugs import pair_slug

PREVIEW_QUERY = "preview=1"
# How many of a draft's stablemates the admin offers as pair previews.
PAIR_PREVIEW_SIBLINGS = 5
# Bookkeeping fields that change on every save: they say nothing in a diff.
HISTORY_DIFF_EXCLUDED = ("created_at", "updated_at")
NO_MODELS_SELECTED_MESSAGE = "Choose at least one model to mark as reviewed."


def preview_url(model: LLMModel) -> str:
    """The model's page as readers will see it, shown to staff even while a draft."""
    return f"{model.get_absolute_url()}?{PREVIEW_QUERY}"


def pair_preview_url(model: LLMModel, other: LLMModel) -> str:
    """A pair page as readers will see it, drafts included for staff."""
    pair = pair_slug(model.slug, other.slug)
    return reverse("comparisons:pair", args=[pair]) + f"?{PREVIEW_QUERY}"


def pair_preview_partners(model: LLMModel) -> list[LLMModel]:
    """Models worth previewing a draft against: curated pairs, then its siblings."""
    # Pairs other apps keep rows about (curated comparisons): catalog/extensions.py.
    partner_ids = paired_model_ids(model.pk)
    partners = list(LLMModel.objects.filter(pk__in=partner_ids).order_by("name"))
    siblings = (
        LLMModel.objects.published()
        .filter(vendor_id=model.vendor_id)
        .exclude(pk__in=[model.pk, *partner_ids])
        .order_by("-release_date", "name")[:PAIR_PREVIEW_SIBLINGS]
    )
    return partners + list(siblings)


def site_url(model: LLMModel) -> str:
    """Where "View on site" goes: the live page, or the preview of a draft."""
    return model.get_absolute_url() if model.is_published else preview_url(model)


class CatalogAdmin(SimpleHistoryAdmin):
    """Base for catalog content: revisions with diffs, revert, and edit locking."""

    form = LockedModelForm
    save_on_top = True
    # Modality and source lists are short JSON arrays: no need for a tall box.
    formfield_overrides = {
        JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self.one_change(request):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with self.one_change(request):
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    @contextmanager
    def one_change(self, request: HttpRequest) -> Iterator[None]:
        """A page saved with its inlines is one change: each object logged once."""
        if request.method != "POST":
            yield
            return
        with (
            transaction.atomic(using=router.db_for_write(self.model)),
            changes.one_change(),
        ):
            yield

    def set_history_delta_changes(
        self, request, historical_records, foreign_keys_are_objs=True
    ) -> None:
        # simple-history's own loop, minus the timestamps every save changes.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=HISTORY_DIFF_EXCLUDED,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


# --- Vendors, providers, benchmarks ---------------------------------------------


@admin.register(Vendor)
class VendorAdmin(CatalogAdmin):
    list_display = ("name", "slug", "model_count", "website", "updated_at")
    search_fields = ("name", "slug")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(model_count=Count("models"))

    @admin.display(description="models", ordering="model_count")
    def model_count(self, obj: Vendor) -> int:
        return obj.model_count


@admin.register(Provider)
class ProviderAdmin(CatalogAdmin):
    list_display = ("name", "slug", "offering_count", "website", "updated_at")
    search_fields = ("name", "slug")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(offering_count=Count("offerings"))

    @admin.display(description="offerings", ordering="offering_count")
    def offering_count(self, obj: Provider) -> int:
        return obj.offering_count


@admin.register(Benchmark)
class BenchmarkAdmin(CatalogAdmin):
    list_display = ("name", "slug", "unit", "higher_is_better", "score_count")
    list_filter = ("higher_is_better", "unit")
    search_fields = ("name", "slug")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(score_count=Count("scores"))

    @admin.display(description="scores", ordering="score_count")
    def score_count(self, obj: Benchmark) -> int:
        return obj.score_count


# --- Models ------------------------------------------------------------------------


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return (
            ("live", "Live for readers"),
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
        )

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "draft":
            return queryset.drafts().filter(publish_at__isnull=True)
        if self.value() == "scheduled":
            return queryset.drafts().filter(publish_at__isnull=False)
        return queryset


class ReviewFreshnessFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return (
            ("never", "Never reviewed"),
            ("stale", f"Older than {settings.VERSUS_REVIEW_STALE_DAYS} days"),
            ("recent", "Recently reviewed"),
        )

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - dt.timedelta(
            days=settings.VERSUS_REVIEW_STALE_DAYS
        )
        recent = Review.objects.filter(reviewed_on__gte=cutoff).values("model")
        if self.value() == "never":
            return queryset.filter(reviews__isnull=True)
        if self.value() == "stale":
            return (
                queryset.filter(reviews__isnull=False).exclude(pk__in=recent).distinct()
            )
        if self.value() == "recent":
            return queryset.filter(pk__in=recent)
        return queryset


class OfferingInline(admin.TabularInline):
    model = Offering
    formset = ContextWithinModelFormSet
    fields = (
        "provider",
        "provider_model_id",
        "input_price",
        "output_price",
        "cached_input_price",
        "cache_write_price",
        "context_window",
        "is_available",
        "source_url",
        "checked_on",
    )
    autocomplete_fields = ("provider",)
    show_change_link = True  # tiers and price history live on the offering's page
    extra = 0

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("provider")


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ("benchmark", "value", "is_verified", "source_url", "measured_on")
    autocomplete_fields = ("benchmark",)
    extra = 0

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("benchmark")


class ReviewInline(admin.StackedInline):
    model = Review
    formfield_overrides = CatalogAdmin.formfield_overrides
    fields = (("reviewed_on", "reviewer"), "summary", "sources", "body")
    extra = 0


@admin.register(LLMModel)
class LLMModelAdmin(CatalogAdmin):
    form = LLMModelAdminForm
    list_display = (
        "name",
        "vendor",
        "publication",
        "lifecycle",
        "context_window",
        "open_weights",
        "release_date",
        "latest_review",
        "updated_at",
    )
    list_filter = (
        PublicationFilter,
        ReviewFreshnessFilter,
        ("vendor", admin.RelatedOnlyFieldListFilter),
        "lifecycle",
        "status",
        "open_weights",
        *CAPABILITIES,
    )
    search_fields = ("name", "slug", "vendor__name")
    list_select_related = ("vendor",)
    autocomplete_fields = ("vendor",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("preview_link", "review_link")
    ordering = ("name",)
    inlines = (OfferingInline, ScoreInline, ReviewInline)
    actions = ("mark_reviewed",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "vendor", "description", VERSION_FIELD)}),
        (
            "Publication",
            {
                "fields": (
                    ("status", "publish_at"),
                    "preview_link",
                    ("lifecycle", "deprecation_date"),
                    "review_link",
                )
            },
        ),
        (
            "Facts",
            {
                "fields": (
                    ("release_date", "knowledge_cutoff"),
                    ("context_window", "max_output_tokens"),
                    ("parameters_billions", "architecture"),
                    ("license", "open_weights"),
                    ("input_modalities", "output_modalities"),
                )
            },
        ),
        (
            "Capabilities",
            {
                "fields": (
                    ("vision", "multimodal", "reasoning"),
                    ("function_calling", "tool_use"),
                    ("structured_outputs", "code_execution"),
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(latest_review_on=Max("reviews__reviewed_on"))
        )

    def view_on_site(self, obj: LLMModel) -> str:
        return site_url(obj)

    @admin.display(description="publication", ordering="status")
    def publication(self, obj: LLMModel) -> str:
        if obj.status == LLMModel.Status.PUBLISHED:
            return "Published"
        if obj.publish_at is None:
            return "Draft"
        if obj.is_published:
            return f"Published {obj.publish_at:%Y-%m-%d %H:%M}"
        return f"Scheduled for {obj.publish_at:%Y-%m-%d %H:%M} UTC"

    @admin.display(description="latest review", ordering="latest_review_on")
    def latest_review(self, obj: LLMModel) -> str:
        return f"{obj.latest_review_on:%Y-%m-%d}" if obj.latest_review_on else "never"

    @admin.display(description="page")
    def preview_link(self, obj: LLMModel) -> str:
        if obj.pk is None:
            return "Save the model to see its page."
        if obj.is_published:
            return format_html(
                '<a href="{}">Live: open the page readers see</a>',
                obj.get_absolute_url(),
            )
        pairs = format_html_join(
            ", ",
            '<a href="{}" class="pair-preview-link">{}</a>',
            (
                (pair_preview_url(obj, other), other.name)
                for other in pair_preview_partners(obj)
            ),
        )
        return format_html(
            '<a href="{}" class="preview-link">Preview this draft</a> '
            "(only signed-in staff can open it; readers get “not found”).{}",
            preview_url(obj),
            format_html("<br>Preview it side by side with: {}", pairs) if pairs else "",
        )

    @admin.display(description="review")
    def review_link(self, obj: LLMModel) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Mark reviewed today</a>',
            reverse("admin:catalog_llmmodel_mark_reviewed") + f"?ids={obj.pk}",
        )

    def get_urls(self):
        return [
            path(
                "mark-reviewed/",
                self.admin_site.admin_view(self.mark_reviewed_view),
                name="catalog_llmmodel_mark_reviewed",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description="Mark selected models as reviewed", permissions=("add_review",)
    )
    def mark_reviewed(self, request: HttpRequest, queryset) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(
            reverse("admin:catalog_llmmodel_mark_reviewed") + f"?ids={ids}"
        )

    def has_add_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("catalog.add_review")

    def mark_reviewed_view(self, request: HttpRequest) -> HttpResponse:
        """Record a review of one or several models in one step."""
        if not self.has_add_review_permission(request):
            raise PermissionDenied
        raw_ids = request.POST.get("ids") or request.GET.get("ids") or ""
        ids = [
            int(part)
            for part in raw_ids.split(",")
            if part.strip().isascii() and part.strip().isdigit()
        ]
        models = list(LLMModel.objects.filter(pk__in=ids).order_by("name"))
        changelist = reverse("admin:catalog_llmmodel_changelist")
        if not models:
            self.message_user(request, NO_MODELS_SELECTED_MESSAGE, messages.WARNING)
            return HttpResponseRedirect(changelist)
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}
        ):
            next_url = ""
        if request.method == "POST":
            form = MarkReviewedForm(request.POST, user=request.user)
            if form.is_valid():
                review_record(
                    models=models,
                    reviewer=form.cleaned_data["reviewer"],
                    reviewed_on=form.cleaned_data["reviewed_on"],
                    sources=form.cleaned_data["sources"],
                    summary=form.cleaned_data["summary"],
                )
                names = ", ".join(model.name for model in models)
                self.message_user(
                    request, f"Recorded a review of {names}.", messages.SUCCESS
                )
                return HttpResponseRedirect(next_url or changelist)
        else:
            form = MarkReviewedForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Mark reviewed",
            "opts": self.model._meta,
            "form": form,
            "models": models,
            "ids": ",".join(str(model.pk) for model in models),
            "next_url": next_url,
        }
        return render(request, "admin/catalog/llmmodel/mark_reviewed.html", context)


# --- Offerings and prices ----------------------------------------------------------


class PriceCheckFilter(admin.SimpleListFilter):
    title = "price check"
    parameter_name = "price_check"

    def lookups(self, request, model_admin):
        return (
            ("stale", f"Not checked for {settings.VERSUS_PRICE_STALE_DAYS} days"),
            ("never", "Never checked"),
            ("recent", "Checked recently"),
        )

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - dt.timedelta(
            days=settings.VERSUS_PRICE_STALE_DAYS
        )
        if self.value() == "stale":
            return queryset.filter(
                Q(checked_on__lt=cutoff) | Q(checked_on__isnull=True)
            )
        if self.value() == "never":
            return queryset.filter(checked_on__isnull=True)
        if self.value() == "recent":
            return queryset.filter(checked_on__gte=cutoff)
        return queryset


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    fields = ("above_tokens", "input_price", "output_price")
    extra = 0


class PricePointInline(admin.TabularInline):
    """Earlier prices: kept automatically when a price changes, never edited."""

    model = PricePoint
    fields = ("until", "input_price", "output_price")
    readonly_fields = fields
    ordering = ("-until", "-id")
    extra = 0
    verbose_name_plural = "price history (newest first)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Offering)
class OfferingAdmin(CatalogAdmin):
    list_display = (
        "__str__",
        "provider",
        "input_price",
        "output_price",
        "is_available",
        "checked_on",
        "updated_at",
    )
    list_filter = (
        PriceCheckFilter,
        "is_available",
        ("provider", admin.RelatedOnlyFieldListFilter),
        ("model__vendor", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "model__name",
        "model__slug",
        "provider__name",
        "provider_model_id",
    )
    list_select_related = ("model", "provider")
    autocomplete_fields = ("model", "provider")
    ordering = ("model__name", "provider__name")
    inlines = (PriceTierInline, PricePointInline)
    fields = (
        ("model", "provider"),
        "provider_model_id",
        ("input_price", "output_price"),
        ("cached_input_price", "cache_write_price"),
        "context_window",
        "is_available",
        "url",
        ("source_url", "checked_on"),
        VERSION_FIELD,
    )

    def view_on_site(self, obj: Offering) -> str:
        return site_url(obj.model)


# --- Scores and reviews ------------------------------------------------------------


@admin.register(Score)
class ScoreAdmin(CatalogAdmin):
    list_display = ("model", "benchmark", "value", "is_verified", "measured_on")
    list_filter = ("is_verified", ("benchmark", admin.RelatedOnlyFieldListFilter))
    search_fields = ("model__name", "model__slug", "benchmark__name")
    list_select_related = ("model", "benchmark")
    autocomplete_fields = ("model", "benchmark")
    ordering = ("benchmark__name", "-value")


@admin.register(Review)
class ReviewAdmin(CatalogAdmin):
    list_display = ("model", "reviewed_on", "reviewer", "summary")
    list_filter = ("reviewer",)
    date_hierarchy = "reviewed_on"
    search_fields = ("model__name", "reviewer", "summary")
    list_select_related = ("model",)
    autocomplete_fields = ("model",)
    ordering = ("-reviewed_on", "model__name")


# The admin home with the review queue above the app list. A template of its own
# name, as the site's templates/ folder holds Jinja2 reader pages only.
admin.site.index_template = "admin/versus_index.html"
