# Long on purpose: the editors' review of upstream changes (list, decide, sync, import, export) as one admin.
"""The editors' side of upstream data: review changes, sync now, import, export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from catalog.exporting import catalog_export_chunks
from catalog.importing import CatalogError
from catalog.models import LLMModel
from upstream import tasks
from upstream.models import ChangeSet, SyncRun, UpstreamChange, UpstreamLink
from upstream.services import (
    LINK_NOT_NEW,
    SyncRefused,
    changes_accept,
    changes_reject,
    import_cancel,
    model_link,
    runs_reap,
)

UPLOAD_LIMIT_MESSAGE = "The file is larger than {limit:,} bytes."
NO_SOURCE_MESSAGE = "Give an address or choose a file."


def _value(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "; ".join(
                f"above {t.get('above_tokens'):,}: {t.get('input_price')} / "
                f"{t.get('output_price')}"
                for t in value
            )
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def _count_rows(counts: dict) -> list[tuple[str, int, int]]:
    """(kind, found, applied) per kind of change, for a run's result."""
    topics = dict(UpstreamChange.Topic.choices)
    applied = counts.get("applied") or counts.get("would apply") or {}
    return [
        (topics.get(topic, topic), found, applied.get(topic, 0))
        for topic, found in (counts.get("proposed") or {}).items()
    ]


# --- Upstream changes --------------------------------------------------------------


