"""Forms for assessment pages. Rating forms are posted as `level-<id>` and `comment-<id>`."""

from __future__ import annotations

from django import forms

from capmap.core.forms import PlainForm
from capmap.people.models import SupervisionKind

from .services import EvidenceDecision, RatingInput


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


class ReviewInput:
    """Everything the supervisor posted on the one review form (their levels and comments,
    each evidence decision, the comments for the person), checked before anything is
    saved. Errors are keyed by the id of the field they belong to, so the error summary
    links to each and the page shows every value again."""

    SAVING = ("save", "return", "sign_off")

    def __init__(self, data, *, competencies, evidence, first_name: str) -> None:
        self.competencies = list(competencies)
        self.evidence = list(evidence)
        self.first_name = first_name
        self.action = data.get("action", "")
        self.comment = data.get("comment", "")
        self.ratings, self.levels = parse_ratings(data, [c.pk for c in self.competencies])
        self.comments = {c.pk: data.get(f"comment-{c.pk}", "") for c in self.competencies}
        self.choices = {
            item.pk: choice if (choice := data.get(f"decision-{item.pk}", "")) in DECISIONS else ""
            for item in self.evidence
        }
        self.reasons = {
            item.pk: data.get(f"evidence-comment-{item.pk}", "") for item in self.evidence
        }
        self.errors: dict[str, str] = {}

    @property
    def saving(self) -> bool:
        return self.action in self.SAVING

    def is_valid(self) -> bool:
        for item in self.evidence:
            if self.choices[item.pk] == "reject" and not self.reasons[item.pk].strip():
                self.errors[f"evidence-comment-{item.pk}"] = (
                    f"Enter why you are rejecting {item.title}"
                )
        if self.action == "sign_off":
            for competency in self.competencies:
                if competency.pk not in self.ratings:
                    name = competency.code or competency.title
                    self.errors[f"level-{competency.pk}"] = f"Choose your level for {name}"
        if self.action == "return" and not self.comment.strip():
            self.errors["comment"] = f"Enter comments saying what {self.first_name} should change"
        return not self.errors

    def add_error(self, message: str) -> None:
        self.errors["main-content"] = message

    def error_summary(self) -> list[dict]:
        return [{"text": text, "href": f"#{field}"} for field, text in self.errors.items()]

    def decisions(self) -> list[EvidenceDecision]:
        return [
            EvidenceDecision(item, self.choices[item.pk] == "accept", self.reasons[item.pk][:2000])
            for item in self.evidence
            if self.choices[item.pk]
        ]


DECISIONS = ("accept", "reject")


class StartAssessmentForm(PlainForm):
    role_profile = forms.TypedChoiceField(label="Role profile", coerce=int)

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_profile"].choices = [
            (p.pk, f"{p}: {p.version.framework.title} v{p.version.number}") for p in profiles
        ]


class CycleForm(PlainForm):
    title = forms.CharField(
        label="Title",
        max_length=100,
        error_messages={"required": "Enter a title, for example 2027 Q1"},
        help_text="For example, 2027 Q1",
    )
    organisation = forms.TypedChoiceField(label="Team", coerce=int)
    opens_on = forms.DateField(
        label="Opens on",
        error_messages={"required": "Enter the date the cycle opens"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closes_on = forms.DateField(
        label="Closes on",
        error_messages={"required": "Enter the date the cycle closes"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class SupervisionForm(PlainForm):
    email = forms.EmailField(
        label="Supervisor's e-mail address",
        help_text="The exact address of their Capmap account. They may work for another "
        "organisation.",
    )
    kind = forms.ChoiceField(
        label="Relationship", choices=SupervisionKind.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(
        label="Starts on",
        error_messages={"required": "Enter the date the relationship starts"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label="Ends on (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EndSupervisionForm(PlainForm):
    ends_on = forms.DateField(
        label="Ends on",
        error_messages={"required": "Enter the date the relationship ends"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CompetencySignOffForm(PlainForm):
    competency = forms.TypedChoiceField(label="Competency", coerce=int)
    level = forms.TypedChoiceField(
        label="Level",
        coerce=int,
        error_messages={"required": "Select the level they have reached"},
        widget=forms.RadioSelect,
    )
    evidence = forms.TypedMultipleChoiceField(
        label="Evidence",
        coerce=int,
        error_messages={"required": "Select the evidence this sign-off rests on"},
        widget=forms.CheckboxSelectMultiple,
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
