"""Reads of organisations and memberships, already scoped to the caller."""

from django.db.models import Count, QuerySet

from . import scoping
from .models import Membership, Organisation


def organisations_for(user, permission: str = scoping.VIEW_ORGANISATION) -> QuerySet[Organisation]:
    return scoping.organisation_scope(user, permission).order_by("path")


def organisation_tree(user) -> list[Organisation]:
    """Every visible organisation in tree order, each with its depth below the viewer's top."""
    return list(
        organisations_for(user).annotate(staff_count=Count("staff", distinct=True)).order_by("path")
    )


def get_organisation(user, pk: int, permission: str = scoping.VIEW_ORGANISATION) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is outside the user's scope."""
    return organisations_for(user, permission).get(pk=pk)


def memberships_for(user, organisation: Organisation | None = None) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(
        scoping.path_q(user, scoping.MANAGE_MEMBERSHIPS, "organisation__path")
    ).select_related("user", "organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships
