"""State changes for assessments: start, rate, submit, return, sign off; single
competency sign-off; cycles; supervision assignment; reminders.

Every function runs in one transaction, checks permission and is audited. The
transitions lock the assessment row (select_for_update) and check its current
state, so two supervisors signing off at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from capmap.core.actors import is_system, set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import current_status, retry_when_locked, transition, with_status
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency, ProficiencyLevel, RoleProfile
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people import services as people_services
from capmap.people.models import Person, Supervision
from capmap.people.selectors import active_supervisions
from capmap.portfolio import services as portfolio_services
from capmap.portfolio.models import EvidenceItem, EvidenceReview

from .models import (
    ASSESSMENT_WORKFLOW,
    AlreadyDecided,
    Assessment,
    AssessmentCycle,
    AssessorRating,
    CapabilityEvent,
    CompetencySignOff,
    CurrentCapability,
    Notification,
    SelfRating,
    SignOff,
    State,
)
from .notifications import notify

EDITABLE = (State.DRAFT, State.RETURNED)


@dataclass(frozen=True)
class RatingInput:
    level: int
    comment: str = ""


@dataclass(frozen=True)
class EvidenceDecision:
    """A supervisor's accept or reject of one evidence item, posted with the review."""

    evidence: EvidenceItem
    accept: bool
    comment: str = ""


def _locked(assessment: Assessment) -> Assessment:
    """The assessment, locked until the end of the transaction, with its current state."""
    return (
        with_status(Assessment.objects.select_for_update(of=("self",)), "state")
        .select_related("person__employer", "person__user", "role_profile", "version")
        .get(pk=assessment.pk)
    )


def _link(name: str, *args) -> str:
    return reverse(name, args=args)


def _levels(assessment: Assessment) -> set[int]:
    return set(
        ProficiencyLevel.objects.filter(scale__version=assessment.version_id).values_list(
            "value", flat=True
        )
    )


def _required_competency_ids(assessment: Assessment) -> set[int]:
    return set(assessment.role_profile.requirements.values_list("competency_id", flat=True))


def _check_ratings(assessment: Assessment, ratings: dict[int, RatingInput]) -> None:
    levels = _levels(assessment)
    required = _required_competency_ids(assessment)
    for competency_id, rating in ratings.items():
        if competency_id not in required:
            raise DomainError("That competency is not part of this assessment.")
        if rating.level not in levels:
            raise DomainError("Choose a level from the scale for every competency you rate.")


def _supervisors_of(person: Person) -> list:
    rows = active_supervisions(person=person).select_related("supervisor")
    return [s.supervisor for s in rows]


