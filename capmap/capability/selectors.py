"""Reads for capability maps: circles, team heatmaps, gaps, training needs, pathway coverage.

Every function reads the maintained current-capability table with a fixed number of
set-based queries, whatever the size of the team: no query runs inside a loop over
people. A person's requirements come from the role profiles that apply to them
(frameworks.selectors.ApplicableRoleProfiles owns that rule).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    F,
    Max,
    Q,
    QuerySet,
)
from django.utils import timezone

from capmap.assessments.models import CapabilityEvent, CurrentCapability, SelfRating
from capmap.assessments.selectors import capability_as_of
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import (
    CarePathway,
    Competency,
    PathwayCapability,
    ProficiencyLevel,
    Requirement,
    RoleProfile,
    RoleRequirement,
    VersionStatus,
)
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from . import gaps

REQ = "job_role__role_profiles__requirements"
PROFILE = "job_role__role_profiles"
DEFAULT_TOP_LEVEL = 4


# --- Scope -------------------------------------------------------------------------


def team_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose capability the user may see: where they may see staff."""
    return policy.organisations(user, policy.VIEW_PEOPLE)


def get_team_organisation(user, pk: int) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is out of the user's scope."""
    return team_organisations(user).get(pk=pk)


def get_person(user, pk: int) -> Person:
    """A person whose verified levels the user may see (whoever sees their staff record)."""
    return (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS))
        .select_related("job_role", "employer")
        .get(pk=pk)
    )


def own_person(user) -> Person | None:
    """The user's own staff record in post, if they have one they may see."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS), user=user)
        .order_by("-start_date", "-pk")
        .first()
    )


def team_people(
    user,
    organisation: Organisation,
    *,
    job_role: JobRole | None = None,
    stage: str = "",
) -> QuerySet[Person]:
    """Staff in post in the organisation's subtree that the user may see."""
    today = timezone.localdate()
    people = Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        employer__path__startswith=organisation.path,
    )
    if job_role is not None:
        people = people.filter(job_role=job_role)
    if stage:
        people = people.filter(stage=stage)
    return people


class Profiles:
    """The requirements of the role profiles that apply to people, read in two queries.

    Which profiles apply is the frameworks rule (ApplicableRoleProfiles); this adds
    each profile's requirements: (competency id, level, essential) in order.
    """

    def __init__(self, job_role_ids: Iterable[int]) -> None:
        self.applicable = framework_selectors.ApplicableRoleProfiles(job_role_ids)
        rows = (
            RoleRequirement.objects.filter(profile_id__in=self.applicable.candidate_ids())
            .order_by("profile_id", "competency__domain_id", "competency__order", "competency_id")
            .values_list("profile_id", "competency_id", "level", "requirement")
        )
        self._requirements: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
        for profile_id, competency_id, level, kind in rows:
            self._requirements[profile_id].append(
                (competency_id, level, kind == Requirement.ESSENTIAL)
            )
        self._merged: dict[tuple[int, ...], tuple[tuple[int, int, bool], ...]] = {}

    @property
    def any_owned(self) -> bool:
        return self.applicable.depends_on_employer

    def requirements(
        self, job_role_id: int, stage: str, employer_path: str
    ) -> tuple[tuple[int, int, bool], ...]:
        """(competency id, level, essential) for a person; the first profile wins a clash.

        Merged once for each set of applicable profiles: an ICS has thousands of
        (role, stage, employer) keys but only a few dozen such sets."""
        chosen = tuple(self.applicable.profile_ids(job_role_id, stage, employer_path))
        merged = self._merged.get(chosen)
        if merged is None:
            seen: set[int] = set()
            found = []
            for profile_id in chosen:
                for requirement in self._requirements[profile_id]:
                    if requirement[0] not in seen:
                        seen.add(requirement[0])
                        found.append(requirement)
            merged = self._merged[chosen] = tuple(found)
        return merged


