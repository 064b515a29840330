"""Curated comparisons in the admin: their text, FAQ, and whether it still holds."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from catalog.admin import CatalogAdmin, pair_preview_url
from catalog.forms import VERSION_FIELD
from comparisons.models import Comparison, ComparisonFAQ
from comparisons.services.curated import (
    comparison_review_record,
    curated_changes_list,
)


class ComparisonFAQInline(admin.StackedInline):
    model = ComparisonFAQ
    fields = (("question", "position"), "answer")
    extra = 0


class CuratedTextFilter(admin.SimpleListFilter):
    title = "curated text"
    parameter_name = "curated"

    def lookups(self, request, model_admin):
        return (
            ("stale", "Out of date (withheld)"),
            ("current", "Shown to readers"),
        )

    def queryset(self, request, queryset):
        if self.value() not in ("stale", "current"):
            return queryset
        changes = curated_changes_list(
            comparisons=list(queryset.select_related("model_a", "model_b"))
        )
        stale = [pk for pk, found in changes.items() if found]
        if self.value() == "stale":
            return queryset.filter(pk__in=stale)
        return queryset.exclude(pk__in=stale)


@admin.register(Comparison)
class ComparisonAdmin(CatalogAdmin):
    list_display = ("__str__", "is_featured", "faq_count", "text_status", "updated_at")
    list_filter = (CuratedTextFilter, "is_featured")
    readonly_fields = ("review_state",)
    actions = ("mark_text_reviewed",)
    list_editable = ("is_featured",)
    search_fields = ("model_a__name", "model_a__slug", "model_b__name", "model_b__slug")
    list_select_related = ("model_a", "model_b")
    autocomplete_fields = ("model_a", "model_b")
    ordering = ("-is_featured", "model_a__name", "model_b__name")
    inlines = (ComparisonFAQInline,)
    fields = (
        ("model_a", "model_b"),
        "is_featured",
        "intro",
        "verdict",
        "review_state",
        VERSION_FIELD,
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(faq_count=Count("faq_entries"))

    def _changes_of(self, obj: Comparison) -> tuple:
        # Kept on the row, not on this admin: one admin serves every request,
        # so what it kept would describe another request's rows.
        changes = getattr(obj, "_curated_changes", None)
        if changes is None:
            changes = curated_changes_list(comparisons=[obj]).get(obj.pk, ())
            obj._curated_changes = changes
        return changes

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # Read once per page, for every row's status.
        rows = list(changelist.result_list)
        changes = curated_changes_list(comparisons=rows)
        for row in rows:
            row._curated_changes = changes.get(row.pk, ())
        return changelist

    @admin.display(description="Curated text")
    def text_status(self, obj: Comparison) -> str:
        return "Out of date: withheld" if self._changes_of(obj) else "Shown"

    @admin.display(description="Facts behind the text")
    def review_state(self, obj: Comparison) -> str:
        if obj.pk is None:
            return "Recorded when you save."
        reviewed = (
            f"Recorded {obj.reviewed_at:%Y-%m-%d %H:%M} UTC"
            + (f" by {obj.reviewed_by}" if obj.reviewed_by else "")
            if obj.reviewed_at
            else "Not recorded yet"
        )
        changes = self._changes_of(obj)
        if not changes:
            return f"{reviewed}. They still hold: readers see the curated text."
        return format_html(
            "{}. Changed since, so readers see the generated text instead:"
            "<ul>{}</ul>Saving this form (or the “mark reviewed” action) "
            "records today's facts and shows the curated text again.",
            reviewed,
            format_html_join("", "<li>{}</li>", ((str(c),) for c in changes)),
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Saving the change form means the editor stands by the text as it now
        # reads, against today's facts. The changelist's "featured" toggle also
        # comes here, without the FAQ formset: that one says nothing about the
        # text, so it records nothing.
        if formsets or not change:
            comparison_review_record(
                comparisons=[form.instance], reviewer=request.user.get_username()
            )

    def get_urls(self):
        return [
            path(
                "<int:pk>/mark-reviewed/",
                self.admin_site.admin_view(self.mark_reviewed_view),
                name="comparisons_comparison_mark_reviewed",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description="Mark curated text of selected comparisons reviewed",
        permissions=("change",),
    )
    def mark_text_reviewed(self, request: HttpRequest, queryset) -> None:
        comparisons = list(queryset.select_related("model_a", "model_b"))
        comparison_review_record(
            comparisons=comparisons, reviewer=request.user.get_username()
        )
        self.message_user(
            request,
            f"Recorded today's facts for {len(comparisons)} curated "
            "comparison(s); their text is shown again.",
            messages.SUCCESS,
        )

    def mark_reviewed_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm, then record that the curated text still holds against today's facts."""
        comparison = (
            Comparison.objects.select_related("model_a", "model_b")
            .filter(pk=pk)
            .first()
        )
        if comparison is None:
            raise Http404("No such curated comparison.")
        if not self.has_change_permission(request, comparison):
            raise PermissionDenied
        if request.method == "POST":
            comparison_review_record(
                comparisons=[comparison], reviewer=request.user.get_username()
            )
            self.message_user(
                request,
                f"Recorded today's facts for {comparison}; its curated text is "
                "shown again.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:index"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Mark the curated text of {comparison} reviewed",
            "opts": self.model._meta,
            "comparison": comparison,
            "changes": [str(c) for c in self._changes_of(comparison)],
            "change_url": reverse("admin:comparisons_comparison_change", args=[pk]),
        }
        return render(
            request, "admin/comparisons/comparison/mark_reviewed.html", context
        )

    def view_on_site(self, obj: Comparison) -> str:
        if obj.model_a.is_published and obj.model_b.is_published:
            return obj.get_absolute_url()
        return pair_preview_url(obj.model_a, obj.model_b)

    @admin.display(description="FAQ entries", ordering="faq_count")
    def faq_count(self, obj: Comparison) -> int:
        return obj.faq_count
