from capmap.api import services
from capmap.core.actors import SYSTEM


def token_for(user, name: str = "test") -> str:
    """A new clear API token for the user."""
    return services.create_token(SYSTEM, user=user, name=name)[1]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
