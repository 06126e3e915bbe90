"""Store a parsed framework tree in the database, and read a stored version back as one.

No permission checks here: services and selectors call these after checking.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC

from django.conf import settings
from django.db.models import Max

from .case import (
    CAPMAP_NAMESPACE,
    CASE_SECTIONS,
    CaseAddresses,
    CaseNode,
    CasePackage,
    ScaleLevel,
    complete_for_schema,
    package_to_dict,
    rubric_from_levels,
)
from .models import (
    Competency,
    Domain,
    FrameworkVersion,
    ProficiencyLevel,
    ProficiencyScale,
    VersionSource,
)

DEFAULT_LEVELS = [
    ScaleLevel(0, "Not yet", "Has not yet shown this competency."),
    ScaleLevel(1, "Developing", "Does this with close supervision and support."),
    ScaleLevel(2, "Competent", "Does this safely and reliably on their own in routine cases."),
    ScaleLevel(3, "Proficient", "Handles complex and unusual cases; supports others."),
    ScaleLevel(4, "Expert", "Leads, teaches and improves practice in this area."),
]


def store_scale(version: FrameworkVersion, levels: list[ScaleLevel], title: str) -> None:
    scale = ProficiencyScale.objects.create(version=version, title=title[:200])
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(
            scale=scale, value=level.value, label=level.label, descriptor=level.descriptor
        )
        for level in levels
    )


def store_tree(version: FrameworkVersion, package: CasePackage) -> tuple[int, int]:
    """Bulk-create the domains (level by level) and competencies; returns their counts."""
    by_depth: dict[int, list[tuple[CaseNode, CaseNode | None, int]]] = defaultdict(list)
    orders: dict[int, int] = {}
    competencies: list[tuple[CaseNode, CaseNode | None, int]] = []
    for node, parent, depth in package.walk():
        siblings = package.roots if parent is None else parent.children
        if id(siblings) not in orders:
            for position, sibling in enumerate(siblings):
                orders[id(sibling)] = position
        entry = (node, parent, orders[id(node)])
        if node.children:
            by_depth[depth].append(entry)
        else:
            competencies.append(entry)

    def fields(node: CaseNode, order: int) -> dict:
        return {
            "version": version,
            "order": order,
            "code": node.code[:200],
            "title": node.full_statement,
            "description": node.notes,
            "case_identifier": node.identifier,
            "case_extra": node.extra,
            "case_item_index": node.item_index,
            "case_association": node.association,
            "case_association_index": node.association_index,
        }

    domain_for: dict[int, Domain] = {}
    for depth in sorted(by_depth):
        batch = [
            Domain(parent=domain_for.get(id(parent)) if parent else None, **fields(node, order))
            for node, parent, order in by_depth[depth]
        ]
        Domain.objects.bulk_create(batch, batch_size=500)
        for (node, _parent, _order), domain in zip(by_depth[depth], batch, strict=True):
            domain_for[id(node)] = domain
    Competency.objects.bulk_create(
        (
            Competency(
                domain=domain_for.get(id(parent)) if parent else None,
                indicators=node.indicators,
                **fields(node, order),
            )
            for node, parent, order in competencies
        ),
        batch_size=500,
    )
    return len(domain_for), len(competencies)


def _node(row: Domain | Competency) -> CaseNode:
    return CaseNode(
        identifier=row.case_identifier,
        full_statement=row.title,
        code=row.code,
        notes=row.description,
        extra=dict(row.case_extra or {}),
        item_index=row.case_item_index,
        association=row.case_association,
        association_index=row.case_association_index,
        indicators=list(getattr(row, "indicators", []) or []),
    )


def scale_levels(version: FrameworkVersion) -> list[ScaleLevel]:
    levels = ProficiencyLevel.objects.filter(scale__version=version).order_by("value")
    return [ScaleLevel(level.value, level.label, level.descriptor) for level in levels]


def package_for_version(version: FrameworkVersion) -> CasePackage:
    """The version as a CASE package tree (exactly as received, for imported packages)."""
    framework = version.framework
    domains = list(Domain.objects.filter(version=version))
    competencies = list(Competency.objects.filter(version=version))
    nodes: dict[tuple[str, int], CaseNode] = {}
    children: dict[int | None, list[tuple[int, int, int, CaseNode]]] = defaultdict(list)
    for domain in domains:
        node = nodes[("d", domain.pk)] = _node(domain)
        children[domain.parent_id].append((domain.order, 0, domain.pk, node))
    for competency in competencies:
        node = _node(competency)
        children[competency.domain_id].append((competency.order, 1, competency.pk, node))
    for domain in domains:
        nodes[("d", domain.pk)].children = [n for *_k, n in sorted(children[domain.pk])]
    roots = [n for *_k, n in sorted(children[None])]

    if version.source == VersionSource.CASE:
        stored = version.case_package_extra or {}
        return CasePackage(
            document=document_for(version),
            roots=roots,
            other_associations=list(version.case_associations or []),
            definitions=version.case_definitions,
            rubrics=version.case_rubrics,
            extra=dict(stored.get("extra", {})),
            sections=list(stored.get("sections", CASE_SECTIONS[:4])),
        )
    document = document_for(version)
    rubric_id = str(uuid.uuid5(CAPMAP_NAMESPACE, f"{version.case_identifier}/scale"))
    return CasePackage(
        document=document,
        roots=roots,
        rubrics=rubric_from_levels(
            scale_levels(version), identifier=rubric_id, title=f"{framework.title} scale"
        ),
        sections=list(CASE_SECTIONS),
    )


def document_for(version: FrameworkVersion) -> dict:
    """The version's CFDocument: as received for an imported package, else written here."""
    if version.source == VersionSource.CASE:
        return dict(version.case_document)
    framework = version.framework
    document = {
        "identifier": version.case_identifier,
        "creator": framework.owner.name if framework.owner else "Capmap starter library",
        "title": framework.title,
        "lastChangeDateTime": last_change(version),
        "version": str(version.number),
        "adoptionStatus": version.get_status_display(),
        "language": "en",
    }
    if framework.description:
        document["description"] = framework.description
    return document


def case_document(version: FrameworkVersion) -> dict:
    """The CFDocument alone as case_export() writes it, without reading the tree."""
    package = {"CFDocument": document_for(version)}
    completed = complete_for_schema(
        package, addresses=case_addresses(), changed=last_change(version)
    )
    return completed["CFDocument"]


def last_change(version: FrameworkVersion) -> str:
    """When the version or any of its domains and competencies last changed (UTC, ISO 8601)."""
    times = [
        version.updated_at,
        Domain.objects.filter(version=version).aggregate(t=Max("updated_at"))["t"],
        Competency.objects.filter(version=version).aggregate(t=Max("updated_at"))["t"],
    ]
    latest = max(t for t in times if t is not None)
    return latest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def case_addresses() -> CaseAddresses:
    return CaseAddresses.for_site(settings.CAPMAP_BASE_URL)


def case_export(version: FrameworkVersion) -> dict:
    """The version as a CFPackage that validates against the CASE 1.0 schema: as received,
    with this deployment's URIs and the version's last change where CASE needs them."""
    package = package_to_dict(package_for_version(version))
    return complete_for_schema(package, addresses=case_addresses(), changed=last_change(version))
