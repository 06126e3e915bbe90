"""`capmap send-reminders`: weekly reminders by e-mail and in the app, safe to run twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from capmap.assessments import services as assessments
from capmap.assessments.models import AssessmentCycle, Notification
from capmap.assessments.tests.factories import submitted_assessment, world
from capmap.cli import ALIASES
from capmap.development import services as development
from capmap.placements import services as placements
from capmap.placements.tests.factories import running_story
from capmap.reports.models import ReminderKind, ReminderLog
from capmap.reports.reminders import iso_week, send_weekly_reminders

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def texts(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


@pytest.fixture
def w():
    w = world()
    today = timezone.localdate()
    assessments.open_cycle(
        actor=w.manager,
        organisation=w.orgs.pcn_a,
        title="2026 Q3",
        opens_on=today - 30 * DAY,
        closes_on=today + 5 * DAY,
    )
    return w


def close_cycle():
    """The cycle has closed since the assessments in it were started."""
    AssessmentCycle.objects.update(closes_on=timezone.localdate() - DAY)


def objective(w, due_on):
    return development.add_objective(
        actor=w.mentor,
        person=w.pharmacist,
        specific="Run an inhaler clinic",
        measure="Clinic held",
        support="",
        competencies=[w.competencies[0]],
        due_on=due_on,
    )


def test_overdue_assessment_and_late_objective_are_sent_once_a_week(w):
    assessments.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    objective(w, timezone.localdate() - DAY)
    objective(w, timezone.localdate() + 10 * DAY)  # not due yet
    close_cycle()
    counts = send_weekly_reminders()
    assert counts[ReminderKind.OVERDUE_ASSESSMENT] == 1
    assert counts[ReminderKind.OBJECTIVE_PAST_DUE] == 1
    assert counts[ReminderKind.SESSION_TO_CONFIRM] == 0
    [email] = mail.outbox
    assert email.to == [w.pharmacist_user.email]
    assert email.subject == "Capmap: 2 reminders this week"
    assert "for 2026 Q3 is overdue" in email.body and "Run an inhaler clinic" in email.body
    assert len(texts(w.pharmacist_user)) == 2
    # The second run in the same ISO week sends nothing.
    assert sum(send_weekly_reminders().values()) == 0
    assert len(mail.outbox) == 1 and len(texts(w.pharmacist_user)) == 2
    assert set(ReminderLog.objects.values_list("iso_week", flat=True)) == {
        iso_week(timezone.localdate())
    }
    # Nobody else hears of it.
    assert texts(w.other_admin) == [] and texts(w.manager) == []


def test_reminders_come_again_the_next_week_until_it_is_done(w):
    late = objective(w, timezone.localdate() - DAY)
    assert send_weekly_reminders()[ReminderKind.OBJECTIVE_PAST_DUE] == 1
    next_week = timezone.now() + 7 * DAY
    assert send_weekly_reminders(now=next_week)[ReminderKind.OBJECTIVE_PAST_DUE] == 1
    development.record_progress(
        actor=w.pharmacist_user, objective=late, progress=100, status="achieved"
    )
    assert send_weekly_reminders(now=next_week + 7 * DAY)[ReminderKind.OBJECTIVE_PAST_DUE] == 0
    assert len(mail.outbox) == 2


def test_a_submitted_overdue_assessment_reminds_the_supervisor_not_the_person(w):
    submitted_assessment(w)
    close_cycle()
    counts = send_weekly_reminders()
    assert counts[ReminderKind.OVERDUE_ASSESSMENT] == 1
    assert [e.to for e in mail.outbox] == [[w.mentor.email]]
    assert texts(w.pharmacist_user) == []
    assert "Priya Shah" in texts(w.mentor)[0]


def test_signed_off_assessment_after_the_cycle_sends_nothing(w):
    from capmap.assessments.tests.factories import levels

    assessment = submitted_assessment(w)
    assessments.sign_off_assessment(
        actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 2, 2)
    )
    close_cycle()
    mail.outbox.clear()
    assert sum(send_weekly_reminders().values()) == 0
    assert mail.outbox == []


def test_mentor_is_reminded_of_sessions_waiting_more_than_seven_days():
    s = running_story()

    def log(day):
        return placements.log_session(
            actor=s.alice.user,
            participation=s.participation,
            date=day,
            half_days=1,
            activities="Asthma clinic",
        )

    old = log(s.scheme.starts_on)
    recent = log(s.scheme.starts_on + DAY)
    confirmed = log(s.scheme.starts_on + 2 * DAY)
    placements.confirm_session(actor=s.mentor, session=confirmed)
    now = timezone.now()
    type(old).objects.filter(pk__in=[old.pk, confirmed.pk]).update(created_at=now - 8 * DAY)
    type(old).objects.filter(pk=recent.pk).update(created_at=now - 6 * DAY)
    mail.outbox.clear()
    counts = send_weekly_reminders(now=now)
    assert counts[ReminderKind.SESSION_TO_CONFIRM] == 1
    [email] = mail.outbox
    assert email.to == [s.mentor.email] and "Alice Ashby" in email.body
    assert ReminderLog.objects.get().object_key == str(old.pk)
    assert texts(s.other) == [] and texts(s.manager_a) == []
    assert sum(send_weekly_reminders(now=now).values()) == 0


def test_the_command_sends_and_a_second_run_sends_nothing(w, capsys):
    assert ALIASES["send-reminders"] == "send_reminders"
    objective(w, timezone.localdate() - DAY)
    call_command("send_reminders")
    assert "Objective past due: 1 reminders sent." in capsys.readouterr().out
    call_command("send_reminders")
    assert "0 reminders sent in all." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_both_reminder_commands_share_one_engine_and_send_each_reminder_once(w, capsys):
    assert ALIASES["remind-assessments"] == "remind_assessments"
    assessments.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    objective(w, timezone.localdate() - DAY)
    close_cycle()

    call_command("remind_assessments")
    assert capsys.readouterr().out.strip() == "1 reminders sent."
    call_command("send_reminders")
    out = capsys.readouterr().out
    call_command("remind_assessments")

    assert "Overdue assessment: 0 reminders sent." in out
    assert "Objective past due: 1 reminders sent." in out
    assert capsys.readouterr().out.strip() == "0 reminders sent."
    assert sum("is overdue" in text for text in texts(w.pharmacist_user)) == 1
    assert ReminderLog.objects.filter(kind=ReminderKind.OVERDUE_ASSESSMENT).count() == 1


def test_a_reminder_goes_only_to_its_own_person_not_another_organisations(w, capsys):
    assessments.start_assessment(
        actor=w.pharmacist_user, person=w.pharmacist, role_profile=w.profile
    )
    close_cycle()

    call_command("remind_assessments")

    assert texts(w.other_admin) == []
