"""Values every Jinja2 page needs from the request."""

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """The page's CSP nonce as `cspNonce`, the name the NHS.UK page template reads.

    It must come from the context: a `set` at the top of a child template never
    reaches the parent template's own inline script, which then fails CSP and the
    design system's JavaScript never starts.
    """
    # The nonce is lazy and reads as false until first used: str() makes it.
    nonce = getattr(request, "csp_nonce", None)
    return {"cspNonce": "" if nonce is None else str(nonce)}
