from dataclasses import dataclass

from django import forms

from capmap.core.forms import PlainForm
from capmap.frameworks.models import CarePathway
from capmap.people.forms import JobRoleChoiceField
from capmap.people.models import JobRole

SORT_CHOICES = [("name", "Name"), ("gaps", "Most levels short first"), ("role", "Job role")]


ALL_ROLES = "all"


@dataclass(frozen=True)
class HeatmapView:
    """What the heatmap shows: one job role, one care pathway, or every role at once."""

    value: str
    job_role: JobRole | None = None
    pathway: CarePathway | None = None

    @property
    def is_all_roles(self) -> bool:
        return self.value == ALL_ROLES


class HeatmapFilterForm(PlainForm):
    """The heatmap's filters. `show` is one role or pathway at a time; its first choice,
    the role with most people, is the default."""

    # The teams as (pk, name) pairs, read only when the picker is drawn or a team is chosen:
    # an ICS lead's 440 organisations as models were a tenth of the page.
    organisation = forms.ChoiceField(label="Team", required=False)
    show = forms.ChoiceField(label="Show", required=False)
    stage = forms.ChoiceField(label="Stage", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, organisations, roles, pathways, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations
        self._views: dict[str, HeatmapView] = {}
        choices = []
        for role in roles:
            value = f"role:{role.job_role.slug}"
            self._views[value] = HeatmapView(value, job_role=role.job_role)
            people = "person" if role.people == 1 else "people"
            choices.append((value, f"{role.job_role.name} ({role.people} {people})"))
        for pathway in pathways:
            value = f"pathway:{pathway.slug}"
            self._views[value] = HeatmapView(value, pathway=pathway)
            choices.append((value, f"Care pathway: {pathway.title}"))
        self._views[ALL_ROLES] = HeatmapView(ALL_ROLES)
        choices.append((ALL_ROLES, "All roles at once"))
        self.fields["show"].choices = choices
        self.fields["stage"].choices = [("", "All stages")] + [(s, s.capitalize()) for s in stages]

    def view(self) -> HeatmapView:
        """The view chosen, or the default: the first choice (the largest role)."""
        chosen = self.cleaned_data.get("show") if self.is_valid() else ""
        default = self.fields["show"].choices[0][0]
        return self._views[chosen or default]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"stage": data.get("stage") or "", "sort": data.get("sort") or "name"}


class TrainingNeedsFilterForm(PlainForm):
    job_role = JobRoleChoiceField(
        label="Job role",
        required=False,
        empty_label="All roles",
    )
