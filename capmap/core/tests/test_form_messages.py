"""Every form in Capmap says what to do next: no field keeps Django's "This field is
required." or "Enter a valid …" messages, which name no field."""

import copy
import importlib
import inspect
import pkgutil

import pytest
from django import forms

import capmap
from capmap.core.forms import (
    PlainErrorsMixin,
    PlainForm,
    apply_plain_error_messages,
    django_default_messages,
)


def _capmap_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in capmap (forms modules and views, tests left out)."""
    found: dict[str, type[forms.BaseForm]] = {}
    for module_info in pkgutil.walk_packages(capmap.__path__, "capmap."):
        name = module_info.name
        if ".tests" in name or ".migrations" in name:
            continue
        if not (name.endswith(".forms") or ".views" in name):
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("capmap."):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


FORMS = _capmap_forms()


def test_the_walk_finds_the_forms_of_every_app():
    apps = {cls.__module__.split(".")[1] for cls in FORMS}
    assert len(FORMS) > 40
    assert {"assessments", "portfolio", "placements", "frameworks", "people"} <= apps


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_form_derives_plain_messages(form_class):
    assert issubclass(form_class, PlainErrorsMixin), f"{form_class} should use PlainForm"


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_no_field_keeps_djangos_default_messages(form_class):
    fields = copy.deepcopy(form_class.base_fields)
    apply_plain_error_messages(fields)
    for name, field in fields.items():
        defaults = django_default_messages(field)
        for code in ("required", "invalid", "invalid_choice"):
            message = str(field.error_messages.get(code, ""))
            assert message not in defaults, f"{form_class.__name__}.{name} {code}: {message}"
        if field.required:
            assert field.error_messages["required"].startswith(("Enter", "Select", "Choose"))


def test_fields_added_in_init_get_plain_messages_too():
    class Answers(PlainForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["rating"] = forms.IntegerField(label="Your rating")

    form = Answers({"rating": "many"})
    assert not form.is_valid()
    assert form.errors["rating"] == ["Enter your rating as a whole number, for example 3"]
    assert Answers({}).errors["rating"] == ["Enter your rating"]


def test_messages_read_as_sentences_that_say_what_to_do():
    from capmap.assessments.forms import CycleForm

    errors = CycleForm({"opens_on": "not a date"}).errors
    assert errors["title"] == ["Enter a title, for example 2027 Q1"]
    assert errors["organisation"] == ["Select the team"]
    assert errors["opens_on"] == [
        "Enter the date it opens on as a real date, for example 2027-03-31"
    ]
    assert errors["closes_on"] == ["Enter the date the cycle closes"]


def test_a_short_name_for_web_addresses_is_explained_not_called_a_slug():
    class Short(PlainForm):
        slug = forms.SlugField(label="Short name for web addresses")

    assert Short({"slug": "Heart failure!"}).errors["slug"] == [
        "The short name for web addresses must use only lower-case letters, digits and hyphens"
    ]


def test_an_explicit_message_is_kept():
    class Named(PlainForm):
        name = forms.CharField(label="Name", error_messages={"required": "Enter your name"})

    assert Named({}).errors["name"] == ["Enter your name"]
