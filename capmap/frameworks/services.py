"""State changes for frameworks: import, publish, new drafts, role profiles, pathways.

Every function takes the acting user first (None: the command line or a data load,
which run as the system), checks permission, runs in one transaction and is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from capmap.core.actors import require_actor, set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation
from capmap.people import policy

from . import packaging
from .case import CaseError, CasePackage, load_package
from .csv_template import load_csv
from .level_uses import level_uses
from .models import (
    CarePathway,
    Competency,
    CompetencyMapping,
    Domain,
    Framework,
    FrameworkVersion,
    PathwayCapability,
    ProficiencyLevel,
    ProficiencyScale,
    PublishedVersionIsFrozen,
    RoleProfile,
    RoleRequirement,
    VersionSource,
    VersionStatus,
)

FORMATS = ("case", "csv")
# Slugs that name pages of their own under /frameworks/ and /frameworks/pathways/.
RESERVED_SLUGS = frozenset(
    {"new", "import", "pathways", "role-profiles", "competencies", "domains", "move"}
)


class ImportRefused(DomainError):
    """The file cannot be imported; `problems` lists what to fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class ImportPreview:
    package: CasePackage
    format: str
    title: str
    domains: int
    competencies: int


def guess_format(raw: bytes, filename: str = "") -> str:
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        return "case"
    if suffix == ".csv":
        return "csv"
    return "case" if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


def _size(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:g} MB"
    return f"{limit:,} bytes"


def read_upload(raw: bytes, *, filename: str = "", file_format: str | None = None) -> ImportPreview:
    """Parse and check a file without storing anything; raises ImportRefused."""
    limit = settings.CAPMAP_MAX_IMPORT_BYTES
    if len(raw) > limit:
        raise ImportRefused(
            [
                f"The file is larger than {_size(limit)}, the most Capmap imports. Split it, or "
                "ask your system administrator to raise CAPMAP_MAX_IMPORT_BYTES."
            ]
        )
    if not raw.strip():
        raise ImportRefused(["The file is empty."])
    chosen = file_format or guess_format(raw, filename)
    if chosen not in FORMATS:
        raise ImportRefused([f"Choose the format: {' or '.join(FORMATS)}."])
    title = Path(filename).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    try:
        if chosen == "case":
            package = load_package(raw)
            title = package.title
        else:
            package = load_csv(raw, title=title or "Imported framework")
    except CaseError as error:
        raise ImportRefused(error.problems) from None
    counts = package.counts()
    return ImportPreview(package, chosen, title, counts["domains"], counts["competencies"])


_NOT_A_SHORT_NAME = (
    "The short name “{slug}” cannot be used in web addresses: use only lower-case letters, "
    "digits and hyphens, for example heart-failure."
)


def _unique_slug(wanted: str) -> str:
    base = slugify(wanted)[:100] or "framework"
    slug, n = base, 2
    while Framework.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_author(actor, owner: Organisation | None) -> None:
    require_actor(actor)  # the command line and data loading act as the system
    if not policy.allows(actor, policy.AUTHOR_FRAMEWORKS, owner):
        if owner is None:
            raise NotPermitted("Only a system administrator can change the shared library.")
        raise NotPermitted(f"You cannot author frameworks for {owner}.")


@transaction.atomic
def import_framework(
    *,
    actor,
    raw: bytes,
    filename: str = "",
    file_format: str | None = None,
    slug: str | None = None,
    owner: Organisation | None = None,
    title: str | None = None,
) -> Framework:
    """Store a CASE package or CSV file as published version 1 of a new framework.

    All or nothing: a file with any problem raises ImportRefused and stores nothing.
    """
    _check_author(actor, owner)
    preview = read_upload(raw, filename=filename, file_format=file_format)
    if slug is not None:
        slug = slug.strip()
        if slugify(slug) != slug or not slug:
            raise ImportRefused([_NOT_A_SHORT_NAME.format(slug=slug)])
        if Framework.objects.filter(slug=slug).exists():
            raise ImportRefused([f"A framework with the short name {slug} already exists."])
    return store_package(
        actor=actor,
        package=preview.package,
        source=VersionSource.CASE if preview.format == "case" else VersionSource.CSV,
        slug=slug or _unique_slug(title or preview.title),
        owner=owner,
        title=title or preview.title,
    )


