"""The demo runs as people meet Capmap: DEBUG off, our own error pages, static files served."""

import importlib
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings

from capmap.core.views import bad_request

DEBUG_PAGE_MARKERS = [b"Using the URLconf", b"Traceback", b"You're seeing this error"]


def demo_settings(monkeypatch):
    """The settings module `capmap demo` runs with, read afresh with no DEBUG in the environment."""
    monkeypatch.delenv("DEBUG", raising=False)
    sys.modules.pop("capmap.config.settings.local", None)
    return importlib.import_module("capmap.config.settings.local")


def test_the_demo_settings_turn_debug_off(monkeypatch):
    settings = demo_settings(monkeypatch)
    assert settings.DEBUG is False
    assert settings.WHITENOISE_USE_FINDERS is True


@pytest.fixture
def demo_client(monkeypatch):
    settings = demo_settings(monkeypatch)
    # The handler (and WhiteNoise in it) is built on the first request, under these settings.
    with override_settings(
        DEBUG=settings.DEBUG,
        WHITENOISE_USE_FINDERS=settings.WHITENOISE_USE_FINDERS,
        STORAGES={
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        },
    ):
        yield Client(raise_request_exception=False)


@pytest.mark.django_db
def test_an_unknown_address_in_the_demo_gives_our_not_found_page(demo_client):
    response = demo_client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Go to the Capmap home page" in response.content
    assert b"nhsuk-header" in response.content
    for marker in DEBUG_PAGE_MARKERS:
        assert marker not in response.content


@pytest.mark.django_db
def test_the_demo_serves_the_design_system_styles_with_debug_off(demo_client):
    response = demo_client.get("/static/capmap/capmap.css")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_says_what_to_do():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content
    assert b"reload the page" in response.content


def test_a_bad_request_gets_our_page_not_djangos(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = bad_request(request)
    assert response.status_code == 400
    assert b"Go to the Capmap home page" in response.content
