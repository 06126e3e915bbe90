"""Helpers the organisation views share: fetching through selectors, showing service errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from capmap.core.exceptions import DomainError

from .. import scoping, selectors
from ..forms import add_service_errors
from ..models import Membership, Organisation


def organisation_or_404(
    request: HttpRequest, pk: int, permission: str = scoping.VIEW_ORGANISATION
) -> Organisation:
    """404 outside the caller's scope; 403 inside it without `permission`."""
    try:
        organisation = selectors.get_organisation(request.user, pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not scoping.can(request.user, permission, organisation):
        raise PermissionDenied
    return organisation


def membership_or_404(request: HttpRequest, organisation: Organisation, pk: int) -> Membership:
    try:
        return selectors.get_membership(request.user, organisation, pk)
    except Membership.DoesNotExist:
        raise Http404 from None


def run_service(form, service, **kwargs):
    """Call the service; on a broken rule put its message on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
    except DomainError as error:
        form.add_error(None, str(error))
    return None


def posted(request: HttpRequest):
    """The form data of a POST (even an empty one), or None for a GET."""
    return request.POST if request.method == "POST" else None
