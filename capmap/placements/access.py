"""Who may do what in a placement scheme.

- A programme lead is a manager or admin (MANAGE_PEOPLE or MANAGE_ORGANISATIONS) of the
  scheme's owner organisation (or above it): they set it up, allocate and see everything.
- An applicant applies for themselves: a user with a linked staff record employed inside
  the owner's tree, while applications are open.
- A practice manager or GP (MANAGE_PEOPLE over the applicant's employer) confirms release.
- A mentor sees the participants placed with them, and confirms their sessions.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from capmap.organisations import scoping

from .models import Scheme, SchemeStatus

LEAD_PERMISSIONS = (scoping.MANAGE_PEOPLE, scoping.MANAGE_ORGANISATIONS)


def is_programme_lead(user, scheme: Scheme) -> bool:
    return any(scoping.can(user, p, scheme.owner) for p in LEAD_PERMISSIONS)


def lead_q(user, path_field: str = "owner__path") -> Q:
    """Rows whose scheme owner the user leads (`path_field` leads to the owner's path)."""
    return reduce(or_, (scoping.path_q(user, p, path_field) for p in LEAD_PERMISSIONS))


def can_lead_anywhere(user) -> bool:
    return any(scoping.can_anywhere(user, p) for p in LEAD_PERMISSIONS)


def schemes_q(user) -> Q:
    """Schemes the user may open: lead, mentor, applicant, releasing manager, would-be applicant."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    q = lead_q(user)
    q |= Q(placements__mentor=user)
    q |= Q(applications__applicant__user=user)
    q |= scoping.path_q(user, scoping.MANAGE_PEOPLE, "applications__applicant__employer__path")
    person = getattr(user, "person", None)
    if person is not None:
        # Staff may see the open schemes of their own ICS (or any organisation above them).
        q |= Q(owner_id__in=person.employer.ancestor_ids(), status=SchemeStatus.APPLICATIONS_OPEN)
    return q


def may_apply(user, scheme: Scheme) -> bool:
    person = getattr(user, "person", None)
    return (
        person is not None
        and scheme.status == SchemeStatus.APPLICATIONS_OPEN
        and person.employer.is_within(scheme.owner)
    )
