"""Pathway coverage and recruit-or-train."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from capmap.assessments.models import CurrentCapability
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import (
    CarePathway,
    Competency,
    RoleProfile,
    RoleRequirement,
    VersionStatus,
)
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from .. import gaps
from .levels import Profiles
from .scope import team_people


def pathways_for(user) -> QuerySet[CarePathway]:
    return framework_selectors.pathways_for(user)


# Every heatmap offers them, compiled once per caller's scope (ADR 0029).
_PATHWAYS = policy.per_scope(framework_selectors.pathways_for)


def pathway_list(user) -> list[CarePathway]:
    """pathways_for, read."""
    return _PATHWAYS(user)


def get_pathway(user, slug: str) -> CarePathway:
    return framework_selectors.get_pathway(user, slug)


@dataclass
class CoverageRow:
    competency: Competency
    minimum: int
    needed: int
    holders: list[Person]

    @property
    def held(self) -> int:
        return len(self.holders)

    @property
    def status(self) -> str:
        if not self.holders:
            return "uncovered"
        if len(self.holders) == 1:
            return "single point of failure"
        if len(self.holders) < self.needed:
            return "short"
        return "covered"


@dataclass
class TrainCandidate:
    person: Person
    level: int
    gap: int


@dataclass
class RecruitRole:
    job_role: JobRole
    stage: str
    covers: list[Competency]


@dataclass
class PathwayCoverage:
    organisation: Organisation
    pathway: CarePathway
    rows: list[CoverageRow]
    train: dict[int, list[TrainCandidate]]
    recruit: list[RecruitRole]
    not_coverable: list[Competency]

    @property
    def uncovered(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.holders]

    @property
    def single_points_of_failure(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.held == 1]

    @property
    def short(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.held < row.needed]


def pathway_coverage(
    user, organisation: Organisation, pathway: CarePathway, *, candidates: int = 3
) -> PathwayCoverage:
    """Who holds each capability the pathway needs, and how to close what is short.

    Train: for each capability short of people, the people closest to it (smallest gap
    in levels) among those whose role could take it on (gaps.role_could_take_on).
    Recruit: the job roles (at a stage) whose role profiles require enough of the
    uncovered capabilities, chosen by greedy set cover.
    """
    capabilities = list(
        pathway.capabilities.select_related("competency__version").order_by("order")
    )
    people_qs = team_people(user, organisation)
    people = {p.pk: p for p in people_qs.select_related("job_role", "employer")}
    roles = _RolesOfPeople(people.values())
    ids = [c.competency_id for c in capabilities]
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person_id, competency_id, level in CurrentCapability.objects.filter(
        person__in=people_qs.values("pk"), competency_id__in=ids
    ).values_list("person_id", "competency_id", "level"):
        levels[competency_id][person_id] = level
    lines = gaps.coverage(
        [(c.competency_id, c.minimum_level, c.people_needed) for c in capabilities], levels
    )
    rows = []
    train: dict[int, list[TrainCandidate]] = {}
    for capability, line in zip(capabilities, lines, strict=True):
        rows.append(
            CoverageRow(
                capability.competency,
                line.minimum,
                line.needed,
                [people[p] for p in line.holders],
            )
        )
        if line.short_by:
            framework = capability.competency.version.framework_id
            held = levels[line.competency]
            everyone = {
                pk: held.get(pk)
                for pk in people
                if roles.could_take_on(pk, line.competency, framework, held)
            }
            train[line.competency] = [
                TrainCandidate(people[c.person], everyone[c.person] or 0, c.gap)
                for c in gaps.closest_people(everyone, line.minimum, limit=candidates)
            ]
    uncovered = {row.competency.pk: row for row in rows if not row.holders}
    recruit, missing = _recruit(uncovered)
    return PathwayCoverage(
        organisation,
        pathway,
        rows,
        train,
        recruit,
        [uncovered[pk].competency for pk in sorted(missing)],
    )


class _RolesOfPeople:
    """What each person's role profiles require and which frameworks they come from."""

    def __init__(self, people: Iterable[Person]) -> None:
        people = list(people)
        profiles = Profiles(p.job_role_id for p in people)
        framework_of = dict(
            RoleProfile.objects.filter(pk__in=profiles.applicable.candidate_ids()).values_list(
                "pk", "version__framework_id"
            )
        )
        self.required: dict[int, set[int]] = {}
        self.frameworks: dict[int, set[int]] = {}
        for p in people:
            path = p.employer.path
            self.required[p.pk] = {
                c for c, _, _ in profiles.requirements(p.job_role_id, p.stage, path)
            }
            self.frameworks[p.pk] = {
                framework_of[pk]
                for pk in profiles.applicable.profile_ids(p.job_role_id, p.stage, path)
            }

    def could_take_on(self, person: int, competency: int, framework: int, held) -> bool:
        return gaps.role_could_take_on(
            competency,
            framework,
            required=self.required[person],
            frameworks=self.frameworks[person],
            held={competency} if person in held else set(),
        )


def _recruit(uncovered: dict[int, CoverageRow]) -> tuple[list[RecruitRole], frozenset]:
    if not uncovered:
        return [], frozenset()
    minimums = {pk: row.minimum for pk, row in uncovered.items()}
    options: dict[tuple[str, str], set[int]] = defaultdict(set)
    roles: dict[str, JobRole] = {}
    requirements = RoleRequirement.objects.filter(
        competency_id__in=list(minimums),
        profile__version__status=VersionStatus.PUBLISHED,
        profile__owner__isnull=True,
    ).select_related("profile__job_role")
    for requirement in requirements:
        if requirement.level >= minimums[requirement.competency_id]:
            role = requirement.profile.job_role
            roles[role.name] = role
            options[(role.name, requirement.profile.stage)].add(requirement.competency_id)
    chosen, missing = gaps.greedy_cover(minimums, options)
    recruit = [
        RecruitRole(
            roles[choice.option[0]],
            choice.option[1],
            sorted((uncovered[pk].competency for pk in choice.covers), key=lambda c: c.pk),
        )
        for choice in chosen
    ]
    return recruit, missing
