"""Reads of frameworks and pathways, already scoped to the caller (library + own scope)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from . import access, packaging
from .case import dump_package
from .csv_template import dump_csv
from .models import (
    CarePathway,
    Competency,
    Domain,
    Framework,
    FrameworkVersion,
    PathwayCapability,
    RoleProfile,
    RoleRequirement,
    VersionStatus,
)


def frameworks_for(user) -> QuerySet[Framework]:
    return (
        Framework.objects.filter(access.visible_q(user))
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
    package = packaging.package_for_version(version)
    if file_format == "csv":
        return f"{framework.slug}-v{version.number}.csv", dump_csv(package)
    return f"{framework.slug}-v{version.number}.case.json", dump_package(package)


def _profile_visible_q(user):
    return access.visible_q(user, "owner") & access.visible_q(user, "version__framework__owner")


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
    return CarePathway.objects.filter(access.visible_q(user)).order_by("title")


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


def authoring_owner(user, value: str):
    """The owner chosen on the import page: "library" (None) or an organisation the user
    may author for; raises NotPermitted otherwise."""
    from capmap.core.exceptions import NotPermitted

    if value == "library":
        if not user.is_superuser:
            raise NotPermitted("Only a system administrator can add to the shared library.")
        return None
    found = access.authoring_organisations(user).filter(pk=value).first()
    if found is None:
        raise NotPermitted("You cannot author frameworks for that organisation.")
    return found


def get_competency(user, pk: int) -> Competency:
    return (
        Competency.objects.filter(access.visible_q(user, "version__framework__owner"))
        .select_related("version__framework__owner", "domain")
        .get(pk=pk)
    )


def get_domain(user, pk: int) -> Domain:
    return (
        Domain.objects.filter(access.visible_q(user, "version__framework__owner"))
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
    if pathway.owner_id:
        owners |= Q(version__framework__owner__path__in=pathway.owner.ancestor_paths())
    return (
        Competency.objects.filter(owners, version__status=VersionStatus.PUBLISHED)
        .filter(access.visible_q(user, "version__framework__owner"))
        .select_related("version__framework")
        .order_by("version__framework__title", "version__number", "domain__order", "order")
    )


def get_pathway_capability(user, pathway: CarePathway, pk: int) -> PathwayCapability:
    return pathway.capabilities.select_related("pathway__owner").get(pk=pk)
