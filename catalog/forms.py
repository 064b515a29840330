"""Admin forms for editors: edit locking, inline checks and the "Mark reviewed" form."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Max
from django.utils import timezone

from catalog.models import OFFERING_CONTEXT_MESSAGE

VERSION_FIELD = "loaded_version"
# Fields every save changes: not news when listing what another editor did.
HISTORY_BOOKKEEPING = ("id", "created_at", "updated_at")
STALE_EDIT_MESSAGE = (
    "Someone else saved this record after you opened it, so your changes were "
    "not saved. Their changes: {changes}. Your edits are still in the form below: "
    "check them, then save again to replace their values with yours."
)
STALE_EDIT_UNKNOWN_CHANGES = "the record was saved again (no field differs from yours)"
SOURCES_MESSAGE = "Line {line} is not a web address (http or https): {value}"
SOURCES_REQUIRED_MESSAGE = "List at least one source you checked, one address per line."


def _version_token(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _display(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(empty)"
    return str(value)


class LockedModelForm(forms.ModelForm):
    """A change form that refuses to overwrite a save made after it was opened.

    The form carries the record's version as it was when the editor opened it:
    the latest `updated_at` of the record and of the rows edited inline with it
    (`locked_relations`). If any of them has been saved since, the save is
    refused with a list of what the other editor changed; the submitted data
    stays in the form, and the carried version moves on, so saving again
    deliberately overwrites.
    """

    locked_relations: tuple[str, ...] = ()

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._current = None
        self._version = ""
        if self.instance.pk:
            # Read from the database rather than the instance: the revert form
            # is built from an old revision, whose updated_at is not current.
            self._current = (
                type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            )
        if self._current is not None:
            stamps = [self._current.updated_at]
            for relation in self.locked_relations:
                stamps.append(
                    getattr(self._current, relation).aggregate(
                        latest=Max("updated_at")
                    )["latest"]
                )
            self._version = _version_token(max(s for s in stamps if s is not None))
            self.fields[VERSION_FIELD].initial = self._version

    def clean(self) -> dict:
        cleaned = super().clean()
        if self._current is None:
            return cleaned
        loaded = self.data.get(self.add_prefix(VERSION_FIELD), "")
        if loaded and loaded != self._version:
            try:
                loaded_at = dt.datetime.fromisoformat(loaded)
            except ValueError:
                loaded_at = None
            changes = self._changes_since(loaded_at) if loaded_at else []
            # Carry the new version, so the next save, made knowingly, goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = self._version
            raise ValidationError(
                STALE_EDIT_MESSAGE.format(
                    changes="; ".join(changes) or STALE_EDIT_UNKNOWN_CHANGES
                ),
                code="stale",
            )
        return cleaned

    def _changes_since(self, loaded_at: dt.datetime) -> list[str]:
        """What the other editor changed, as 'field is now value' phrases."""
        labels = {
            name: field.label
            for name, field in self.fields.items()
            if name != VERSION_FIELD
        }
        own = _row_changes(self._current, loaded_at, only=labels)
        if own is None:  # no revision from before: compare with what was submitted
            own = [
                (label, _display(getattr(self._current, name)))
                for name, label in labels.items()
                if hasattr(self._current, name)
                and self.cleaned_data.get(name) != getattr(self._current, name)
            ]
        changes = [f"{label} is now {value}" for label, value in own]
        for relation in self.locked_relations:
            rows = getattr(self._current, relation).filter(updated_at__gt=loaded_at)
            for row in rows:
                row_changes = _row_changes(row, loaded_at)
                if row_changes is None:
                    changes.append(f"{row} was added")
                changes.extend(
                    f"{row}: {label} is now {value}"
                    for label, value in row_changes or ()
                )
        return changes


def _row_changes(
    row, loaded_at: dt.datetime, *, only: dict[str, str] | None = None
) -> list[tuple[str, str]] | None:
    """(label, new value) for each field changed since loaded_at; None if row is new."""
    if row.updated_at <= loaded_at:
        return []
    seen = (
        row.history.filter(updated_at__lte=loaded_at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if seen is None:
        return None
    changes = []
    for model_field in row._meta.concrete_fields:
        name = model_field.name
        if name in HISTORY_BOOKKEEPING or (only is not None and name not in only):
            continue
        if getattr(seen, model_field.attname) == getattr(row, model_field.attname):
            continue
        label = (only or {}).get(name) or model_field.verbose_name
        changes.append((str(label), _display(getattr(row, name))))
    return changes


class LLMModelAdminForm(LockedModelForm):
    # Offerings, scores and reviews are edited inline on the model's page.
    locked_relations = ("offerings", "scores", "reviews")


class ContextWithinModelFormSet(forms.BaseInlineFormSet):
    """Offerings cannot offer more context than the model they belong to.

    The model's own check cannot see a model that is being added in the same
    form, so the inline formset checks against the (possibly unsaved) parent.
    """

    def clean(self) -> None:
        super().clean()
        model_context = getattr(self.instance, "context_window", None)
        if not model_context:
            return
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            context = form.cleaned_data.get("context_window")
            if (
                context
                and context > model_context
                and not form.has_error("context_window")
            ):
                form.add_error(
                    "context_window",
                    OFFERING_CONTEXT_MESSAGE.format(model_context=model_context),
                )


class MarkReviewedForm(forms.Form):
    """One step to record that models were checked today against their sources."""

    reviewer = forms.CharField(max_length=200, help_text="Who checked the facts.")
    reviewed_on = forms.DateField(
        label="reviewed on", help_text="The day the facts were checked (YYYY-MM-DD)."
    )
    summary = forms.CharField(
        max_length=300, required=False, help_text="One line on what was checked."
    )
    sources = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="The web addresses you read, one per line.",
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["reviewer"].initial = (
                user.get_full_name() or user.get_username()
            )
        self.fields["reviewed_on"].initial = timezone.localdate()

    def clean_sources(self) -> list[str]:
        check = URLValidator(schemes=["http", "https"])
        lines = [line.strip() for line in self.cleaned_data["sources"].splitlines()]
        sources = [line for line in lines if line]
        for number, value in enumerate(lines, start=1):
            if not value:
                continue
            try:
                check(value)
            except ValidationError:
                raise ValidationError(
                    SOURCES_MESSAGE.format(line=number, value=value)
                ) from None
        if not sources:
            raise ValidationError(SOURCES_REQUIRED_MESSAGE)
        return list(dict.fromkeys(sources))
