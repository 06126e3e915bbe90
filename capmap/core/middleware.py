"""Middleware of our own: auditlog's, without its cost on requests that write nothing."""

from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the acting user looked up only when an entry is written.

    auditlog asks `isinstance(request.user, User)` as each request starts, which reads the
    session and the user from the database even for a health check or a page that never
    looks at them. The same answer, worked out when an audit entry first needs it, costs
    those requests nothing and records the same actor.
    """

    @staticmethod
    def _get_actor(request):
        # The request's user object as it was when the request arrived, so signing in or
        # out during the request changes nothing, as with auditlog's own middleware.
        user = getattr(request, "user", None)
        return SimpleLazyObject(lambda: _signed_in_user(user))


def _signed_in_user(user):
    from django.contrib.auth import get_user_model

    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None
