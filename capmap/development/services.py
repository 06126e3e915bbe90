"""Changes to development plans (propose from gaps, add, change and close objectives,
agree, record progress) and to the training catalogue."""

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
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from . import selectors
from .models import (
    CLOSING_STATES,
    DevelopmentPlan,
    Objective,
    ObjectiveState,
    PlanState,
    PlanStatus,
    TrainingFormat,
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
            objective.competencies.set([line.competency.pk])
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


def _plan_of(objective: Objective) -> DevelopmentPlan:
    """The objective's plan, locked, with its current status."""
    plans = DevelopmentPlan.objects.select_for_update(of=("self",)).filter(pk=objective.plan_id)
    return with_status(plans).get()


def _check_open(objective: Objective, plan: DevelopmentPlan) -> None:
    if plan.status == PlanState.CLOSED:  # type: ignore[attr-defined]  # with_status
        raise DomainError("This plan is closed: add the objective to a new plan instead.")
    if not objective.is_open:
        raise DomainError("This objective is closed and can no longer change.")


@transaction.atomic
def update_objective(
    *,
    actor,
    objective: Objective,
    specific: str,
    measure: str,
    support: str,
    competencies: list[Competency],
    due_on: datetime.date,
    training: Sequence[TrainingItem] = (),
) -> Objective:
    """Change an open objective; an agreed plan goes back to be agreed again."""
    _check_write(actor, objective.plan.person)
    if not competencies:
        raise DomainError("Choose at least one competency the objective builds.")
    plan = _plan_of(objective)
    _check_open(objective, plan)
    with set_actor(actor):
        objective.specific = specific.strip()
        objective.measure = measure.strip()
        objective.support = support.strip()
        objective.due_on = due_on
        objective.save()
        objective.competencies.set(competencies)
        if training:
            objective.training.set(training)
        _propose_again(actor, plan, "Objective changed.")
    return objective


@transaction.atomic
def close_objective(*, actor, objective: Objective, outcome: str, note: str) -> Objective:
    """A supervisor or manager closes an open objective as achieved or not achieved, with
    a note saying why; never the person themself (as with agreeing the plan)."""
    if not policy.allows(actor, policy.AGREE_PLAN, objective.plan.person):
        raise NotPermitted("Only the person's supervisor or manager can close an objective.")
    if outcome not in CLOSING_STATES:
        raise DomainError("Choose whether the objective was achieved.")
    if not note.strip():
        raise DomainError("Enter a note saying how the objective went.")
    plan = _plan_of(objective)
    _check_open(objective, plan)
    with set_actor(actor):
        objective.status = outcome
        if outcome == ObjectiveState.ACHIEVED:
            objective.progress = 100
        objective.closing_note = note.strip()
        objective.closed_at = timezone.now()
        objective.closed_by = actor
        objective.save()
    return objective


# --- the training catalogue ------------------------------------------------------------


def _check_catalogue(actor, owner: Organisation | None) -> None:
    # Whoever authors frameworks for an organisation keeps its training catalogue too
    # (managers and admins over it); superusers keep the shared library (ADR 0005).
    if not policy.allows(actor, policy.AUTHOR_FRAMEWORKS, owner):
        raise NotPermitted("Only managers and admins of the owner can change its training.")


def _usable_competencies(owner: Organisation | None, competencies: Sequence[Competency]) -> None:
    """A course may build only competencies of frameworks its owner can use."""
    allowed = {None} if owner is None else {None, *owner.ancestor_ids()}
    if any(c.version.framework.owner_id not in allowed for c in competencies):
        raise DomainError("Choose competencies from frameworks the course's owner can use.")


def _training_fields(title: str, provider: str, format: str, hours, cost) -> dict:
    if not title.strip():
        raise DomainError("Enter the course title.")
    if not provider.strip():
        raise DomainError("Enter who provides the course.")
    if format not in TrainingFormat.values:
        raise DomainError("Choose the kind of training.")
    if hours < 0 or cost < 0:
        raise DomainError("Hours and cost cannot be less than 0.")
    return {
        "title": title.strip()[:200],
        "provider": provider.strip()[:200],
        "format": format,
        "hours": hours,
        "cost": cost,
    }


@transaction.atomic
def add_training_item(
    *,
    actor,
    owner: Organisation | None,
    title: str,
    provider: str,
    format: str,
    hours=0,
    cost=0,
    link: str = "",
    competencies: Sequence[Competency] = (),
) -> TrainingItem:
    """Add a course to the owner's catalogue (None: the shared library)."""
    _check_catalogue(actor, owner)
    fields = _training_fields(title, provider, format, hours, cost)
    _usable_competencies(owner, competencies)
    with set_actor(actor):
        item = TrainingItem.objects.create(owner=owner, link=link.strip(), **fields)
        item.competencies.set(competencies)
    return item


@transaction.atomic
def update_training_item(
    *,
    actor,
    item: TrainingItem,
    title: str,
    provider: str,
    format: str,
    hours=0,
    cost=0,
    link: str = "",
    competencies: Sequence[Competency] = (),
) -> TrainingItem:
    """Change a course and the competencies it builds; its owner stays."""
    _check_catalogue(actor, item.owner)
    fields = _training_fields(title, provider, format, hours, cost)
    _usable_competencies(item.owner, competencies)
    with set_actor(actor):
        for name, value in fields.items():
            setattr(item, name, value)
        item.link = link.strip()
        item.save()
        item.competencies.set(competencies)
    return item


def training_in_use(item: TrainingItem) -> int:
    """How many objectives of development plans name the course."""
    return Objective.training.through.objects.filter(trainingitem=item).count()


@transaction.atomic
def remove_training_item(*, actor, item: TrainingItem) -> bool:
    """Take a course out of the catalogue. A course named in development plans is retired:
    hidden from new choices, kept (marked retired) on those plans. A course no plan names is
    deleted. Returns True when it was deleted; audited either way."""
    _check_catalogue(actor, item.owner)
    item = TrainingItem.objects.select_for_update().get(pk=item.pk)
    with set_actor(actor):
        if training_in_use(item):
            if not item.active:
                raise DomainError(f"{item.title} is already retired.")
            item.active = False
            item.save(update_fields=["active", "updated_at"])
            return False
        item.delete()
    return True