class ChangeStatusFilter(admin.SimpleListFilter):
    """Pending first: what is left to decide is what editors come for."""

    title = "status"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return UpstreamChange.Status.choices

    def choices(self, changelist):
        yield {
            "selected": self.value() == "",
            "query_string": changelist.get_query_string({self.parameter_name: ""}),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            current = self.value() or UpstreamChange.Status.PENDING
            yield {
                "selected": current == value and self.value() != "",
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": label,
            }

    def value(self):
        return self.used_parameters.get(self.parameter_name, None)

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.filter(status=UpstreamChange.Status.PENDING)
        if value == "":
            return queryset
        return queryset.filter(status=value)


class VendorFilter(admin.SimpleListFilter):
    title = "vendor"
    parameter_name = "vendor"

    def lookups(self, request, model_admin):
        slugs = (
            UpstreamChange.objects.exclude(vendor_slug="")
            .order_by("vendor_slug")
            .values_list("vendor_slug", flat=True)
            .distinct()
        )
        return [(slug, slug) for slug in slugs]

    def queryset(self, request, queryset):
        return queryset.filter(vendor_slug=self.value()) if self.value() else queryset


class ProviderFilter(admin.SimpleListFilter):
    title = "provider"
    parameter_name = "provider"

    def lookups(self, request, model_admin):
        slugs = (
            UpstreamChange.objects.exclude(provider_slug="")
            .order_by("provider_slug")
            .values_list("provider_slug", flat=True)
            .distinct()
        )
        return [(slug, slug) for slug in slugs]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(provider_slug=self.value())
        return queryset


class ChangeSetFilter(admin.SimpleListFilter):
    title = "change set"
    parameter_name = "change_set__id__exact"

    def lookups(self, request, model_admin):
        return [
            (str(pk), f"#{pk}, {created:%Y-%m-%d %H:%M}")
            for pk, created in ChangeSet.objects.values_list("pk", "created_at")[:30]
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(change_set_id=int(self.value()))
        return queryset


@admin.register(UpstreamChange)
class UpstreamChangeAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "what",
        "old",
        "new",
        "status",
        "is_editor_owned",
        "note",
        "change_set_link",
        "decision",
    )
    list_display_links = ("what",)
    list_filter = (
        ChangeStatusFilter,
        "topic",
        "kind",
        VendorFilter,
        ProviderFilter,
        ChangeSetFilter,
    )
    search_fields = ("subject", "upstream_key", "field")
    # Grouped by model: a model's own rows, then its offerings' rows by provider;
    # models the catalog does not have yet (no model) come together at the end.
    ordering = (
        "model__name",
        "model_id",
        "upstream_key",
        "provider_slug",
        "field",
        "id",
    )
    list_per_page = 200
    actions = ("accept", "reject")
    fields = (
        "subject",
        "kind",
        "topic",
        "field",
        "old",
        "new",
        "status",
        "is_editor_owned",
        "note",
        "source",
        "change_set",
        "upstream_key",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request).select_related("decided_by")
        model_id = request.GET.get("model__id__exact")
        if model_id and model_id.isdigit():
            queryset = queryset.filter(model_id=int(model_id))
        key = request.GET.get("upstream_key")
        if key:
            queryset = queryset.filter(upstream_key=key)
        return queryset

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        if lookup in ("model__id__exact", "upstream_key"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the record of what was proposed and decided is kept

    @admin.display(description="change", ordering="field")
    def what(self, obj: UpstreamChange) -> str:
        if obj.kind == UpstreamChange.Kind.FIELD:
            return obj.field
        if obj.field:  # a price tier no longer listed
            return f"{obj.field}: {obj.get_kind_display().lower()}"
        return obj.get_kind_display()

    @admin.display(description="now")
    def old(self, obj: UpstreamChange) -> str:
        if obj.kind != UpstreamChange.Kind.FIELD and not obj.field:
            return "—"
        return _value(obj.old_value)

    @admin.display(description="upstream")
    def new(self, obj: UpstreamChange) -> str:
        if obj.kind == UpstreamChange.Kind.NEW_MODEL:
            entry = obj.new_value or {}
            offers = ", ".join(o["provider"] for o in entry.get("offerings") or [])
            return f"{entry.get('name')} ({entry.get('vendor')}), offered by {offers}"
        if obj.kind == UpstreamChange.Kind.NEW_OFFERING:
            offer = obj.new_value or {}
            return (
                f"{offer.get('provider')}: input {_value(offer.get('input_price'))}, "
                f"output {_value(offer.get('output_price'))}"
            )
        if obj.kind == UpstreamChange.Kind.GONE:
            return "not listed any more"
        return _value(obj.new_value)

    @admin.display(description="change set", ordering="change_set")
    def change_set_link(self, obj: UpstreamChange) -> str:
        return format_html(
            '<a href="?change_set__id__exact={}&status__exact=">#{}</a>',
            obj.change_set_id,
            obj.change_set_id,
        )

    @admin.display(description="decided")
    def decision(self, obj: UpstreamChange) -> str:
        if obj.status == UpstreamChange.Status.PENDING:
            if obj.kind == UpstreamChange.Kind.NEW_MODEL:
                return format_html(
                    '<a href="{}">same as a model we have?</a>',
                    reverse("admin:upstream_upstreamchange_link", args=[obj.pk]),
                )
            if obj.model_id:
                return format_html(
                    '<a href="?model__id__exact={}">all of this model</a>',
                    obj.model_id,
                )
            return ""
        who = obj.decided_by.get_username() if obj.decided_by else "policy"
        when = f"{obj.decided_at:%Y-%m-%d}" if obj.decided_at else ""
        return f"{who} {when}".strip()

    @admin.action(description="Accept selected changes", permissions=("change",))
    def accept(self, request: HttpRequest, queryset) -> None:
        try:
            result = changes_accept(changes=queryset, user=request.user)
        except CatalogError as error:
            self.message_user(
                request,
                "Nothing was applied: " + "; ".join(error.errors[:10]),
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            f"Applied {result.applied} change{'s' if result.applied != 1 else ''}.",
            messages.SUCCESS,
        )

    @admin.action(description="Reject selected changes", permissions=("change",))
    def reject(self, request: HttpRequest, queryset) -> None:
        count = changes_reject(changes=queryset, user=request.user)
        self.message_user(
            request,
            f"Rejected {count} change{'s' if count != 1 else ''}; they are not "
            "proposed again until upstream changes them again.",
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/link/",
                self.admin_site.admin_view(self.link_view),
                name="upstream_upstreamchange_link",
            ),
            *super().get_urls(),
        ]

    def link_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """ "This is the same model": link a new upstream model to one we have."""
        if not (
            request.user.has_perm("upstream.add_upstreamlink")
            and self.has_change_permission(request)
        ):
            raise PermissionDenied
        change = get_object_or_404(UpstreamChange, pk=pk)
        changelist = reverse("admin:upstream_upstreamchange_changelist")
        form = LinkForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                added = model_link(
                    change=change, model=form.cleaned_data["model"], user=request.user
                )
            except ValueError:
                self.message_user(request, LINK_NOT_NEW, messages.ERROR)
                return HttpResponseRedirect(changelist)
            model = form.cleaned_data["model"]
            self.message_user(
                request,
                f"Linked to {model.name}: upstream's entries for it will be matched "
                f"to it from now on ({added} difference{'s' if added != 1 else ''} "
                "found).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{changelist}?model__id__exact={model.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Link “{change.subject}” to a model of the catalog",
            "opts": self.model._meta,
            "change": change,
            "entry": change.new_value or {},
            "form": form,
            "media": self.media + form.media,
        }
        return render(request, "admin/upstream/upstreamchange/link.html", context)


class LinkForm(forms.Form):
    model = forms.ModelChoiceField(
        queryset=LLMModel.objects.all(),
        label="The same model as",
        help_text="Upstream's entries are then matched to this model for good.",
    )

    def __init__(self, *args, admin_site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].widget = AutocompleteSelect(
            UpstreamChange._meta.get_field("model"), admin_site
        )


# --- Change sets and links ------------------------------------------------------------


@admin.register(ChangeSet)
class ChangeSetAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "summary", "created_at")
    readonly_fields = ("source", "created_at", "counts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="differences")
    def summary(self, obj: ChangeSet) -> str:
        proposed = (obj.counts or {}).get("proposed", {})
        topics = dict(UpstreamChange.Topic.choices)
        text = ", ".join(f"{topics.get(k, k)} {n}" for k, n in proposed.items())
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text or "—")


