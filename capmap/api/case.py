"""The CASE 1.0 REST API (1EdTech Competencies and Academic Standards Exchange), read only
and open to anyone: the published frameworks of the shared library, so that CASE tools can
pull them. Mounted at /ims/case/v1p0/ with its own OpenAPI document (openapi.json there).

{sourcedId} is a CASE identifier. An unknown or unpublished one answers 404 in CASE's
imsx_StatusInfo shape; an organisation's own frameworks are never served.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import ValidationError

from capmap.frameworks import published

case_api = NinjaAPI(
    title="Capmap CASE 1.0 API",
    version="1.0",
    description=(
        "1EdTech CASE 1.0 REST binding, read only: the published frameworks of Capmap's "
        "shared library as CFDocuments, CFPackages, CFItems, CFAssociations and CFRubrics."
    ),
    urls_namespace="case-v1p0",
    docs_url=None,  # the interactive page needs scripts our content security policy refuses
)

SourcedId = Path(
    ...,
    min_length=1,
    max_length=200,
    pattern=r"^[^\x00-\x1f\x7f/]+$",
    description="The object's CASE identifier (sourcedId), usually a UUID.",
)


class CodeMinorField(Schema):
    imsx_codeMinorFieldName: str
    imsx_codeMinorFieldValue: str


class CodeMinor(Schema):
    imsx_codeMinorField: list[CodeMinorField]


class StatusInfo(Schema):
    """CASE 1.0's imsx_StatusInfo: why a request failed."""

    imsx_codeMajor: str = Field(..., examples=["failure"])
    imsx_severity: str = Field(..., examples=["error"])
    imsx_description: str
    imsx_codeMinor: CodeMinor


class Documents(Schema):
    CFDocuments: list[dict[str, Any]]


class ItemAssociations(Schema):
    CFItem: dict[str, Any]
    CFAssociations: list[dict[str, Any]]


FOUND = {400: StatusInfo, 404: StatusInfo}


def _status(request: HttpRequest, status: int, description: str, minor: str) -> HttpResponse:
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }
    return case_api.create_response(request, body, status=status)


@case_api.exception_handler(published.NotPublished)
def _not_found(request: HttpRequest, error: published.NotPublished) -> HttpResponse:
    return _status(
        request,
        404,
        f"No published framework has an object with the identifier {error}.",
        "unknownobject",
    )


@case_api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return _status(
        request,
        400,
        "The identifier cannot be a CASE identifier (1 to 200 printable characters).",
        "invaliddata",
    )


@case_api.get("/CFDocuments", response=Documents, summary="getAllCFDocuments")
def list_cf_documents(request: HttpRequest) -> dict[str, Any]:
    return {"CFDocuments": published.documents()}


@case_api.get(
    "/CFDocuments/{sourcedId}", response={200: dict[str, Any], **FOUND}, summary="getCFDocument"
)
def get_cf_document(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.document(sourcedId)


@case_api.get(
    "/CFPackages/{sourcedId}", response={200: dict[str, Any], **FOUND}, summary="getCFPackage"
)
def get_cf_package(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.package(sourcedId)


@case_api.get("/CFItems/{sourcedId}", response={200: dict[str, Any], **FOUND}, summary="getCFItem")
def get_cf_item(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.item(sourcedId)


@case_api.get(
    "/CFAssociations/{sourcedId}",
    response={200: dict[str, Any], **FOUND},
    summary="getCFAssociation",
)
def get_cf_association(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.association(sourcedId)


@case_api.get(
    "/CFItemAssociations/{sourcedId}",
    response={200: ItemAssociations, **FOUND},
    summary="getCFItemAssociations",
)
def get_cf_item_associations(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.item_associations(sourcedId)


@case_api.get(
    "/CFRubrics/{sourcedId}", response={200: dict[str, Any], **FOUND}, summary="getCFRubric"
)
def get_cf_rubric(request: HttpRequest, sourcedId: str = SourcedId) -> dict[str, Any]:
    return published.rubric(sourcedId)
