import re

from django import forms

from capmap.core.forms import PlainForm

from .selectors import authoring_owner_choices


class ImportForm(PlainForm):
    file = forms.FileField(
        label="CASE 1.0 JSON package or Capmap CSV file",
        help_text="The CSV template has the columns domain, code, title, description, indicators.",
    )
    owner = forms.ChoiceField(label="Who owns the framework")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = authoring_owner_choices(user)


class CompetencyForm(PlainForm):
    code = forms.CharField(label="Code", required=False, max_length=200)
    title = forms.CharField(label="What the person can do", widget=forms.Textarea({"rows": 2}))
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    indicators = forms.CharField(
        label="Behavioural indicators",
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text="One a line.",
    )
    domain = forms.ChoiceField(label="Domain", required=False)
    replaces = forms.MultipleChoiceField(
        label="Competencies of the previous version this one replaces",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Verified levels in those carry over to this one.",
    )

    def __init__(self, *args, domains, previous=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "No domain (top level)")] + [
            (str(d.pk), f"{d.code} {d.title}".strip()[:120]) for d in domains
        ]
        self.fields["replaces"].choices = [
            (str(c.pk), f"{c.code} {c.title}".strip()[:120]) for c in previous
        ]
        if not previous:
            del self.fields["replaces"]

    def indicator_list(self) -> list[str]:
        return self.cleaned_data["indicators"].splitlines()


class DomainForm(PlainForm):
    code = forms.CharField(label="Code", required=False, max_length=200)
    title = forms.CharField(label="Domain title", max_length=500)


class RoleProfileForm(PlainForm):
    job_role = forms.ChoiceField(label="Job role")
    stage = forms.CharField(
        label="Stage", required=False, max_length=40, help_text="For example junior or senior."
    )
    owner = forms.ChoiceField(
        label="Whose profile is it", error_messages={"required": "Select whose profile it is"}
    )
    default_level = forms.TypedChoiceField(
        label="Level needed in every competency to start with", coerce=int
    )

    def __init__(self, *args, user, job_roles, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].choices = [(str(r.pk), r.name) for r in job_roles]
        self.fields["owner"].choices = authoring_owner_choices(user)
        self.fields["default_level"].choices = [
            (level.value, f"{level.value} {level.label}") for level in levels
        ]


class RequirementsForm(PlainForm):
    """One level and one essential-or-desirable choice per competency of the profile."""

    def __init__(self, *args, requirements, levels, **kwargs):
        from .models import Requirement

        super().__init__(*args, **kwargs)
        self.rows = []
        level_choices = [(level.value, f"{level.value} {level.label}") for level in levels]
        for row in requirements:
            name = f"{row.competency.code} {row.competency.title}".strip()[:150]
            self.fields[f"level_{row.pk}"] = forms.TypedChoiceField(
                label=f"Level for {name}", choices=level_choices, coerce=int, initial=row.level
            )
            self.fields[f"requirement_{row.pk}"] = forms.ChoiceField(
                label=f"Essential or desirable for {name}",
                choices=Requirement.choices,
                initial=row.requirement,
            )
            self.rows.append((row, self[f"level_{row.pk}"], self[f"requirement_{row.pk}"]))

    def requirements(self) -> dict[int, tuple[int, str]]:
        return {
            row.pk: (
                self.cleaned_data[f"level_{row.pk}"],
                self.cleaned_data[f"requirement_{row.pk}"],
            )
            for row, _level, _requirement in self.rows
        }


SLUG_ERRORS = {
    "required": "Enter a short name for web addresses",
    "invalid": "The short name can only contain letters, numbers and hyphens",
}

LEVEL_LINE = re.compile(r"^\s*(-?\d+)[\s.:]+([^|]+?)\s*(?:\|\s*(.*?)\s*)?$")


def default_levels_text() -> str:
    from .packaging import DEFAULT_LEVELS

    return "\n".join(f"{lv.value} {lv.label} | {lv.descriptor}" for lv in DEFAULT_LEVELS)


