"""`rules` predicates for organisations; they defer to the one permission layer in scoping.py."""

import rules

from . import scoping


def _on_organisation(permission: str):
    @rules.predicate(name=f"organisation_{permission}")
    def predicate(user, organisation) -> bool:
        if organisation is None:
            return scoping.can_anywhere(user, permission)
        return scoping.can(user, permission, organisation)

    return predicate


rules.add_perm("organisations.view_organisation", _on_organisation(scoping.VIEW_ORGANISATION))
rules.add_perm("organisations.manage_organisations", _on_organisation(scoping.MANAGE_ORGANISATIONS))
rules.add_perm("organisations.manage_memberships", _on_organisation(scoping.MANAGE_MEMBERSHIPS))
rules.add_perm("organisations.view_audit", _on_organisation(scoping.VIEW_AUDIT))
