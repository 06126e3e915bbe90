"""Settings for the test suite: fast hashing, in-memory e-mail, immediate tasks."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The suite opens and drops its own databases: persistent connections would hold them open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Every reuse of a query compiled for a caller's scope is checked against the SQL Django
# compiles afresh (capmap.core.compiled.QueryPerScope): a scope key that misses an input
# fails whichever test reaches it.
CAPMAP_VERIFY_QUERIES_PER_SCOPE = True