@transaction.atomic
def store_package(
    *,
    actor,
    package: CasePackage,
    source: str,
    slug: str,
    owner: Organisation | None,
    title: str,
    publish: bool = True,
) -> Framework:
    """Create a framework with one version holding the package (callers check permission)."""
    document = package.document
    description = document.get("description")
    with set_actor(actor):
        framework = Framework.objects.create(
            slug=slug,
            title=title[:300],
            description=description if isinstance(description, str) else "",
            owner=owner,
            created_by=user_or_none(actor),
        )
        version = FrameworkVersion.objects.create(
            framework=framework,
            number=1,
            source=source,
            case_identifier=package.identifier or str(uuid.uuid4()),
            case_document=document if source == VersionSource.CASE else {},
            case_definitions=package.definitions,
            case_associations=package.other_associations,
            case_rubrics=package.rubrics,
            case_package_extra={"sections": package.sections, "extra": package.extra},
        )
        levels = package.scale_levels() or packaging.DEFAULT_LEVELS
        packaging.store_scale(version, levels, f"{framework.title} scale")
        packaging.store_tree(version, package)
        if publish:
            _publish(actor, version)
    return framework


def _publish(actor, version: FrameworkVersion) -> None:
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user_or_none(actor)
    version.save()


@transaction.atomic
def publish_version(*, actor, version: FrameworkVersion) -> FrameworkVersion:
    """Freeze a draft; the version published before it (if any) stays in use until retired."""
    _check_author(actor, version.framework.owner)
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise PublishedVersionIsFrozen("This version is already published.")
    if not Competency.objects.filter(version=version).exists():
        raise DomainError("Add at least one competency before you publish.")
    with set_actor(actor):
        _publish(actor, version)
    return version


@transaction.atomic
def retire_version(*, actor, version: FrameworkVersion) -> FrameworkVersion:
    """Hide a published version from new assessments (it is kept for the record)."""
    _check_author(actor, version.framework.owner)
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError("Only a published version can be retired.")
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    with set_actor(actor):
        version.save()
    return version


@transaction.atomic
def start_new_draft(*, actor, framework: Framework) -> FrameworkVersion:
    """Copy the latest version into a new draft; each copied competency maps to its original,
    so verified levels carry over until the author changes the mapping."""
    _check_author(actor, framework.owner)
    source = framework.versions.order_by("-number").first()
    if source is None:
        raise DomainError("This framework has no version to start from.")
    if source.is_draft:
        raise DomainError("This framework already has a draft: finish or publish it first.")
    with set_actor(actor):
        draft = FrameworkVersion.objects.create(
            framework=framework,
            number=source.number + 1,
            source=source.source,
            case_identifier=source.case_identifier,
            case_document=source.case_document,
            case_definitions=source.case_definitions,
            case_associations=source.case_associations,
            case_rubrics=source.case_rubrics,
            case_package_extra=source.case_package_extra,
        )
        packaging.store_scale(
            draft,
            packaging.scale_levels(source),
            getattr(getattr(source, "scale", None), "title", "Proficiency"),
        )
        package = packaging.package_for_version(source)
        packaging.store_tree(draft, package)
        old = dict(Competency.objects.filter(version=source).values_list("case_identifier", "pk"))
        new = Competency.objects.filter(version=draft).values_list("case_identifier", "pk")
        CompetencyMapping.objects.bulk_create(
            CompetencyMapping(competency_id=pk, replaces_id=old[identifier])
            for identifier, pk in new
            if identifier in old
        )
    return draft


def _draft_of(actor, version: FrameworkVersion) -> FrameworkVersion:
    _check_author(actor, version.framework.owner)
    if not version.is_draft:
        raise PublishedVersionIsFrozen()
    return version


