"""Reads for the public CASE 1.0 API: the latest published version of each framework in
the shared library, and nothing else (policy.published_q)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from capmap.people import policy

from . import packaging
from .models import Competency, Domain, FrameworkVersion, VersionStatus


class NotPublished(LookupError):
    """No published framework has this identifier."""


def published_versions() -> QuerySet[FrameworkVersion]:
    """The latest published version of each public framework, by title."""
    later = FrameworkVersion.objects.filter(
        framework=OuterRef("framework"),
        status=VersionStatus.PUBLISHED,
        number__gt=OuterRef("number"),
    )
    return (
        FrameworkVersion.objects.filter(policy.published_q(via="framework__"))
        .filter(status=VersionStatus.PUBLISHED)
        .exclude(Exists(later))
        .select_related("framework")
        .order_by("framework__title", "pk")
    )


def _version_of_document(identifier: str) -> FrameworkVersion:
    version = published_versions().filter(case_identifier=identifier).first()
    if version is None:
        raise NotPublished(identifier)
    return version


def documents() -> list[dict[str, Any]]:
    return [_document(packaging.case_export(v)) for v in published_versions()]


def _document(package: dict[str, Any]) -> dict[str, Any]:
    document = dict(package["CFDocument"])
    document.setdefault(
        "CFPackageURI",
        {
            "title": document.get("title", ""),
            "identifier": document["identifier"],
            "uri": packaging.case_addresses().of("CFPackages", document["identifier"]),
        },
    )
    return document


def document(identifier: str) -> dict[str, Any]:
    return _document(packaging.case_export(_version_of_document(identifier)))


def package(identifier: str) -> dict[str, Any]:
    return packaging.case_export(_version_of_document(identifier))


def _package_with_item(identifier: str) -> dict[str, Any]:
    visible = published_versions()
    in_tree = Q(case_identifier=identifier, version__in=visible)
    version_id = (
        Competency.objects.filter(in_tree).values_list("version_id", flat=True).first()
        or Domain.objects.filter(in_tree).values_list("version_id", flat=True).first()
    )
    if version_id is None:
        raise NotPublished(identifier)
    return packaging.case_export(visible.get(pk=version_id))


def _document_link(package: dict[str, Any]) -> dict[str, Any]:
    document = package["CFDocument"]
    return {
        "title": document.get("title", ""),
        "identifier": document["identifier"],
        "uri": document["uri"],
    }


def _find(entries: list[Any], identifier: str) -> dict[str, Any] | None:
    for entry in entries:
        if isinstance(entry, dict) and entry.get("identifier") == identifier:
            return entry
    return None


def item(identifier: str) -> dict[str, Any]:
    package = _package_with_item(identifier)
    found = dict(_find(package.get("CFItems", []), identifier) or {})
    found.setdefault("CFDocumentURI", _document_link(package))
    return found


def item_associations(identifier: str) -> dict[str, Any]:
    """The item and every association of its framework that starts or ends at it."""
    package = _package_with_item(identifier)
    found = dict(_find(package.get("CFItems", []), identifier) or {})
    found.setdefault("CFDocumentURI", _document_link(package))
    touching = [
        _with_document(association, package)
        for association in package.get("CFAssociations", [])
        if identifier
        in (
            (association.get("originNodeURI") or {}).get("identifier"),
            (association.get("destinationNodeURI") or {}).get("identifier"),
        )
    ]
    return {"CFItem": found, "CFAssociations": touching}


def _with_document(association: dict[str, Any], package: dict[str, Any]) -> dict[str, Any]:
    result = dict(association)
    result.setdefault("CFDocumentURI", _document_link(package))
    return result


def association(identifier: str) -> dict[str, Any]:
    """An association of a published framework. Tree associations made in Capmap have
    derived identifiers, so the frameworks' packages are searched (the library is small)."""
    for version in published_versions():
        package = packaging.case_export(version)
        found = _find(package.get("CFAssociations", []), identifier)
        if found is not None:
            return _with_document(found, package)
    raise NotPublished(identifier)


def rubric(identifier: str) -> dict[str, Any]:
    for version in published_versions():
        package = packaging.case_export(version)
        found = _find(package.get("CFRubrics") or [], identifier)
        if found is not None:
            return found
    raise NotPublished(identifier)


__all__ = [
    "NotPublished",
    "association",
    "document",
    "documents",
    "item",
    "item_associations",
    "package",
    "published_versions",
    "rubric",
]
