"""`capmap serve` runs gunicorn outside the demo; the environment picks workers, cache and
persistent database connections, strictly; pages go out compressed."""

import gzip
import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from capmap.config.settings.env import cache_from_environment
from capmap.core.management.commands import serve
from capmap.organisations.models import Organisation


def fresh_base_settings(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("capmap.config.settings.base", None)
    try:
        return importlib.import_module("capmap.config.settings.base")
    finally:
        sys.modules.pop("capmap.config.settings.base", None)


def test_without_redis_the_cache_is_in_the_process_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cache_from_environment()["BACKEND"].endswith("LocMemCache")


def test_redis_url_puts_the_cache_and_so_the_lock_out_counts_in_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/1")
    monkeypatch.setenv("CAPMAP_CACHE_PREFIX", "trust-a")
    cache = cache_from_environment()
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert cache["KEY_PREFIX"] == "trust-a"


def test_a_redis_url_that_is_not_one_stops_start_up_saying_so(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "cache.internal:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must start with redis://"):
        cache_from_environment()


def test_web_workers_come_from_the_environment_and_must_be_a_whole_number(monkeypatch):
    assert fresh_base_settings(monkeypatch, CAPMAP_WEB_WORKERS="5").CAPMAP_WEB_WORKERS == 5
    with pytest.raises(ImproperlyConfigured, match="CAPMAP_WEB_WORKERS must be a whole number"):
        fresh_base_settings(monkeypatch, CAPMAP_WEB_WORKERS="many")
    with pytest.raises(ImproperlyConfigured, match="CAPMAP_WEB_WORKERS must be 1 or more"):
        fresh_base_settings(monkeypatch, CAPMAP_WEB_WORKERS="0")


def test_postgresql_connections_are_kept_and_checked_before_use(monkeypatch):
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    base = fresh_base_settings(monkeypatch)
    database = base._database_from_url("postgres://capmap@db.internal:5432/capmap")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert base._database_from_url("sqlite:////tmp/capmap.sqlite3")["CONN_MAX_AGE"] == 0


def test_postgresql_statements_are_prepared_unless_a_pooler_cannot_keep_them(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    base = fresh_base_settings(monkeypatch)
    options = base._database_from_url("postgres://capmap@db.internal:5432/capmap")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}
    base = fresh_base_settings(monkeypatch, DATABASE_PREPARED_STATEMENTS="false")
    options = base._database_from_url("postgres://capmap@db.internal:5432/capmap")["OPTIONS"]
    assert options["prepare_threshold"] is None, "PgBouncer in transaction mode"
    assert options["server_side_binding"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection's own")
@pytest.mark.django_db
def test_a_query_a_page_repeats_is_planned_once_a_connection():
    """The fifth time the same query runs on a connection psycopg prepares it: from then on
    PostgreSQL neither parses nor plans it again (pg_prepared_statements lists it)."""
    query = Organisation.objects.filter(ods_code="Q1W").values_list("pk")
    for _ in range(6):
        list(query.all())  # a fresh query each time, as each request makes
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"organisations_organisation"."ods_code" = $1' in sql for sql in prepared)


def test_serve_runs_gunicorn_with_the_workers_from_settings(monkeypatch):
    started = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    with override_settings(DEBUG=False, CAPMAP_WEB_WORKERS=3):
        call_command("serve", "0.0.0.0:8080")
    argv = started[0]
    assert argv[1:4] == ["-m", "gunicorn", "capmap.config.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8080"
    assert argv[argv.index("--workers") + 1] == "3"
    # Workers are forked from a master that has loaded the application.
    assert "--preload" in argv


def test_serve_workers_option_overrides_the_setting(monkeypatch):
    started = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    with override_settings(DEBUG=False, CAPMAP_WEB_WORKERS=3):
        call_command("serve", "9000", workers=1)
    argv = started[0]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9000"
    assert argv[argv.index("--workers") + 1] == "1"


def test_the_demo_and_debug_mode_use_the_development_server(monkeypatch):
    ran = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: ran.append(args))
    monkeypatch.setattr(serve.os, "execv", lambda *args: pytest.fail("gunicorn started"))
    with override_settings(DEBUG=False):
        call_command("serve", development=True)
    with override_settings(DEBUG=True):
        call_command("serve")
    assert ran == [("runserver", "127.0.0.1:8000"), ("runserver", "127.0.0.1:8000")]


def test_a_bad_address_is_refused_plainly():
    with pytest.raises(Exception, match=r"\[address:\]port"):
        serve.bind_address("somewhere")


@pytest.mark.django_db
def test_pages_are_sent_compressed_to_browsers_that_accept_it(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert b"Sign in to Capmap" in gzip.decompress(page.content)
    plain = client.get("/accounts/login/")
    assert "Content-Encoding" not in plain
    assert b"Sign in to Capmap" in plain.content


def test_with_redis_sessions_are_read_from_the_cache_every_server_shares(monkeypatch):
    base = fresh_base_settings(monkeypatch, REDIS_URL="redis://cache.internal:6379/1")
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_without_redis_sessions_stay_in_the_database_alone(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    base = fresh_base_settings(monkeypatch)
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_the_application_module_compiles_the_templates_every_worker_uses():
    """gunicorn's master loads it once and forks every worker from it: the workers start
    with the templates compiled."""
    from django.template import engines

    import capmap.config.wsgi as wsgi

    wsgi.load_what_every_request_needs()
    keys = engines["jinja2"].env.cache.keys()  # (loader, template name)
    compiled = {name for _, name in keys}
    assert {"layouts/base.jinja", "nhsuk/components/header/template.jinja"} <= compiled