class FrameworkForm(PlainForm):
    title = forms.CharField(label="Title", max_length=300)
    slug = forms.SlugField(
        label="Short name for web addresses",
        max_length=120,
        help_text="Lower-case letters, numbers and hyphens, for example pcn-pharmacist.",
        error_messages=SLUG_ERRORS,
    )
    owner = forms.ChoiceField(label="Who owns the framework")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea({"rows": 3})
    )
    levels = forms.CharField(
        label="Proficiency scale",
        widget=forms.Textarea({"rows": 6}),
        help_text=(
            "One level a line, lowest first: its number, its label and, after a |, what it means."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"levels": default_levels_text()})
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = authoring_owner_choices(user)

    def clean_levels(self):
        from .case import ScaleLevel

        levels = []
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            match = LEVEL_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"Line {number} needs a number then a label, for example “2 Competent”."
                )
            value, label, descriptor = match.groups()
            levels.append(ScaleLevel(int(value), label.strip()[:100], (descriptor or "").strip()))
        return levels


class PathwayForm(PlainForm):
    title = forms.CharField(label="Title", max_length=200)
    slug = forms.SlugField(
        label="Short name for web addresses",
        max_length=120,
        help_text="Lower-case letters, numbers and hyphens, for example heart-failure.",
        error_messages=SLUG_ERRORS,
    )
    owner = forms.ChoiceField(
        label="Which organisation's pathway is it",
        error_messages={"required": "Select which organisation's pathway it is"},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = authoring_owner_choices(user)
        if editing:  # the slug and the owner are fixed once the pathway exists
            del self.fields["slug"]
            del self.fields["owner"]


class CapabilityForm(PlainForm):
    competency = forms.ChoiceField(label="Competency")
    minimum_level = forms.IntegerField(
        label="Minimum level",
        min_value=0,
        max_value=100,
        help_text="The level on the framework's scale, for example 2 for Competent.",
    )
    people_needed = forms.IntegerField(
        label="People needed in the team",
        error_messages={
            "required": "Enter how many people in the team need it",
            "min_value": "At least 1 person in the team must need it",
        },
        min_value=1,
        max_value=1000,
        initial=1,
    )

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", "Choose a competency")] + [
            (str(c.pk), f"{c.version.framework.title}: {c.code} {c.title}".strip()[:160])
            for c in competencies
        ]


class ScaleForm(PlainForm):
    """A name and a description for each level of a draft version's scale."""

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for level in levels:
            self.fields[f"label_{level.value}"] = forms.CharField(
                label=f"Name of level {level.value}",
                max_length=100,
                initial=level.label,
                error_messages={"required": f"Enter a name for level {level.value}"},
            )
            self.fields[f"descriptor_{level.value}"] = forms.CharField(
                label=f"What level {level.value} means",
                required=False,
                initial=level.descriptor,
                widget=forms.Textarea({"rows": 2}),
            )
            self.rows.append(
                (level, self[f"label_{level.value}"], self[f"descriptor_{level.value}"])
            )

    def levels(self) -> dict[int, tuple[str, str]]:
        return {
            level.value: (
                self.cleaned_data[f"label_{level.value}"],
                self.cleaned_data[f"descriptor_{level.value}"],
            )
            for level, _label, _descriptor in self.rows
        }


class NewLevelForm(PlainForm):
    """A new level on top of a draft version's scale."""

    label = forms.CharField(
        label="Name of the new level",
        max_length=100,
        error_messages={"required": "Enter a name for the new level"},
    )
    descriptor = forms.CharField(
        label="What the level means", required=False, widget=forms.Textarea({"rows": 3})
    )


class CapabilityChangeForm(PlainForm):
    minimum_level = forms.TypedChoiceField(
        label="Minimum level",
        coerce=int,
        error_messages={"required": "Choose the minimum level"},
    )
    people_needed = forms.IntegerField(
        label="People needed in the team",
        min_value=1,
        max_value=1000,
        error_messages={
            "required": "Enter how many people in the team must hold it",
            "invalid": "Enter the number of people as a whole number, for example 2",
            "min_value": "At least one person must hold it",
        },
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minimum_level"].choices = [
            (level.value, f"{level.value} {level.label}") for level in levels
        ]
