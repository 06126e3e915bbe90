"""The one reminder engine: overdue assessments, sessions waiting for the mentor's
confirmation, and development plan objectives past due.

Each reminder is one thing to one person, recorded in ReminderLog under its ISO week, so
running `capmap send-reminders` (every kind) or `capmap remind-assessments` (overdue
assessments only) again in the same week, or both, sends nothing new. Everyone gets
the week's reminders as in-app notifications and one e-mail listing them all.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from capmap.assessments.models import Assessment, Notification, State
from capmap.core.workflow import with_status
from capmap.development.models import OPEN_OBJECTIVE_STATES, Objective
from capmap.people.models import Person
from capmap.people.selectors import active_supervisions
from capmap.placements.models import SessionLog

from .models import ReminderKind, ReminderLog

SESSION_WAIT = timedelta(days=7)


@dataclass(frozen=True)
class Reminder:
    kind: str
    object_key: str
    recipient: object
    text: str
    link: str


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _supervisors(person: Person, day: date) -> list:
    rows = active_supervisions(on=day, person=person).select_related("supervisor")
    return [row.supervisor for row in rows]


def _person_or_supervisors(person: Person, day: date) -> list:
    return [person.user] if person.user_id else _supervisors(person, day)


def overdue_assessments(day: date) -> list[Reminder]:
    overdue = (
        with_status(Assessment.objects.filter(cycle__closes_on__lt=day), "state")
        .exclude(state=State.SIGNED_OFF)
        .select_related("person__user", "cycle")
        .order_by("pk")
    )
    found = []
    for assessment in overdue:
        person = assessment.person
        waiting_on_supervisor = assessment.state == State.SUBMITTED
        recipients = _supervisors(person, day) if waiting_on_supervisor else [person.user]
        text = f"The assessment of {person.full_name} for {assessment.cycle} is overdue"
        link = reverse("assessments:show_assessment", args=[assessment.pk])
        found += [
            Reminder(ReminderKind.OVERDUE_ASSESSMENT, str(assessment.pk), user, text, link)
            for user in recipients
        ]
    return found


def sessions_to_confirm(now: datetime) -> list[Reminder]:
    waiting = (
        SessionLog.objects.filter(confirmed_at__isnull=True, created_at__lte=now - SESSION_WAIT)
        .select_related("participation__placement__mentor", "participation__application__applicant")
        .order_by("pk")
    )
    found = []
    for session in waiting:
        participation = session.participation
        person = participation.application.applicant
        text = (
            f"Confirm the session {person.full_name} logged for {session.date:%-d %B %Y}: "
            "it has waited more than 7 days"
        )
        link = reverse("placements:show_participation", args=[participation.pk])
        found.append(
            Reminder(
                ReminderKind.SESSION_TO_CONFIRM,
                str(session.pk),
                participation.placement.mentor,
                text,
                link,
            )
        )
    return found


def objectives_past_due(day: date) -> list[Reminder]:
    late = (
        Objective.objects.filter(status__in=OPEN_OBJECTIVE_STATES, due_on__lt=day)
        .select_related("plan__person__user")
        .order_by("pk")
    )
    found = []
    for objective in late:
        person = objective.plan.person
        text = (
            f"An objective in the development plan of {person.full_name} was due on "
            f"{objective.due_on:%-d %B %Y}: {objective.specific[:120]}"
        )
        link = reverse("development:show_plan", args=[person.pk])
        found += [
            Reminder(ReminderKind.OBJECTIVE_PAST_DUE, str(objective.pk), user, text, link)
            for user in _person_or_supervisors(person, day)
        ]
    return found


def _record(reminder: Reminder, week: str) -> bool:
    """True when this reminder had not been sent this week (and is now recorded)."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                kind=reminder.kind,
                object_key=reminder.object_key,
                recipient=reminder.recipient,
                iso_week=week,
            )
    except IntegrityError:
        return False
    return True


def _email(user, reminders: list[Reminder]) -> None:
    site = settings.CAPMAP_BASE_URL
    lines = [f"- {r.text}\n  {site}{r.link}" for r in reminders]
    subject = f"Capmap: {len(reminders)} reminder{'s' if len(reminders) != 1 else ''} this week"
    body = "Things waiting for you in Capmap:\n\n" + "\n".join(lines)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_weekly_reminders(
    *, now: datetime | None = None, kinds: Iterable[str] | None = None
) -> dict[str, int]:
    """Send this ISO week's reminders not sent yet, of every kind or only of `kinds`.
    Returns how many of each kind."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    week = iso_week(day)
    wanted = set(ReminderKind.values if kinds is None else kinds)
    finders = {
        ReminderKind.OVERDUE_ASSESSMENT: lambda: overdue_assessments(day),
        ReminderKind.SESSION_TO_CONFIRM: lambda: sessions_to_confirm(now),
        ReminderKind.OBJECTIVE_PAST_DUE: lambda: objectives_past_due(day),
    }
    candidates = [r for kind, find in finders.items() if kind in wanted for r in find()]
    counts = {kind: 0 for kind in ReminderKind.values}
    by_user: dict[int, tuple[object, list[Reminder]]] = {}
    for reminder in candidates:
        user = reminder.recipient
        if user is None or not user.is_active:
            continue
        with transaction.atomic():
            if not _record(reminder, week):
                continue
            Notification.objects.create(
                recipient=user, text=reminder.text[:300], link=reminder.link
            )
        counts[reminder.kind] += 1
        by_user.setdefault(user.pk, (user, []))[1].append(reminder)
    for user, reminders in by_user.values():
        if user.email:
            _email(user, reminders)
    return counts
