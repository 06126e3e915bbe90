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
            "dropped": "nhsuk-tag--grey",
        }
        return self.objective.get_status_display(), colours[self.objective.status]


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
