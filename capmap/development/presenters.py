"""View-model of a development plan: status, objectives with overdue flags."""

from __future__ import annotations

from dataclasses import dataclass

from .models import PLAN_WORKFLOW, DevelopmentPlan, Objective, PlanState


@dataclass
class ObjectiveView:
    objective: Objective
    overdue: bool

    @property
    def tag(self) -> tuple[str, str]:
        if self.overdue:
            return "Overdue", "nhsuk-tag--red"
        colours = {
            "not_started": "nhsuk-tag--grey",
            "in_progress": "nhsuk-tag--blue",
            "achieved": "nhsuk-tag--green",
            "not_achieved": "nhsuk-tag--orange",
            "dropped": "nhsuk-tag--grey",
        }
        return self.objective.get_status_display(), colours[self.objective.status]

    @property
    def training_text(self) -> str:
        """The courses the objective names; a course taken out of the catalogue since is
        kept here, marked retired."""
        return "; ".join(
            item.title if item.active else f"{item.title} (retired)"
            for item in self.objective.training.all()
        )


class PlanPresenter:
    def __init__(self, plan: DevelopmentPlan | None, today) -> None:
        self.plan = plan
        self.history = list(plan.statuses.all()) if plan else []
        current = plan.status if plan else None
        self.status = PLAN_WORKFLOW.label(current) if current else "No plan yet"
        self.objectives = [
            ObjectiveView(o, o.is_overdue(today)) for o in (plan.objectives.all() if plan else [])
        ]
        self.overdue = sum(1 for o in self.objectives if o.overdue)
        self.waiting_for_agreement = current == PlanState.PROPOSED


# --- the training catalogue ------------------------------------------------------------


@dataclass
class CompetencyGroup:
    """One fieldset of the mapping checkboxes: a framework's domain and its competencies."""

    legend: str
    id_prefix: str
    items: list[dict]

    @property
    def checked(self) -> int:
        return sum(1 for item in self.items if item["checked"])


@dataclass
class FrameworkGroup:
    title: str
    groups: list[CompetencyGroup]

    @property
    def checked(self) -> int:
        return sum(group.checked for group in self.groups)


def competency_groups(form) -> list[FrameworkGroup]:
    """The TrainingForm's competencies grouped by framework, then domain, with the
    reader's choices kept after a failed submit."""
    field = form["competencies"]
    value = field.value() or []
    chosen = {str(v) for v in value}
    frameworks: dict[str, dict[str, CompetencyGroup]] = {}
    for competency in form.competency_rows:
        framework = competency.version.framework.title
        domain = str(competency.domain) if competency.domain_id else "Other competencies"
        domains = frameworks.setdefault(framework, {})
        if domain not in domains:
            prefix = f"competencies-{competency.version_id}-{competency.domain_id or 0}"
            domains[domain] = CompetencyGroup(domain, prefix, [])
        domains[domain].items.append(
            {
                "value": str(competency.pk),
                "text": f"{competency.code} {competency.title}".strip(),
                "checked": str(competency.pk) in chosen,
            }
        )
    return [FrameworkGroup(title, list(domains.values())) for title, domains in frameworks.items()]


def training_builds(item) -> str:
    """The competencies a course builds, as one line of text."""
    names = [f"{c.code} {c.title}".strip() for c in item.competencies.all()]
    return "; ".join(names) or "Not mapped to any competency yet"


@dataclass
class TrainingRow:
    item: object
    builds: str
    can_change: bool


def training_rows(user, items) -> list[TrainingRow]:
    from capmap.people import policy

    return [
        TrainingRow(
            item,
            training_builds(item),
            policy.allows(user, policy.AUTHOR_FRAMEWORKS, item.owner),  # type: ignore[attr-defined]
        )
        for item in items
    ]


SORT_LABELS = (("title", "Title"), ("provider", "Provider"), ("hours", "Hours"), ("cost", "Cost"))


def training_sort_links(query: dict) -> list[dict]:
    """Links that sort the catalogue, keeping the search and competency filter."""
    from urllib.parse import urlencode

    links = []
    for key, label in SORT_LABELS:
        params = {**query, "sort": key}
        links.append({"key": key, "text": label, "href": "?" + urlencode(params)})
    return links


def training_initial(item) -> dict:
    return {
        "title": item.title,
        "provider": item.provider,
        "format": item.format,
        "hours": item.hours,
        "cost": item.cost,
        "link": item.link,
        "competencies": [str(pk) for pk in item.competencies.values_list("pk", flat=True)],
    }


def training_fields(form) -> dict:
    """The service arguments from a valid TrainingForm (the owner is read apart)."""
    data = form.cleaned_data
    return {
        "title": data["title"],
        "provider": data["provider"],
        "format": data["format"],
        "hours": data["hours"],
        "cost": data["cost"],
        "link": data["link"],
        "competencies": form.chosen_competencies(),
    }


def objective_initial(objective) -> dict:
    return {
        "specific": objective.specific,
        "measure": objective.measure,
        "support": objective.support,
        "competencies": [str(c.pk) for c in objective.competencies.all()],
        "due_on": objective.due_on,
    }
