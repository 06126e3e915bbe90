"""The personal-data map is derived from the models: a model that relates to a person, or
to a record about one, without a decision about its export and erasure fails here."""

from django.apps import apps
from django.contrib.auth import get_user_model

from capmap.people.models import Person
from capmap.privacy.datamap import BY_MODEL, KINDS, Action, subject_target

PERSON_MODELS = {Person, get_user_model()}


def _relations(model):
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model is not None
    ]


def _about_a_person():
    """Models whose rows are about someone (a subject lookup in the map)."""
    return {kind.model_class for kind in KINDS if kind.subject}


def test_every_model_relating_to_a_person_is_in_the_map():
    missing = []
    for model in apps.get_models():
        for f in _relations(model):
            if f.related_model in PERSON_MODELS and model._meta.label not in BY_MODEL:
                missing.append(f"{model._meta.label}.{f.name}")
    assert missing == [], (
        "These models relate to a person but are in neither the export nor the erasure "
        f"plan: add them to capmap/privacy/datamap.py: {missing}"
    )


def test_every_relation_to_a_person_is_named_as_subject_or_actor():
    unnamed = []
    for model in apps.get_models():
        kind = BY_MODEL.get(model._meta.label)
        if kind is None:
            continue
        named = set(kind.actors) | {kind.subject.split("__")[0]}
        for f in _relations(model):
            if f.related_model not in PERSON_MODELS:
                continue
            if kind.subject == "pk" and model in PERSON_MODELS:
                continue  # the staff record's link to its account
            if f.name not in named:
                unnamed.append(f"{model._meta.label}.{f.name}")
    assert unnamed == [], f"Say whether these point at the subject or an actor: {unnamed}"


def test_every_model_holding_records_about_a_person_is_in_the_map():
    about = _about_a_person()
    missing = []
    for model in apps.get_models():
        for f in _relations(model):
            if f.related_model in about and f.related_model not in PERSON_MODELS:
                kind = BY_MODEL.get(model._meta.label)
                if kind is None or not kind.subject:
                    missing.append(f"{model._meta.label}.{f.name}")
    assert missing == [], f"These hold records about a person but have no subject: {missing}"


def test_each_kind_names_a_real_model_whose_subject_is_a_person():
    for kind in KINDS:
        model = kind.model_class
        if kind.subject:
            assert subject_target(kind) in PERSON_MODELS, kind.model
        for name in kind.actors:
            assert model._meta.get_field(name).related_model is get_user_model(), kind
        for name in kind.secret:
            model._meta.get_field(name)
        assert kind.reason, kind.model
        if kind.keep_when is not None:
            assert kind.erasure is Action.DELETE and kind.keep_reason


def test_survey_answers_are_not_linked_to_anyone():
    """Single-use survey answers must stay anonymous: nothing ties them to a person."""
    for label in ("placements.Response", "placements.Answer"):
        assert label not in BY_MODEL
        model = apps.get_model(label)
        assert not any(f.related_model in PERSON_MODELS for f in _relations(model))
