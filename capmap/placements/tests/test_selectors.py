"""Scheme selectors: each caller sees only the schemes they have a part in."""

import datetime

import pytest

from capmap.placements import selectors
from capmap.placements.models import SchemeStatus
from capmap.placements.selectors import progress
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


def _figures(progress) -> tuple:
    return (
        progress.allocation_unpublished,
        progress.sessions_unconfirmed,
        progress.participants,
        progress.participants_done,
        progress.participants_behind,
    )


def test_a_schemes_figures_on_the_leads_home_are_the_same_led_alone_or_beside_another():
    # One scheme's figures are read by queries compiled for one scheme; several schemes'
    # by the same queries for many: both must give the same answer.
    from capmap.organisations.models import Role
    from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
    from capmap.placements import services
    from capmap.placements.tests.factories import SchemeFactory, member, running_story

    s = running_story()
    day = s.scheme.starts_on
    logged = [
        services.log_session(
            actor=s.alice.user,
            participation=s.participation,
            date=day,
            half_days=half_days,
            activities="Asthma clinic",
        )
        for half_days in (2, 1)
    ]
    services.confirm_session(actor=s.mentor, session=logged[0])
    second_ics = OrganisationFactory(name="Second ICS")
    allocating = SchemeFactory(owner=second_ics, status=SchemeStatus.ALLOCATING)
    lead_of_both = member(s.t.ics, Role.MANAGER)
    MembershipFactory(user=lead_of_both, organisation=second_ics, role=Role.MANAGER)

    [alone] = progress.lead_scheme_progress(s.lead)
    beside = {p.scheme.pk: p for p in progress.lead_scheme_progress(lead_of_both)}

    assert alone.scheme == s.scheme and set(beside) == {s.scheme.pk, allocating.pk}
    assert _figures(alone) == _figures(beside[s.scheme.pk])
    assert (alone.sessions_unconfirmed, alone.participants) == (1, 1)
    assert not alone.allocation_unpublished
    assert _figures(beside[allocating.pk]) == (True, 0, 0, 0, 0)
    assert progress.lead_scheme_progress(s.other) == []
