"""Every audited model says whose history an entry is, so some admin can always read it."""

from auditlog.registry import auditlog

from capmap.organisations.selectors import SHARED_REFERENCE_MODELS


def test_every_audited_model_carries_an_organisation_path_or_is_shared_reference_data():
    unowned = [
        model._meta.label_lower
        for model in auditlog.get_models()
        if not hasattr(model, "get_additional_data")
        and model._meta.label_lower not in SHARED_REFERENCE_MODELS
    ]
    assert unowned == [], "entries no admin would ever see: add get_additional_data()"
