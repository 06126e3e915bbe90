"""Turn Django form fields into the parameters of NHS.UK frontend components.

Templates call `app_field(form.x)` and `app_error_summary(form)` (see
core/jinja2/components), so every form shows errors the NHS.UK way with no logic
in page templates.
"""

from django import forms
from django.forms.utils import pretty_name


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


# --- Plain error messages -------------------------------------------------------------
# Django's defaults ("This field is required.", "Enter a valid date.") name no field and
# say nothing of what to do. Every Capmap form derives its messages from each field's
# label and kind instead (NHS.UK style: "Enter the title", "Select the team"); a field
# given its own `error_messages` keeps them.

_DETERMINERS = ("the ", "a ", "an ", "your ", "their ", "who ", "what ", "which ", "whose ")
_DETERMINERS += ("how ", "when ", "where ", "why ", "whether ", "each ", "every ", "at least ")


def _plain_label(label: object) -> str:
    """The label without '(optional)' and its full stop, in lower case unless it starts
    with an abbreviation such as NHS or ODS."""
    text = str(label or "").strip().rstrip(".?:")
    text = text.replace(" (optional)", "").replace("(optional)", "").strip()
    if text and not (text[:2].isalpha() and text[:2].isupper()):
        text = text[0].lower() + text[1:]
    return text or "an answer"


def _noun(field: forms.Field, name: str = "") -> str:
    """What the field asks for, as a noun phrase: 'the title', 'the date it opens on',
    'who owns the framework'."""
    label = _plain_label(field.label or pretty_name(name))
    if isinstance(field, forms.DateField) and label.endswith(" on"):
        return f"the date it {label}"
    if label.startswith(_DETERMINERS) or label[:1].isdigit():
        return label
    return f"the {label}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def plain_error_messages(field: forms.Field, name: str = "") -> dict[str, str]:
    """Messages for a field, derived from its label (or its name) and kind."""
    noun = _noun(field, name)
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    if isinstance(field, forms.FileField):
        required = f"Choose {noun}"
    elif choosing or isinstance(field, forms.BooleanField | forms.NullBooleanField):
        required = f"Select {noun}"
    else:
        required = f"Enter {noun}"
    messages = {
        "required": required,
        "invalid_choice": f"Select one of the options given for {noun}",
        "invalid_pk_value": f"Select one of the options given for {noun}",
        "invalid_list": f"Select one of the options given for {noun}",
        "max_length": _sentence(f"{noun} must be %(limit_value)d characters or fewer"),
        "min_length": _sentence(f"{noun} must be %(limit_value)d characters or more"),
        "min_value": _sentence(f"{noun} must be %(limit_value)s or more"),
        "max_value": _sentence(f"{noun} must be %(limit_value)s or less"),
        "max_digits": _sentence(f"{noun} must have no more than %(max)s digits"),
        "max_decimal_places": _sentence(f"{noun} must have no more than %(max)s decimal places"),
        "max_whole_digits": _sentence(f"{noun} must have no more than %(max)s digits"),
    }
    messages["invalid"] = _invalid_message(field, noun)
    if isinstance(field, forms.FileField):
        messages["missing"] = f"Choose {noun}"
        messages["empty"] = "The selected file is empty. Choose a file that has something in it"
        messages["contradiction"] = "Either choose a new file or remove the current one, not both"
        messages["max_length"] = "The selected file's name must be %(max)d characters or fewer"
    return messages


def _invalid_message(field: forms.Field, noun: str) -> str:
    if isinstance(field, forms.DateField):
        return f"Enter {noun} as a real date, for example 2027-03-31"
    if isinstance(field, forms.DateTimeField):
        return f"Enter {noun} as a real date and time, for example 2027-03-31 14:30"
    if isinstance(field, forms.IntegerField):
        return f"Enter {noun} as a whole number, for example 3"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return f"Enter {noun} as a number, for example 2.5"
    if isinstance(field, forms.EmailField):
        return "Enter an email address in the correct format, like name@example.com"
    if isinstance(field, forms.URLField):
        return "Enter a web address in the correct format, like https://www.nhs.uk"
    if isinstance(field, forms.SlugField):
        return _sentence(f"{noun} must use only lower-case letters, digits and hyphens")
    if isinstance(field, forms.FileField):
        return "The selected file could not be read. Choose it again"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"Select one of the options given for {noun}"
    return _sentence(f"{noun} is not in a form Capmap can read. Check it and try again")


def django_default_messages(field: forms.Field) -> set[str]:
    """The messages Django gives this kind of field (and its validators) by default."""
    defaults: set[str] = set()
    for cls in type(field).__mro__:
        defaults.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    return defaults


def apply_plain_error_messages(fields) -> None:
    """Give every field the derived messages, except those its own `error_messages` set."""
    for name, field in fields.items():
        defaults = django_default_messages(field)
        for code, message in plain_error_messages(field, name).items():
            current = field.error_messages.get(code)
            if current is None or str(current) in defaults:
                field.error_messages[code] = message


class PlainErrorsMixin:
    """Mixed into every Capmap form: required and invalid fields say what to do next.

    Applied after `__init__` and again before validation, so fields a form adds in its
    own `__init__` get them too."""

    fields: dict

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        apply_plain_error_messages(self.fields)

    def full_clean(self) -> None:
        apply_plain_error_messages(self.fields)
        super().full_clean()  # type: ignore[misc]


class PlainForm(PlainErrorsMixin, forms.Form):
    """The base of Capmap's forms."""
