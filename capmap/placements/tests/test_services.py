"""Placement scheme services: set-up, applying, release, allocation, confirmation, sessions."""

import datetime

import pytest
from django.core import mail

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people import policy
from capmap.people.models import Supervision, SupervisionKind
from capmap.placements import services
from capmap.placements.models import (
    AllocationAdjustment,
    EligibilityKind,
    SchemeStatus,
)
from capmap.placements.tests.factories import scheme_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scheme_story()


def apply_and_release(s, person, manager, placements):
    application = services.submit_application(
        actor=person.user, scheme=s.scheme, statement="I want to learn.", placements=placements
    )
    return services.confirm_release(actor=manager, application=application)


def allocating(s):
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)


def test_programme_lead_creates_a_scheme_with_two_sessions_by_default(s):
    scheme = services.create_scheme(
        actor=s.lead,
        owner=s.t.ics,
        title="Salaried portfolio 2027",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    assert scheme.sessions_required == 2
    assert scheme.status == SchemeStatus.SET_UP
    assert scheme.statuses.get().actor == s.lead


def test_manager_of_another_ics_cannot_create_a_scheme_for_ours(s):
    with pytest.raises(NotPermitted):
        services.create_scheme(
            actor=s.other,
            owner=s.t.ics,
            title="Not yours",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
        )


def test_status_moves_forward_and_keeps_each_change_as_a_row(s):
    allocating(s)
    with pytest.raises(DomainError, match="Confirm an allocation"):
        services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.RUNNING)
    with pytest.raises(DomainError):
        services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.CLOSED)
    assert list(s.scheme.statuses.values_list("status", flat=True)) == [
        SchemeStatus.SET_UP,
        SchemeStatus.APPLICATIONS_OPEN,
        SchemeStatus.ALLOCATING,
    ]


def test_placement_host_must_be_a_trust_of_the_scheme(s):
    with pytest.raises(DomainError, match="trust"):
        services.save_placement(
            actor=s.lead, scheme=s.scheme, placement=s.respiratory, host=s.t.practice_a
        )


def test_applicant_ranks_only_placements_they_are_eligible_for(s):
    services.add_eligibility_rule(
        actor=s.lead,
        scheme=s.scheme,
        kind=EligibilityKind.INDEPENDENT_PRESCRIBER,
        placement=s.respiratory,
    )
    with pytest.raises(DomainError, match="not eligible"):
        services.submit_application(
            actor=s.alice.user, scheme=s.scheme, statement="Hello", placements=[s.respiratory]
        )
    services.record_prescribing_status(
        actor=s.alice.user, person=s.alice, independent_prescriber=True
    )
    application = services.submit_application(
        actor=s.alice.user,
        scheme=s.scheme,
        statement="Hello",
        placements=[s.respiratory, s.paediatrics],
    )
    ranked = list(application.preferences.values_list("placement_id", "rank"))
    assert ranked == [(s.respiratory.pk, 1), (s.paediatrics.pk, 2)]


def test_only_the_applicants_practice_manager_confirms_release(s):
    application = services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Hello", placements=[s.respiratory]
    )
    with pytest.raises(NotPermitted):
        services.confirm_release(actor=s.manager_b, application=application)
    services.confirm_release(actor=s.manager_a, application=application)
    application.refresh_from_db()
    assert application.released_by == s.manager_a
    assert application.released_at is not None


