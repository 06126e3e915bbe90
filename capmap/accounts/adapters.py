"""How django-allauth fits Capmap: no open sign-up; NHS sign-in only for known staff."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "Enter the email address and password of your Capmap account.",
        # The wait matches the default LOGIN_RATE_LIMIT window.
        "too_many_login_attempts": (
            "Too many wrong passwords have been entered for this email address, so signing in "
            "is paused. Wait 5 minutes and try again, or reset your password."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts wrong passwords per "site domain + address", and without the sites
        # framework the domain is the Host the request came in on, port and all. Each host
        # name Capmap answers to (or each server, reached by its own address) would then
        # give five more tries: count per address alone.
        login = credentials.get("email", credentials.get("username", ""))
        return f"login:{str(login).lower()}"

    def get_password_change_redirect_url(self, request) -> str:
        # Back to the Security page, where the change is confirmed in a banner.
        return reverse("mfa_index")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Single sign-on creates an account only for an address an admin already knows.
        from capmap.people.models import Person

        email = (sociallogin.user.email or "").lower()
        return bool(email) and Person.objects.filter(email__iexact=email).exists()
