"""Reads of feedback surveys: lead-scoped lists, response rates and per-question summaries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from capmap.core.percentages import percent, share_text
from capmap.people import policy

from ..models import (
    LIKERT_LABELS,
    Answer,
    Audience,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Scheme,
    Survey,
)


def surveys_of(scheme: Scheme) -> QuerySet[Survey]:
    return scheme.surveys.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__used_at__isnull=False), distinct=True),
    )


def invitations_waiting(survey: Survey) -> QuerySet[Invitation]:
    """Invitations of the survey not answered yet: the ones a lead may send again."""
    return survey.invitations.filter(used_at__isnull=True).order_by("email", "pk")


def get_invitation_to_resend(survey: Survey, pk: int) -> Invitation:
    """An unanswered invitation of a survey the caller already holds through get_led_survey,
    or Invitation.DoesNotExist."""
    return invitations_waiting(survey).select_related("survey__scheme").get(pk=pk)


def get_led_survey(user, scheme: Scheme, pk: int) -> Survey:
    """The survey, or Survey.DoesNotExist when the user does not lead its scheme."""
    return Survey.objects.filter(
        policy.allowed_q(user, policy.LEAD_SCHEME, via="scheme__"), scheme=scheme
    ).get(pk=pk)


def get_led_question(user, survey: Survey, pk: int) -> Question:
    return Question.objects.filter(
        policy.allowed_q(user, policy.LEAD_SCHEME, via="survey__scheme__"), survey=survey
    ).get(pk=pk)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens, found by the token's hash (None when unknown)."""
    return (
        Invitation.objects.filter(token_hash=token_hash(token))
        .select_related("survey__scheme")
        .first()
    )


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.all())


def suggested_recipients(scheme: Scheme, audience: str) -> list[str]:
    """E-mail addresses the scheme already knows for the audience: participants, their mentors,
    or the managers and GPs who confirmed their release."""
    participations = Participation.objects.filter(placement__scheme=scheme)
    if audience == Audience.PARTICIPANT:
        emails = participations.values_list("application__applicant__email", flat=True)
    elif audience == Audience.MENTOR:
        emails = participations.values_list("placement__mentor__email", flat=True)
    else:
        emails = participations.values_list("application__released_by__email", flat=True)
    return sorted({e for e in emails if e}, key=str.lower)


@dataclass
class ResponseRate:
    audience: str
    survey: Survey | None
    invited: int
    answered: int

    @property
    def percent(self) -> int:
        return percent(self.answered, self.invited)

    @property
    def percent_text(self) -> str:
        """The response rate, with the small-number warning when few were invited."""
        return share_text(self.answered, self.invited, noun=("person invited", "people invited"))


def response_rates(scheme: Scheme) -> list[ResponseRate]:
    """One row an audience, in the audiences' order, with or without a survey."""
    surveys = {s.audience: s for s in surveys_of(scheme)}
    rows = []
    for audience in Audience:
        survey = surveys.get(audience.value)
        rows.append(
            ResponseRate(
                audience=audience.label,
                survey=survey,
                # Counts that surveys_of() annotates, which the model's type does not know.
                invited=survey.invited if survey else 0,  # type: ignore[attr-defined]
                answered=survey.answered if survey else 0,  # type: ignore[attr-defined]
            )
        )
    return rows


@dataclass
class QuestionSummary:
    question: Question
    counts: dict[int, int] = field(default_factory=dict)  # Likert value -> answers
    texts: list[str] = field(default_factory=list)

    @property
    def answers(self) -> int:
        return sum(self.counts.values()) if self.is_likert else len(self.texts)

    @property
    def is_likert(self) -> bool:
        return self.question.kind == QuestionKind.LIKERT

    @property
    def mean(self) -> float | None:
        total = sum(self.counts.values())
        if not total:
            return None
        return round(sum(v * n for v, n in self.counts.items()) / total, 1)

    @property
    def agree_percent(self) -> int:
        """The share who agree or strongly agree."""
        return percent(self._agree, sum(self.counts.values()))

    @property
    def agree_text(self) -> str:
        """The share who agree, with the small-number warning below five answers."""
        return share_text(self._agree, sum(self.counts.values()))

    @property
    def _agree(self) -> int:
        return self.counts.get(4, 0) + self.counts.get(5, 0)


def survey_summary(survey: Survey) -> list[QuestionSummary]:
    """Each question with its Likert counts (1 to 5) or its free-text answers, in order."""
    summaries = {
        q.pk: QuestionSummary(q, counts=dict.fromkeys(LIKERT_LABELS, 0))
        for q in survey.questions.all()
    }
    counted = (
        Answer.objects.filter(question__survey=survey, likert__isnull=False)
        .values("question_id", "likert")
        .annotate(n=Count("pk"))
    )
    for row in counted:
        # Never None: rows without a Likert answer are filtered out above.
        summaries[row["question_id"]].counts[row["likert"]] = row["n"]  # type: ignore[index]
    # Alphabetical, not in the order they arrived: the audit trail shows when each link was
    # used, and the order of the answers must not tie an answer to a link.
    texts = (
        Answer.objects.filter(question__survey=survey, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .order_by("text")
        .values_list("question_id", "text")
    )
    for question_id, text in texts:
        summaries[question_id].texts.append(text)
    return list(summaries.values())
