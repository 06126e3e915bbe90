"""The suite stands on its own: property tests tolerate a slow machine."""

from hypothesis import HealthCheck, settings


def test_property_tests_have_no_deadline_and_tolerate_a_slow_machine():
    # Loaded by the root conftest.py: a busy CI machine must not fail a correct example.
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
