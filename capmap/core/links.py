"""Addresses of the pages that take no arguments, reversed once a process."""

from functools import lru_cache

from django.conf import settings
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
