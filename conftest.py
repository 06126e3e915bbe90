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
    from django.apps import apps

    for module_name, function_name in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module_name), function_name)(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_survives_flush(request):
    """A transactional test ends by flushing every table, seeded reference rows included;
    put them back so the tests after it see the database as migrations left it."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        reseed_reference_data()


@pytest.fixture(autouse=True)
def _erasure_log_per_test(settings, tmp_path_factory):
    """Each test keeps its own erasure log. The default lives in the checkout's data folder
    and outlives the test run: an erasure logged by one test would be re-applied by the
    next run's restore tests and leave them an erasure record they never made."""
    settings.CAPMAP_ERASURE_LOG = str(tmp_path_factory.mktemp("erasure") / "erasure-log.jsonl")
