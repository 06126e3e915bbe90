"""Scheme selectors: each caller sees only the schemes they have a part in."""

import datetime

import pytest

from capmap.placements import selectors
from capmap.placements.models import SchemeStatus
from capmap.placements.tests.factories import scheme_story

pytestmark = pytest.mark.django_db


def test_lead_mentor_and_would_be_applicants_see_an_open_scheme_and_outsiders_do_not():
    s = scheme_story()
    for user in (s.lead, s.mentor, s.alice.user, s.bola.user):
        assert list(selectors.schemes_for(user)) == [s.scheme]
    assert list(selectors.schemes_for(s.other)) == []
    assert list(selectors.led_schemes(s.alice.user)) == []


def test_releasing_manager_sees_only_applications_from_their_own_staff():
    from capmap.placements import services

    s = scheme_story()
    services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="x", placements=[s.respiratory]
    )
    assert selectors.applications_to_release(s.manager_a).count() == 1
    assert selectors.applications_to_release(s.manager_b).count() == 0
    assert selectors.applications_to_release(s.other).count() == 0


def test_retention_is_unknown_until_the_date_and_then_follows_end_of_employment():
    from capmap.placements import services

    s = scheme_story()
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="x", placements=[s.respiratory]
    )
    services.confirm_release(actor=s.manager_a, application=application)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    services.confirm_allocation(actor=s.lead, run=run)
    s.alice.end_date = datetime.date(2027, 9, 30)
    s.alice.save()
    later = datetime.date(2027, 10, 1)
    [row] = selectors.retention_of(s.scheme, today=later)
    assert row[6] is True  # 18 June 2027, six months after the 18 December 2026 end
    assert row[12] is None  # 18 December 2027 is still to come
    [row] = selectors.retention_of(s.scheme, today=datetime.date(2029, 1, 1))
    assert row[12] is False
