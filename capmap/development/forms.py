from django import forms

from capmap.core.forms import PlainForm
from capmap.frameworks.models import Competency
from capmap.frameworks.selectors import authoring_owner_choices

from .models import CLOSING_STATES, OPEN_OBJECTIVE_STATES, ObjectiveState, TrainingFormat


class ObjectiveForm(PlainForm):
    specific = forms.CharField(
        label="Specific: what will they be able to do?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the person will be able to do"},
    )
    measure = forms.CharField(
        label="Measure of success: how will you both know?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how you will both know it is achieved"},
    )
    support = forms.CharField(
        label="Support needed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies it builds",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one competency the objective builds"},
    )
    due_on = forms.DateField(
        label="Due date",
        help_text="For example, 2027-03-31.",
        error_messages={
            "required": "Enter the date the objective is due",
            "invalid": "Enter the due date as year-month-day, for example 2027-03-31",
        },
    )

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies


class ProgressForm(PlainForm):
    progress = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100)
    # A supervisor or manager closes an objective with a note (CloseObjectiveForm); the
    # progress form keeps the open states only.
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in OPEN_OBJECTIVE_STATES],
    )


class CloseObjectiveForm(PlainForm):
    outcome = forms.ChoiceField(
        label="Was the objective achieved?",
        choices=[(s.value, ObjectiveState(s).label) for s in CLOSING_STATES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the objective was achieved"},
    )
    note = forms.CharField(
        label="Note",
        help_text="What was achieved, or why not and what happens next.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note saying how the objective went"},
    )


class TrainingForm(PlainForm):
    title = forms.CharField(
        label="Course title",
        max_length=200,
        error_messages={"required": "Enter the course title"},
    )
    provider = forms.CharField(
        label="Provider",
        max_length=200,
        help_text="For example, CPPE or your training hub.",
        error_messages={"required": "Enter who provides the course"},
    )
    format = forms.ChoiceField(
        label="Kind of training",
        choices=TrainingFormat.choices,
        error_messages={"required": "Choose the kind of training"},
    )
    hours = forms.DecimalField(
        label="Hours",
        min_value=0,
        max_digits=6,
        decimal_places=1,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "step": "0.5"}),
        error_messages={
            "required": "Enter how many hours the course takes, or 0",
            "invalid": "Enter the hours as a number, for example 7.5",
            "min_value": "Hours cannot be less than 0",
        },
    )
    cost = forms.DecimalField(
        label="Cost in pounds",
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        help_text="Enter 0 for free courses.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "0.01"}),
        error_messages={
            "required": "Enter the cost, or 0 for a free course",
            "invalid": "Enter the cost as a number of pounds, for example 120",
            "min_value": "The cost cannot be less than 0",
        },
    )
    link = forms.URLField(
        label="Web address",
        required=False,
        assume_scheme="https",
        help_text="Where people find out more or book, for example https://www.cppe.ac.uk/",
        error_messages={"invalid": "Enter a web address, for example https://www.cppe.ac.uk/"},
    )
    owner = forms.ChoiceField(label="Whose catalogue is it in")
    competencies = forms.MultipleChoiceField(
        label="Competencies it builds",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, competencies, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.competency_rows = list(competencies)
        self.fields["competencies"].choices = [(str(c.pk), str(c)) for c in self.competency_rows]
        self.fields["owner"].choices = authoring_owner_choices(user)
        if editing:  # a course stays in the catalogue it was added to
            del self.fields["owner"]

    def chosen_competencies(self) -> list[Competency]:
        chosen = set(self.cleaned_data["competencies"])
        return [c for c in self.competency_rows if str(c.pk) in chosen]
