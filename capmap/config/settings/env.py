"""Strict readers for settings taken from the environment.

A malformed value stops start-up with a message naming the variable, rather than
running with a surprising default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_site_url(name: str, default: str) -> str:
    """An absolute http(s) address of the site, without a trailing slash."""
    from urllib.parse import urlsplit

    raw = os.environ.get(name, default).strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name} must be the site's address, like https://capmap.example.nhs.uk, not {raw!r}."
        )
    return raw.rstrip("/")


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def cache_from_environment() -> dict:
    """Django's cache: Redis (shared by every process) when REDIS_URL is set, else in memory."""
    url = env_str("REDIS_URL", "").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not url.startswith(REDIS_SCHEMES):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {url!r}."
        )
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        # Several installations (or test runs) may share one Redis: keep their keys apart.
        "KEY_PREFIX": env_str("CAPMAP_CACHE_PREFIX", "capmap"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # A Redis that stops answering must fail a request quickly, not hang it.
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }
