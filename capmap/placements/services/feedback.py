"""Feedback surveys: a programme lead sets one up per audience and sends single-use links;
anyone holding a link answers once, without an account.

A link's token is `secrets.token_urlsafe`; only its SHA-256 hash is stored, so a copy of the
database cannot be used to answer. Answers are not linked back to the invitation.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from auditlog.context import set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.people import policy

from ..models import (
    LIKERT_LABELS,
    Answer,
    Audience,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from ..selectors.feedback import token_hash

INVITATION_DAYS = 30
# A lead may e-mail the same person a survey link again at most once in this many minutes.
RESEND_MINUTES = 15
# Who the audit trail names for a claim and a response: the holder of a link is anonymous,
# even when they happen to be signed in.
ANONYMOUS_RESPONDENT = "Anonymous (survey link)"
MAX_INVITATIONS = 500

L, T = QuestionKind.LIKERT, QuestionKind.TEXT
DEFAULT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    Audience.PARTICIPANT: [
        (L, "The placement met the learning goals I agreed with my mentor."),
        (L, "My mentor gave me enough time and support."),
        (L, "I am more confident caring for these patients in general practice."),
        (L, "I would recommend the scheme to a colleague."),
        (T, "What worked well?"),
        (T, "What could be better?"),
    ],
    Audience.MENTOR: [
        (L, "The participant came prepared for our sessions."),
        (L, "I had enough time in my job plan to mentor."),
        (L, "The scheme strengthens links between the trust and primary care."),
        (L, "I would mentor on the scheme again."),
        (T, "What worked well?"),
        (T, "What could be better?"),
    ],
    Audience.HOME_MANAGER: [
        (L, "Our pharmacist brought back skills that help our patients."),
        (L, "Releasing them for sessions was manageable for the practice."),
        (L, "The scheme makes it easier to recruit and keep pharmacists."),
        (L, "I would release a colleague for the scheme again."),
        (T, "What difference has the placement made to your practice?"),
        (T, "What could be better?"),
    ],
}

DEFAULT_TITLES: dict[str, str] = {
    Audience.PARTICIPANT: "Feedback from participants",
    Audience.MENTOR: "Feedback from mentors",
    Audience.HOME_MANAGER: "Feedback from GPs and practice managers",
}


class InvitationNotFound(DomainError):
    """This link is not valid. Check you copied the whole link from your e-mail."""


class InvitationUsed(DomainError):
    """This link has already been used. Each link can be used once, so your answers are safe."""


class InvitationExpired(DomainError):
    """This link has expired. Ask the programme lead who sent it for a new one."""


def _require_lead(actor, survey_or_scheme) -> None:
    scheme = getattr(survey_or_scheme, "scheme", survey_or_scheme)
    if not policy.allows(actor, policy.LEAD_SCHEME, scheme):
        raise NotPermitted("Only a programme lead of this scheme's organisation can do this.")


@transaction.atomic
def create_survey(
    *, actor, scheme, audience: str, title: str = "", with_default_questions: bool = True
) -> Survey:
    """A survey for one audience of the scheme, with the suggested questions unless asked not."""
    _require_lead(actor, scheme)
    if audience not in Audience.values:
        raise DomainError("Choose who the survey is for.")
    if scheme.surveys.filter(audience=audience).exists():
        raise DomainError(
            f"This scheme already has a survey for {Audience(audience).label.lower()}."
        )
    with set_actor(actor):
        survey = Survey.objects.create(
            scheme=scheme,
            audience=audience,
            title=title.strip() or DEFAULT_TITLES[audience],
            created_by=actor,
        )
        if with_default_questions:
            Question.objects.bulk_create(
                Question(survey=survey, order=n, kind=kind, text=text)
                for n, (kind, text) in enumerate(DEFAULT_QUESTIONS[audience], start=1)
            )
    return survey


@transaction.atomic
def add_question(*, actor, survey: Survey, kind: str, text: str) -> Question:
    """Add a question at the end, while nobody has answered yet."""
    _require_lead(actor, survey)
    if survey.responses.exists():
        raise DomainError("People have already answered: questions can no longer change.")
    if kind not in QuestionKind.values:
        raise DomainError("Choose the kind of question.")
    if not text.strip():
        raise DomainError("Enter the question.")
    last = survey.questions.order_by("-order").values_list("order", flat=True).first() or 0
    with set_actor(actor):
        return Question.objects.create(survey=survey, order=last + 1, kind=kind, text=text.strip())


@transaction.atomic
def remove_question(*, actor, question: Question) -> None:
    _require_lead(actor, question.survey)
    if question.survey.responses.exists():
        raise DomainError("People have already answered: questions can no longer change.")
    with set_actor(actor):
        question.delete()


@dataclass(frozen=True)
class SentInvitation:
    email: str
    link: str


def clean_emails(text: str) -> list[str]:
    """E-mail addresses, one a line (commas and semicolons also separate them)."""
    found: list[str] = []
    for part in text.replace(",", "\n").replace(";", "\n").splitlines():
        email = part.strip()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                f"{email!r} is not an e-mail address. Correct it or remove it."
            ) from None
        if email.lower() not in {e.lower() for e in found}:
            found.append(email)
    return found


@transaction.atomic
def send_invitations(
    *,
    actor,
    survey: Survey,
    emails: list[str],
    link_for: Callable[[str], str],
    days: int = INVITATION_DAYS,
) -> list[SentInvitation]:
    """Make one single-use link each and e-mail it. The links are returned once, for the lead
    to copy; afterwards only their hashes exist."""
    _require_lead(actor, survey)
    if not emails:
        raise DomainError("Enter at least one e-mail address.")
    if len(emails) > MAX_INVITATIONS:
        raise DomainError(f"Send at most {MAX_INVITATIONS} invitations at a time.")
    if not survey.questions.exists():
        raise DomainError("Add at least one question before sending invitations.")
    expires_at = timezone.now() + timedelta(days=days)
    sent: list[SentInvitation] = []
    messages = []
    with set_actor(actor):
        for email in emails:
            token = secrets.token_urlsafe(32)
            Invitation.objects.create(
                survey=survey,
                email=email,
                token_hash=token_hash(token),
                expires_at=expires_at,
                sent_by=actor,
            )
            link = link_for(token)
            sent.append(SentInvitation(email=email, link=link))
            body = (
                f"You are invited to give feedback on {survey.scheme.title}.\n\n"
                f"Answer here (the link works once, until {expires_at:%-d %B %Y}, and needs no "
                f"account):\n{link}\n\nThank you."
            )
            messages.append((f"{survey.title}: {survey.scheme.title}", body, None, [email]))
    mail.send_mass_mail(messages, fail_silently=False)
    return sent


def _check_may_resend(invitation: Invitation, now) -> None:
    """A link is sent again only to someone who has not answered, and at most once every
    RESEND_MINUTES minutes, so nobody is flooded with e-mails."""
    if invitation.used_at is not None:
        raise DomainError("This person has already answered: there is nothing to resend.")
    ready_at = invitation.sent_at + timedelta(minutes=RESEND_MINUTES)
    if now < ready_at:
        local = timezone.localtime(ready_at)
        raise DomainError(
            f"You sent this invitation less than {RESEND_MINUTES} minutes ago. "
            f"You can send it again from {local:%H:%M}."
        )


@transaction.atomic
def resend_invitation(
    *,
    actor,
    invitation: Invitation,
    link_for: Callable[[str], str],
    days: int = INVITATION_DAYS,
) -> SentInvitation:
    """E-mail a new link to someone who has not answered yet. The new link replaces the old one
    on the same invitation, so it never adds a second way to answer; the change is audited."""
    _require_lead(actor, invitation.survey)
    now = timezone.now()
    _check_may_resend(invitation, now)
    token = secrets.token_urlsafe(32)
    with set_actor(actor):
        invitation.token_hash = token_hash(token)
        invitation.expires_at = now + timedelta(days=days)
        invitation.last_sent_at = now
        invitation.times_sent += 1
        invitation.save(
            update_fields=["token_hash", "expires_at", "last_sent_at", "times_sent", "updated_at"]
        )
    link = link_for(token)
    survey = invitation.survey
    body = (
        f"A reminder: you are invited to give feedback on {survey.scheme.title}.\n\n"
        f"Answer here (this new link replaces the one we sent before; it works once, until "
        f"{invitation.expires_at:%-d %B %Y}, and needs no account):\n{link}\n\nThank you."
    )
    mail.send_mail(
        f"Reminder: {survey.title}: {survey.scheme.title}", body, None, [invitation.email]
    )
    return SentInvitation(email=invitation.email, link=link)


def check_invitation(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be answered; otherwise the error that says why not."""
    if invitation is None:
        raise InvitationNotFound(InvitationNotFound.__doc__)
    if invitation.used_at is not None:
        raise InvitationUsed(InvitationUsed.__doc__)
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired(InvitationExpired.__doc__)
    return invitation


def _likert(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in LIKERT_LABELS:
        raise DomainError("Choose an answer from strongly disagree to strongly agree.")
    return number


@transaction.atomic
def submit_response(*, invitation: Invitation | None, answers: dict[int, str]) -> Response:
    """Record the answers of whoever holds the link, once: a second try finds it used."""
    invitation = check_invitation(invitation)
    with set_extra_data({"actor": None, "actor_email": ANONYMOUS_RESPONDENT}):
        _claim(invitation)
        return _record_answers(invitation, answers)


def _claim(invitation: Invitation) -> None:
    """Mark the link used, in one statement, so two submissions at once cannot both count."""
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=now, updated_at=now
    )
    if not claimed:
        raise InvitationUsed(InvitationUsed.__doc__)
    # A conditional update sends no signal: record the claim as auditlog records a save.
    before = copy.copy(invitation)
    invitation.used_at = invitation.updated_at = now
    LogEntry.objects.log_create(
        invitation,
        action=LogEntry.Action.UPDATE,
        changes=model_instance_diff(before, invitation, fields_to_check=["used_at"]),
    )


def _record_answers(invitation: Invitation, answers: dict[int, str]) -> Response:
    questions = list(invitation.survey.questions.all())
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == QuestionKind.LIKERT:
            if value in (None, ""):
                raise DomainError(f"Answer: {question.text}")
            rows.append(Answer(question=question, likert=_likert(value)))
        elif value and str(value).strip():
            rows.append(Answer(question=question, text=str(value).strip()[:5000]))
    response = Response.objects.create(survey=invitation.survey)
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response
