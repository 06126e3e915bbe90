"""The home page says what waits for each person and sums up what they look after, from
each app's scoped selectors: nobody sees a count of another organisation's work."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from capmap.assessments import services
from capmap.assessments.models import AssessmentCycle
from capmap.assessments.notifications import notify
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.config.home import home_page
from capmap.people.tests.factories import PersonFactory
from capmap.portfolio import services as portfolio
from capmap.portfolio.models import EvidenceKind
from capmap.reports.models import ReportFormat, ReportRequest, ReportStatus

pytestmark = pytest.mark.django_db


def texts(page) -> list[str]:
    return [task.text for task in page.tasks]


def test_mentor_is_told_a_self_assessment_waits_for_sign_off_with_a_link_to_the_queue():
    w = world()
    submitted_assessment(w)
    page = home_page(w.mentor)
    task = next(t for t in page.tasks if "sign-off" in t.text)
    assert task.text == "1 self-assessment waits for your sign-off"
    assert task.href == "/assessments/queue/"


def test_once_the_supervision_ends_the_mentor_is_no_longer_asked_to_sign_off():
    w = world()
    submitted_assessment(w)
    w.supervision.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    w.supervision.save()
    assert not any("sign-off" in t.text for t in home_page(w.mentor).tasks)
    assert not any("sign-off" in t.text for t in home_page(w.other_admin).tasks)


def test_mentor_is_told_of_evidence_to_review_and_led_to_the_mentees_portfolio():
    w = world()
    portfolio.add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind=EvidenceKind.REFLECTION,
        title="A reflection",
        occurred_on=timezone.localdate(),
        competencies=w.competencies[:1],
    )
    page = home_page(w.mentor)
    task = next(t for t in page.tasks if "evidence" in t.text)
    assert task.text == "1 piece of evidence waits for your review"
    assert task.href == f"/portfolio/people/{w.pharmacist.pk}/"


def test_nothing_waits_for_a_user_of_another_organisation():
    w = world()
    submitted_assessment(w)
    portfolio.add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind=EvidenceKind.REFLECTION,
        title="A reflection",
        occurred_on=timezone.localdate(),
        competencies=w.competencies[:1],
    )
    page = home_page(w.other_admin)
    assert page.tasks == []
    assert page.notifications == []
    # Their team summary is their own PCN's, and nothing of Riverside's appears in it.
    assert all(team.organisation == w.orgs.pcn_b for team in page.teams)
    assert "Riverside" not in page.organisations


def test_practitioner_is_told_their_returned_assessment_waits_for_them():
    w = world()
    assessment = submitted_assessment(w)
    services.return_assessment(
        actor=w.mentor, assessment=assessment, comment="Add evidence.", ratings=levels(w, 2, 2, 1)
    )
    page = home_page(w.pharmacist_user)
    assert texts(page) == [
        f"Your supervisor returned your self-assessment against {w.profile}",
    ]
    assert page.tasks[0].href == f"/assessments/{assessment.pk}/"


def test_practitioner_is_told_a_draft_in_a_closed_cycle_is_overdue():
    w = world()
    today = timezone.localdate()
    assessment = services.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    assessment.cycle = AssessmentCycle.objects.create(
        organisation=w.orgs.pcn_a,
        title="2026 Q3",
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today - datetime.timedelta(days=1),
    )
    assessment.save()
    page = home_page(w.pharmacist_user)
    assert texts(page) == ["Your self-assessment for 2026 Q3 is overdue"]


def test_practitioner_is_asked_to_start_the_self_assessment_of_an_open_cycle():
    w = world()
    today = timezone.localdate()
    services.open_cycle(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        title="2027 Q1",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    page = home_page(w.pharmacist_user)
    assert texts(page) == ["Start your self-assessment for 2027 Q1"]
    # Someone of another PCN is not asked.
    assert home_page(w.other_admin).tasks == []


def test_cycles_to_start_are_each_named_with_their_organisation_in_one_query():
    w = world()
    closes = timezone.localdate() + datetime.timedelta(days=30)
    for organisation, title in ((w.orgs.pcn_a, "2027 Q1"), (w.orgs.ics, "ICS 2027")):
        AssessmentCycle.objects.create(
            organisation=organisation, title=title, opens_on=timezone.localdate(), closes_on=closes
        )
    fresh = type(w.pharmacist_user).objects.get(pk=w.pharmacist_user.pk)
    with CaptureQueriesContext(connection) as captured:
        page = home_page(fresh)
    assert [t.hint for t in page.tasks] == [
        f"{w.orgs.pcn_a} asks for it by {date_format(closes, 'j F Y')}.",
        f"{w.orgs.ics} asks for it by {date_format(closes, 'j F Y')}.",
    ]
    assert not any('"organisations_organisation"."id" =' in q["sql"] for q in captured)
    assert home_page(w.other_admin).tasks == []


def test_manager_follows_the_cycle_they_opened_from_home():
    w = world()
    today = timezone.localdate()
    cycle = services.open_cycle(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        title="2027 Q1",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    submitted_assessment(w)
    [task] = home_page(w.manager).tasks
    assert task.text == "2027 Q1: 1 of 1 person has started their self-assessment"
    assert task.href == f"/assessments/cycles/{cycle.pk}/"
    assert task.hint.endswith("1 self-assessment waits for sign-off.")


def test_unread_notifications_are_on_home_and_leave_once_read():
    w = world()
    notify([w.pharmacist_user], "Your self-assessment was signed off", "/assessments/")
    page = home_page(w.pharmacist_user)
    assert [n.text for n in page.notifications] == ["Your self-assessment was signed off"]
    assert page.unread == 1
    services.mark_notifications_read(actor=w.pharmacist_user)
    assert home_page(w.pharmacist_user).notifications == []


def test_more_unread_notifications_than_are_listed_are_all_counted():
    w = world()
    notify([w.pharmacist_user], "Your self-assessment was signed off", "/assessments/")
    assert home_page(w.pharmacist_user).unread == 1  # all of them listed: no count asked
    for n in range(6):
        notify([w.pharmacist_user], f"Notification {n}", "/assessments/")
    page = home_page(w.pharmacist_user)
    assert len(page.notifications) == 5
    assert page.unread == 7
    other = home_page(w.other_admin)
    assert (other.notifications, other.unread) == ([], 0)


def test_a_ready_report_is_offered_for_download_to_its_requester_only():
    w = world()
    ReportRequest.objects.create(
        kind="team_capability",
        format=ReportFormat.PDF,
        requested_by=w.manager,
        organisation=w.orgs.pcn_a,
        status=ReportStatus.DONE,
    )
    assert "1 report is ready to download" in texts(home_page(w.manager))
    assert "1 report is ready to download" not in texts(home_page(w.viewer))


def test_manager_sees_how_many_of_each_role_meet_their_profile_and_the_biggest_gap():
    w = world()
    # Priya is signed off at the required level 2 in everything; her colleague has no levels.
    assessment = submitted_assessment(w, self_levels=(2, 2, 2))
    services.sign_off_assessment(actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 2))
    PersonFactory(employer=w.orgs.practice_a, job_role=w.pharmacist.job_role, stage="junior")
    page = home_page(w.manager)
    [team] = page.teams
    assert team.organisation == w.orgs.pcn_a
    [line] = team.roles
    assert line.name == "Clinical pharmacist (2 people)"
    first = w.competencies[0].title
    assert line.text == (
        f"1 of 2 meets every essential requirement; biggest gap: {first} (1 person short)"
    )
    assert line.href == (
        f"/capability/organisations/{w.orgs.pcn_a.pk}/?show=role%3A{w.pharmacist.job_role.slug}"
    )


def _queries_for_home(user) -> int:
    """Queries for one request's worth of home page: a fresh user object, as each request
    has (the access policy memoises a user's scope on the object)."""
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        home_page(fresh)
    return len(captured)


def test_a_managers_home_costs_the_same_queries_for_2_or_12_people(django_assert_max_num_queries):
    w = world()
    submitted_assessment(w)
    PersonFactory(employer=w.orgs.practice_a, job_role=w.pharmacist.job_role, stage="junior")
    _queries_for_home(w.manager)  # warm Django's own caches (content types...)
    few = _queries_for_home(w.manager)
    for _ in range(10):
        PersonFactory(employer=w.orgs.practice_a, job_role=w.pharmacist.job_role, stage="junior")
    assert _queries_for_home(w.manager) == few
    with django_assert_max_num_queries(30):
        home_page(type(w.manager).objects.get(pk=w.manager.pk))
