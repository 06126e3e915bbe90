"""Reads for development plans and the training catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from capmap.capability import selectors as capability_selectors
from capmap.capability.selectors import CompetencyLine
from capmap.core.workflow import with_status
from capmap.frameworks import selectors as frameworks
from capmap.frameworks.models import Competency, VersionStatus
from capmap.people import policy
from capmap.people import selectors as people
from capmap.people.models import Person

from .models import DevelopmentPlan, Objective, PlanStatus, TrainingItem

# Sort keys of the catalogue: what a reader asks for, and the columns it orders by.
TRAINING_SORTS: dict[str, tuple[str, ...]] = {
    "title": ("title", "pk"),
    "provider": ("provider", "title", "pk"),
    "hours": ("hours", "title", "pk"),
    "cost": ("cost", "title", "pk"),
}


def _visible_training(user) -> QuerySet[TrainingItem]:
    # A catalogue entry is read like a framework: the shared library by everyone, an
    # organisation's own entries by those who see that organisation (ADR 0005).
    return TrainingItem.objects.filter(policy.allowed_q(user, policy.VIEW_FRAMEWORK))


def training_catalogue(
    user, *, competency_id: int | None = None, search: str = "", sort: str = "title"
) -> QuerySet[TrainingItem]:
    """The catalogue entries the user may read: the shared library and their organisations'."""
    items = (
        _visible_training(user)
        .filter(active=True)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "competencies", queryset=Competency.objects.select_related("version__framework")
            )
        )
    )
    if competency_id is not None:
        items = items.filter(competencies__id=competency_id).distinct()
    for word in search.split():
        items = items.filter(Q(title__icontains=word) | Q(provider__icontains=word))
    return items.order_by(*TRAINING_SORTS.get(sort, TRAINING_SORTS["title"]))


def get_training_item(user, pk: int) -> TrainingItem:
    """A catalogue entry the user may read, or TrainingItem.DoesNotExist."""
    return _visible_training(user).select_related("owner").get(pk=pk)


def mappable_competencies(user) -> QuerySet[Competency]:
    """Competencies of published framework versions the user may see: what a course may
    be mapped to (the service checks the course's owner may use each one)."""
    return (
        Competency.objects.filter(version__status=VersionStatus.PUBLISHED)
        .filter(policy.allowed_q(user, policy.VIEW_FRAMEWORK, via="version__framework__"))
        .select_related("version__framework", "domain")
        .order_by("version__framework__title", "domain__order", "domain_id", "order", "pk")
    )


def competency_or_none(user, pk) -> Competency | None:
    """A competency of a framework the user may see, or None: another organisation's
    private competency is not named."""
    try:
        return frameworks.get_competency(user, int(pk))
    except (TypeError, ValueError, Competency.DoesNotExist):
        return None


def training_for(competency_ids, person: Person | None = None) -> dict[int, list[TrainingItem]]:
    """Catalogue items by the competencies they build (one query): the shared library's
    and, for a person, those of the organisations their employer sits in."""
    links = TrainingItem.competencies.through.objects.filter(
        competency_id__in=list(competency_ids), trainingitem__active=True
    ).select_related("trainingitem")
    owners = Q(trainingitem__owner__isnull=True)
    if person is not None:
        owners |= Q(trainingitem__owner_id__in=person.employer.ancestor_ids())
    links = links.filter(owners)
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
                queryset=Objective.objects.select_related("closed_by").prefetch_related(
                    "competencies", "training"
                ),
            ),
        )
        .first()
    )


def get_objective(user, pk: int) -> Objective:
    return (
        Objective.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, via="plan__person__"))
        .select_related("plan__person__employer", "plan__person__job_role")
        .prefetch_related("competencies")
        .get(pk=pk)
    )


@dataclass
class SuggestedGap:
    line: CompetencyLine
    training: list[TrainingItem]


def suggested_gaps(user, person: Person, limit: int = 5) -> list[SuggestedGap]:
    """The person's biggest gaps with training that addresses each."""
    gaps = capability_selectors.person_capability(user, person).gaps[:limit]
    training = training_for((line.competency.pk for line in gaps), person)
    return [SuggestedGap(line, training.get(line.competency.pk, [])) for line in gaps]


def today():
    return timezone.localdate()


def plan_competencies(user, person: Person) -> QuerySet[Competency]:
    """The competencies the person's role profiles require: what objectives may build."""
    ids = capability_selectors.required_competency_ids(person)
    return Competency.objects.filter(pk__in=ids).order_by("version_id", "domain_id", "order")
