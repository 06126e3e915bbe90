"""Reads for the public CASE 1.0 API: the latest published version of each framework in
the shared library, and nothing else (policy.published_q)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
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


EXPORT_CACHE_SECONDS = 3600


def _export(version: FrameworkVersion) -> dict[str, Any]:
    """The published version's package. A published version never changes (the models
    refuse it), and retiring it changes `updated_at`, so the package is cached by both."""
    stamp = version.updated_at.timestamp()
    key = f"capmap:case-export:{version.pk}:{stamp}:{settings.CAPMAP_BASE_URL}"
    package = cache.get(key)
    if package is None:
        package = packaging.case_export(version)
        cache.set(key, package, EXPORT_CACHE_SECONDS)
    return package


def _version_of_document(identifier: str) -> FrameworkVersion:
    version = published_versions().filter(case_identifier=identifier).first()
    if version is None:
        raise NotPublished(identifier)
    return version


def documents() -> list[dict[str, Any]]:
    return [_document(packaging.case_document(v)) for v in published_versions()]


def _document(document: dict[str, Any]) -> dict[str, Any]:
    document = dict(document)
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
    return _document(packaging.case_document(_version_of_document(identifier)))


def package(identifier: str) -> dict[str, Any]:
    return _export(_version_of_document(identifier))


def _package_with_item(identifier: str) -> dict[str, Any]:
    visible = published_versions()
    in_tree = Q(case_identifier=identifier, version__in=visible)
    version_id = (
        Competency.objects.filter(in_tree).values_list("version_id", flat=True).first()
        or Domain.objects.filter(in_tree).values_list("version_id", flat=True).first()
    )
    if version_id is None:
        raise NotPublished(identifier)
    return _export(visible.get(pk=version_id))


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
        package = _export(version)
        found = _find(package.get("CFAssociations", []), identifier)
        if found is not None:
            return _with_document(found, package)
    raise NotPublished(identifier)


def rubric(identifier: str) -> dict[str, Any]:
    for version in published_versions():
        package = _export(version)
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