@admin.register(UpstreamLink)
class UpstreamLinkAdmin(admin.ModelAdmin):
    list_display = ("key", "source", "model", "is_listed", "linked_by", "created_at")
    list_filter = ("source", "is_listed")
    search_fields = ("key", "model__name", "model__slug")
    list_select_related = ("model", "linked_by")
    readonly_fields = ("source", "key", "provider_slug", "model", "linked_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # links are made from a new model's row

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- Syncs, imports and exports ---------------------------------------------------------


class SyncForm(forms.Form):
    url = forms.URLField(
        label="Address",
        required=False,
        assume_scheme="https",
        help_text="The models.dev aggregate or a catalog/1 document on the web.",
    )
    file = forms.FileField(
        required=False,
        help_text="Or a file: models.dev api.json (gzipped or not) or catalog/1.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file"):
            raise forms.ValidationError(NO_SOURCE_MESSAGE)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A catalog/1 document or the models.dev api.json aggregate.",
    )


def _upload(form: forms.Form) -> tuple[bytes | None, str]:
    upload = form.cleaned_data.get("file")
    if not upload:
        return None, ""
    from django.conf import settings

    if upload.size > settings.VERSUS_UPSTREAM_MAX_BYTES:
        form.add_error(
            "file",
            UPLOAD_LIMIT_MESSAGE.format(limit=settings.VERSUS_UPSTREAM_MAX_BYTES),
        )
        return None, ""
    return upload.read(), upload.name


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "progress_or_result",
        "requested_by",
        "requested_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    list_select_related = ("requested_by", "change_set")
    fields = (
        "kind",
        "status",
        "source",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "progress",
        "message",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # started with "Sync now" or "Import"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def can_start(self, request: HttpRequest) -> bool:
        return request.user.has_perm("upstream.add_syncrun")

    @admin.display(description="progress or result")
    def progress_or_result(self, obj: SyncRun) -> str:
        return obj.message if obj.finished_at else obj.progress

    def changelist_view(self, request: HttpRequest, extra_context=None):
        runs_reap()
        extra_context = {
            **(extra_context or {}),
            "can_start": self.can_start(request),
            "can_export": request.user.has_perm("catalog.view_llmmodel"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        runs_reap()
        run = get_object_or_404(SyncRun, pk=object_id)
        preview = run.preview or {}
        extra_context = {
            **(extra_context or {}),
            "run": run,
            "is_active": run.is_active,
            "preview": preview,
            "count_rows": _count_rows(run.counts or {}),
            "can_confirm": run.status == SyncRun.Status.PREVIEWED
            and self.can_start(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("sync-now/", view(self.sync_view), name="upstream_syncrun_sync"),
            path("import/", view(self.import_view), name="upstream_syncrun_import"),
            path(
                "<int:pk>/confirm/",
                view(self.confirm_view),
                name="upstream_syncrun_confirm",
            ),
            path(
                "<int:pk>/cancel/",
                view(self.cancel_view),
                name="upstream_syncrun_cancel",
            ),
            path("export/", view(self.export_view), name="upstream_syncrun_export"),
            *super().get_urls(),
        ]

    def _page(self, request, *, title: str, form, intro: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "intro": intro,
        }
        return render(request, "admin/upstream/syncrun/start.html", context)

    def sync_view(self, request: HttpRequest) -> HttpResponse:
        """Sync now: in the background; a second while one runs is refused."""
        if not self.can_start(request):
            raise PermissionDenied
        from django.conf import settings

        form = SyncForm(
            request.POST or None,
            request.FILES or None,
            initial={"url": settings.VERSUS_UPSTREAM_URL},
        )
        if request.method == "POST" and form.is_valid():
            upload, name = _upload(form)
            if form.is_valid():
                try:
                    run = tasks.sync_enqueue(
                        user=request.user,
                        source=name or form.cleaned_data["url"],
                        upload=upload,
                        file_name=name,
                    )
                except SyncRefused as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return HttpResponseRedirect(
                        reverse("admin:upstream_syncrun_changelist")
                    )
                self.message_user(
                    request, "The sync has started in the background.", messages.INFO
                )
                return HttpResponseRedirect(run.get_absolute_url())
        return self._page(
            request,
            title="Sync now",
            form=form,
            intro="Compare upstream data with the catalog. What the policy allows "
            "is applied; everything else waits in Upstream changes.",
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Import a file: a per-field preview first, then confirm or cancel."""
        if not (
            self.can_start(request) and request.user.has_perm("catalog.change_llmmodel")
        ):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload, name = _upload(form)
            if form.is_valid():
                try:
                    run = tasks.import_enqueue(
                        user=request.user, upload=upload, file_name=name
                    )
                except SyncRefused as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return HttpResponseRedirect(
                        reverse("admin:upstream_syncrun_changelist")
                    )
                return HttpResponseRedirect(run.get_absolute_url())
        return self._page(
            request,
            title="Import a file",
            form=form,
            intro="Nothing is written until you have seen every difference and "
            "confirmed. The file is imported whole or not at all.",
        )

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not self.can_start(request):
            raise PermissionDenied
        run = get_object_or_404(SyncRun, pk=pk)
        try:
            tasks.import_confirm_enqueue(run=run, user=request.user)
        except SyncRefused as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(run.get_absolute_url())

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not self.can_start(request):
            raise PermissionDenied
        run = get_object_or_404(SyncRun, pk=pk)
        import_cancel(run=run)
        self.message_user(request, "Import cancelled; nothing was written.")
        return HttpResponseRedirect(run.get_absolute_url())

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The whole catalog, drafts included, as a catalog/1 download."""
        if not request.user.has_perm("catalog.view_llmmodel"):
            raise PermissionDenied
        stamp = timezone.now().strftime("%Y-%m-%d")
        response = StreamingHttpResponse(
            catalog_export_chunks(), content_type="application/json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="versus-catalog-{stamp}.json"'
        )
        return response
