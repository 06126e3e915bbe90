"""`Authorization: Bearer <token>` for the API."""

from ninja.security import HttpBearer

from . import services


class BearerToken(HttpBearer):
    openapi_description = "An API token from `capmap token create EMAIL`."

    def authenticate(self, request, token: str):
        user = services.user_for_token(token)
        if user is not None:
            request.user = user
        return user
