"""A team's circle: the median and spread of verified levels."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole

from .levels import CompetencyHeader, Profiles, _levels_of_people, competency_headers, top_level
from .scope import team_people_under


@dataclass
class TeamLine:
    competency: CompetencyHeader
    levels: list[int]  # one per person who needs it; 0 where nothing is verified
    required: int

    @property
    def median(self) -> float:
        return float(statistics.median(self.levels)) if self.levels else 0.0

    @property
    def quartiles(self) -> tuple[float, float]:
        """The middle half of the team: lower and upper quartile (inclusive method)."""
        if len(self.levels) < 2:
            value = float(self.levels[0]) if self.levels else 0.0
            return value, value
        q1, _q2, q3 = statistics.quantiles(self.levels, n=4, method="inclusive")
        return q1, q3


@dataclass
class TeamCapability:
    organisation: Organisation
    job_role: JobRole | None
    people: int
    lines: list[TeamLine]
    top_level: int
    unverified: int = 0  # people with no verified level at all yet


def _role_counts(caller, path: str):
    return (
        team_people_under(caller, path)
        .values_list("job_role_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "job_role__name")
    )


def _team_rows(caller, path: str, job_role_id: int | None, stage: str):
    return team_people_under(caller, path, job_role_id, stage).values_list(
        "pk", "job_role_id", "stage", "employer__path"
    )


# Every team circle reads these, compiled once per caller's scope (ADR 0029).
_ROLE_COUNTS = policy.per_scope(_role_counts)
_TEAM_ROWS = policy.per_scope(_team_rows)


def team_job_roles(user, organisation: Organisation) -> list[tuple[JobRole, int]]:
    """Job roles of the staff in post the user may see, with how many hold each, most first."""
    counts = _ROLE_COUNTS(user, organisation.path)
    roles = JobRole.objects.in_bulk([role_id for role_id, _ in counts])
    return [(roles[role_id], n) for role_id, n in counts]


def team_capability(
    user, organisation: Organisation, *, job_role: JobRole | None, stage: str = ""
) -> TeamCapability:
    """For the staff of one job role (and stage) the user may see in the organisation's
    subtree: every competency their role profiles require, with each person's level."""
    job_role_id = job_role.pk if job_role is not None else None
    # needs_of's reading, folded straight into each competency's levels: the people read
    # once serve as the count, and their verified levels as who has any (a Need a person
    # and competency, a count and a second read of the levels were a third of the page).
    rows = _TEAM_ROWS(user, organisation.path, job_role_id, stage)
    profiles = Profiles(role for _, role, _, _ in rows)
    held = _levels_of_people(
        lambda: team_people_under(user, organisation.path, job_role_id, stage),
        [pk for pk, _, _, _ in rows],
    )
    levels_by: dict[int, list[int]] = defaultdict(list)
    required_by: dict[int, list[int]] = defaultdict(list)
    for pk, role, stage_of, path in rows:
        levels = held.get(pk, {})
        for competency_id, level, _ in profiles.requirements(role, stage_of, path):
            levels_by[competency_id].append(levels.get(competency_id) or 0)
            required_by[competency_id].append(level)
    count, verified = len(rows), len(held)
    competencies = competency_headers(levels_by)
    lines = [
        TeamLine(c, sorted(levels_by[c.pk]), _most_common(required_by[c.pk])) for c in competencies
    ]
    top = top_level({c.version_id for c in competencies})
    return TeamCapability(organisation, job_role, count, lines, top, count - verified)


def _most_common(values: list[int]) -> int:
    """The level most of the team is asked for; the higher one when two tie."""
    counts = Counter(values)
    return max(counts, key=lambda value: (counts[value], value))
