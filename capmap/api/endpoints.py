"""The JSON API, version 1: thin endpoints over the apps' scoped selectors."""

from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError

from capmap.assessments import selectors as assessments
from capmap.frameworks import selectors as frameworks
from capmap.organisations import selectors as organisations
from capmap.people import policy
from capmap.people import selectors as people

from .auth import BearerToken
from .schemas import (
    MAX_ID,
    CapabilityOut,
    ErrorOut,
    FrameworkOut,
    MeOut,
    OrganisationOut,
    PeoplePage,
    PeopleQuery,
    PersonOut,
    ValidationErrorOut,
)

api = NinjaAPI(
    title="Capmap API",
    version="1",
    description="Read the organisations, people, capability and frameworks you may see.",
    auth=BearerToken(),
    urls_namespace="api-v1",
    docs_url=None,  # the interactive page needs scripts our content security policy refuses
)

# 403: an organisation admin's token while they have no authenticator app (and it is required).
AUTH = {401: ErrorOut, 403: ErrorOut}
CHECKED = {**AUTH, 422: ValidationErrorOut}
FOUND = {**AUTH, 404: ErrorOut, 422: ValidationErrorOut}
PersonId = Path(..., ge=1, le=MAX_ID, description="The person's id.")


def _refuse_unknown_parameters(request, schema) -> None:
    """A mistyped parameter is an error (422), not silently ignored."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise ValidationError(
            [
                {"type": "extra_forbidden", "loc": ["query", key], "msg": "Unknown parameter."}
                for key in unknown
            ]
        )


def _person(user, person_id: int, action: str = policy.VIEW_PERSON):
    try:
        return people.get_person(user, person_id, action)
    except people.Person.DoesNotExist:
        raise HttpError(404, "Not found.") from None


@api.get("/me", response={200: MeOut, **AUTH}, summary="The signed-in user")
def me(request):
    user = request.auth
    memberships = [
        {
            "organisation_id": m.organisation_id,
            "organisation_name": m.organisation.name,
            "role": m.role,
        }
        for m in user.memberships.select_related("organisation").order_by("organisation__path")
    ]
    return {
        **{f: getattr(user, f) for f in ("id", "email", "first_name", "last_name")},
        "memberships": memberships,
    }


@api.get("/organisations", response={200: list[OrganisationOut], **AUTH})
def list_organisations(request):
    return organisations.organisations_for(request.auth)


@api.get("/people", response={200: PeoplePage, **CHECKED}, summary="Staff you may see")
def list_people(request, filters: Query[PeopleQuery]):
    _refuse_unknown_parameters(request, PeopleQuery)
    found = people.search_people(request.auth, query=filters.search)
    page = found[filters.offset : filters.offset + filters.limit]
    return {"count": found.count(), "limit": filters.limit, "offset": filters.offset, "items": page}


@api.get("/people/{person_id}", response={200: PersonOut, **FOUND})
def get_person(request, person_id: int = PersonId):
    return _person(request.auth, person_id)


@api.get(
    "/people/{person_id}/capability",
    response={200: list[CapabilityOut], **FOUND},
    summary="The person's current verified levels",
)
def person_capability(request, person_id: int = PersonId):
    scope = assessments.scope_of_practice(_person(request.auth, person_id, policy.VIEW_LEVELS))
    return [
        {
            "competency_id": row.competency.pk,
            "code": row.competency.code,
            "title": row.competency.title,
            "framework": row.competency.version.framework.slug,
            "level": row.level,
            "level_label": row.level_label,
            "signed_by": row.signed_by,
            "signed_at": row.signed_at,
        }
        for row in scope.signed_off
    ]


@api.get("/frameworks", response={200: list[FrameworkOut], **AUTH})
def list_frameworks(request):
    return frameworks.frameworks_for(request.auth)
