"""Reads of frameworks and pathways, already scoped to the caller (library + own scope)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from capmap.core.compiled import CompiledQuery
from capmap.people import policy

from . import packaging
from .case import dump_json
from .csv_template import dump_csv
from .models import (
    CarePathway,
    Competency,
    Domain,
    Framework,
    FrameworkVersion,
    PathwayCapability,
    ProficiencyLevel,
    RoleProfile,
    RoleRequirement,
    VersionStatus,
)

if TYPE_CHECKING:
    from capmap.people.models import Person


def frameworks_for(user) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(policy.allowed_q(user, policy.VIEW_FRAMEWORK))
        .select_related("owner")
        .annotate(version_count=Count("versions", distinct=True))
        .order_by("title")
    )


def get_framework(user, slug: str) -> Framework:
    """The framework, or Framework.DoesNotExist when the caller may not see it."""
    return frameworks_for(user).get(slug=slug)


def versions_of(framework: Framework) -> list[FrameworkVersion]:
    return list(framework.versions.select_related("published_by").order_by("-number"))


def current_version(framework: Framework) -> FrameworkVersion | None:
    """The latest published version, or else the latest version of any status."""
    versions = framework.versions.order_by("-number")
    return versions.filter(status=VersionStatus.PUBLISHED).first() or versions.first()


def get_version(user, slug: str, number: int) -> FrameworkVersion:
    framework = get_framework(user, slug)
    return framework.versions.select_related("framework__owner").get(number=number)


@dataclass(frozen=True)
class TreeRow:
    kind: str  # "domain" or "competency"
    pk: int | None
    depth: int
    code: str
    title: str
    description: str
    indicators: list[str]


def version_tree(version: FrameworkVersion) -> list[TreeRow]:
    """Domains and competencies in order, depth first, for display."""
    package = packaging.package_for_version(version)
    domain_ids = dict(domains_of(version).values_list("case_identifier", "pk"))
    competency_ids = dict(competencies_of(version).values_list("case_identifier", "pk"))
    return [
        TreeRow(
            "domain" if node.children or node.identifier in domain_ids else "competency",
            domain_ids.get(node.identifier) or competency_ids.get(node.identifier),
            depth,
            node.code,
            node.full_statement,
            node.notes,
            node.indicators,
        )
        for node, _parent, depth in package.walk()
    ]


def scale_levels(version: FrameworkVersion):
    return packaging.scale_levels(version)


def get_scale_level(version: FrameworkVersion, value: int) -> ProficiencyLevel:
    """A level of a version the caller already holds through a scoped selector, or
    ProficiencyLevel.DoesNotExist."""
    return ProficiencyLevel.objects.select_related("scale__version").get(
        scale__version=version, value=value
    )


def export_text(user, slug: str, file_format: str, number: int | None = None) -> tuple[str, str]:
    """(file name, content) of a visible framework's version in CASE JSON or CSV."""
    if file_format not in ("case", "csv"):
        raise ValueError(file_format)
    framework = get_framework(user, slug)
    if number is None:
        version = current_version(framework)
        if version is None:
            raise FrameworkVersion.DoesNotExist
    else:
        version = framework.versions.get(number=number)
    if file_format == "csv":
        return f"{framework.slug}-v{version.number}.csv", dump_csv(
            packaging.package_for_version(version)
        )
    return f"{framework.slug}-v{version.number}.case.json", dump_json(
        packaging.case_export(version)
    )


def _profile_visible_q(user):
    return policy.allowed_q(user, policy.VIEW_FRAMEWORK) & policy.allowed_q(
        user, policy.VIEW_FRAMEWORK, via="version__framework__"
    )


def role_profiles_for_version(user, version: FrameworkVersion) -> QuerySet[RoleProfile]:
    return (
        RoleProfile.objects.filter(version=version)
        .filter(_profile_visible_q(user))
        .select_related("job_role", "owner")
    )


def get_role_profile(user, pk: int) -> RoleProfile:
    return (
        RoleProfile.objects.filter(_profile_visible_q(user))
        .select_related("job_role", "version__framework", "owner")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=RoleRequirement.objects.select_related("competency__domain").order_by(
                    "competency__domain__order", "competency__order"
                ),
            )
        )
        .get(pk=pk)
    )


