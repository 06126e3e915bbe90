from django import forms

from capmap.core.forms import PlainForm
from capmap.frameworks.models import Competency

from .models import ObjectiveState


class ObjectiveForm(PlainForm):
    specific = forms.CharField(
        label="Specific: what will they be able to do?",
        error_messages={"required": "Enter what they will be able to do"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure = forms.CharField(
        label="Measure of success: how will you both know?",
        error_messages={"required": "Enter how you will both know it is done"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    support = forms.CharField(
        label="Support needed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies it builds",
        error_messages={"required": "Select at least one competency it builds"},
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label="Due date", help_text="For example, 2027-03-31.")

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies


class ProgressForm(PlainForm):
    progress = forms.IntegerField(
        label="Progress (%)",
        error_messages={"required": "Enter the progress as a percentage from 0 to 100"},
        min_value=0,
        max_value=100,
    )
    status = forms.ChoiceField(label="Status", choices=ObjectiveState.choices)
