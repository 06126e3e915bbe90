"""Settings shared by every environment; each value that varies comes from the environment."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import cache_from_environment, env_bool, env_int, env_list, env_site_url, env_str

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(env_str("CAPMAP_DATA_DIR", str(PROJECT_DIR / "data")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "capmap.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "auditlog",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "capmap.core",
    "capmap.accounts",
    "capmap.organisations",
    "capmap.people",
    "capmap.frameworks",
    "capmap.portfolio",
    "capmap.assessments",
    "capmap.capability",
    "capmap.development",
    "capmap.placements",
    "capmap.impact",
    "capmap.reports",
    "capmap.api",
    "capmap.demo",
    "capmap.population",
    "capmap.privacy",
    "capmap.credentials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (the 50-person heatmap: ~10x smaller): HTML with Brotli where the
    # browser takes it, the rest with Django's gzip. BREACH, which reads secrets from the
    # sizes of compressed pages, is answered as Django answers it: every CSRF token in a
    # page is masked afresh on each response, and each compressed answer carries padding
    # of random length (capmap/core/compression.py). Static files never get here:
    # WhiteNoise answers them above, already compressed at collectstatic time.
    "capmap.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "capmap.accounts.middleware.RequireAdminMFAMiddleware",
    "capmap.core.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "capmap.config.urls"
WSGI_APPLICATION = "capmap.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "capmap.config.jinja2_env.environment",
            "context_processors": ["capmap.config.context_processors.csp_nonce"],
        },
    },
    {
        # Django admin and allauth's e-mail bodies still use Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]


def _database_from_url(url: str) -> dict:
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A new PostgreSQL connection per request costs more than most pages (issue 15: it
        # nearly halved signed-in throughput). Keep each one for a minute, and check it
        # still answers before a request uses it, so a restarted server costs no errors.
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
        # Parameters sent apart from the SQL let psycopg prepare a statement once it has run
        # 5 times on a connection, so PostgreSQL stops parsing and planning it again on every
        # request: the server's CPU for the sign-off queue fell from 2.7-3.0 to 0.5 ms.
        # PgBouncer in transaction mode cannot keep prepared statements (unless its
        # max_prepared_statements is set): DATABASE_PREPARED_STATEMENTS=false turns them off.
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
        }
    else:
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web process read while the task worker writes.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's git-ignored home
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'capmap.sqlite3'}"
DATABASES = {"default": _database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Signs people in (allauth's) and reads a signed-in user with their staff record.
    "capmap.accounts.backends.AuthenticationBackend",
    # Kept so sessions begun before it was added stay signed in.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# --- Sign-in (django-allauth) -------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
# Staff accounts are made by organisation admins, or arrive through NHS sign-in.
ACCOUNT_ALLOW_SIGNUPS = False
ACCOUNT_ADAPTER = "capmap.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "capmap.accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "capmap.accounts.forms.LoginForm"}
# Shared and borrowed computers are common in the NHS: sessions end with the browser.
ACCOUNT_SESSION_REMEMBER = False
# Five wrong passwords for one e-mail address lock it for five minutes. The per-address
# limit is the one that matters; the per-IP one is generous because a whole trust or
# practice can reach us from one address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "30/5m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/m/key",
}
# Rate limits and lock-outs count in the cache (allauth's ratelimit uses Django's cache).
# Without REDIS_URL the cache is in each process's memory, which holds the limit on one
# server process only; with REDIS_URL every server and worker counts in the same Redis,
# so five wrong passwords lock the address whichever server they reached.
CACHES = {"default": cache_from_environment()}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Capmap"
# Production requires organisation admins to use an authenticator app.
CAPMAP_REQUIRE_MFA_FOR_ADMINS = env_bool("CAPMAP_REQUIRE_MFA_FOR_ADMINS", False)
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False


def _oidc_apps() -> list[dict]:
    """NHSmail (Microsoft Entra ID) and NHS CIS2, each switched on by its variables."""
    apps = []
    providers = [
        ("entra", "NHSmail (Microsoft Entra ID)", "ENTRA"),
        ("cis2", "NHS Care Identity Service 2", "CIS2"),
    ]
    for provider_id, name, prefix in providers:
        client_id = env_str(f"{prefix}_CLIENT_ID", "")
        if not client_id:
            continue
        server_url = env_str(f"{prefix}_SERVER_URL", "")
        if not server_url:
            raise ImproperlyConfigured(f"{prefix}_SERVER_URL is needed with {prefix}_CLIENT_ID.")
        apps.append(
            {
                "provider_id": provider_id,
                "name": name,
                "client_id": client_id,
                "secret": env_str(f"{prefix}_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": server_url,
                    "token_auth_method": env_str(
                        f"{prefix}_TOKEN_AUTH_METHOD", "client_secret_post"
                    ),
                    "oauth_pkce_enabled": True,
                    "scope": env_list(f"{prefix}_SCOPES", ["openid", "profile", "email"]),
                    # Addresses in these domains are managed by the NHS, so they count as
                    # verified and sign in to the Capmap account with the same address.
                    "verified_email": env_list(
                        f"{prefix}_VERIFIED_EMAIL_DOMAINS",
                        ["nhs.net"] if provider_id == "entra" else [],
                    ),
                },
            }
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": _oidc_apps()}}

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Capmap <no-reply@capmap.invalid>")

# --- Security headers -----------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Every signed-in request reads its session. With REDIS_URL, the cache every server shares,
# it is read from Redis and written to both (the database copy outlives a Redis restart);
# signing out deletes both, so the session ends on every server at once. A cache in each
# process's memory would keep a signed-out session alive on the other processes, so
# without Redis sessions stay in the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    else "django.contrib.sessions.backends.db"
)

# --- Static files and uploads -----------------------------------------------------
STATIC_URL = "/static/"
# collectstatic output (production); development and tests serve from the app folders.
STATIC_ROOT = None


def uploaded_file_storage() -> dict:
    """Evidence files and reports: local disk, or S3-compatible storage when a bucket is set."""
    bucket = env_str("CAPMAP_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("CAPMAP_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("CAPMAP_S3_REGION", "") or None,
            "access_key": env_str("CAPMAP_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("CAPMAP_S3_SECRET_ACCESS_KEY", "") or None,
            # Files are private: every download goes through our permission check and a
            # short-lived signed address, never a public object.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("CAPMAP_S3_LINK_SECONDS", 300),
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": uploaded_file_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CAPMAP_MAX_IMPORT_BYTES = env_int("CAPMAP_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
# Hard caps on an imported table (capmap/core/tabular.py), checked before a row is parsed.
CAPMAP_IMPORT_MAX_ROWS = env_int("CAPMAP_IMPORT_MAX_ROWS", 100_000, minimum=1)
CAPMAP_IMPORT_MAX_COLUMNS = env_int("CAPMAP_IMPORT_MAX_COLUMNS", 100, minimum=1)
# The address people and other systems reach this deployment at: the one owner of every
# absolute address we write (CASE URIs under /ims/case/v1p0/, credential and issuer ids,
# links in e-mails).
CAPMAP_BASE_URL = env_site_url("CAPMAP_BASE_URL", "http://127.0.0.1:8000")

# --- The web server (`capmap serve`) ------------------------------------------------
# gunicorn worker processes on this machine: about 2 x cores + 1 for a server of its own.
CAPMAP_WEB_WORKERS = env_int("CAPMAP_WEB_WORKERS", 2, minimum=1)
# Threads in each worker: more lets slow requests (report downloads) overlap.
CAPMAP_WEB_THREADS = env_int("CAPMAP_WEB_THREADS", 1, minimum=1)
# A request still running after this many seconds is ended and its worker restarted.
CAPMAP_WEB_TIMEOUT = env_int("CAPMAP_WEB_TIMEOUT", 60, minimum=1)

# --- Background tasks ---------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# Report files are removed this many days after they are made (`capmap prune-reports`).
CAPMAP_REPORT_RETENTION_DAYS = env_int("CAPMAP_REPORT_RETENTION_DAYS", 7)

# --- Audit ------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Credentials ----------------------------------------------------------------
# Credential, issuer and status-list ids are built from CAPMAP_BASE_URL (and did:web from
# its host), so it must be set before the first credential is issued.
# The largest credential file the public verification page reads.
CAPMAP_MAX_CREDENTIAL_BYTES = env_int("CAPMAP_MAX_CREDENTIAL_BYTES", 256 * 1024, minimum=1024)

# --- Fetching from other sites (capmap/core/fetching.py, docs/adr/0015) -----------
# The largest document and the longest whole fetch (look-up, connect, every byte).
CAPMAP_FETCH_MAX_BYTES = env_int("CAPMAP_FETCH_MAX_BYTES", 1024 * 1024, minimum=1024)
CAPMAP_FETCH_TIMEOUT_SECONDS = env_int("CAPMAP_FETCH_TIMEOUT_SECONDS", 10, minimum=1)
# (host, port) pairs that may be fetched over plain http although local: for the test
# suite's own little servers only. Never read from the environment.
CAPMAP_FETCH_ALLOW_LOCAL: list[tuple[str, int]] = []
# Another issuer's status list is fetched again once the copy held is this old; when it
# cannot be fetched for this many days its credentials stop counting.
CAPMAP_STATUS_LIST_MAX_AGE_HOURS = env_int("CAPMAP_STATUS_LIST_MAX_AGE_HOURS", 24, minimum=1)
CAPMAP_STATUS_LIST_GRACE_DAYS = env_int("CAPMAP_STATUS_LIST_GRACE_DAYS", 7, minimum=0)
