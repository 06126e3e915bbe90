from django import forms

from capmap.frameworks.models import Competency

from .models import ObjectiveState


class ObjectiveForm(forms.Form):
    specific = forms.CharField(
        label="Specific: what will they be able to do?", widget=forms.Textarea(attrs={"rows": 3})
    )
    measure = forms.CharField(
        label="Measure of success: how will you both know?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    support = forms.CharField(
        label="Support needed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies it builds",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label="Due date", help_text="For example, 2027-03-31.")

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100)
    status = forms.ChoiceField(label="Status", choices=ObjectiveState.choices)
