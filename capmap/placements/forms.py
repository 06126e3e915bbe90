"""Forms for placement schemes. Choices come from scoped selectors passed in by the views."""

from django import forms

from capmap.core.exceptions import DomainError
from capmap.core.forms import PlainForm
from capmap.matching.explain import ordinal
from capmap.people.forms import DateInput

from .models import (
    ALGORITHM_HINTS,
    LIKERT_LABELS,
    Algorithm,
    Direction,
    EligibilityKind,
    Phase,
    QuestionKind,
    Specialty,
)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class SchemeForm(PlainForm):
    owner = OrganisationChoiceField(
        label="Organisation running the scheme", queryset=None, empty_label=None
    )
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    starts_on = forms.DateField(label="Start date", widget=DateInput)
    ends_on = forms.DateField(label="End date", widget=DateInput)
    sessions_required = forms.IntegerField(
        label="Sessions each participant needs",
        error_messages={"required": "Enter how many sessions each participant needs"},
        min_value=1,
        max_value=50,
        initial=2,
    )
    hard_to_recruit_first = forms.BooleanField(
        label="Give applicants from practices flagged hard to recruit priority",
        required=False,
        initial=True,
    )
    need_gap_first = forms.BooleanField(
        label="Give applicants from the PCNs with the largest population need gap priority",
        help_text="The most patients on a care pathway's QOF registers per person verified "
        "to deliver it. Applies after the hard-to-recruit rule when both are chosen.",
        required=False,
    )

    def __init__(self, *args, owners=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return data


class PlacementForm(PlainForm):
    title = forms.CharField(label="Title", max_length=200)
    host = OrganisationChoiceField(label="Host trust", queryset=None)
    specialty = forms.ChoiceField(label="Specialty", choices=Specialty.choices)
    mentor = UserChoiceField(label="Mentor", queryset=None)
    capacity = forms.IntegerField(
        label="Places",
        error_messages={"required": "Enter how many places it offers"},
        min_value=0,
        max_value=500,
        initial=1,
    )
    sessions_offered = forms.IntegerField(
        label="Sessions offered",
        error_messages={"required": "Enter how many sessions it offers"},
        min_value=1,
        max_value=50,
        initial=2,
    )
    location = forms.CharField(label="Location", required=False, max_length=200)
    need = forms.CharField(
        label="Clinical priority or population-health need it serves",
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, hosts, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts
        self.fields["mentor"].queryset = mentors


class EligibilityRuleForm(PlainForm):
    kind = forms.ChoiceField(
        label="Rule", choices=EligibilityKind.choices, widget=forms.RadioSelect
    )
    placement = forms.ModelChoiceField(
        label="Applies to", queryset=None, required=False, empty_label="Every placement"
    )
    competency = forms.ModelChoiceField(
        label="Competency (for a competency rule)", queryset=None, required=False
    )
    minimum_level = forms.IntegerField(
        label="Minimum level (for a competency rule)", required=False, min_value=0, max_value=10
    )

    def __init__(self, *args, placements, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["competency"].queryset = competencies


class ApplicationForm(PlainForm):
    """One select box a choice ("1st choice", "2nd choice"...); only the 1st is required."""

    statement = forms.CharField(
        label="Why are you applying?",
        error_messages={"required": "Enter why you are applying"},
        widget=forms.Textarea,
        help_text="What you hope to learn, and how it would help your practice's patients.",
    )

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.placements = {str(p.pk): p for p in placements}
        choices = [("", "No choice")] + [(str(p.pk), str(p)) for p in placements]
        for n in range(1, len(placements) + 1):
            self.fields[f"choice_{n}"] = forms.ChoiceField(
                label=f"{ordinal(n)} choice", choices=choices, required=n == 1
            )

    def choice_fields(self):
        return [self[name] for name in self.fields if name.startswith("choice_")]

    def ranked_placements(self) -> list:
        picked = [self.cleaned_data.get(f.name) for f in self.choice_fields()]
        return [self.placements[pk] for pk in picked if pk]

    def clean(self):
        data = super().clean()
        picked = [data.get(f.name) for f in self.choice_fields() if data.get(f.name)]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError("Choose each placement only once.")
        return data


class PrescribingForm(PlainForm):
    independent_prescriber = forms.BooleanField(
        label="I am a qualified independent prescriber", required=False
    )


class RunAllocationForm(PlainForm):
    algorithm = forms.ChoiceField(
        label="How should places be shared out?",
        choices=Algorithm.choices,
        widget=forms.RadioSelect,
        initial="stable",
        error_messages={"required": "Choose how places should be shared out."},
    )

    def algorithm_items(self) -> list[dict]:
        """The radio items, each with a hint saying what the method means for people."""
        chosen = str(self["algorithm"].value() or "")
        return [
            {
                "value": value,
                "text": label,
                "hint": {"text": ALGORITHM_HINTS[Algorithm(value)]},
                "checked": value == chosen,
            }
            for value, label in Algorithm.choices
        ]


class AdjustmentForm(PlainForm):
    application = forms.ChoiceField(label="Applicant")
    placement = forms.ChoiceField(label="Move to", required=False)
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea)

    def __init__(self, *args, applications, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = {str(a.pk): a for a in applications}
        self.placements = {str(p.pk): p for p in placements}
        self.fields["application"].choices = [
            (pk, a.applicant.full_name) for pk, a in self.applications.items()
        ]
        self.fields["placement"].choices = [("", "Not placed")] + [
            (pk, str(p)) for pk, p in self.placements.items()
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "application": self.applications[data["application"]],
            "placement": self.placements.get(data.get("placement") or ""),
            "reason": data["reason"],
        }


class SessionForm(PlainForm):
    date = forms.DateField(label="Date", widget=DateInput)
    half_days = forms.IntegerField(
        label="Number of half-day sessions", min_value=1, max_value=10, initial=1
    )
    activities = forms.CharField(label="What you did", widget=forms.Textarea)
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies practised",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose only competencies listed on this page: those of your "
            "role profile and this placement.",
            "invalid_pk_value": "Choose only competencies listed on this page.",
        },
    )
    reflection = forms.CharField(label="Reflection", required=False, widget=forms.Textarea)

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = competencies


class SurveyForm(PlainForm):
    audience = forms.ChoiceField(
        label="Who is the survey for?",
        error_messages={"required": "Select who the survey is for"},
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        help_text="Leave it blank to use a title that names the audience.",
    )
    with_default_questions = forms.BooleanField(
        label="Start with the suggested questions for this audience", required=False, initial=True
    )

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]


