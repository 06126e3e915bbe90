"""An organisation subtree's gap analysis and training needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from capmap.assessments.models import CurrentCapability
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from capmap.people.models import JobRole, Person

from .. import gaps
from .levels import Profiles, competency_headers
from .scope import team_people


@dataclass
class TrainingNeed:
    competency: Competency
    essential: bool
    people_required: int
    people_short: int
    levels_short: int

    @property
    def total_shortfall(self) -> int:
        return self.levels_short


class _Groups:
    """The team's people in groups that share their requirements, from one grouped count.

    A group is a job role and stage; with an organisation's own profiles (who needs what
    then depends on the employer too), a job role, stage and employer.
    """

    def __init__(self, people: QuerySet[Person]) -> None:
        rows = list(
            people.values_list("job_role_id", "stage", "employer__path")
            .annotate(n=Count("pk"))
            .order_by()
        )
        self.profiles = Profiles(role for role, _, _, _ in rows)
        self.by_employer = self.profiles.any_owned
        self.sizes: dict[tuple, int] = defaultdict(int)
        self._paths: dict[tuple, str] = {}
        for role, stage, path, n in rows:
            key = (role, stage, path) if self.by_employer else (role, stage)
            self.sizes[key] += n
            self._paths[key] = path

    def person_fields(self, prefix: str = "person__") -> list[str]:
        """The fields naming a person's group, seen from a model with a `person` field."""
        fields = ["job_role_id", "stage", "employer__path"][: 3 if self.by_employer else 2]
        return [prefix + f for f in fields]

    def requirements(self, key: tuple) -> tuple[tuple[int, int, bool], ...]:
        """(competency id, level, essential) that apply to everyone in the group."""
        return self.profiles.requirements(key[0], key[1], self._paths[key])


def _competency_gaps(
    people: QuerySet[Person], groups: _Groups, bucket
) -> dict[object, dict[int, gaps.CompetencyGap]]:
    """Per bucket of groups (`bucket(group key)`), each required competency's gap.

    One grouped count of verified levels per group, competency and level; each
    requirement's shortfall follows from it (gaps.shortfall_from_levels), so nothing is
    read or built per person.
    """
    histogram: dict[tuple, dict[int, int]] = defaultdict(dict)
    for *key, competency_id, level, n in (
        CurrentCapability.objects.filter(person__in=people.values("pk"))
        .values_list(*groups.person_fields(), "competency_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        histogram[(*key, competency_id)][level] = n
    totals: dict[object, dict[int, gaps.CompetencyGap]] = defaultdict(dict)
    for key, n in groups.sizes.items():
        in_bucket = totals[bucket(key)]
        for competency_id, level, essential in groups.requirements(key):
            short, levels = gaps.shortfall_from_levels(
                level, n, histogram.get((*key, competency_id), {})
            )
            gap = in_bucket.get(competency_id)
            if gap is None:
                gap = in_bucket[competency_id] = gaps.CompetencyGap(competency_id, essential)
            gap.essential = gap.essential or essential
            gap.people_required += n
            gap.people_short += short
            gap.levels_short += levels
    return totals


def training_needs(
    user, organisation: Organisation, *, job_role: JobRole | None = None
) -> list[TrainingNeed]:
    """Competencies ranked by total shortfall across the subtree, essential first.

    Two grouped counts, whatever the number of people: how many people hold each job
    role and stage, and how many of them hold each verified level of each competency.
    Each requirement's shortfall follows from those counts (gaps.shortfall_from_levels).
    """
    people = team_people(user, organisation, job_role=job_role)
    totals = _competency_gaps(people, _Groups(people), lambda key: None)
    ranked = gaps.sort_gaps(g for g in totals[None].values() if g.people_short)
    competencies = {c.pk: c for c in competency_headers(g.competency for g in ranked)}
    return [
        TrainingNeed(
            competency=competencies[g.competency],
            essential=g.essential,
            people_required=g.people_required,
            people_short=g.people_short,
            levels_short=g.levels_short,
        )
        for g in ranked
    ]
