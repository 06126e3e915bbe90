"""View-model of a development plan: status, objectives with overdue flags."""

from __future__ import annotations

from dataclasses import dataclass

from .models import DevelopmentPlan, Objective


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
        statuses = list(plan.statuses.all()) if plan else []
        self.history = statuses
        self.latest = statuses[-1] if statuses else None
        self.status = self.latest.get_status_display() if self.latest else "No plan yet"
        self.objectives = [
            ObjectiveView(o, o.is_overdue(today)) for o in (plan.objectives.all() if plan else [])
        ]
        self.overdue = sum(1 for o in self.objectives if o.overdue)
        self.waiting_for_agreement = bool(self.latest and self.latest.status == "proposed")
