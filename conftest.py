"""Suite-wide fixtures."""

import importlib
import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests run on shared, busy machines (two cores for the whole suite): a slow
# example is not a failing one, so no deadline and no "too slow" health check. Examples
# stay random so each run explores new inputs; a failure prints the blob that replays it.
settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Data migrations that seed reference rows every installation starts with.
SEEDING_MIGRATIONS = [
    ("capmap.people.migrations.0002_starter_job_roles", "add_starter_roles"),
    ("capmap.impact.migrations.0002_starter_activity_types", "add_starter_activity_types"),
]


def reseed_reference_data() -> None:
    """Put back the rows seeding migrations add, after a test's own flush."""
    from django.apps import apps

    for module_name, function_name in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module_name), function_name)(apps, None)


@pytest.fixture(scope="session")
def _database_as_migrated(django_db_setup, django_db_blocker):
    """A copy of the test database as migrations left it (seeded reference rows, content
    types, permissions). Transactional tests end by putting it back rather than by Django's
    flush, which truncates every table and replays the post-migrate handlers: seconds per
    test on PostgreSQL (see tests/database_copies.py)."""
    from django.test import TransactionTestCase

    from tests.database_copies import put_back, take_copy

    with django_db_blocker.unblock():
        as_migrated = take_copy()

    def put_back_as_migrated(test_case) -> None:
        put_back(as_migrated)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", put_back_as_migrated)
        yield as_migrated


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and marker.kwargs.get("transaction", False)
    return marked or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _transactional_tests_end_as_migrated(request):
    """Taken before the first transactional test changes anything (a test that rolls back
    leaves the database as it found it)."""
    if _is_transactional(request):
        request.getfixturevalue("_database_as_migrated")


@pytest.fixture(autouse=True)
def _erasure_log_per_test(settings, tmp_path_factory):
    """Each test keeps its own erasure log. The default lives in the checkout's data folder
    and outlives the test run: an erasure logged by one test would be re-applied by the
    next run's restore tests and leave them an erasure record they never made."""
    settings.CAPMAP_ERASURE_LOG = str(tmp_path_factory.mktemp("erasure") / "erasure-log.jsonl")
