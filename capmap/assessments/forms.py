"""Forms for assessment pages. Rating forms are posted as `level-<id>` and `comment-<id>`."""

from __future__ import annotations

from django import forms

from capmap.people.models import SupervisionKind

from .services import RatingInput


def parse_ratings(data, competency_ids) -> tuple[dict[int, RatingInput], dict[int, str]]:
    """Ratings posted for these competencies (unrated ones left out), and the posted
    levels as text (to show the form again)."""
    ratings: dict[int, RatingInput] = {}
    posted: dict[int, str] = {}
    for pk in competency_ids:
        raw = (data.get(f"level-{pk}") or "").strip()
        posted[pk] = raw
        if raw.lstrip("-").isdigit():
            ratings[pk] = RatingInput(int(raw), (data.get(f"comment-{pk}") or "")[:2000])
    return ratings, posted


class StartAssessmentForm(forms.Form):
    role_profile = forms.TypedChoiceField(label="Role profile", coerce=int)

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_profile"].choices = [
            (p.pk, f"{p}: {p.version.framework.title} v{p.version.number}") for p in profiles
        ]


class CycleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=100, help_text="For example, 2027 Q1")
    organisation = forms.TypedChoiceField(label="Team", coerce=int)
    opens_on = forms.DateField(label="Opens on", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="Closes on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class SupervisionForm(forms.Form):
    email = forms.EmailField(
        label="Supervisor's e-mail address",
        help_text="The exact address of their Capmap account. They may work for another "
        "organisation.",
    )
    kind = forms.ChoiceField(
        label="Relationship", choices=SupervisionKind.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Ends on (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EndSupervisionForm(forms.Form):
    ends_on = forms.DateField(label="Ends on", widget=forms.DateInput(attrs={"type": "date"}))


class CompetencySignOffForm(forms.Form):
    competency = forms.TypedChoiceField(label="Competency", coerce=int)
    level = forms.TypedChoiceField(label="Level", coerce=int, widget=forms.RadioSelect)
    evidence = forms.TypedMultipleChoiceField(
        label="Evidence", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)

    def __init__(self, *args, competencies=(), scale=(), evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [
            (c.pk, f"{c.code} {c.title}".strip()) for c in competencies
        ]
        self.fields["level"].choices = [(lv.value, f"{lv.value} {lv.label}") for lv in scale]
        self.fields["evidence"].choices = [
            (e.pk, f"{e.title} ({e.get_kind_display()})") for e in evidence
        ]
