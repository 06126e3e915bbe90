"""An organisation subtree's gap analysis and training needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from capmap.assessments.models import CurrentCapability
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from .. import gaps, held_levels
from .levels import CompetencyHeader, Profiles, competency_headers
from .scope import team_people


@dataclass
class TrainingNeed:
    competency: CompetencyHeader
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


@dataclass(frozen=True)
class WholeTree:
    """The team is everyone employed in a root organisation's tree (an ICS), or everyone
    of one job role there: the held-level counts (capability.held_levels) answer for it."""

    root: Organisation
    job_role: JobRole | None = None


def whole_tree(
    user, organisation: Organisation, job_role: JobRole | None = None
) -> WholeTree | None:
    """A WholeTree when the organisation is a root and the access policy admits the user to
    everyone employed under it, else None (the team is whoever the policy admits)."""
    if organisation.parent_id is None and policy.admits_everyone_employed_in(
        user, policy.VIEW_LEVELS, organisation
    ):
        return WholeTree(organisation, job_role)
    return None


def held_level_counts(
    people: QuerySet[Person],
    fields: list[str],
    tree: WholeTree | None,
    *,
    competency_ids: Iterable[int] | None = None,
) -> dict[tuple, dict[int, int]]:
    """{(*values of `fields`, competency): {level: people}} over the team's verified levels,
    `fields` being the person's job role and stage (then their employer's path) or none.

    The held-level counts are kept for people with no end date, per tree, job role and
    stage: they answer when the team is a whole tree and the fields do not go past the
    stage; people with an end date (still in post today, or the team would not hold them)
    are counted live beside them. Otherwise one grouped count over the team.
    """
    found: dict[tuple, dict[int, int]] = defaultdict(dict)
    wanted = set(competency_ids) if competency_ids is not None else None
    levels = CurrentCapability.objects.filter(person__in=people.values("pk"))
    if wanted is not None:
        levels = levels.filter(competency_id__in=wanted)
    if tree is not None and len(fields) <= 2:
        role = tree.job_role.pk if tree.job_role else None
        for (*group, competency_id), counted in held_levels.counts(tree.root.pk, role).items():
            if wanted is None or competency_id in wanted:
                held = found[(*group[: len(fields)], competency_id)]
                for level, n in counted.items():
                    held[level] = held.get(level, 0) + n
        levels = levels.filter(person__end_date__isnull=False)
    for *key, competency_id, level, n in (
        levels.values_list(*fields, "competency_id", "level").annotate(n=Count("*")).order_by()
    ):
        held = found[(*key, competency_id)]
        held[level] = held.get(level, 0) + n
    return found


def _competency_gaps(
    people: QuerySet[Person], groups: _Groups, bucket, tree: WholeTree | None = None
) -> dict[object, dict[int, gaps.CompetencyGap]]:
    """Per bucket of groups (`bucket(group key)`), each required competency's gap.

    One grouped count of verified levels per group, competency and level
    (held_level_counts); each requirement's shortfall follows from it
    (gaps.shortfall_from_levels), so nothing is read or built per person.
    """
    histogram = held_level_counts(people, groups.person_fields(), tree)
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
    tree = whole_tree(user, organisation, job_role)
    totals = _competency_gaps(people, _Groups(people), lambda key: None, tree)
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
