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


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(
        request,
        403,
        "You do not have access to this page",
        "Your role does not allow this. Ask an admin of your organisation if you need access.",
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
