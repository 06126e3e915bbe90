"""Signing in with an e-mail address and password, and finding a signed-in request's user."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    """allauth's e-mail and password sign-in. A signed-in request's user is read with their
    staff record, its employer and job role in the same query: every page's menu asks for
    the record (My assessments, My record), and the home page and the access policy's scope
    (people.policy.own_person) for its employer and role, which otherwise cost a query
    each."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "person", "person__employer", "person__job_role"
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
