from django import forms

from capmap.core.forms import PlainForm

from .models import MAX_RETENTION_YEARS, CorrectableField, RecordKind


class EraseForm(PlainForm):
    reason = forms.CharField(
        label="Why is this person being erased? (optional)",
        help_text="For example: an erasure request received on 2 December 2026. Do not "
        "include their name: the erasure log keeps this text.",
        required=False,
        max_length=300,
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone",
        error_messages={
            "required": "Select the box to confirm you understand this cannot be undone"
        },
    )


class CorrectionForm(PlainForm):
    field = forms.ChoiceField(label="What is wrong?", choices=CorrectableField.choices)
    value = forms.CharField(label="The correct value", max_length=200)
    note = forms.CharField(
        label="Anything the admin should know (optional)", required=False, max_length=300
    )


class RetentionForm(PlainForm):
    """One whole number of years for each kind of record (see RecordKind)."""

    def __init__(self, *args, periods=(), **kwargs):
        initial = {period.kind.value: period.years for period in periods}
        sources = {period.kind.value: period.source for period in periods}
        super().__init__(*args, initial=initial, **kwargs)
        for kind in RecordKind:
            source = sources.get(kind.value, "default")
            self.fields[kind.value] = forms.IntegerField(
                label=f"{kind.label} (years)",
                help_text=f"Now set by: {source}.",
                min_value=0,
                max_value=MAX_RETENTION_YEARS,
                error_messages={
                    "required": f"Enter how many years {kind.label.lower()} are kept",
                    "invalid": f"Enter a whole number of years for {kind.label.lower()}",
                    "min_value": f"{kind.label} must be kept 0 years or more",
                    "max_value": f"{kind.label} must be kept {MAX_RETENTION_YEARS} years or fewer",
                },
            )
