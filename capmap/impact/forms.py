from django import forms

from capmap.people.models import JobRole

from .models import ActivityType, PeriodKind


class DashboardFilterForm(forms.Form):
    job_role = forms.ModelChoiceField(
        label="Role", queryset=JobRole.objects.none(), required=False, empty_label="All roles"
    )
    months = forms.TypedChoiceField(
        label="Months to show",
        choices=[(3, "3"), (6, "6"), (12, "12"), (24, "24")],
        coerce=int,
        initial=12,
        required=False,
    )

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].queryset = roles if roles is not None else JobRole.objects.none()


class RecordActivityForm(forms.Form):
    activity_type = forms.ModelChoiceField(label="Activity", queryset=ActivityType.objects.none())
    period_kind = forms.ChoiceField(
        label="Period", choices=PeriodKind.choices, widget=forms.RadioSelect, initial="month"
    )
    period_start = forms.DateField(
        label="Any day in the week or month",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="We record it against the Monday of that week, or the 1st of that month.",
    )
    count = forms.IntegerField(label="How many", min_value=0, max_value=100_000)
    minutes = forms.IntegerField(
        label="Minutes spent (optional)", min_value=0, required=False, initial=0
    )

    def __init__(self, *args, activity_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity_types is not None:
            self.fields["activity_type"].queryset = activity_types


class ImportActivityForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: person (e-mail or registration number), activity, period "
        "(2026-03 for a month, or the Monday of a week like 2026-03-02), count, minutes.",
    )


class AssumptionForm(forms.Form):
    minutes_per_gp_appointment = forms.IntegerField(
        label="Minutes in a GP appointment", min_value=1, max_value=120
    )
