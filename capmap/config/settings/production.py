"""Production settings: secrets from the environment, HTTPS only, MFA for admins."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY
from .env import env_bool, env_int, env_str

DEBUG = False
STATIC_ROOT = env_str("STATIC_ROOT", str(DATA_DIR / "static"))  # noqa: F405
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CAPMAP_REQUIRE_MFA_FOR_ADMINS = env_bool("CAPMAP_REQUIRE_MFA_FOR_ADMINS", True)
# collectstatic writes each file under a name with its hash, gzip and Brotli copies beside
# it; WhiteNoise serves those with a cache lifetime of a year (the name changes with the
# content) and never looks in the app folders at request time.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
