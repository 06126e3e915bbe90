"""A team's heatmap: people by competencies, one role at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F

from capmap.frameworks.models import CarePathway
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person

from .. import gaps
from .levels import CompetencyColumn, Profiles, _levels_of_people, heatmap_columns
from .scope import team_people_under


@dataclass(frozen=True, slots=True)
class HeatmapCell:
    required: int | None
    current: int | None
    # Worked out once: the few dozen cells a map shares are read thousands of times (each
    # row's gaps and met, each column's totals).
    shortfall: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        short = gaps.shortfall(self.required, self.current) if self.required else 0
        object.__setattr__(self, "shortfall", short)


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


def _heatmap_people(caller, path: str, job_role_id: int | None, stage: str):
    # The employer's path alone, not an organisation for each row: it only picks profiles.
    return (
        team_people_under(caller, path, job_role_id, stage)
        .select_related("job_role")
        .only("first_name", "last_name", "stage", "employer_id", "job_role__name")
        .annotate(employer_path=F("employer__path"))
    )


def _role_groups(caller, path: str):
    """(job role, stage, employer path, people) of the team at `path`."""
    return (
        team_people_under(caller, path)
        .values_list("job_role_id", "stage", "employer__path")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _stages(caller, path: str):
    return (
        team_people_under(caller, path)
        .exclude(stage="")
        .values_list("stage", flat=True)
        .distinct()
        .order_by("stage")
    )


# Every heatmap reads these, compiled once per caller's scope (ADR 0029).
_HEATMAP_PEOPLE = policy.per_scope(_heatmap_people)
_ROLE_GROUPS = policy.per_scope(_role_groups)
_STAGES = policy.per_scope(_stages)


def team_heatmap(
    user,
    organisation: Organisation,
    *,
    job_role: JobRole | None = None,
    stage: str = "",
    pathway: CarePathway | None = None,
    sort: str = "name",
    profiles: Profiles | None = None,
) -> Heatmap:
    """People as rows, the competencies anyone of them needs as columns (grouped by domain).

    With a pathway, the columns are the pathway's capabilities, required at its minimum,
    and the rows the people it applies to: those whose role profiles require one of its
    capabilities, or who already hold a verified level in one. `profiles`: those of the
    whole team's job roles, when the caller has read them already (heatmap_roles_and_profiles).
    """
    job_role_id = job_role.pk if job_role is not None else None
    people = _HEATMAP_PEOPLE(user, organisation.path, job_role_id, stage)
    current = _levels_of_people(
        lambda: team_people_under(user, organisation.path, job_role_id, stage),
        [p.pk for p in people],
    )
    if profiles is None:
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
        # map and zip loop in C: a team's ten thousand cells are a lookup each.
        cells = list(map(cell.__getitem__, zip(levels, map(held.get, ids), strict=True)))
        heatmap.rows.append(HeatmapRow(person, cells))
    heatmap.rows.sort(key=SORTS.get(sort, SORTS["name"]))
    return heatmap


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
    return heatmap_roles_and_profiles(user, organisation)[0]


def heatmap_roles_and_profiles(
    user, organisation: Organisation
) -> tuple[list[RoleChoice], Profiles]:
    """heatmap_roles, and the role profiles of every job role in the team: the map itself
    needs those of a part of the team, and each role's requirements do not depend on which
    other roles were read with it (two queries a map fewer)."""
    groups = _ROLE_GROUPS(user, organisation.path)
    profiles = Profiles(role for role, _, _, _ in groups)
    counts: dict[int, int] = defaultdict(int)
    for role, stage, path, n in groups:
        if next(iter(profiles.requirements(role, stage, path)), None) is not None:
            counts[role] += n
    roles = JobRole.objects.in_bulk(list(counts))
    choices = [RoleChoice(roles[pk], n) for pk, n in counts.items()]
    return sorted(choices, key=lambda c: (-c.people, c.job_role.name)), profiles


def team_stages(user, organisation: Organisation) -> list[str]:
    """The stages people of the team are at (junior, senior...), for the stage filter."""
    return _STAGES(user, organisation.path)