def pathways_for(user) -> QuerySet[CarePathway]:
    return CarePathway.objects.filter(policy.allowed_q(user, policy.VIEW_FRAMEWORK)).order_by(
        "title"
    )


def get_pathway(user, slug: str) -> CarePathway:
    return (
        pathways_for(user)
        .prefetch_related(
            Prefetch(
                "capabilities",
                queryset=PathwayCapability.objects.select_related("competency__version__framework"),
            )
        )
        .get(slug=slug)
    )


def competencies_of(version: FrameworkVersion) -> QuerySet[Competency]:
    return Competency.objects.filter(version=version).select_related("domain")


def domains_of(version: FrameworkVersion) -> QuerySet[Domain]:
    return Domain.objects.filter(version=version)


# The owner field's value for the shared library, which has no owner organisation.
LIBRARY = "library"


def authoring_owner_choices(user) -> list[tuple[str, str]]:
    """Whose a new framework, profile, pathway or course can be: the organisations the user
    authors for, and the shared library for those the policy lets keep it."""
    choices = [(str(o.pk), o.name) for o in policy.organisations(user, policy.AUTHOR_FRAMEWORKS)]
    if policy.allows(user, policy.AUTHOR_FRAMEWORKS, None):
        choices.insert(0, (LIBRARY, "The shared library"))
    return choices


def authoring_owner(user, value: str):
    """The owner chosen from `authoring_owner_choices`: None for the shared library, or an
    organisation the user may author for; raises NotPermitted otherwise."""
    from capmap.core.exceptions import NotPermitted

    if value == LIBRARY:
        if not policy.allows(user, policy.AUTHOR_FRAMEWORKS, None):
            raise NotPermitted("Only a system administrator can add to the shared library.")
        return None
    found = policy.organisations(user, policy.AUTHOR_FRAMEWORKS).filter(pk=value).first()
    if found is None:
        raise NotPermitted("You cannot author frameworks for that organisation.")
    return found


def get_competency(user, pk: int) -> Competency:
    return (
        Competency.objects.filter(
            policy.allowed_q(user, policy.VIEW_FRAMEWORK, via="version__framework__")
        )
        .select_related("version__framework__owner", "domain")
        .get(pk=pk)
    )


def get_domain(user, pk: int) -> Domain:
    return (
        Domain.objects.filter(
            policy.allowed_q(user, policy.VIEW_FRAMEWORK, via="version__framework__")
        )
        .select_related("version__framework__owner")
        .get(pk=pk)
    )


