"""`Authorization: Bearer <token>` for the API."""

from ninja.errors import HttpError
from ninja.security import HttpBearer

from capmap.accounts.mfa import API_MESSAGE, must_set_up_authenticator_app

from . import services


class BearerToken(HttpBearer):
    openapi_description = "An API token from `capmap token create EMAIL`."

    def authenticate(self, request, token: str):
        user = services.user_for_token(token)
        if user is not None and must_set_up_authenticator_app(user):
            # The same requirement as the pages: a token is no way around it.
            raise HttpError(403, API_MESSAGE)
        if user is not None:
            request.user = user
        return user