def _open_cycle_for(person: Person) -> AssessmentCycle | None:
    today = timezone.localdate()
    return (
        AssessmentCycle.objects.filter(
            organisation_id__in=person.employer.ancestor_ids(),
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .order_by("closes_on")
        .first()
    )


@transaction.atomic
def start_assessment(*, actor, person: Person, role_profile: RoleProfile) -> Assessment:
    """Start (or continue) the person's own assessment against a role profile."""
    if person.user_id != actor.pk:
        raise NotPermitted("You can only start your own assessment.")
    if not framework_selectors.applicable_role_profiles(person).filter(pk=role_profile.pk).exists():
        raise DomainError("Choose a role profile that applies to your job role and stage.")
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one start at a time
    unfinished = (
        with_status(Assessment.objects.filter(person=person, role_profile=role_profile), "state")
        .exclude(state=State.SIGNED_OFF)  # type: ignore[misc]  # annotated by with_status
        .first()
    )
    if unfinished is not None:
        return unfinished
    with set_actor(actor):
        assessment = Assessment.objects.create(
            person=person,
            version=role_profile.version,
            role_profile=role_profile,
            cycle=_open_cycle_for(person),
            started_by=actor,
        )
        transition(actor=actor, subject=assessment, to=State.DRAFT)
    return assessment


@transaction.atomic
def save_self_ratings(
    *, actor, assessment: Assessment, ratings: dict[int, RatingInput]
) -> Assessment:
    """Save some of the practitioner's ratings (one domain at a time) in the open round."""
    assessment = _locked(assessment)
    if assessment.person.user_id != actor.pk:
        raise NotPermitted("Only the person being assessed can rate themselves.")
    if assessment.state not in EDITABLE:  # type: ignore[attr-defined]  # from _locked
        raise DomainError("This assessment has been submitted: it can no longer be changed.")
    _check_ratings(assessment, ratings)
    with set_actor(actor):
        for competency_id, rating in ratings.items():
            SelfRating.objects.update_or_create(
                assessment=assessment,
                competency_id=competency_id,
                round=assessment.round,
                defaults={
                    "level": rating.level,
                    "comment": rating.comment.strip(),
                    "rated_by": actor,
                },
            )
    return assessment


@transaction.atomic
def submit_assessment(*, actor, assessment: Assessment) -> Assessment:
    assessment = _locked(assessment)
    if assessment.person.user_id != actor.pk:
        raise NotPermitted("Only the person being assessed can submit their assessment.")
    ASSESSMENT_WORKFLOW.check(current_status(assessment), State.SUBMITTED)
    rated = set(
        SelfRating.objects.filter(assessment=assessment, round=assessment.round).values_list(
            "competency_id", flat=True
        )
    )
    missing = len(_required_competency_ids(assessment) - rated)
    if missing:
        raise DomainError(f"Rate every competency before you submit: {missing} still to rate.")
    with set_actor(actor):
        transition(actor=actor, subject=assessment, to=State.SUBMITTED)
    notify(
        _supervisors_of(assessment.person),
        f"{assessment.person.full_name} submitted a self-assessment for review",
        _link("assessments:review_assessment", assessment.pk),
    )
    return assessment


def _decide(actor, assessment: Assessment, ratings: dict[int, RatingInput], *, to: str):
    """Lock, check permission and the move, and store the supervisor's ratings for the round."""
    assessment = _locked(assessment)
    if not policy.allows(actor, policy.VERIFY_RECORD, assessment.person):
        raise NotPermitted(
            "Only the person's supervisor, mentor or manager can review this assessment."
        )
    # Refuse before any rating is written: the move itself is appended by the caller.
    ASSESSMENT_WORKFLOW.check(current_status(assessment), to)
    _check_ratings(assessment, ratings)
    if to == State.SIGNED_OFF and set(ratings) != _required_competency_ids(assessment):
        raise DomainError("Give your level for every competency before you sign off.")
    AssessorRating.objects.bulk_create(
        AssessorRating(
            assessment=assessment,
            competency_id=competency_id,
            round=assessment.round,
            level=rating.level,
            comment=rating.comment.strip(),
            rated_by=actor,
        )
        for competency_id, rating in ratings.items()
    )
    return assessment


@retry_when_locked
@transaction.atomic
def return_assessment(
    *, actor, assessment: Assessment, comment: str, ratings: dict[int, RatingInput] | None = None
) -> Assessment:
    """Send it back with comments; the practitioner rates again in a new round."""
    if not comment.strip():
        raise DomainError("Enter comments saying what the person should change.")
    with set_actor(actor):
        assessment = _decide(actor, assessment, ratings or {}, to=State.RETURNED)
        transition(actor=actor, subject=assessment, to=State.RETURNED, comment=comment)
        previous = list(SelfRating.objects.filter(assessment=assessment, round=assessment.round))
        assessment.round += 1
        assessment.save(update_fields=["round", "updated_at"])
        SelfRating.objects.bulk_create(
            SelfRating(
                assessment=assessment,
                competency_id=row.competency_id,
                round=assessment.round,
                level=row.level,
                comment=row.comment,
                rated_by=row.rated_by,
            )
            for row in previous
        )
    notify(
        [assessment.person.user],
        "Your self-assessment was returned with comments",
        _link("assessments:show_assessment", assessment.pk),
    )
    return assessment


def _record_capability(actor, person, levels: dict[int, int], when, **source) -> None:
    for competency_id, level in levels.items():
        event = CapabilityEvent.objects.create(
            person=person,
            competency_id=competency_id,
            level=level,
            valid_from=when,
            signed_by=actor,
            **source,
        )
        CurrentCapability.objects.update_or_create(
            person=person,
            competency_id=competency_id,
            defaults={"level": level, "signed_by": actor, "signed_at": when, "event": event},
        )


@retry_when_locked
@transaction.atomic
def sign_off_assessment(
    *, actor, assessment: Assessment, ratings: dict[int, RatingInput], comment: str = ""
) -> SignOff:
    """Verify every competency and sign the assessment off: final, never edited."""
    with set_actor(actor):
        assessment = _decide(actor, assessment, ratings, to=State.SIGNED_OFF)
        try:
            with transaction.atomic():
                sign_off = SignOff.objects.create(
                    assessment=assessment,
                    signed_by=actor,
                    levels={str(k): r.level for k, r in sorted(ratings.items())},
                    comment=comment.strip(),
                )
        except IntegrityError:
            raise AlreadyDecided("This assessment has already been signed off.") from None
        transition(actor=actor, subject=assessment, to=State.SIGNED_OFF, comment=comment)
        _record_capability(
            actor,
            assessment.person,
            {k: r.level for k, r in ratings.items()},
            sign_off.signed_at,
            sign_off=sign_off,
        )
    notify(
        [assessment.person.user],
        "Your assessment has been signed off",
        _link("assessments:show_scope_of_practice", assessment.person_id),
    )
    return sign_off


@transaction.atomic
def review_assessment(
    *,
    actor,
    assessment: Assessment,
    action: str,
    ratings: dict[int, RatingInput],
    comment: str = "",
    evidence_decisions: Sequence[EvidenceDecision] = (),
) -> None:
    """The supervisor's one review form, all or nothing: each evidence decision (a status
    row of its own), then, if asked, the return or the sign-off with the ratings. A
    decision that matches the item's current status changes nothing."""
    if not policy.allows(actor, policy.VERIFY_RECORD, assessment.person):
        raise NotPermitted(
            "Only the person's supervisor, mentor or manager can review this assessment."
        )
    for decision in evidence_decisions:
        if decision.evidence.person_id != assessment.person_id:
            raise DomainError("Choose evidence from this person's portfolio.")
        wanted = EvidenceReview.ACCEPTED if decision.accept else EvidenceReview.REJECTED
        latest = current_status(decision.evidence)
        if latest is not None and latest.status == wanted:
            continue
        portfolio_services.review_evidence(
            actor=actor,
            evidence=decision.evidence,
            accept=decision.accept,
            comment=decision.comment,
        )
    if action == "sign_off":
        sign_off_assessment(actor=actor, assessment=assessment, ratings=ratings, comment=comment)
    elif action == "return":
        return_assessment(actor=actor, assessment=assessment, ratings=ratings, comment=comment)


@transaction.atomic
def sign_off_competency(
    *,
    actor,
    person: Person,
    competency: Competency,
    level: int,
    evidence: list[EvidenceItem],
    comment: str = "",
) -> CompetencySignOff:
    """Sign off one competency between cycles, on the evidence of the person's portfolio."""
    if not policy.allows(actor, policy.VERIFY_RECORD, person):
        raise NotPermitted("Only the person's supervisor, mentor or manager can sign off.")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if not evidence:
        raise DomainError("Choose the evidence this sign-off rests on.")
    if any(item.person_id != person.pk for item in evidence):
        raise DomainError("Choose evidence from this person's portfolio.")
    if not ProficiencyLevel.objects.filter(
        scale__version=competency.version_id, value=level
    ).exists():
        raise DomainError("Choose a level from the scale.")
    with set_actor(actor):
        sign_off = CompetencySignOff.objects.create(
            person=person, competency=competency, level=level, signed_by=actor, comment=comment
        )
        sign_off.evidence.set(evidence)
        _record_capability(
            actor, person, {competency.pk: level}, sign_off.signed_at, competency_sign_off=sign_off
        )
    notify(
        [person.user],
        f"{competency.code or competency.title} was signed off at level {level}",
        _link("assessments:show_scope_of_practice", person.pk),
    )
    return sign_off


@transaction.atomic
def record_verified_elsewhere(
    *, actor, person: Person, competency: Competency, level: int, issuer: str
) -> CapabilityEvent | None:
    """Give the person a level another issuer verified (an accepted credential), as a
    sign-off does; None when they already hold that level or higher, which it never
    lowers. The caller (credentials) has decided that the credential counts."""
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("Only a manager of the person can accept their credentials.")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = CurrentCapability.objects.filter(person=person, competency=competency).first()
    if current is not None and current.level >= level:
        return None
    with set_actor(actor):
        _record_capability(
            actor, person, {competency.pk: level}, timezone.now(), verified_elsewhere_by=issuer
        )
    return CapabilityEvent.objects.filter(person=person, competency=competency).latest(
        "valid_from", "pk"
    )


@transaction.atomic
def withdraw_verified_level(*, actor, event: CapabilityEvent) -> CapabilityEvent | None:
    """Take back a level, as a corrected sign-off does: a later event returns the person to
    the level they held before it (none: their current level is removed). None when a later
    sign-off has already replaced it, since that one stands."""
    if not (is_system(actor) or policy.allows(actor, policy.CHANGE_PERSON, event.person)):
        raise NotPermitted("Only a manager of the person can withdraw a level.")
    Person.objects.select_for_update().filter(pk=event.person_id).first()
    current = CurrentCapability.objects.filter(event=event).first()
    if current is None:
        return None
    before = (
        CapabilityEvent.objects.filter(person_id=event.person_id, competency_id=event.competency_id)
        .filter(
            Q(valid_from__lt=event.valid_from) | Q(valid_from=event.valid_from, pk__lt=event.pk)
        )
        .exclude(withdrawals__isnull=False)
        .order_by("-valid_from", "-pk")
        .first()
    )
    # The system has no user row; a withdrawal it makes is signed as the level it takes back.
    signer = user_or_none(actor) or event.signed_by
    with set_actor(actor):
        withdrawal = CapabilityEvent.objects.create(
            person_id=event.person_id,
            competency_id=event.competency_id,
            level=before.level if before else 0,  # 0: no verified level
            valid_from=timezone.now(),
            signed_by=signer,
            withdraws=event,
        )
        if before is None or before.level == 0:
            current.delete()
        else:
            current.level, current.signed_by, current.signed_at = (
                before.level,
                signer,
                withdrawal.valid_from,
            )
            current.event = withdrawal
            current.save(update_fields=["level", "signed_by", "signed_at", "event"])
    return withdrawal


@transaction.atomic
def open_cycle(
    *, actor, organisation: Organisation, title: str, opens_on: date, closes_on: date
) -> AssessmentCycle:
    if not policy.allows(actor, policy.MANAGE_PEOPLE, organisation):
        raise NotPermitted("You can only open a cycle for a team you manage.")
    if closes_on < opens_on:
        raise DomainError("The closing date must be on or after the opening date.")
    if not title.strip():
        raise DomainError("Enter a title, for example 2027 Q1.")
    with set_actor(actor):
        return AssessmentCycle.objects.create(
            organisation=organisation,
            title=title.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            opened_by=actor,
        )


@transaction.atomic
def assign_supervisor(
    *,
    actor,
    person: Person,
    email: str,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
) -> Supervision:
    """A manager names a supervisor or mentor by e-mail, who may work for any organisation."""
    # Checked before the look-up too, so only a manager learns whether an address exists.
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("You cannot assign supervisors to this person.")
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise DomainError(
            "No one with this e-mail address has a Capmap account. Check the address, "
            "or ask an administrator to add them."
        )
    supervision = people_services.start_supervision(
        actor=actor, person=person, supervisor=user, kind=kind, starts_on=starts_on, ends_on=ends_on
    )
    notify(
        [user],
        f"You are now {supervision.get_kind_display().lower()} of {person.full_name}",
        _link("assessments:list_sign_off_queue"),
    )
    return supervision


@transaction.atomic
def mark_notifications_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
