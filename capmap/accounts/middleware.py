"""Organisation admins must use an authenticator app when CAPMAP_REQUIRE_MFA_FOR_ADMINS is on.

An admin without one is sent to set it up, and can reach nothing else meanwhile except
the pages that setting it up needs (re-entering the password, the security pages), signing
out, static files and the health checks.
"""

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty

from .mfa import must_set_up_authenticator_app


@cache
def _open_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),  # every MFA page lives under it
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("core:healthz"),
        reverse("core:readyz"),
        settings.STATIC_URL,
    )


class RequireAdminMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.mfa_setup_required = False
        # The open paths first: a health check or a static file then reads no session.
        if request.path.startswith(_open_paths()):
            # Asked only by the security pages' templates: worked out when they ask.
            request.mfa_setup_required = SimpleLazyObject(
                lambda: must_set_up_authenticator_app(request.user)
            )
        else:
            request.user = _loaded(request.user)
            if must_set_up_authenticator_app(request.user):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _loaded(user):
    """The signed-in user (or anonymous user), loaded now and out of the lazy wrapper Django
    puts it in: every page but the open ones needs it for the check below, and then asks
    request.user for something a hundred times or more (the access policy, the menu, the
    templates), each time through the wrapper's proxy."""
    if not isinstance(user, LazyObject):
        return user
    if user._wrapped is empty:
        user._setup()
    return user._wrapped
