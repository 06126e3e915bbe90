"""The admin multi-factor requirement, in one place for every way in: the pages (through
RequireAdminMFAMiddleware) and the API (through its bearer-token check)."""

from allauth.mfa.models import Authenticator
from django.conf import settings

from capmap.organisations.models import Role
from capmap.people.policy import holds_role

API_MESSAGE = (
    "Organisation admins must set up an authenticator app before using the API. "
    "Sign in to Capmap and set one up under Security, then try again."
)


def needs_authenticator_app(user) -> bool:
    """True when the user is an organisation admin without an authenticator app."""
    if not user.is_authenticated:
        return False
    # The memberships the access policy reads anyway: every signed-in request asks this.
    if not holds_role(user, Role.ADMIN):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_set_up_authenticator_app(user) -> bool:
    """True while CAPMAP_REQUIRE_MFA_FOR_ADMINS is on and the user is an admin without one:
    until they set it up they may use nothing but the pages that set it up."""
    return bool(settings.CAPMAP_REQUIRE_MFA_FOR_ADMINS) and needs_authenticator_app(user)