def needs_of(people: QuerySet[Person]) -> list[gaps.Need]:
    """Each person's requirements with their current level (for a team, not an ICS)."""
    rows = list(people.values_list("pk", "job_role_id", "stage", "employer__path"))
    profiles = Profiles(role for _, role, _, _ in rows)
    current = current_levels(people)
    return [
        gaps.Need(
            person=pk,
            competency=competency_id,
            required=level,
            current=current.get((pk, competency_id)),
            essential=essential,
        )
        for pk, role, stage, path in rows
        for competency_id, level, essential in profiles.requirements(role, stage, path)
    ]


def required_competency_ids(person: Person) -> list[int]:
    """The competencies the person's role profiles require (person opened in scope)."""
    profiles = Profiles([person.job_role_id])
    path = person.employer.path
    return [c for c, _, _ in profiles.requirements(person.job_role_id, person.stage, path)]


def current_levels(people: QuerySet[Person]) -> dict[tuple[int, int], int]:
    rows = CurrentCapability.objects.filter(person__in=people.values("pk")).values_list(
        "person_id", "competency_id", "level"
    )
    return {(p, c): level for p, c, level in rows}


def current_levels_by_person(people: QuerySet[Person]) -> dict[int, dict[int, int]]:
    """The same verified levels as current_levels, as {person: {competency: level}}."""
    rows = CurrentCapability.objects.filter(person__in=people.values("pk")).values_list(
        "person_id", "competency_id", "level"
    )
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person, competency, level in rows.iterator(chunk_size=10_000):
        levels[person][competency] = level
    return levels


# Up to this many people, their verified levels are read by their ids; a larger team by
# repeating the team's query as a subquery (a list of ids that long costs more to send
# than the subquery costs to run, and SQLite caps the number of parameters).
IDS_IN_QUERY = 2000


def _levels_of_people(people: QuerySet[Person], pks: list[int]) -> dict[int, dict[int, int]]:
    """current_levels_by_person for people already read (`pks`, the ids of `people`)."""
    if len(pks) > IDS_IN_QUERY:
        return current_levels_by_person(people)
    rows = CurrentCapability.objects.filter(person_id__in=pks).values_list(
        "person_id", "competency_id", "level"
    )
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person, competency, level in rows:
        levels[person][competency] = level
    return levels


HEADER_ORDER = ("version__framework__title", "domain__order", "domain_id", "order", "pk")


def competency_headers(ids) -> list[Competency]:
    """Competencies in framework, domain and own order, with their domain and framework."""
    return list(
        Competency.objects.filter(pk__in=list(ids))
        .select_related("domain", "version__framework")
        .only(
            "code",
            "title",
            "order",
            "version__framework__title",
            "version__framework__slug",
            "domain__title",
            "domain__order",
            "domain__code",
        )
        .order_by(*HEADER_ORDER)
    )


@dataclass(frozen=True, slots=True)
class CompetencyColumn:
    """A competency as a heatmap column: what its header and workbook show."""

    pk: int
    code: str
    title: str
    domain: str  # the domain's title, "Other" for a competency outside any domain


def heatmap_columns(ids) -> list[CompetencyColumn]:
    """competency_headers' competencies, in its order, as plain columns: a map of every
    role has a few hundred, and one row each beats four model instances each."""
    rows = (
        Competency.objects.filter(pk__in=list(ids))
        .order_by(*HEADER_ORDER)
        .values_list("pk", "code", "title", "domain__title")
    )
    return [
        CompetencyColumn(pk, code, title, domain or "Other") for pk, code, title, domain in rows
    ]


def top_level(version_ids) -> int:
    top = ProficiencyLevel.objects.filter(scale__version_id__in=list(version_ids)).aggregate(
        top=Max("value")
    )["top"]
    return top or DEFAULT_TOP_LEVEL


# --- One person: the circle of competence ---------------------------------------------


@dataclass
class CompetencyLine:
    competency: Competency
    required: int | None
    current: int | None
    essential: bool
    self_rated: int | None = None

    @property
    def shortfall(self) -> int:
        return gaps.shortfall(self.required or 0, self.current)


@dataclass
class PersonCapability:
    person: Person
    lines: list[CompetencyLine]
    top_level: int
    on: date | None = None  # None: today's verified levels

    @property
    def gaps(self) -> list[CompetencyLine]:
        short = [line for line in self.lines if line.shortfall]
        return sorted(short, key=lambda line: (not line.essential, -line.shortfall))