@transaction.atomic
def add_competency(
    *,
    actor,
    version: FrameworkVersion,
    domain: Domain | None,
    title: str,
    code: str = "",
    description: str = "",
    indicators: list[str] | None = None,
) -> Competency:
    _draft_of(actor, version)
    if domain is not None and domain.version_id != version.pk:
        raise DomainError("That domain belongs to another version.")
    siblings = Competency.objects.filter(version=version, domain=domain).count()
    if domain is not None:
        siblings += domain.subdomains.count()
    with set_actor(actor):
        return Competency.objects.create(
            version=version,
            domain=domain,
            order=siblings,
            code=code.strip(),
            title=title.strip(),
            description=description.strip(),
            indicators=[i.strip() for i in indicators or [] if i.strip()],
            case_identifier=str(uuid.uuid4()),
        )


@transaction.atomic
def set_scale_level(
    *, actor, version: FrameworkVersion, value: int, label: str, descriptor: str = ""
) -> ProficiencyLevel:
    _draft_of(actor, version)
    with set_actor(actor):
        level, _created = ProficiencyLevel.objects.update_or_create(
            scale=version.scale, value=value, defaults={"label": label, "descriptor": descriptor}
        )
    return level


def slug_is_free(slug: str) -> bool:
    return not Framework.objects.filter(slug=slug).exists()


@transaction.atomic
def add_domain(
    *,
    actor,
    version: FrameworkVersion,
    title: str,
    code: str = "",
    parent: Domain | None = None,
) -> Domain:
    _draft_of(actor, version)
    if parent is not None and parent.version_id != version.pk:
        raise DomainError("That domain belongs to another version.")
    siblings = Domain.objects.filter(version=version, parent=parent).count()
    if parent is not None:
        siblings += parent.competencies.count()
    with set_actor(actor):
        return Domain.objects.create(
            version=version,
            parent=parent,
            order=siblings,
            code=code.strip(),
            title=title.strip(),
            case_identifier=str(uuid.uuid4()),
        )


@transaction.atomic
def update_competency(
    *,
    actor,
    competency: Competency,
    title: str,
    code: str,
    description: str,
    indicators: list[str],
    domain: Domain | None,
    replaces: list[Competency] | None = None,
) -> Competency:
    """Change a draft competency, and (when given) which earlier competencies it replaces."""
    _draft_of(actor, competency.version)
    if domain is not None and domain.version_id != competency.version_id:
        raise DomainError("That domain belongs to another version.")
    if (domain.pk if domain else None) != competency.domain_id:
        competency.order = _sibling_count(competency.version, domain)
    competency.domain = domain
    competency.title = title.strip()
    competency.code = code.strip()
    competency.description = description.strip()
    competency.indicators = [i.strip() for i in indicators if i.strip()]
    with set_actor(actor):
        competency.save()
    if replaces is not None:
        map_competency(actor=actor, competency=competency, replaces=replaces)
    return competency


def _sibling_count(version: FrameworkVersion, domain: Domain | None) -> int:
    count = Competency.objects.filter(version=version, domain=domain).count()
    return count + Domain.objects.filter(version=version, parent=domain).count()


