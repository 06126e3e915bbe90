"""Changes to development plans: propose from gaps, add objectives, agree, record progress."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import cast

from django.db import transaction
from django.utils import timezone

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import transition, with_status
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people.models import Person

from . import selectors
from .models import (
    DevelopmentPlan,
    Objective,
    ObjectiveState,
    PlanState,
    PlanStatus,
    TrainingItem,
)

DEFAULT_MONTHS = 6


def _check_write(actor, person: Person) -> None:
    if not policy.allows(actor, policy.WRITE_RECORD, person):
        raise NotPermitted(
            "Only the person, their supervisor or their manager can change this plan."
        )


def _open_plan(actor, person: Person) -> DevelopmentPlan:
    """The person's latest plan, locked, unless it is closed: then a new, proposed one."""
    plans = DevelopmentPlan.objects.select_for_update(of=("self",)).filter(person=person)
    plan = with_status(plans).first()
    if plan is None or plan.status == PlanState.CLOSED:  # type: ignore[attr-defined]  # with_status
        plan = DevelopmentPlan.objects.create(person=person, created_by=actor)
        transition(actor=actor, subject=plan, to=PlanState.PROPOSED)
        plan.status = PlanState.PROPOSED  # type: ignore[attr-defined]  # as with_status reads it
    return plan


def _propose_again(actor, plan: DevelopmentPlan, comment: str) -> None:
    """An agreed plan that gains objectives goes back to be agreed again."""
    if plan.status == PlanState.AGREED:  # type: ignore[attr-defined]  # with_status
        transition(actor=actor, subject=plan, to=PlanState.PROPOSED, comment=comment)


@transaction.atomic
def propose_plan_from_gaps(*, actor, person: Person, limit: int = 3) -> DevelopmentPlan:
    """Add one SMART objective for each of the person's biggest gaps not yet in the plan."""
    _check_write(actor, person)
    with set_actor(actor):
        plan = _open_plan(actor, person)
        planned = set(
            Objective.competencies.through.objects.filter(
                objective__plan=plan,
                objective__status__in=[ObjectiveState.NOT_STARTED, ObjectiveState.IN_PROGRESS],
            ).values_list("competency_id", flat=True)
        )
        suggestions = [
            s
            for s in selectors.suggested_gaps(actor, person, limit=limit + len(planned))
            if s.line.competency.pk not in planned
        ][:limit]
        if not suggestions:
            raise DomainError("There are no gaps to plan for: every required level is reached.")
        due = timezone.localdate() + datetime.timedelta(days=30 * DEFAULT_MONTHS)
        for suggestion in suggestions:
            line = suggestion.line
            name = f"{line.competency.code} {line.competency.title}".strip()
            objective = Objective.objects.create(
                plan=plan,
                specific=f"Reach level {line.required} in {name} (now level {line.current or 0}).",
                measure=f"A supervisor verifies level {line.required} in {name}.",
                support=", ".join(t.title for t in suggestion.training[:2])
                or "Supervised practice and a case-based discussion.",
                target_level=line.required,
                due_on=due,
            )
            objective.competencies.set([line.competency])
            objective.training.set(suggestion.training[:2])
        _propose_again(actor, plan, "New objectives added.")
    return plan


@transaction.atomic
def add_objective(
    *,
    actor,
    person: Person,
    specific: str,
    measure: str,
    support: str,
    competencies: list[Competency],
    due_on: datetime.date,
    training: Sequence[TrainingItem] = (),
) -> Objective:
    _check_write(actor, person)
    if not competencies:
        raise DomainError("Choose at least one competency the objective builds.")
    with set_actor(actor):
        plan = _open_plan(actor, person)
        objective = Objective.objects.create(
            plan=plan, specific=specific, measure=measure, support=support, due_on=due_on
        )
        objective.competencies.set(competencies)
        objective.training.set(training)
        _propose_again(actor, plan, "Objective added.")
    return objective


@transaction.atomic
def agree_plan(*, actor, plan: DevelopmentPlan, comment: str = "") -> PlanStatus:
    if not policy.allows(actor, policy.AGREE_PLAN, plan.person):
        raise NotPermitted("Only the person's supervisor or manager can agree their plan.")
    if not plan.objectives.exists():
        raise DomainError("Add at least one objective before agreeing the plan.")
    return cast(
        PlanStatus, transition(actor=actor, subject=plan, to=PlanState.AGREED, comment=comment)
    )


@transaction.atomic
def record_progress(*, actor, objective: Objective, progress: int, status: str) -> Objective:
    _check_write(actor, objective.plan.person)
    if not 0 <= progress <= 100:
        raise DomainError("Progress is a percentage from 0 to 100.")
    if status not in ObjectiveState.values:
        raise DomainError("Choose a status for the objective.")
    if status == ObjectiveState.ACHIEVED:
        progress = 100
    with set_actor(actor):
        objective.progress = progress
        objective.status = status
        objective.save(update_fields=["progress", "status", "updated_at"])
    return objective
