"""Signing in with an e-mail address and password, and finding a signed-in request's user."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    """allauth's e-mail and password sign-in. A signed-in request's user is read with their
    staff record in the same query: every page's menu asks for it (My assessments, My
    record), which otherwise cost a query of its own on every page."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("person")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
