"""The starter library: frameworks, role profiles and MDT pathways written by the Capmap
project, stored as JSON under library/ and loaded into the shared library (no owner).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.db import transaction

from capmap.core.actors import SYSTEM
from capmap.people.models import JobRole

from .case import CAPMAP_NAMESPACE, CaseNode, CasePackage
from .models import (
    CarePathway,
    Competency,
    Framework,
    PathwayCapability,
    Requirement,
    RoleProfile,
    RoleRequirement,
    VersionSource,
)
from .services import store_package

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def _stable_id(*parts: str) -> str:
    """The same identifier on every installation, so library CASE exports agree."""
    return str(uuid.uuid5(CAPMAP_NAMESPACE, "/".join(parts)))


def _package(spec: dict) -> CasePackage:
    slug = spec["slug"]
    roots = []
    for domain in spec["domains"]:
        node = CaseNode(_stable_id(slug, domain["code"]), domain["title"], code=domain["code"])
        for code, title, description, indicators in domain["competencies"]:
            node.children.append(
                CaseNode(
                    _stable_id(slug, code),
                    title,
                    code=code,
                    notes=description,
                    indicators=list(indicators),
                )
            )
        roots.append(node)
    document = {"identifier": _stable_id(slug), "title": spec["title"]}
    document["description"] = spec.get("description", "")
    return CasePackage(document=document, roots=roots)


def _role_profiles(framework: Framework, specs: list[dict]) -> None:
    version = framework.versions.get(number=1)
    competencies = list(Competency.objects.filter(version=version))
    for spec in specs:
        job_role = JobRole.objects.get(slug=spec["job_role"])
        profile = RoleProfile.objects.create(
            version=version, job_role=job_role, stage=spec.get("stage", "")
        )
        RoleRequirement.objects.bulk_create(
            RoleRequirement(
                profile=profile,
                competency=competency,
                level=spec["levels"].get(competency.code, spec["default_level"]),
                requirement=Requirement.DESIRABLE
                if competency.code in spec.get("desirable", [])
                else Requirement.ESSENTIAL,
            )
            for competency in competencies
        )


def _pathways() -> int:
    created = 0
    for spec in json.loads((LIBRARY_DIR / "pathways.json").read_text(encoding="utf-8")):
        if CarePathway.objects.filter(slug=spec["slug"]).exists():
            continue
        pathway = CarePathway.objects.create(
            slug=spec["slug"], title=spec["title"], description=spec["description"]
        )
        PathwayCapability.objects.bulk_create(
            PathwayCapability(
                pathway=pathway,
                competency=Competency.objects.get(
                    version__framework__slug=framework_slug, version__number=1, code=code
                ),
                minimum_level=level,
                people_needed=people,
                order=order,
            )
            for order, (framework_slug, code, level, people) in enumerate(spec["capabilities"])
        )
        created += 1
    return created


@transaction.atomic
def load_starter_library() -> dict[str, int]:
    """Load the starter frameworks, role profiles and pathways; safe to run again
    (anything already there, by slug, is left as it is). Returns what was created."""
    frameworks = 0
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        if path.name == "pathways.json":
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        if Framework.objects.filter(slug=spec["slug"]).exists():
            continue
        framework = store_package(
            actor=SYSTEM,
            package=_package(spec),
            source=VersionSource.LIBRARY,
            slug=spec["slug"],
            owner=None,
            title=spec["title"],
        )
        _role_profiles(framework, spec.get("role_profiles", []))
        frameworks += 1
    return {"frameworks": frameworks, "pathways": _pathways()}
