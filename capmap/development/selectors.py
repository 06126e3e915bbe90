"""Reads for development plans and the training catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from capmap.capability import selectors as capability_selectors
from capmap.capability.selectors import CompetencyLine
from capmap.core.workflow import with_status
from capmap.frameworks import selectors as frameworks
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people import selectors as people
from capmap.people.models import Person

from .models import DevelopmentPlan, Objective, PlanStatus, TrainingItem


def training_catalogue(*, competency_id: int | None = None) -> QuerySet[TrainingItem]:
    """The shared catalogue (reference data, open to every signed-in user)."""
    items = TrainingItem.objects.filter(active=True).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.select_related("version__framework"))
    )
    if competency_id is not None:
        items = items.filter(competencies__id=competency_id).distinct()
    return items.order_by("title")


def competency_or_none(user, pk) -> Competency | None:
    """A competency of a framework the user may see, or None: another organisation's
    private competency is not named."""
    try:
        return frameworks.get_competency(user, int(pk))
    except (TypeError, ValueError, Competency.DoesNotExist):
        return None


def training_for(competency_ids) -> dict[int, list[TrainingItem]]:
    """Catalogue items by the competencies they build (one query)."""
    links = TrainingItem.competencies.through.objects.filter(
        competency_id__in=list(competency_ids), trainingitem__active=True
    ).select_related("trainingitem")
    found: dict[int, list[TrainingItem]] = {}
    for link in links.order_by("trainingitem__title"):
        found.setdefault(link.competency_id, []).append(link.trainingitem)
    return found


def get_person(user, pk: int) -> Person:
    """A person whose development plan the user may see, or Person.DoesNotExist."""
    return people.get_person(user, pk, policy.VIEW_RECORD)


def current_plan(person: Person) -> DevelopmentPlan | None:
    """The person's latest plan, with its current status, history and objectives; the
    caller opened `person` through a scoped selector."""
    return (
        with_status(DevelopmentPlan.objects.filter(person=person))
        .prefetch_related(
            Prefetch("statuses", queryset=PlanStatus.objects.select_related("actor")),
            Prefetch(
                "objectives",
                queryset=Objective.objects.prefetch_related("competencies", "training"),
            ),
        )
        .first()
    )


def get_objective(user, pk: int) -> Objective:
    return (
        Objective.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, via="plan__person__"))
        .select_related("plan__person__employer")
        .get(pk=pk)
    )


@dataclass
class SuggestedGap:
    line: CompetencyLine
    training: list[TrainingItem]


def suggested_gaps(user, person: Person, limit: int = 5) -> list[SuggestedGap]:
    """The person's biggest gaps with training that addresses each."""
    gaps = capability_selectors.person_capability(user, person).gaps[:limit]
    training = training_for(line.competency.pk for line in gaps)
    return [SuggestedGap(line, training.get(line.competency.pk, [])) for line in gaps]


def today():
    return timezone.localdate()


def plan_competencies(user, person: Person) -> QuerySet[Competency]:
    """The competencies the person's role profiles require: what objectives may build."""
    ids = capability_selectors.required_competency_ids(person)
    return Competency.objects.filter(pk__in=ids).order_by("version_id", "domain_id", "order")
