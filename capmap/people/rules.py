"""`rules` predicates for staff records, deferring to people/access.py."""

import rules

from . import access


@rules.predicate
def may_view_person(user, person) -> bool:
    return person is not None and access.can_view_person(user, person)


@rules.predicate
def may_manage_person(user, person) -> bool:
    return person is not None and access.can_manage_person(user, person)


rules.add_perm("people.view_person", may_view_person)
rules.add_perm("people.change_person", may_manage_person)
