"""Builders for capability tests: a small published framework, role profiles and verified levels."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from capmap.accounts.tests.factories import UserFactory
from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.frameworks.models import (
    CarePathway,
    Competency,
    Domain,
    Framework,
    FrameworkVersion,
    PathwayCapability,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    RoleProfile,
    RoleRequirement,
    VersionStatus,
)

LEVELS = ["Aware", "Supervised", "Independent", "Expert"]


def capability_framework(slug: str = "core", domains: int = 2, per_domain: int = 3):
    """A published framework: `domains` domains of `per_domain` competencies, scale 1-4."""
    framework = Framework.objects.create(slug=slug, title=f"{slug.title()} capabilities")
    version = FrameworkVersion.objects.create(framework=framework, number=1)
    scale = ProficiencyScale.objects.create(version=version)
    for value, label in enumerate(LEVELS, start=1):
        ProficiencyLevel.objects.create(scale=scale, value=value, label=label)
    competencies = []
    domain_list = []
    for d in range(domains):
        domain = Domain.objects.create(
            version=version, order=d, code=f"{slug.upper()}.{d + 1}", title=f"Domain {d + 1}"
        )
        domain_list.append(domain)
        for c in range(per_domain):
            competencies.append(
                Competency.objects.create(
                    version=version,
                    domain=domain,
                    order=c,
                    code=f"{slug.upper()}.{d + 1}.{c + 1}",
                    title=f"Competency {d + 1}.{c + 1}",
                )
            )
    FrameworkVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    version.refresh_from_db()
    return SimpleNamespace(
        framework=framework, version=version, domains=domain_list, competencies=competencies
    )


def role_profile(version, job_role, *, stage="", level=2, levels=None, desirable=(), owner=None):
    """A profile requiring `level` in every competency (or `levels` by competency)."""
    profile = RoleProfile.objects.create(
        version=version, job_role=job_role, stage=stage, owner=owner
    )
    levels = levels or {}
    RoleRequirement.objects.bulk_create(
        RoleRequirement(
            profile=profile,
            competency=competency,
            level=levels.get(competency, level),
            requirement=Requirement.DESIRABLE if competency in desirable else Requirement.ESSENTIAL,
        )
        for competency in Competency.objects.filter(version=version)
        if not levels or competency in levels
    )
    return profile


_signer = {}


def signer():
    if (
        "user" not in _signer
        or not type(_signer["user"]).objects.filter(pk=_signer["user"].pk).exists()
    ):
        _signer["user"] = UserFactory()
    return _signer["user"]


def verify(person, competency, level: int, *, by=None, when=None) -> CurrentCapability:
    """Record a verified level as a sign-off would: an event and the current row."""
    by = by or signer()
    when = when or timezone.now() - datetime.timedelta(days=1)
    event = CapabilityEvent.objects.create(
        person=person, competency=competency, level=level, valid_from=when, signed_by=by
    )
    current, _ = CurrentCapability.objects.update_or_create(
        person=person,
        competency=competency,
        defaults={"level": level, "signed_by": by, "signed_at": when, "event": event},
    )
    return current


def pathway(slug: str, capabilities: list[tuple]) -> CarePathway:
    """A library pathway from (competency, minimum level, people needed) triples."""
    pathway = CarePathway.objects.create(slug=slug, title=slug.replace("-", " ").capitalize())
    PathwayCapability.objects.bulk_create(
        PathwayCapability(pathway=pathway, competency=c, minimum_level=m, people_needed=n, order=i)
        for i, (c, m, n) in enumerate(capabilities)
    )
    return pathway