class QuestionForm(PlainForm):
    kind = forms.ChoiceField(
        label="Kind of question", choices=QuestionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Question or statement",
        max_length=300,
        help_text="For agree or disagree, write a statement, for example "
        "\u201cMy mentor gave me enough time.\u201d",
    )


class InvitationForm(PlainForm):
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One a line. Each person gets their own link, which works once.",
    )


class AnswerForm(PlainForm):
    """One field a question: agree or disagree as radios (required), free text optional."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        likert = [(str(value), label) for value, label in LIKERT_LABELS.items()]
        for question in questions:
            if question.kind == QuestionKind.LIKERT:
                field = forms.ChoiceField(
                    label=question.text,
                    choices=likert,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Choose an answer for: {question.text}"},
                )
            else:
                field = forms.CharField(
                    label=question.text, required=False, max_length=5000, widget=forms.Textarea
                )
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions}


class MeasureForm(PlainForm):
    name = forms.CharField(label="Measure", max_length=200)
    unit = forms.CharField(
        label="Unit",
        required=False,
        max_length=80,
        help_text="For example: referrals a month. Leave blank for a plain count.",
    )
    better = forms.ChoiceField(
        label="Which direction is better?",
        error_messages={"required": "Select which direction is better"},
        choices=Direction.choices,
        widget=forms.RadioSelect,
    )


class MonthField(forms.CharField):
    def clean(self, value):
        from .services.outcomes import parse_month

        value = super().clean(value)
        try:
            return parse_month(value)
        except DomainError as error:
            raise forms.ValidationError(str(error)) from None


class MeasureValueForm(PlainForm):
    practice = OrganisationChoiceField(label="Practice", queryset=None)
    month = MonthField(label="Month", help_text="As YYYY-MM, for example 2026-03.", max_length=7)
    phase = forms.ChoiceField(label="Phase", choices=Phase.choices, widget=forms.RadioSelect)
    value = forms.DecimalField(
        label="Value", min_value=0, max_digits=12, decimal_places=2, widget=forms.TextInput
    )

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices


class MeasureImportForm(PlainForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: practice (ODS code), month (YYYY-MM), value, phase "
        "(baseline or follow-up). Every row is imported, or none.",
    )
