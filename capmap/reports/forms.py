from django import forms

from capmap.core.forms import PlainForm

from .models import ReportFormat
from .registry import all_kinds


class RequestReportForm(PlainForm):
    kind = forms.ChoiceField(label="Report", error_messages={"required": "Choose a report."})
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose the organisation the report is about."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=ReportFormat.choices,
        widget=forms.RadioSelect,
        initial="pdf",
        error_messages={"required": "Choose PDF or spreadsheet."},
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.slug, k.label) for k in all_kinds()]
        self.fields["organisation"].queryset = organisations