def person_capability(user, person: Person, *, on: date | None = None) -> PersonCapability:
    """The person's requirements and verified levels, today or at the end of `on`, with
    their latest self-ratings when the user may see their record. The caller has already
    opened `person` through `get_person`, so it is in scope."""
    people = Person.objects.filter(pk=person.pk)
    needs = {need.competency: need for need in needs_of(people)}
    own = latest_self_ratings(person) if policy.allows(user, policy.VIEW_RECORD, person) else {}
    competencies = competency_headers(needs)
    lines = [
        CompetencyLine(
            competency=c,
            required=needs[c.pk].required,
            current=needs[c.pk].current,
            essential=needs[c.pk].essential,
            self_rated=own.get(c.pk),
        )
        for c in competencies
    ]
    today = PersonCapability(person, lines, top_level({c.version_id for c in competencies}))
    return today if on is None else capability_on(today, on)


def capability_on(today: PersonCapability, on: date) -> PersonCapability:
    """The same requirements as `today`'s, with the levels verified by the end of `on`.

    The circle page compares two dates: the requirements, self-ratings and scale are
    read once, the levels at a date come from the sign-offs up to it (assessments owns
    that reading)."""
    held = capability_as_of(today.person, on)
    lines = [replace(line, current=held.get(line.competency.pk)) for line in today.lines]
    return PersonCapability(today.person, lines, today.top_level, on)


def latest_self_ratings(person: Person) -> dict[int, int]:
    """The person's own level per competency id, from the latest round they rated."""
    rows = (
        SelfRating.objects.filter(assessment__person=person)
        .order_by("rated_at", "pk")
        .values_list("competency_id", "level")
    )
    return dict(rows)


