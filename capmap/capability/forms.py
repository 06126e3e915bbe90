from django import forms

from capmap.core.forms import PlainForm
from capmap.people.models import JobRole

SORT_CHOICES = [("name", "Name"), ("gaps", "Most levels short first"), ("role", "Job role")]


class HeatmapFilterForm(PlainForm):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=JobRole.objects.none(), required=False, empty_label=None
    )
    job_role = forms.ModelChoiceField(
        label="Job role", queryset=JobRole.objects.none(), required=False, empty_label="All roles"
    )
    stage = forms.CharField(label="Stage", required=False, max_length=40)
    pathway = forms.ModelChoiceField(
        label="Care pathway",
        queryset=JobRole.objects.none(),
        required=False,
        empty_label="Role profiles (no pathway)",
        to_field_name="slug",
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, organisations, pathways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["job_role"].queryset = JobRole.objects.order_by("name")
        self.fields["pathway"].queryset = pathways


class TrainingNeedsFilterForm(PlainForm):
    job_role = forms.ModelChoiceField(
        label="Job role",
        queryset=JobRole.objects.order_by("name"),
        required=False,
        empty_label="All roles",
    )
