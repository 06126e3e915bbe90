"""Signing in with an e-mail address and password, and finding a signed-in request's user."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model

from capmap.core.compiled import CompiledQuery

# Every signed-in request reads it: compiled once a process (ADR 0026).
_USER_WITH_RECORD = CompiledQuery(
    lambda user_id: (
        get_user_model()
        ._default_manager.select_related("person", "person__employer", "person__job_role")
        .filter(pk=user_id)
    ),
    int,
)


class AuthenticationBackend(AllauthBackend):
    """allauth's e-mail and password sign-in. A signed-in request's user is read with their
    staff record, its employer and job role in the same query: every page's menu asks for
    the record (My assessments, My record), and the home page and the access policy's scope
    (people.policy.own_person) for its employer and role, which otherwise cost a query
    each."""

    def get_user(self, user_id):
        try:
            users = _USER_WITH_RECORD(int(user_id))
        except (TypeError, ValueError):
            return None
        if not users:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None