def first_verified_on(person: Person) -> date | None:
    """The day of the person's first sign-off, if any (the default 'then' of growth)."""
    first = (
        CapabilityEvent.objects.filter(person=person)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


# --- A team's circle: the median and spread of verified levels ---------------------------


@dataclass
class TeamLine:
    competency: Competency
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


def team_job_roles(user, organisation: Organisation) -> list[tuple[JobRole, int]]:
    """Job roles of the staff in post the user may see, with how many hold each, most first."""
    counts = (
        team_people(user, organisation)
        .values("job_role_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "job_role__name")
    )
    roles = JobRole.objects.in_bulk([row["job_role_id"] for row in counts])
    return [(roles[row["job_role_id"]], row["n"]) for row in counts]


def team_capability(
    user, organisation: Organisation, *, job_role: JobRole | None, stage: str = ""
) -> TeamCapability:
    """For the staff of one job role (and stage) the user may see in the organisation's
    subtree: every competency their role profiles require, with each person's level."""
    people = team_people(user, organisation, job_role=job_role, stage=stage)
    levels_by: dict[int, list[int]] = defaultdict(list)
    required_by: dict[int, list[int]] = defaultdict(list)
    for need in needs_of(people):
        levels_by[need.competency].append(need.current or 0)
        required_by[need.competency].append(need.required)
    count = people.count()
    verified = len({person for person, _ in current_levels(people)})
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


# --- A team: the heatmap ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeatmapCell:
    required: int | None
    current: int | None

    @property
    def shortfall(self) -> int:
        return gaps.shortfall(self.required, self.current) if self.required else 0


class _SharedCells(dict):
    """One (frozen) cell for each pair of levels: a team's thousands of cells take a few
    dozen values, so a lookup replaces building an object for each."""

    def __missing__(self, key: tuple[int | None, int | None]) -> HeatmapCell:
        cell = self[key] = HeatmapCell(*key)
        return cell


@dataclass
class HeatmapRow:
    person: Person
    cells: list[HeatmapCell]

    @property
    def total_shortfall(self) -> int:
        return sum(cell.shortfall for cell in self.cells)

    @property
    def gaps(self) -> int:
        return sum(1 for cell in self.cells if cell.shortfall)

    @property
    def required(self) -> int:
        """How many of the columns this person's role requires."""
        return sum(1 for cell in self.cells if cell.required)

    @property
    def met(self) -> int:
        """How many of those requirements the person meets at the level required."""
        return sum(1 for cell in self.cells if cell.required and not cell.shortfall)


@dataclass(frozen=True)
class ColumnTotal:
    """How many of the people who need a competency meet it, of how many need it."""

    met: int
    required: int


@dataclass
class Heatmap:
    organisation: Organisation
    competencies: list[CompetencyColumn]
    rows: list[HeatmapRow] = field(default_factory=list)

    @property
    def domains(self) -> list[tuple[str, int]]:
        """Column groups: (domain title, number of competencies), in column order."""
        return domain_groups(self.competencies)

    @property
    def column_totals(self) -> list[ColumnTotal]:
        """Per column: people who meet the competency, of the people who need it."""
        totals = []
        for index in range(len(self.competencies)):
            cells = [row.cells[index] for row in self.rows if row.cells[index].required]
            met = sum(1 for cell in cells if not cell.shortfall)
            totals.append(ColumnTotal(met, len(cells)))
        return totals


def domain_groups(columns: Iterable[CompetencyColumn]) -> list[tuple[str, int]]:
    """(domain title, number of competencies) for each run of columns of one domain."""
    groups: list[tuple[str, int]] = []
    for column in columns:
        title = column.domain
        if groups and groups[-1][0] == title:
            groups[-1] = (title, groups[-1][1] + 1)
        else:
            groups.append((title, 1))
    return groups


SORTS = {
    "name": lambda row: (row.person.last_name, row.person.first_name, row.person.pk),
    "gaps": lambda row: (-row.total_shortfall, row.person.last_name, row.person.pk),
    "role": lambda row: (row.person.job_role.name, row.person.last_name, row.person.pk),
}


def team_heatmap(
    user,
    organisation: Organisation,
    *,
    job_role: JobRole | None = None,
    stage: str = "",
    pathway: CarePathway | None = None,
    sort: str = "name",
) -> Heatmap:
    """People as rows, the competencies anyone of them needs as columns (grouped by domain).

    With a pathway, the columns are the pathway's capabilities, required at its minimum,
    and the rows the people it applies to: those whose role profiles require one of its
    capabilities, or who already hold a verified level in one.
    """
    people_qs = team_people(user, organisation, job_role=job_role, stage=stage)
    # The employer's path alone, not an organisation for each row: it only picks profiles.
    people = list(
        people_qs.select_related("job_role")
        .only("first_name", "last_name", "stage", "employer_id", "job_role__name")
        .annotate(employer_path=F("employer__path"))
    )
    current = _levels_of_people(people_qs, [p.pk for p in people])
    profiles = Profiles(p.job_role_id for p in people)
    nothing: dict[int, int] = {}
    # Each person's requirements as {competency: level}: one dict per job role, stage and
    # employer, shared by everyone who has them (a team has a handful of such groups).
    required_of: dict[int, dict[int, int]] = {}
    if pathway is not None:
        minimums = dict(pathway.capabilities.values_list("competency_id", "minimum_level"))
        people = [
            p for p in people if _pathway_applies(p, minimums, profiles, current.get(p.pk, nothing))
        ]
        required_of = dict.fromkeys((p.pk for p in people), minimums)
        column_ids = set(minimums)
    else:
        by_group: dict[tuple[int, str, str], dict[int, int]] = {}
        for p in people:
            key = (p.job_role_id, p.stage, p.employer_path)
            if key not in by_group:
                by_group[key] = {c: level for c, level, _ in profiles.requirements(*key)}
            required_of[p.pk] = by_group[key]
        column_ids = {c for required in by_group.values() for c in required}
    competencies = heatmap_columns(column_ids)
    heatmap = Heatmap(organisation, competencies)
    ids = [c.pk for c in competencies]
    cell = _SharedCells()
    # Each set of requirements as the required level of each column, in column order.
    aligned: dict[int, list[int | None]] = {}
    for person in people:
        required = required_of[person.pk]
        levels = aligned.get(id(required))
        if levels is None:
            levels = aligned[id(required)] = [required.get(c) for c in ids]
        held = current.get(person.pk, nothing)
        cells = [cell[level, held.get(c)] for level, c in zip(levels, ids, strict=True)]
        heatmap.rows.append(HeatmapRow(person, cells))
    heatmap.rows.sort(key=SORTS.get(sort, SORTS["name"]))
    return heatmap


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


def _pathway_applies(
    person: Person, minimums: dict[int, int], profiles: Profiles, held: dict[int, int]
) -> bool:
    """A pathway applies to someone whose role requires one of its capabilities, or who
    already holds a verified level in one (`held`: the person's levels by competency)."""
    if any(competency_id in held for competency_id in minimums):
        return True
    return any(
        competency_id in minimums
        for competency_id, _, _ in profiles.requirements(
            person.job_role_id,
            person.stage,
            person.employer_path,  # type: ignore[attr-defined]  # annotated by team_heatmap
        )
    )


@dataclass(frozen=True)
class RoleChoice:
    """A job role of the team whose role profiles require something, and its headcount."""

    job_role: JobRole
    people: int


def heatmap_roles(user, organisation: Organisation) -> list[RoleChoice]:
    """The team's job roles that a role profile applies to, most people first.

    The heatmap shows one role at a time; the first of these is its default. Roles no
    profile applies to (nothing required of them) would show only empty columns.
    """
    groups = list(
        team_people(user, organisation)
        .values_list("job_role_id", "stage", "employer__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    profiles = Profiles(role for role, _, _, _ in groups)
    counts: dict[int, int] = defaultdict(int)
    for role, stage, path, n in groups:
        if next(iter(profiles.requirements(role, stage, path)), None) is not None:
            counts[role] += n
    roles = JobRole.objects.in_bulk(list(counts))
    choices = [RoleChoice(roles[pk], n) for pk, n in counts.items()]
    return sorted(choices, key=lambda c: (-c.people, c.job_role.name))


def team_stages(user, organisation: Organisation) -> list[str]:
    """The stages people of the team are at (junior, senior...), for the stage filter."""
    stages = (
        team_people(user, organisation)
        .exclude(stage="")
        .values_list("stage", flat=True)
        .distinct()
        .order_by("stage")
    )
    return list(stages)


# --- An organisation subtree: gap analysis and training needs ------------------------


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


# --- Pathway coverage and recruit-or-train ----------------------------------------------


def pathways_for(user) -> QuerySet[CarePathway]:
    return framework_selectors.pathways_for(user)


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


# --- At a glance: one line per role and per pathway (the home page) ---------------------


@dataclass
class RoleCoverage:
    """How many people of a job role meet every essential requirement of their profile,
    and the competency most of them fall short of."""

    job_role: JobRole
    people: int
    meeting: int
    biggest_gap: Competency | None = None
    biggest_gap_short: int = 0


def role_coverage(user, organisation: Organisation) -> list[RoleCoverage]:
    """One line per job role in the organisation's subtree whose people have requirements,
    largest role first. Counted over groups of people sharing their requirements
    (`_Groups`), never per person and requirement: a fixed number of queries whatever the
    size of the team."""
    people = team_people(user, organisation)
    groups = _Groups(people)
    with_requirements = [key for key in groups.sizes if groups.requirements(key)]
    meeting = _meeting_every_essential(people, groups, with_requirements)
    by_role = _competency_gaps(people, groups, lambda key: key[0])
    ranked = {
        role: gaps.sort_gaps(g for g in by_role[role].values() if g.people_short)
        for role in by_role
    }
    names = {c.pk: c for c in competency_headers({r[0].competency for r in ranked.values() if r})}
    roles = JobRole.objects.in_bulk({key[0] for key in with_requirements})
    lines: dict[int, RoleCoverage] = {}
    for key in with_requirements:
        line = lines.get(key[0])
        if line is None:
            line = lines[key[0]] = RoleCoverage(roles[key[0]], 0, 0)
            if ranked[key[0]]:
                line.biggest_gap = names[ranked[key[0]][0].competency]
                line.biggest_gap_short = ranked[key[0]][0].people_short
        line.people += groups.sizes[key]
        line.meeting += meeting[key]
    return sorted(lines.values(), key=lambda line: (-line.people, line.job_role.name))


def _meeting_every_essential(
    people: QuerySet[Person], groups: _Groups, keys: Iterable[tuple]
) -> dict[tuple, int]:
    """For each group, how many of its people have no shortfall in any essential
    requirement.

    One query counts, per person, the verified levels that meet an essential requirement
    of their group (`level >= gaps.lowest_level_meeting(required)`); someone meets them
    all when that count is the number of their essential requirements that a missing
    level would not already meet. Groups with the same such requirements share one
    condition, so its size follows the role profiles, not the people.
    """
    needed: dict[tuple, int] = {}
    sharing: dict[frozenset[tuple[int, int]], list[tuple]] = defaultdict(list)
    for key in keys:
        thresholds = frozenset(
            (competency_id, lowest)
            for competency_id, level, essential in groups.requirements(key)
            if essential and (lowest := gaps.lowest_level_meeting(level)) is not None
        )
        needed[key] = len(thresholds)
        if thresholds:
            sharing[thresholds].append(key)
    meeting = {key: groups.sizes[key] if not n else 0 for key, n in needed.items()}
    if not sharing:
        return meeting
    team = sum(groups.sizes[key] for members in sharing.values() for key in members)
    counting = _met_counts_read if team <= MEETING_READ_UP_TO else _met_counts_counted
    for key, met_count in counting(people, groups.person_fields(), sharing):
        if met_count == needed[key]:
            meeting[key] += 1
    return meeting


# Up to this many people, reading their verified levels (a few thousand small rows) costs
# less than building the condition that counts them in the database, which has a
# parameter per essential requirement of each kind of person.
MEETING_READ_UP_TO = 500


def _met_counts_counted(people: QuerySet[Person], fields: list[str], sharing) -> Iterable:
    """(group, how many of their essential requirements the person meets), per person with
    at least one, counted in the database."""
    condition = Q()
    for thresholds, members in sharing.items():
        by_level: dict[int, list[int]] = defaultdict(list)
        for competency_id, lowest in thresholds:
            by_level[lowest].append(competency_id)
        met = Q()
        for lowest, competency_ids in sorted(by_level.items()):
            met |= Q(competency_id__in=sorted(competency_ids), level__gte=lowest)
        condition |= _in_groups(fields, members) & met
    for *key, met_count in (
        CurrentCapability.objects.filter(person__in=people.values("pk"))
        .filter(condition)
        .values_list("person_id", *fields)
        .annotate(n=Count("pk"))
        .values_list(*fields, "n")
        .order_by()
    ):
        yield tuple(key), met_count


def _met_counts_read(people: QuerySet[Person], fields: list[str], sharing) -> Iterable:
    """The same counts as _met_counts_counted, from each verified level of the team."""
    lowest_of = {
        key: dict(thresholds) for thresholds, members in sharing.items() for key in members
    }
    met: Counter[tuple[int, tuple]] = Counter()
    for person_id, *key, competency_id, level in CurrentCapability.objects.filter(
        person__in=people.values("pk")
    ).values_list("person_id", *fields, "competency_id", "level"):
        lowest = lowest_of.get(tuple(key), {}).get(competency_id)
        if lowest is not None and level >= lowest:
            met[(person_id, tuple(key))] += 1
    for (_, key), met_count in met.items():
        yield key, met_count


def _in_groups(fields: list[str], keys: list[tuple]) -> Q:
    """People in any of these groups: one term per job role and stage, with the employers
    of the group as one list when the employer is part of the key."""
    employers: dict[tuple, list[str]] = defaultdict(list)
    for key in keys:
        employers[key[:2]].extend(key[2:])
    condition = Q()
    for (role, stage), paths in employers.items():
        term = Q(**{fields[0]: role, fields[1]: stage})
        if paths:
            term &= Q(**{f"{fields[2]}__in": sorted(paths)})
        condition |= term
    return condition


@dataclass
class PathwaySummary:
    """How a team covers a care pathway: capabilities held by enough people, and the
    capability furthest from it."""

    pathway: CarePathway
    capabilities: int
    covered: int
    uncovered: int
    single_points_of_failure: int
    biggest_gap: Competency | None = None
    biggest_gap_short: int = 0


def pathway_summaries(user, organisation: Organisation) -> list[PathwaySummary]:
    """One line per care pathway the user may see and the team takes part in (someone
    holds one of its capabilities at the minimum), with `gaps.coverage_from_levels` (the
    rule `pathway_coverage` uses, counted) over every pathway at once: two queries in all,
    the second a count of the team's holders of each level, not a row per person."""
    capabilities = defaultdict(list)
    pathways: dict[int, CarePathway] = {}
    rows = (
        PathwayCapability.objects.filter(pathway__in=pathways_for(user))
        .select_related("pathway", "competency")
        .order_by("pathway__title", "pathway_id", "order")
    )
    for capability in rows:
        pathways[capability.pathway_id] = capability.pathway
        capabilities[capability.pathway_id].append(capability)
    ids = {c.competency_id for caps in capabilities.values() for c in caps}
    level_counts: dict[int, dict[int, int]] = defaultdict(dict)
    for competency_id, level, n in (
        CurrentCapability.objects.filter(
            person__in=team_people(user, organisation).values("pk"), competency_id__in=ids
        )
        .values_list("competency_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        level_counts[competency_id][level] = n
    summaries = []
    for pathway_id, caps in capabilities.items():
        lines = gaps.coverage_from_levels(
            [(c.competency_id, c.minimum_level, c.people_needed) for c in caps], level_counts
        )
        summary = PathwaySummary(
            pathways[pathway_id],
            len(lines),
            sum(1 for line in lines if not line.short_by),
            sum(1 for line in lines if line.uncovered),
            sum(1 for line in lines if line.single_point_of_failure),
        )
        if not any(line.held for line in lines):
            continue  # a pathway the team has no part in would only be noise
        worst = max(zip(caps, lines, strict=True), key=lambda pair: pair[1].short_by)
        if worst[1].short_by:
            summary.biggest_gap = worst[0].competency
            summary.biggest_gap_short = worst[1].short_by
        summaries.append(summary)
    return summaries


# --- Capable people per pathway (population need reads it) -------------------------------


@dataclass(frozen=True)
class CapablePerson:
    """Someone in post who holds at least one capability a pathway needs at its minimum."""

    pk: int
    employer_path: str
    fte: float


def capable_people(
    user, organisation: Organisation, pathways: Iterable[CarePathway]
) -> dict[int, list[CapablePerson]]:
    """Per pathway id, the people of the team who hold at least one of its capabilities at
    the pathway's minimum level: the holders of `gaps.coverage` (the rule
    `pathway_coverage` uses). Three queries, whatever the size of the team."""
    pathway_ids = [p.pk for p in pathways]
    capabilities: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pathway_id, competency_id, minimum, needed in (
        PathwayCapability.objects.filter(pathway_id__in=pathway_ids)
        .order_by("pathway_id", "order")
        .values_list("pathway_id", "competency_id", "minimum_level", "people_needed")
    ):
        capabilities[pathway_id].append((competency_id, minimum, needed))
    people = team_people(user, organisation)
    ids = {c for caps in capabilities.values() for c, _, _ in caps}
    held = CurrentCapability.objects.filter(person__in=people.values("pk"), competency_id__in=ids)
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person_id, competency_id, level in held.values_list("person_id", "competency_id", "level"):
        levels[competency_id][person_id] = level
    details = {
        pk: CapablePerson(pk, path, float(fte))
        for pk, path, fte in people.filter(pk__in=held.values("person_id")).values_list(
            "pk", "employer__path", "fte"
        )
    }
    result: dict[int, list[CapablePerson]] = {}
    for pathway_id in pathway_ids:
        lines = gaps.coverage(capabilities.get(pathway_id, []), levels)
        holders = sorted({p for line in lines for p in line.holders})
        result[pathway_id] = [details[p] for p in holders if p in details]
    return result
