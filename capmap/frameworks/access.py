"""Who may see and who may author frameworks and care pathways.

Seeing: the shared library (no owner) is open to every signed-in user; an
organisation's own frameworks to whoever may view that organisation.
Authoring: organisation admins and managers over the owner (managers set the
competencies their teams need, so they build and publish frameworks); only system
administrators change the shared library.
"""

from django.db.models import Q

from capmap.core.actors import is_system, require_actor
from capmap.organisations import scoping
from capmap.organisations.models import Membership, Organisation, Role

AUTHOR_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


def visible_q(user, owner_field: str = "owner") -> Q:
    """Rows whose owner the user may view, plus the shared library."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(**{f"{owner_field}__isnull": True}) | scoping.path_q(
        user, scoping.VIEW_ORGANISATION, f"{owner_field}__path"
    )


def _author_paths(user) -> list[str]:
    cache = user.__dict__.setdefault("_capmap_author_paths", None)
    if cache is None:
        cache = list(
            Membership.objects.filter(user=user, role__in=AUTHOR_ROLES).values_list(
                "organisation__path", flat=True
            )
        )
        user.__dict__["_capmap_author_paths"] = cache
    return cache


def can_author(user, owner: Organisation | None) -> bool:
    """May this user create or change frameworks owned by `owner` (None: the library)?"""
    require_actor(user)
    if is_system(user):  # the command line and data loading
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if owner is None:
        return False
    return any(owner.path.startswith(path) for path in _author_paths(user))


def can_author_anywhere(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _author_paths(user)))


def authoring_organisations(user):
    """Organisations the user may own frameworks for."""
    if user.is_superuser:
        return Organisation.objects.order_by("path")
    paths = _author_paths(user)
    if not paths:
        return Organisation.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Organisation.objects.filter(q).order_by("path")
