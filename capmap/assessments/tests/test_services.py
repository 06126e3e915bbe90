"""The assessment workflow: start, rate, submit, return, sign off; capability history."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from capmap.assessments import selectors, services
from capmap.assessments.models import (
    AssessmentStatus,
    AssessorRating,
    CapabilityEvent,
    CurrentCapability,
    Notification,
    SelfRating,
    SignOff,
    State,
)
from capmap.core.actors import SYSTEM
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import current_status
from capmap.frameworks.models import CompetencyMapping
from capmap.frameworks.services import start_new_draft
from capmap.portfolio.services import add_evidence

from .factories import levels, submitted_assessment


def test_practitioner_starts_rates_by_domain_and_submits(w, django_capture_on_commit_callbacks):
    assessment = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    again = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    assert again.pk == assessment.pk  # continue, not a second one
    first = w.competencies[0]
    services.save_self_ratings(
        actor=w.pharmacist_user,
        assessment=assessment,
        ratings={first.pk: services.RatingInput(1, "new to it")},
    )
    with pytest.raises(DomainError, match="2 still to rate"):
        services.submit_assessment(actor=w.pharmacist_user, assessment=assessment)
    services.save_self_ratings(
        actor=w.pharmacist_user, assessment=assessment, ratings=levels(w, 2, 2, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_assessment(actor=w.pharmacist_user, assessment=assessment)
    assert current_status(assessment).status == State.SUBMITTED
    assert Notification.objects.filter(recipient=w.mentor).count() == 1
    assert [m.to for m in mail.outbox] == [[w.mentor.email]]
    with pytest.raises(DomainError, match="submitted"):
        services.save_self_ratings(
            actor=w.pharmacist_user, assessment=assessment, ratings=levels(w, 4, 4, 4)
        )


def test_level_outside_the_scale_is_refused(w):
    assessment = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    with pytest.raises(DomainError, match="scale"):
        services.save_self_ratings(
            actor=w.pharmacist_user, assessment=assessment, ratings=levels(w, 9, 1, 1)
        )


def test_only_the_person_may_rate_and_submit(w):
    assessment = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    for actor in (w.mentor, w.manager, w.other_admin):
        with pytest.raises(NotPermitted):
            services.save_self_ratings(
                actor=actor, assessment=assessment, ratings=levels(w, 1, 1, 1)
            )
    with pytest.raises(NotPermitted):
        services.start_assessment(actor=w.manager, person=w.pharmacist, role_profile=w.profile)


def test_return_keeps_both_rounds_and_never_overwrites(w):
    assessment = submitted_assessment(w, (3, 2, 1))
    services.return_assessment(
        actor=w.mentor,
        assessment=assessment,
        comment="Show evidence for MED.1",
        ratings={w.competencies[0].pk: services.RatingInput(1)},
    )
    assessment.refresh_from_db()
    assert assessment.round == 2
    assert current_status(assessment).status == State.RETURNED
    services.save_self_ratings(
        actor=w.pharmacist_user, assessment=assessment, ratings=levels(w, 2, 2, 1)
    )
    round_one = SelfRating.objects.get(assessment=assessment, competency=w.competencies[0], round=1)
    assert round_one.level == 3  # the submitted round is kept as it was
    assert AssessorRating.objects.get(assessment=assessment, round=1).level == 1
    services.submit_assessment(actor=w.pharmacist_user, assessment=assessment)
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 1))
    assert SelfRating.objects.filter(assessment=assessment).count() == 6
    assert AssessorRating.objects.filter(assessment=assessment).count() == 4
    statuses = list(
        AssessmentStatus.objects.filter(assessment=assessment).values_list("status", flat=True)
    )
    assert statuses == ["draft", "submitted", "returned", "submitted", "signed_off"]


def test_return_needs_a_comment(w):
    assessment = submitted_assessment(w)
    with pytest.raises(DomainError, match="comments"):
        services.return_assessment(actor=w.mentor, assessment=assessment, comment=" ")


def test_sign_off_records_levels_and_current_capability(w, django_capture_on_commit_callbacks):
    assessment = submitted_assessment(w)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off = services.sign_off_assessment(
            actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 1, 1)
        )
    assert sign_off.signed_by == w.mentor
    assert sign_off.levels == {str(c.pk): v for c, v in zip(w.competencies, (2, 1, 1), strict=True)}
    current = dict(
        CurrentCapability.objects.filter(person=w.pharmacist).values_list("competency_id", "level")
    )
    assert current == {c.pk: v for c, v in zip(w.competencies, (2, 1, 1), strict=True)}
    assert mail.outbox[-1].to == [w.pharmacist_user.email]
    with pytest.raises(DomainError):
        sign_off.comment = "changed"
        sign_off.save()
    with pytest.raises(services.AlreadyDecided, match="signed off by"):
        services.sign_off_assessment(
            actor=w.manager, assessment=assessment, ratings=levels(w, 3, 3, 3)
        )
    assert SignOff.objects.count() == 1


def test_sign_off_needs_every_competency(w):
    assessment = submitted_assessment(w)
    first = w.competencies[0]
    with pytest.raises(DomainError, match="every competency"):
        services.sign_off_assessment(
            actor=w.mentor, assessment=assessment, ratings={first.pk: services.RatingInput(2)}
        )


def test_only_supervisor_or_manager_may_sign_off(w):
    assessment = submitted_assessment(w)
    for actor in (w.pharmacist_user, w.viewer, w.other_admin):
        with pytest.raises(NotPermitted):
            services.sign_off_assessment(
                actor=actor, assessment=assessment, ratings=levels(w, 2, 2, 2)
            )
    services.sign_off_assessment(actor=w.manager, assessment=assessment, ratings=levels(w, 2, 2, 2))


def test_mentor_loses_the_right_when_the_relationship_ends(w):
    assessment = submitted_assessment(w)
    w.supervision.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    w.supervision.save()
    with pytest.raises(NotPermitted):
        services.sign_off_assessment(
            actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 2)
        )


def test_capability_as_of_a_past_date_and_carried_to_a_new_version(w):
    assessment = submitted_assessment(w)
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 1, 1, 1))
    first = w.competencies[0]
    # Back-date the first sign-off's history a week (events are append-only: via update()).
    week_ago = timezone.now() - datetime.timedelta(days=7)
    CapabilityEvent.objects.filter(person=w.pharmacist).update(valid_from=week_ago)
    evidence = add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="dops",
        title="Observed reconciliation",
        occurred_on=timezone.localdate(),
        competencies=[first],
    )
    services.sign_off_competency(
        actor=w.mentor, person=w.pharmacist, competency=first, level=3, evidence=[evidence]
    )
    assert selectors.capability_as_of(w.pharmacist)[first.pk] == 3
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    assert selectors.capability_as_of(w.pharmacist, three_days_ago)[first.pk] == 1
    eight_days_ago = timezone.localdate() - datetime.timedelta(days=8)
    assert selectors.capability_as_of(w.pharmacist, eight_days_ago) == {}
    # A new version whose competencies replace the old ones: levels carry over.
    draft = start_new_draft(actor=SYSTEM, framework=w.profile.version.framework)
    new_first = draft.competencies.get(code=first.code)
    if not CompetencyMapping.objects.filter(competency=new_first, replaces=first).exists():
        CompetencyMapping.objects.create(competency=new_first, replaces=first)
    assert selectors.capability_as_of(w.pharmacist, version=draft)[new_first.pk] == 3


def test_single_competency_sign_off_needs_the_persons_evidence(w):
    first = w.competencies[0]
    with pytest.raises(DomainError, match="evidence"):
        services.sign_off_competency(
            actor=w.mentor, person=w.pharmacist, competency=first, level=2, evidence=[]
        )


def test_scope_of_practice_lists_sign_offs_and_what_is_still_needed(w):
    assessment = submitted_assessment(w)
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 1, 3))
    scope = selectors.scope_of_practice(w.pharmacist)
    signed = {row.competency.pk: row.level for row in scope.signed_off}
    assert signed == {c.pk: v for c, v in zip(w.competencies, (2, 1, 3), strict=True)}
    assert [row.competency for row in scope.working_towards] == [w.competencies[1]]


def test_calibration_per_person_and_team(w):
    cycle = services.open_cycle(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        title="2027 Q1",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assessment = submitted_assessment(w, (3, 2, 1))
    assert assessment.cycle == cycle
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 1, 2, 2))
    calibration, disagreements = selectors.person_calibration(w.manager, w.pharmacist)
    assert (calibration.rated, calibration.agreed, calibration.self_higher) == (3, 1, 1)
    assert calibration.self_lower == 1 and calibration.mean_absolute_difference == 1.0
    assert sorted(d.difference for d in disagreements) == [-1, 2]
    team = selectors.team_calibration(w.manager, cycle)
    assert [row.person for row in team] == [w.pharmacist]
    progress = selectors.cycle_progress(w.manager, cycle)
    assert progress.counts[State.SIGNED_OFF] == 1
    assert selectors.team_calibration(w.other_admin, cycle) == []


def test_cycle_is_opened_only_by_a_manager_of_the_team(w):
    today = timezone.localdate()
    with pytest.raises(NotPermitted):
        services.open_cycle(
            actor=w.other_admin,
            organisation=w.orgs.pcn_a,
            title="X",
            opens_on=today,
            closes_on=today,
        )


def test_manager_assigns_a_mentor_from_another_organisation_by_exact_email(w):
    from capmap.organisations.models import Role
    from capmap.organisations.tests.factories import MembershipFactory

    hospital = MembershipFactory(organisation=w.orgs.trust, role=Role.PRACTITIONER).user
    supervision = services.assign_supervisor(
        actor=w.manager,
        person=w.pharmacist,
        email=hospital.email.upper(),
        kind="mentor",
        starts_on=timezone.localdate(),
    )
    assert supervision.supervisor == hospital
    with pytest.raises(DomainError, match="No one"):
        services.assign_supervisor(
            actor=w.manager,
            person=w.pharmacist,
            email=hospital.email[:-2],
            kind="mentor",
            starts_on=timezone.localdate(),
        )
    with pytest.raises(NotPermitted):
        services.assign_supervisor(
            actor=w.other_admin,
            person=w.pharmacist,
            email=hospital.email,
            kind="mentor",
            starts_on=timezone.localdate(),
        )
