"""Turn an admin page's forms back into the POST data a browser would send."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime


def _widget_data(bound_field) -> dict[str, str]:
    widget = bound_field.field.widget
    while hasattr(widget, "widget"):  # RelatedFieldWidgetWrapper and friends
        widget = widget.widget
    name = bound_field.html_name
    value = bound_field.value()
    if isinstance(widget, AdminSplitDateTime | forms.SplitDateTimeWidget):
        if isinstance(value, list | tuple):  # a bound form: already two strings
            return {f"{name}_0": value[0] or "", f"{name}_1": value[1] or ""}
        date, time = widget.decompress(value)
        return {
            f"{name}_0": date.isoformat() if date else "",
            f"{name}_1": time.strftime("%H:%M:%S") if time else "",
        }
    if isinstance(widget, forms.NullBooleanSelect):
        return {name: {True: "true", False: "false"}.get(value, "unknown")}
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if value is None:
        return {name: ""}
    return {name: str(value)}


def form_data(form) -> dict[str, str]:
    data = {}
    for bound_field in form:
        data.update(_widget_data(bound_field))
    return data


def change_form_data(response) -> dict[str, str]:
    """Everything the admin change (or revert) form on this page would post."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def field_errors(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


def inline_errors(response, prefix: str) -> list[dict]:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [dict(form.errors) for form in inline.formset.forms]
    raise AssertionError(f"no inline {prefix}")
