from decimal import Decimal

from django import forms

from capmap.core.forms import PlainForm
from capmap.people.forms import JobRoleChoiceField
from capmap.people.models import JobRole

from .models import ActivityType, Better, PeriodKind, Unit


class DashboardFilterForm(PlainForm):
    # The roles offered are the caller's (`roles`), set when the form is made.
    job_role = JobRoleChoiceField(label="Role", required=False, empty_label="All roles")
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


class RecordActivityForm(PlainForm):
    activity_type = forms.ModelChoiceField(
        label="Activity",
        queryset=ActivityType.objects.none(),
        error_messages={"required": "Choose the activity."},
    )
    period_kind = forms.ChoiceField(
        label="Period",
        choices=PeriodKind.choices,
        widget=forms.RadioSelect,
        initial="month",
        error_messages={"required": "Choose a week or a month."},
    )
    period_start = forms.DateField(
        label="Any day in the week or month",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="We record it against the Monday of that week, or the 1st of that month.",
        error_messages={"required": "Enter a day in the week or month."},
    )
    count = forms.IntegerField(
        label="How many",
        min_value=0,
        max_value=100_000,
        error_messages={"required": "Enter how many, or 0 if there were none."},
    )
    minutes = forms.IntegerField(
        label="Minutes spent (optional)", min_value=0, required=False, initial=0
    )

    def __init__(self, *args, activity_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity_types is not None:
            self.fields["activity_type"].queryset = activity_types


class ImportActivityForm(PlainForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: person (e-mail or registration number), activity, period "
        "(2026-03 for a month, or the Monday of a week like 2026-03-02), count, minutes.",
        error_messages={"required": "Choose the CSV file to upload."},
    )


class AssumptionForm(PlainForm):
    minutes_per_gp_appointment = forms.IntegerField(
        label="Minutes in a GP appointment",
        min_value=1,
        max_value=120,
        error_messages={"required": "Enter the minutes in a GP appointment, like 10."},
    )


class ActivityTypeForm(PlainForm):
    name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Enter the name of the activity."}
    )
    job_role = JobRoleChoiceField(
        label="Job role",
        error_messages={"required": "Choose the job role that does this activity."},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(
        label="How it is measured", choices=Unit.choices, widget=forms.RadioSelect, initial="count"
    )
    better = forms.ChoiceField(
        label="Which direction is better",
        choices=Better.choices,
        widget=forms.RadioSelect,
        initial="higher",
    )
    gp_appointments_per_unit = forms.DecimalField(
        label="GP appointments released per unit",
        min_value=0,
        max_value=Decimal("9999.99"),
        max_digits=6,
        decimal_places=2,
        initial=0,
        help_text="For example 1 for a referral the GP no longer needs to see. "
        "0 when it releases none.",
        error_messages={
            "required": "Enter the GP appointments released per unit, or 0.",
            "min_value": "GP appointments released per unit must be 0 or more.",
            "max_value": "GP appointments released per unit must be 9999.99 or less.",
            "invalid": "Enter the GP appointments released per unit as a number, like 0.5.",
        },
    )
    is_estimate = forms.BooleanField(label="The figure is an estimate", required=False)
    active = forms.BooleanField(
        label="Active: staff can record this activity",
        required=False,
        initial=True,
        help_text="Untick to retire it. Activity already recorded is kept.",
    )