def previous_version(version: FrameworkVersion) -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(framework=version.framework, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def changes_since_previous(version: FrameworkVersion):
    """The readable diff of a version against the one before it (None for version 1)."""
    from .diff import compare

    previous = previous_version(version)
    if previous is None:
        return None
    return compare(packaging.package_for_version(previous), packaging.package_for_version(version))


def get_node(user, kind: str, pk: int) -> Domain | Competency:
    if kind == "domain":
        return get_domain(user, pk)
    if kind == "competency":
        return get_competency(user, pk)
    raise Competency.DoesNotExist


def previous_competencies(version: FrameworkVersion) -> QuerySet[Competency]:
    previous = previous_version(version)
    if previous is None:
        return Competency.objects.none()
    return competencies_of(previous).order_by("domain__order", "order")


def pathway_competencies(user, pathway: CarePathway) -> QuerySet[Competency]:
    """Competencies a pathway may ask for: published versions of frameworks in the library
    or owned by the pathway's organisation (or one above it), that the user can see."""
    from django.db.models import Q

    owners = Q(version__framework__owner__isnull=True)
    if pathway.owner is not None:
        owners |= Q(version__framework__owner__path__in=pathway.owner.ancestor_paths())
    return (
        Competency.objects.filter(owners, version__status=VersionStatus.PUBLISHED)
        .filter(policy.allowed_q(user, policy.VIEW_FRAMEWORK, via="version__framework__"))
        .select_related("version__framework")
        .order_by("version__framework__title", "version__number", "domain__order", "order")
    )


def get_pathway_capability(user, pathway: CarePathway, pk: int) -> PathwayCapability:
    return pathway.capabilities.select_related("pathway__owner").get(pk=pk)


# --- Which role profiles apply to a person -------------------------------------------
#
# The one owner of this rule: the assessments a person may start, the competencies their
# evidence may claim, their circle of competence, team heatmaps and training needs all
# read it from here.


@dataclass(frozen=True)
class _Candidate:
    pk: int
    version_id: int
    job_role_id: int
    stage: str
    owner_path: str  # "" for a profile of the shared library
    framework_owner_path: str  # "" for a framework of the shared library


class ApplicableRoleProfiles:
    """Which role profiles apply to people, for many people in one query.

    A role profile applies to a person when all of these hold:

    - its framework version is published;
    - its framework is the shared library's, or owned by the person's employer or an
      organisation above it (so another ICS's frameworks never apply);
    - the profile is the library's, or set by the employer or an organisation above it;
    - its job role is the person's;
    - it has no stage (it applies to any stage) or the person's stage.

    On one framework version a single profile applies: a stage-specific profile wins
    over one without a stage, and then the nearest organisation's profile wins, the
    library's last.

    People are described by (job role id, stage, employer path), so a whole team is
    answered from the profiles of its job roles without a query per person.
    """

    def __init__(self, job_role_ids: Iterable[int]) -> None:
        roles = set(job_role_ids)
        # One person's role (every home page asks) is a compiled query (ADR 0027).
        rows = (
            _CANDIDATES_OF_ONE_ROLE(*roles)
            if len(roles) == 1
            else _candidates(Q(job_role_id__in=roles))
        )
        self._by_role: dict[int, list[_Candidate]] = {}
        for pk, version_id, role, stage, owner_path, framework_owner_path in rows:
            candidate = _Candidate(
                pk, version_id, role, stage, owner_path or "", framework_owner_path or ""
            )
            self._by_role.setdefault(role, []).append(candidate)
        self._chosen: dict[tuple[int, str, str], list[int]] = {}

    def candidate_ids(self) -> list[int]:
        """Every profile that may apply to someone of these job roles."""
        return [c.pk for candidates in self._by_role.values() for c in candidates]

    @property
    def depends_on_employer(self) -> bool:
        """Whether any profile or framework is an organisation's, so the employer matters."""
        return any(
            c.owner_path or c.framework_owner_path
            for candidates in self._by_role.values()
            for c in candidates
        )

    def profile_ids(self, job_role_id: int, stage: str, employer_path: str) -> list[int]:
        """The applicable profiles' ids, oldest profile first."""
        key = (job_role_id, stage, employer_path)
        if key not in self._chosen:
            best: dict[int, tuple[tuple[bool, int], int]] = {}
            for c in self._by_role.get(job_role_id, []):
                if c.stage and c.stage != stage:
                    continue
                if not employer_path.startswith(c.owner_path):
                    continue
                if not employer_path.startswith(c.framework_owner_path):
                    continue
                # Along one ancestor chain a longer path is a nearer organisation.
                rank = (bool(c.stage), len(c.owner_path))
                if c.version_id not in best or rank > best[c.version_id][0]:
                    best[c.version_id] = (rank, c.pk)
            self._chosen[key] = sorted(pk for _, pk in best.values())
        return self._chosen[key]


def _candidates(of_roles: Q) -> QuerySet[RoleProfile, tuple]:
    """The published role profiles of some job roles, as ApplicableRoleProfiles weighs them."""
    return RoleProfile.objects.filter(
        of_roles, version__status=VersionStatus.PUBLISHED
    ).values_list(
        "pk",
        "version_id",
        "job_role_id",
        "stage",
        "owner__path",
        "version__framework__owner__path",
    )


_CANDIDATES_OF_ONE_ROLE = CompiledQuery(lambda role_id: _candidates(Q(job_role_id=role_id)), int)


def _applicable_profile_ids(person: Person) -> list[int]:
    return ApplicableRoleProfiles([person.job_role_id]).profile_ids(
        person.job_role_id, person.stage, person.employer.path
    )


def has_applicable_role_profiles(person: Person) -> bool:
    """Whether any role profile applies to the person: the ids are read from the profiles
    themselves, so there is no need to ask for them again."""
    return bool(_applicable_profile_ids(person))


def applicable_role_profiles(person: Person) -> QuerySet[RoleProfile]:
    """The role profiles that apply to the person (see ApplicableRoleProfiles)."""
    ids = _applicable_profile_ids(person)
    return (
        RoleProfile.objects.filter(pk__in=ids)
        .select_related("version__framework", "job_role", "owner")
        .order_by("version__framework__title", "stage", "pk")
    )
