"""How django-allauth fits Capmap: no open sign-up; NHS sign-in only for known staff."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUPS


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Single sign-on creates an account only for an address an admin already knows.
        from capmap.people.models import Person

        email = (sociallogin.user.email or "").lower()
        return bool(email) and Person.objects.filter(email__iexact=email).exists()
