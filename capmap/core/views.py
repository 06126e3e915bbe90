"""Pages every user shares: health checks and error pages (home is capmap/config/home.py)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "unavailable", "error": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok"})


def _error_page(
    request: HttpRequest, status: int, title: str, message: str, *, minimal: bool = False
) -> HttpResponse:
    context = {"title": title, "message": message, "hide_navigation": minimal}
    return render(request, "core/error.jinja", context, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(
        request,
        400,
        "Sorry, Capmap could not read that request",
        "Go back and try again. If you followed a link, start again from the home page.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The form was open too long, or cookies are blocked: say what to do, not why in Django's words.
    return _error_page(
        request,
        403,
        "Your form could not be sent",
        "This happens when a page has been open for a long time, or when your browser blocks "
        "cookies. Go back, reload the page and send the form again.",
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    # A view may say why in plain words: PermissionDenied("Only ... can ...") is shown as is.
    reason = str(exception) if exception is not None else ""
    return _error_page(
        request,
        403,
        "You do not have access to this page",
        reason
        or "Your role does not allow this. Ask an admin of your organisation if you need access.",
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, it may be "
        "out of date or you may not have access to what it points to.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you entered has been half-saved.",
        minimal=True,  # the database may be why we are here: draw no navigation
    )
