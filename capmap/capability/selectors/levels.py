"""What people are required to hold (their role profiles) and the levels they hold."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from capmap.assessments.models import CurrentCapability
from capmap.core.bulk import read_rows
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency, ProficiencyLevel, Requirement, RoleRequirement
from capmap.people.models import Person

from .. import gaps

DEFAULT_TOP_LEVEL = 4


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


def _levels_of_people(
    people: Callable[[], QuerySet[Person]], pks: list[int]
) -> dict[int, dict[int, int]]:
    """current_levels_by_person for people already read (`pks`, the ids of the queryset
    `people()` makes: it is built only for a list too long to name by ids)."""
    if len(pks) > IDS_IN_QUERY:
        return current_levels_by_person(people())
    rows = read_rows(
        CurrentCapability.objects.filter(person_id__in=pks).values_list(
            "person_id", "competency_id", "level"
        )
    )
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for person, competency, level in rows:
        levels[person][competency] = level
    return levels


HEADER_ORDER = ("version__framework__title", "domain__order", "domain_id", "order", "pk")


@dataclass(frozen=True, slots=True)
class FrameworkHeader:
    title: str
    slug: str


@dataclass(frozen=True, slots=True)
class VersionHeader:
    framework: FrameworkHeader


@dataclass(frozen=True, slots=True)
class DomainHeader:
    title: str
    order: int
    code: str


@dataclass(frozen=True, slots=True)
class CompetencyHeader:
    """A competency as the capability pages name it: read as one row, with its domain and
    framework shared between the competencies that have them (a circle or a team's
    requirements name a few hundred competencies; four model instances each were a
    fifth of the page's time). Spelt like the model: `c.domain.title`,
    `c.version.framework.title`."""

    pk: int
    code: str
    title: str
    order: int
    version_id: int
    domain_id: int | None
    domain: DomainHeader | None
    version: VersionHeader


def competency_headers(ids) -> list[CompetencyHeader]:
    """Competencies in framework, domain and own order, with their domain and framework."""
    rows = (
        Competency.objects.filter(pk__in=list(ids))
        .order_by(*HEADER_ORDER)
        .values_list(
            "pk",
            "code",
            "title",
            "order",
            "version_id",
            "domain_id",
            "domain__title",
            "domain__order",
            "domain__code",
            "version__framework__title",
            "version__framework__slug",
        )
    )
    domains: dict[int, DomainHeader] = {}
    versions: dict[int, VersionHeader] = {}
    headers = []
    for row in rows:
        pk, code, title, order, version_id, domain_id, domain_title, domain_order = row[:8]
        domain_code, framework_title, slug = row[8:]
        version = versions.get(version_id)
        if version is None:
            version = versions[version_id] = VersionHeader(FrameworkHeader(framework_title, slug))
        found = None
        if domain_id is not None:
            found = domains.get(domain_id)
            if found is None:
                found = domains[domain_id] = DomainHeader(domain_title, domain_order, domain_code)
        headers.append(
            CompetencyHeader(pk, code, title, order, version_id, domain_id, found, version)
        )
    return headers


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