def test_hard_to_recruit_practice_wins_the_contested_place_whatever_the_lottery(s):
    s.t.practice_b.hard_to_recruit = True
    s.t.practice_b.save()
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    bola = apply_and_release(s, s.bola, s.manager_b, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    assert run.result["assignments"][f"a{bola.pk}"] == f"p{s.respiratory.pk}"
    assert run.stats["assigned"] == 1
    s.scheme.refresh_from_db()
    assert run.seed == s.scheme.lottery_seed is not None


def test_the_recorded_seed_gives_the_same_allocation_again(s):
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    apply_and_release(s, s.bola, s.manager_b, [s.respiratory])
    allocating(s)
    first = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    second = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    assert first.instance == second.instance
    assert first.result["assignments"] == second.result["assignments"]


def test_unreleased_applications_are_not_allocated(s):
    services.submit_application(
        actor=s.alice.user, scheme=s.scheme, statement="Hello", placements=[s.respiratory]
    )
    allocating(s)
    with pytest.raises(DomainError, match="released"):
        services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")


def test_hand_adjustment_needs_a_reason_respects_capacity_and_is_recorded(s):
    alice = apply_and_release(s, s.alice, s.manager_a, [s.respiratory, s.paediatrics])
    bola = apply_and_release(s, s.bola, s.manager_b, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="max-preference")
    assert run.stats["assigned"] == 2  # bola has one choice, so alice goes to paediatrics
    with pytest.raises(DomainError, match="reason"):
        services.adjust_allocation(
            actor=s.lead, run=run, application=bola, placement=None, reason=" "
        )
    with pytest.raises(DomainError, match="full"):
        services.adjust_allocation(
            actor=s.lead, run=run, application=alice, placement=s.respiratory, reason="Closer"
        )
    services.adjust_allocation(
        actor=s.lead, run=run, application=bola, placement=None, reason="Withdrew by phone"
    )
    services.adjust_allocation(
        actor=s.lead, run=run, application=alice, placement=s.respiratory, reason="Closer"
    )
    run.refresh_from_db()
    assert run.result["assignments"][f"a{alice.pk}"] == f"p{s.respiratory.pk}"
    assert run.result["unassigned"] == [f"a{bola.pk}"]
    assert run.stats["by_choice"]["1"] == 1
    assert AllocationAdjustment.objects.filter(run=run).count() == 2


def test_confirming_creates_mentor_supervision_for_the_scheme_dates_and_notifies(s):
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    [participation] = services.confirm_allocation(actor=s.lead, run=run)
    supervision = Supervision.objects.get(person=s.alice)
    assert supervision.supervisor == s.mentor
    assert supervision.kind == SupervisionKind.MENTOR
    assert (supervision.starts_on, supervision.ends_on) == (s.scheme.starts_on, s.scheme.ends_on)
    assert participation.supervision == supervision
    s.scheme.refresh_from_db()
    assert s.scheme.status == SchemeStatus.RUNNING
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([s.alice.email, s.mentor.email])
    with pytest.raises(DomainError, match="already confirmed"):
        services.confirm_allocation(actor=s.lead, run=run)


def test_mentor_gains_access_to_the_participant_only_for_the_scheme_dates(s):
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    services.confirm_allocation(actor=s.lead, run=run)
    supervision = Supervision.objects.get(person=s.alice)
    today = datetime.date.today()
    supervision.starts_on, supervision.ends_on = today, today
    supervision.save()
    assert policy.allows(s.mentor, policy.VIEW_PERSON, s.alice)
    supervision.starts_on = supervision.ends_on = today - datetime.timedelta(days=1)
    supervision.save()
    policy.forget_scope(s.mentor)  # the policy memoises per user object, as for one request
    assert not policy.allows(s.mentor, policy.VIEW_PERSON, s.alice)


def test_participant_logs_and_mentor_confirms_a_session(s):
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    [participation] = services.confirm_allocation(actor=s.lead, run=run)
    day = s.scheme.starts_on
    with pytest.raises(NotPermitted):
        services.log_session(
            actor=s.mentor, participation=participation, date=day, half_days=1, activities="x"
        )
    session = services.log_session(
        actor=s.alice.user,
        participation=participation,
        date=day,
        half_days=2,
        activities="Asthma clinic",
        reflection="Inhaler technique matters.",
    )
    with pytest.raises(NotPermitted):
        services.confirm_session(actor=s.lead, session=session)
    services.confirm_session(actor=s.mentor, session=session)
    session.refresh_from_db()
    assert session.confirmed_by == s.mentor


def test_confirmed_session_with_competencies_becomes_session_log_evidence(s):
    from capmap.frameworks.models import Competency
    from capmap.frameworks.tests.factories import framework
    from capmap.placements.tests.factories import profile_requiring
    from capmap.portfolio.models import EvidenceItem, EvidenceKind

    framework()
    competency = Competency.objects.first()
    profile_requiring(s.alice, [competency])
    today = datetime.date.today()
    s.scheme.starts_on = today - datetime.timedelta(days=30)
    s.scheme.ends_on = today + datetime.timedelta(days=30)
    s.scheme.save()
    apply_and_release(s, s.alice, s.manager_a, [s.respiratory])
    allocating(s)
    run = services.run_allocation(actor=s.lead, scheme=s.scheme, algorithm="stable")
    [participation] = services.confirm_allocation(actor=s.lead, run=run)
    session = services.log_session(
        actor=s.alice.user,
        participation=participation,
        date=today,
        half_days=1,
        activities="Asthma clinic",
        competencies=[competency],
    )
    assert not EvidenceItem.objects.exists()
    services.confirm_session(actor=s.mentor, session=session)
    evidence = EvidenceItem.objects.get(person=s.alice)
    assert evidence.kind == EvidenceKind.SESSION_LOG
    assert list(evidence.competencies.all()) == [competency]
