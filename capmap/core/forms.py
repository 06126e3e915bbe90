"""Turn Django form fields into the parameters of NHS.UK frontend components.

Templates call `app_field(form.x)` and `app_error_summary(form)` (see
core/jinja2/components), so every form shows errors the NHS.UK way with no logic
in page templates.
"""

from django import forms


def _component_for(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def _input_type(widget: forms.Widget) -> str:
    if isinstance(widget, forms.DateInput):
        return "date"
    return getattr(widget, "input_type", "text") or "text"


def _selected_values(bound: forms.BoundField) -> set[str]:
    value = bound.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


def field_params(bound: forms.BoundField, extra: dict | None = None) -> dict:
    widget = bound.field.widget
    component = _component_for(widget)
    params: dict = {
        "component": component,
        "id": bound.id_for_label or bound.auto_id,
        "name": bound.html_name,
        "label": {"text": bound.label},
        "hint": {"text": str(bound.help_text)} if bound.help_text else None,
        "errorMessage": {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None,
    }
    attributes = {k: v for k, v in widget.attrs.items() if k not in {"class", "id"}}
    if bound.field.required and component in {"input", "textarea", "select"}:
        attributes.setdefault("required", True)
    params["attributes"] = attributes
    selected = _selected_values(bound)
    if component in {"select", "radios", "checkboxes"}:
        params["items"] = [
            {
                "value": str(value),
                "text": str(label),
                "selected": str(value) in selected,
                "checked": str(value) in selected,
            }
            for value, label in bound.field.choices
        ]
        params["legend"] = {"text": bound.label}
    elif component == "checkbox":
        params["items"] = [{"value": "on", "text": bound.label, "checked": bool(bound.value())}]
    elif component == "input":
        params["type"] = _input_type(widget)
        value = bound.value()
        if params["type"] == "date" and hasattr(value, "isoformat"):
            value = value.isoformat()
        params["value"] = "" if value is None or params["type"] == "password" else str(value)
        if isinstance(bound.field, forms.EmailField):
            params["autocomplete"] = "email"
            params["spellcheck"] = False
    elif component == "textarea":
        value = bound.value()
        params["value"] = "" if value is None else str(value)
    if extra:
        params.update(extra)
    return params


def error_list(form: forms.Form) -> list[dict]:
    """The form's errors as NHS.UK error-summary items, each linking to its field."""
    items = []
    for name, errors in form.errors.items():
        href = f"#{form[name].auto_id}" if name in form.fields else None
        for error in errors:
            items.append({"text": str(error), "href": href})
    return items
