"""What the team-capability report reads: each person's gaps and each domain's totals."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

from capmap.assessments.models import CurrentCapability
from capmap.organisations.models import Organisation

from .levels import Profiles, competency_headers
from .scope import team_people


class TeamMember(NamedTuple):
    """What the team-capability report shows of a person: read as plain values, not as
    Person objects (50,000 of those, with their roles and employers, held 150 MB)."""

    pk: int
    full_name: str
    job_role: str
    stage: str


@dataclass(frozen=True, slots=True)
class PersonGaps:
    """One person's totals against their role profiles: what the heatmap's row adds up to."""

    person: TeamMember
    required: int
    gaps: int
    levels_short: int


@dataclass(frozen=True, slots=True)
class DomainGaps:
    domain: str
    required: int
    gaps: int
    levels_short: int


@dataclass
class TeamGaps:
    people: list[PersonGaps]
    domains: list[DomainGaps]
    competencies: int

    @property
    def levels_short(self) -> int:
        return sum(row.levels_short for row in self.people)


# team_gaps reads the verified levels of this many people at a time: an ICS of 50,000
# staff holds six million levels, which as one dict took most of a worker's memory.
TEAM_CHUNK = 2000


def _levels_by_person_of(pks: list[int]) -> dict[int, dict[int, int]]:
    """{person: {competency: level}} for people already in scope (`pks`, at most
    TEAM_CHUNK). PostgreSQL sends each person's levels as two arrays, one row a person:
    a third less of our CPU than a row for each level (0.29 s against 0.44 s for
    600,000 levels)."""
    levels = CurrentCapability.objects.filter(person_id__in=pks)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        arrays = (
            levels.values("person_id")
            .annotate(competencies=ArrayAgg("competency_id"), levels=ArrayAgg("level"))
            .values_list("person_id", "competencies", "levels")
            .order_by()
        )
        return {person: dict(zip(c, v, strict=True)) for person, c, v in arrays}
    by_person: dict[int, dict[int, int]] = defaultdict(dict)
    for person, competency, level in levels.values_list("person_id", "competency_id", "level"):
        by_person[person][competency] = level
    return by_person


def team_gaps(user, organisation: Organisation) -> TeamGaps:
    """The team heatmap's totals (per person, per domain) without its cells.

    It walks each person's requirements only, against their verified levels, where the
    heatmap makes a cell for every person and every column: for an ICS of 5,000 staff
    that is half a million steps instead of over a million cells. Levels are read
    TEAM_CHUNK people at a time, so memory grows with the people, not their levels.
    People come most levels short first, as the heatmap sorted by gaps.
    """
    people = list(
        team_people(user, organisation)
        .order_by("pk")
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "stage",
            "job_role_id",
            "job_role__name",
            "employer__path",
        )
    )
    profiles = Profiles(p[4] for p in people)
    # How many people hold each set of requirements: each set is counted once at the end.
    holders: Counter[tuple[tuple[int, int, bool], ...]] = Counter()
    short_people: Counter[int] = Counter()
    short_levels: Counter[int] = Counter()
    rows = []
    nothing: dict[int, int] = {}
    for start in range(0, len(people), TEAM_CHUNK):
        chunk = people[start : start + TEAM_CHUNK]
        current = _levels_by_person_of([p[0] for p in chunk])
        for pk, first_name, last_name, stage, job_role_id, job_role, path in chunk:
            requirements = profiles.requirements(job_role_id, stage, path)
            holders[requirements] += 1
            held = current.get(pk, nothing)
            short_in = short_by = 0
            for competency_id, level, _ in requirements:
                # gaps.shortfall, inlined: this loop runs once per person and requirement.
                short = level - held.get(competency_id, 0)
                if short > 0:
                    short_in += 1
                    short_by += short
                    short_people[competency_id] += 1
                    short_levels[competency_id] += short
            # full_name as Person.full_name writes it.
            member = TeamMember(pk, f"{first_name} {last_name}", job_role, stage)
            rows.append(
                (
                    -short_by,
                    last_name,
                    pk,
                    PersonGaps(member, len(requirements), short_in, short_by),
                )
            )
    rows.sort(key=lambda row: row[:3])
    needed: Counter[int] = Counter()  # competency -> people who need it
    for requirements, count in holders.items():
        for competency_id, _, _ in requirements:
            needed[competency_id] += count
    per_competency = {c: (n, short_people[c], short_levels[c]) for c, n in needed.items()}
    by_domain: dict[str, list[int]] = {}
    for competency in competency_headers(per_competency):
        domain = competency.domain.title if competency.domain is not None else "Other"
        totals = by_domain.setdefault(domain, [0, 0, 0])
        for index, value in enumerate(per_competency[competency.pk]):
            totals[index] += value
    return TeamGaps(
        people=[row[3] for row in rows],
        domains=[DomainGaps(domain, *totals) for domain, totals in by_domain.items()],
        competencies=len(per_competency),
    )
