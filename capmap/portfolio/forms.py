from django import forms

from capmap.core.forms import PlainForm

from .files import MAX_BYTES, FileRefused, check_file
from .models import EvidenceKind


class EvidenceForm(PlainForm):
    kind = forms.ChoiceField(label="Kind of evidence", choices=EvidenceKind.choices)
    title = forms.CharField(label="Title", max_length=200)
    occurred_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    competencies = forms.TypedMultipleChoiceField(
        label="Competencies this shows",
        error_messages={"required": "Select at least one competency this evidence shows"},
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label="File (optional)",
        required=False,
        help_text="A PDF, an image or an Office document, up to 20 MB.",
    )

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [
            (c.pk, f"{c.code} {c.title}".strip()) for c in competencies
        ]

    def clean_file(self):
        """Size and real type are checked with the other fields, so a refused file is
        named in the same error summary (and never kept for the next try)."""
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 20 MB.")
        if upload:
            try:
                check_file(upload.read(), upload.name)
            except FileRefused as refused:
                raise forms.ValidationError(str(refused)) from None
            finally:
                upload.seek(0)
        return upload


class ReviewEvidenceForm(PlainForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept"), ("reject", "Reject")],
        error_messages={"required": "Select accept or reject"},
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
