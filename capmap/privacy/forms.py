from django import forms

from capmap.core.forms import PlainForm

from .models import CorrectableField


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