@transaction.atomic
def move_node(*, actor, node: Domain | Competency, up: bool) -> None:
    """Swap a domain or competency with the one before (up) or after it under its parent."""
    _draft_of(actor, node.version)
    parent_id = node.parent_id if isinstance(node, Domain) else node.domain_id
    siblings: list[Domain | Competency] = [
        *Domain.objects.filter(version=node.version, parent_id=parent_id),
        # None finds the top level (IS NULL), which the stubs do not allow for.
        *Competency.objects.filter(version=node.version, domain_id=parent_id),  # type: ignore[misc]
    ]
    siblings.sort(key=lambda s: (s.order, isinstance(s, Competency), s.pk))
    index = next(i for i, s in enumerate(siblings) if type(s) is type(node) and s.pk == node.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    with set_actor(actor):
        for position, sibling in enumerate(siblings):
            if sibling.order != position:
                sibling.order = position
                sibling.save(update_fields=["order", "updated_at"])


@transaction.atomic
def map_competency(*, actor, competency: Competency, replaces: list[Competency]) -> None:
    """Say which competencies of earlier versions this draft competency replaces."""
    _draft_of(actor, competency.version)
    framework_id = competency.version.framework_id
    for old in replaces:
        if old.version.framework_id != framework_id or old.version.number >= (
            competency.version.number
        ):
            raise DomainError("Map only to competencies of an earlier version of this framework.")
    with set_actor(actor):
        competency.replaces.exclude(replaces__in=replaces).delete()
        existing = set(competency.replaces.values_list("replaces_id", flat=True))
        for old in replaces:
            if old.pk not in existing:
                CompetencyMapping.objects.create(competency=competency, replaces=old)


def _check_profile_owner(framework: Framework, owner: Organisation | None) -> None:
    if framework.owner is None or (owner is not None and owner.is_within(framework.owner)):
        return
    raise DomainError(
        "A role profile must belong to the framework's organisation or one inside it."
    )


@transaction.atomic
def create_role_profile(
    *,
    actor,
    version: FrameworkVersion,
    job_role,
    stage: str,
    owner: Organisation | None,
    default_level: int,
) -> RoleProfile:
    """A profile asking for `default_level` in every competency (essential), to refine after."""
    _check_author(actor, owner)
    _check_profile_owner(version.framework, owner)
    stage = stage.strip().lower()
    duplicate = RoleProfile.objects.filter(
        version=version, job_role=job_role, stage=stage, owner=owner
    )
    if duplicate.exists():
        raise DomainError(f"There is already a {job_role} profile for that stage.")
    if not ProficiencyLevel.objects.filter(scale__version=version, value=default_level).exists():
        raise DomainError("Choose a level from this version's scale.")
    with set_actor(actor):
        profile = RoleProfile.objects.create(
            version=version, job_role=job_role, stage=stage, owner=owner
        )
        RoleRequirement.objects.bulk_create(
            RoleRequirement(profile=profile, competency=competency, level=default_level)
            for competency in Competency.objects.filter(version=version)
        )
    return profile


@transaction.atomic
def set_role_requirements(
    *, actor, profile: RoleProfile, requirements: dict[int, tuple[int, str]]
) -> RoleProfile:
    """Set (level, essential or desirable) for the profile's requirements, by requirement id."""
    _check_author(actor, profile.owner)
    levels = set(
        ProficiencyLevel.objects.filter(scale__version=profile.version_id).values_list(
            "value", flat=True
        )
    )
    rows = {row.pk: row for row in profile.requirements.all()}
    with set_actor(actor):
        for pk, (level, requirement) in requirements.items():
            row = rows.get(pk)
            if row is None:
                raise DomainError("That requirement belongs to another profile.")
            if level not in levels:
                raise DomainError("Choose a level from this version's scale.")
            if (row.level, row.requirement) != (level, requirement):
                row.level, row.requirement = level, requirement
                row.save()
    return profile


# --- frameworks written from scratch --------------------------------------------


def _check_slug(slug: str, model) -> str:
    slug = slug.strip()
    if not slug or slugify(slug) != slug:
        raise DomainError(_NOT_A_SHORT_NAME.format(slug=slug))
    if slug in RESERVED_SLUGS:
        raise DomainError(f"The short name {slug} is used by Capmap itself: choose another.")
    if model.objects.filter(slug=slug).exists():
        raise DomainError(f"The short name {slug} is already taken: choose another.")
    return slug


def _check_levels(levels) -> list:
    values = [level.value for level in levels]
    if len(values) < 2:
        raise DomainError("A proficiency scale needs at least two levels.")
    if len(set(values)) != len(values):
        raise DomainError("Each level of the scale needs its own number.")
    if values != sorted(values):
        raise DomainError("List the levels of the scale from lowest to highest.")
    if any(not level.label.strip() for level in levels):
        raise DomainError("Each level of the scale needs a label.")
    return list(levels)


@transaction.atomic
def create_framework(
    *,
    actor,
    title: str,
    slug: str,
    owner: Organisation | None,
    levels=None,
    description: str = "",
) -> Framework:
    """A new framework with an empty draft version 1 and its proficiency scale
    (by default 0 Not yet, 1 Developing, 2 Competent, 3 Proficient, 4 Expert)."""
    _check_author(actor, owner)
    if not title.strip():
        raise DomainError("Enter the framework's title.")
    slug = _check_slug(slug, Framework)
    levels = _check_levels(levels or packaging.DEFAULT_LEVELS)
    with set_actor(actor):
        framework = Framework.objects.create(
            slug=slug,
            title=title.strip()[:300],
            description=description.strip(),
            owner=owner,
            created_by=user_or_none(actor),
        )
        version = FrameworkVersion.objects.create(
            framework=framework,
            number=1,
            source=VersionSource.AUTHORED,
            case_identifier=str(uuid.uuid4()),
        )
        packaging.store_scale(version, levels, f"{framework.title} scale")
    return framework


# --- MDT care pathways -------------------------------------------------------------


@transaction.atomic
def create_pathway(
    *, actor, title: str, slug: str, owner: Organisation | None, description: str = ""
) -> CarePathway:
    _check_author(actor, owner)
    if not title.strip():
        raise DomainError("Enter the pathway's title.")
    slug = _check_slug(slug, CarePathway)
    with set_actor(actor):
        return CarePathway.objects.create(
            slug=slug, title=title.strip()[:200], description=description.strip(), owner=owner
        )


@transaction.atomic
def update_pathway(*, actor, pathway: CarePathway, title: str, description: str) -> CarePathway:
    _check_author(actor, pathway.owner)
    if not title.strip():
        raise DomainError("Enter the pathway's title.")
    pathway.title = title.strip()[:200]
    pathway.description = description.strip()
    with set_actor(actor):
        pathway.save()
    return pathway


def _competency_usable_by(competency: Competency, owner: Organisation | None) -> bool:
    """A pathway may ask only for competencies its owner can see, in a published version."""
    if competency.version.status != VersionStatus.PUBLISHED:
        return False
    framework_owner = competency.version.framework.owner
    if framework_owner is None:
        return True
    return owner is not None and owner.is_within(framework_owner)


@transaction.atomic
def add_pathway_capability(
    *,
    actor,
    pathway: CarePathway,
    competency: Competency,
    minimum_level: int,
    people_needed: int = 1,
) -> PathwayCapability:
    """Say the pathway needs `people_needed` people holding `competency` at `minimum_level`."""
    _check_author(actor, pathway.owner)
    if not _competency_usable_by(competency, pathway.owner):
        raise DomainError("Choose a competency of a published framework this pathway can use.")
    if people_needed < 1:
        raise DomainError("A capability needs at least one person.")
    if not ProficiencyLevel.objects.filter(
        scale__version=competency.version_id, value=minimum_level
    ).exists():
        raise DomainError("Choose a minimum level from the competency's proficiency scale.")
    if pathway.capabilities.filter(competency=competency).exists():
        raise DomainError("The pathway already needs that competency: change it instead.")
    order = pathway.capabilities.count()
    with set_actor(actor):
        return PathwayCapability.objects.create(
            pathway=pathway,
            competency=competency,
            minimum_level=minimum_level,
            people_needed=people_needed,
            order=order,
        )


@transaction.atomic
def remove_pathway_capability(*, actor, capability: PathwayCapability) -> None:
    _check_author(actor, capability.pathway.owner)
    with set_actor(actor):
        capability.delete()


@transaction.atomic
def update_pathway_capability(
    *, actor, capability: PathwayCapability, minimum_level: int, people_needed: int
) -> PathwayCapability:
    """Change the level or the number of people a pathway needs in one competency."""
    _check_author(actor, capability.pathway.owner)
    if people_needed < 1:
        raise DomainError("A capability needs at least one person.")
    if not ProficiencyLevel.objects.filter(
        scale__version=capability.competency.version_id, value=minimum_level
    ).exists():
        raise DomainError("Choose a minimum level from the competency's proficiency scale.")
    capability.minimum_level = minimum_level
    capability.people_needed = people_needed
    with set_actor(actor):
        capability.save()
    return capability


# --- deleting from a draft, and its scale --------------------------------------------


@dataclass(frozen=True)
class DeletionPlan:
    """What deleting a draft domain or competency takes with it, for the confirm page."""

    subdomains: int
    competencies: int
    requirements: int


def _domain_tree_ids(domain: Domain) -> list[int]:
    """The domain and every domain below it (one query a level)."""
    found, level = [domain.pk], [domain.pk]
    while level:
        level = list(Domain.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found += level
    return found


def deletion_plan(node: Domain | Competency) -> DeletionPlan:
    if isinstance(node, Competency):
        return DeletionPlan(0, 1, RoleRequirement.objects.filter(competency=node).count())
    domain_ids = _domain_tree_ids(node)
    competencies = Competency.objects.filter(domain_id__in=domain_ids)
    return DeletionPlan(
        subdomains=len(domain_ids) - 1,
        competencies=competencies.count(),
        requirements=RoleRequirement.objects.filter(competency__in=competencies).count(),
    )


@transaction.atomic
def delete_node(*, actor, node: Domain | Competency) -> DeletionPlan:
    """Delete a domain (with everything under it) or a competency from a draft version;
    role profiles of the draft lose their requirements in what goes."""
    _check_author(actor, node.version.framework.owner)
    if not node.version.is_draft:
        raise PublishedVersionIsFrozen(
            "This version is published, so nothing can be deleted from it: start a new draft "
            "and delete it there."
        )
    plan = deletion_plan(node)
    try:
        with set_actor(actor):
            node.delete()
    except ProtectedError:
        raise DomainError(
            "This cannot be deleted: a care pathway or a person's record uses it."
        ) from None
    return plan


@transaction.atomic
def set_scale_levels(
    *, actor, version: FrameworkVersion, levels: dict[int, tuple[str, str]]
) -> list[ProficiencyLevel]:
    """Rename and describe the levels of a draft version's scale, by level value."""
    _draft_of(actor, version)
    rows = {level.value: level for level in ProficiencyLevel.objects.filter(scale__version=version)}
    if set(levels) - set(rows):
        raise DomainError("Those levels are not on this version's scale.")
    if any(not label.strip() for label, _ in levels.values()):
        raise DomainError("Enter a name for each level.")
    with set_actor(actor):
        for value, (label, descriptor) in levels.items():
            row = rows[value]
            if (row.label, row.descriptor) != (label.strip(), descriptor.strip()):
                row.label, row.descriptor = label.strip()[:100], descriptor.strip()
                row.save()
    return sorted(rows.values(), key=lambda level: level.value)


# --- adding and removing levels of a draft's scale -------------------------------------

MIN_LEVELS = 2


@transaction.atomic
def add_scale_level(
    *, actor, version: FrameworkVersion, label: str, descriptor: str = ""
) -> ProficiencyLevel:
    """Add a level above the highest of a draft version's scale (levels already given to
    people keep their meaning, so a new level goes on top)."""
    _draft_of(actor, version)
    if not label.strip():
        raise DomainError("Enter a name for the new level.")
    scale = ProficiencyScale.objects.select_for_update().get(version=version)
    highest = scale.levels.order_by("-value").values_list("value", flat=True).first() or 0
    with set_actor(actor):
        return ProficiencyLevel.objects.create(
            scale=scale,
            value=highest + 1,
            label=label.strip()[:100],
            descriptor=descriptor.strip(),
        )


def level_removal_refusal(version: FrameworkVersion, value: int) -> str:
    """Why the level cannot be removed, as a sentence; empty when it can."""
    count = ProficiencyLevel.objects.filter(scale__version=version).count()
    if count <= MIN_LEVELS:
        return f"A scale needs at least {MIN_LEVELS} levels, so level {value} cannot be removed."
    uses = level_uses(version.pk, value)
    if uses:
        return (
            f"Level {value} is in use by {', '.join(uses)}, so it cannot be removed. "
            "Change those to another level first."
        )
    return ""


@transaction.atomic
def remove_scale_level(*, actor, level: ProficiencyLevel) -> None:
    """Remove a level of a draft version's scale that nothing uses."""
    version = level.scale.version
    _draft_of(actor, version)
    ProficiencyScale.objects.select_for_update().get(pk=level.scale_id)
    refusal = level_removal_refusal(version, level.value)
    if refusal:
        raise DomainError(refusal)
    with set_actor(actor):
        level.delete()
