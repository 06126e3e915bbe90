"""Addresses of the pages that take no arguments and of static files, worked out once a process."""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse


def page_url(name: str) -> str:
    """`reverse(name)` for a URL without arguments.

    Every page reverses a score of these (the menu, the header, the footer, the
    breadcrumbs), each a walk of the URL tables, and the answer only changes with the
    script prefix or the URL configuration, which are part of the key.
    """
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=1024)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def static_url(path: str) -> str:
    """`static(path)`, worked out once a process.

    The layout names six files on every page, and in production each is a look-up in
    the hashed-name manifest, which is read when the process starts and does not change
    while it runs; the answer depends on the files' address and the storage, which are
    part of the key.
    """
    storage = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    return _static(path, settings.STATIC_URL, storage)


@lru_cache(maxsize=256)
def _static(path: str, static_address: str, storage: str) -> str:
    return static(path)


_MARKER = 987654321


def url_for_each(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for every row of a long table: reversed once, with a
    marker where the key goes (a table of 440 organisations with four links a row
    reversed 1,760 URLs, a third of the page's time)."""
    head, _, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    return lambda pk: f"{head}{pk}{tail}"
