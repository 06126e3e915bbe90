"""The organisation-tree half of the access policy: what a role allows, and where.

A membership's role applies to its organisation and every descendant. This module is
the part of the one policy (`capmap/people/policy.py`) that the organisations app can
use itself, as it sits below people: apps above people ask the policy, never this.
Everything memoised about a user lives in one dict that `forget_scope` clears.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from capmap.core.actors import is_system
from capmap.core.compiled import CompiledQuery

from .models import Membership, Organisation, Role

VIEW_ORGANISATION = "view_organisation"
MANAGE_ORGANISATIONS = "manage_organisations"
MANAGE_MEMBERSHIPS = "manage_memberships"
VIEW_PEOPLE = "view_people"
MANAGE_PEOPLE = "manage_people"
VIEW_AUDIT = "view_audit"
# Admins and managers set the competencies their teams need, so they author frameworks.
AUTHOR_FRAMEWORKS = "author_frameworks"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            VIEW_ORGANISATION,
            MANAGE_ORGANISATIONS,
            MANAGE_MEMBERSHIPS,
            VIEW_PEOPLE,
            MANAGE_PEOPLE,
            VIEW_AUDIT,
            AUTHOR_FRAMEWORKS,
        }
    ),
    Role.MANAGER: frozenset(
        {VIEW_ORGANISATION, MANAGE_MEMBERSHIPS, VIEW_PEOPLE, MANAGE_PEOPLE, AUTHOR_FRAMEWORKS}
    ),
    Role.SUPERVISOR: frozenset({VIEW_ORGANISATION, VIEW_PEOPLE}),
    Role.VIEWER: frozenset({VIEW_ORGANISATION, VIEW_PEOPLE}),
    Role.PRACTITIONER: frozenset({VIEW_ORGANISATION}),
}

# Roles a manager may hand out; only admins make admins.
ROLES_GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.MANAGER: frozenset(set(Role.values) - {Role.ADMIN}),
}


def roles_granting(permission: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]


MEMO = "_capmap_access"
# Unordered: Membership's default order joins the users table to sort by e-mail, and
# nothing here depends on the order. Every signed-in page reads it: compiled once a process.
_ROLES_AND_PATHS = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id)
        .order_by()
        .values_list("role", "organisation__path")
    ),
    int,
)


# The memo's key for the user's memberships (a policy Caller is given them under it).
MEMBERSHIPS = "memberships"


def memo(user) -> dict:
    """What the policy has worked out about this user object (a request's user lives one
    request): scope paths here, supervisions in the policy. `forget_scope` clears it."""
    return user.__dict__.setdefault(MEMO, {})


def _scope_paths(user, permission: str) -> list[str]:
    """Paths of the organisations where the user holds `permission` (memoised per user object)."""
    if not user or not user.is_authenticated or getattr(user, "pk", None) is None:
        return []
    cache = memo(user)
    key = ("paths", permission)
    if key not in cache:
        roles = set(roles_granting(permission))
        cache[key] = _outermost([path for role, path in _memberships(user) if role in roles])
    return cache[key]


def _memberships(user) -> list[tuple[str, str]]:
    """(role, organisation path) of each of the user's memberships: one query for every
    permission a request asks about, the admin check of the MFA requirement included."""
    cache = memo(user)
    if MEMBERSHIPS not in cache:
        cache[MEMBERSHIPS] = _ROLES_AND_PATHS(user.pk)
    return cache[MEMBERSHIPS]


def memberships(user) -> list[tuple[str, str]]:
    """(role, organisation path) of each of the signed-in user's memberships, memoised."""
    return list(_memberships(user))


def holds_role(user, role: str) -> bool:
    """Does the signed-in user hold `role` anywhere (memoised with their scope)?"""
    if not user or not user.is_authenticated or getattr(user, "pk", None) is None:
        return False
    return any(held == role for held, _ in _memberships(user))


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another path of the list: their subtree is already covered."""
    kept: list[str] = []
    # By length, then text: equal inputs give the same paths in the same order (ADR 0029).
    for path in sorted(paths, key=lambda path: (len(path), path)):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def scope_paths(user, permission: str) -> list[str]:
    """The outermost organisation paths where the user holds `permission`."""
    return list(_scope_paths(user, permission))


def forget_scope(user) -> None:
    """Clear everything memoised about the user, after their memberships or supervisions change."""
    user.__dict__.pop(MEMO, None)


def path_q(user, permission: str, path_field: str = "path") -> Q:
    """A filter matching rows whose organisation path lies inside the user's scope.

    `path_field` names the path lookup from the filtered model, e.g. "employer__path".
    Matches nothing when the user holds the permission nowhere.
    """
    if is_system(user):
        return Q()
    paths = _scope_paths(user, permission)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": path}) for path in paths))


def organisation_scope(user, permission: str = VIEW_ORGANISATION) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path_q(user, permission))


def can(user, permission: str, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    if is_system(user):
        return True
    return any(organisation.path.startswith(p) for p in _scope_paths(user, permission))


def can_anywhere(user, permission: str) -> bool:
    return is_system(user) or bool(_scope_paths(user, permission))


def grantable_roles(user, organisation: Organisation) -> list[str]:
    """Roles the user may give others in this organisation (none without the right)."""
    if is_system(user):  # the demo, data loading and the command line
        return list(Role.values)
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    allowed: set[str] = set()
    for membership in memberships:
        if organisation.path.startswith(membership.organisation.path):
            allowed |= ROLES_GRANTABLE_BY.get(membership.role, frozenset())
    return [role for role in Role.values if role in allowed]
