"""`rules` permissions for templates and views that need a yes/no, one per action of the
access policy (people/policy.py), so `user.has_perm("people.view_record", person)` gives
the same answer as the selectors' filters."""

import rules

from . import policy


def _predicate(action: str) -> rules.Predicate:
    @rules.predicate(name=f"policy_{action}")
    def predicate(user, obj=None) -> bool:
        if obj is None:
            return (
                policy.allows_anywhere(user, action)
                if action in policy.ORGANISATION_ACTIONS
                else False
            )
        return policy.allows(user, action, obj)

    return predicate


for _action in policy.actions():
    rules.add_perm(f"people.{_action}", _predicate(_action))
