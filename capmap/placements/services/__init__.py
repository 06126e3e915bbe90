"""State changes for placement schemes: set-up, applications, allocation, sessions.

Every function takes the acting user first, checks permission (the access policy in
people/policy.py), runs in one transaction and writes the audit trail.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.core import mail
from django.db import transaction
from django.utils import timezone

from capmap.core.actors import set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.core.workflow import current_status, lock, retry_when_locked, transition
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people import services as people_services
from capmap.people.models import Person, SupervisionKind

from .. import selectors
from ..allocation import instance_for, recount, run_engine
from ..models import (
    SCHEME_WORKFLOW,
    AllocationAdjustment,
    AllocationRun,
    Application,
    EligibilityKind,
    EligibilityRule,
    Participation,
    Placement,
    Preference,
    PrescribingStatus,
    RunStatus,
    Scheme,
    SchemeStatus,
    SessionLog,
)
from .offers import offer_body, offer_subject


def _require_lead(actor, scheme: Scheme) -> None:
    if not policy.allows(actor, policy.LEAD_SCHEME, scheme):
        raise NotPermitted("Only a programme lead of this scheme's organisation can do this.")


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise DomainError("The end date must be on or after the start date.")


@transaction.atomic
def create_scheme(
    *,
    actor,
    owner: Organisation,
    title: str,
    starts_on: date,
    ends_on: date,
    sessions_required: int = 2,
    description: str = "",
    hard_to_recruit_first: bool = True,
    need_gap_first: bool = False,
) -> Scheme:
    """A programme lead sets up a scheme owned by their organisation (an ICS or hub)."""
    if not policy.allows(actor, policy.RUN_SCHEMES, owner):
        raise NotPermitted("Choose an organisation where you are a manager or admin.")
    _check_dates(starts_on, ends_on)
    if sessions_required < 1:
        raise DomainError("A scheme needs at least one session.")
    with set_actor(actor):
        scheme = Scheme.objects.create(
            owner=owner,
            title=title.strip(),
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            sessions_required=sessions_required,
            hard_to_recruit_first=hard_to_recruit_first,
            need_gap_first=need_gap_first,
            created_by=actor,
        )
    transition(actor=actor, subject=scheme, to=SchemeStatus.SET_UP)
    return scheme


@transaction.atomic
def update_scheme(*, actor, scheme: Scheme, **fields) -> Scheme:
    """Change the title, description, dates, sessions required or priority rule."""
    _require_lead(actor, scheme)
    allowed = {"title", "description", "starts_on", "ends_on", "sessions_required"}
    allowed |= {"hard_to_recruit_first", "need_gap_first"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(scheme, name, value)
    _check_dates(scheme.starts_on, scheme.ends_on)
    with set_actor(actor):
        scheme.save()
    return scheme


@retry_when_locked
@transaction.atomic
def change_status(*, actor, scheme: Scheme, status: str) -> Scheme:
    """Move the scheme to its next status (or one step back to correct a mistake)."""
    _require_lead(actor, scheme)
    SCHEME_WORKFLOW.check(current_status(lock(scheme)), status)
    if status == SchemeStatus.APPLICATIONS_OPEN and not scheme.placements.exists():
        raise DomainError("Add at least one placement before opening applications.")
    if status == SchemeStatus.RUNNING and not selectors.has_confirmed_run(scheme):
        raise DomainError("Confirm an allocation before the scheme starts running.")
    transition(actor=actor, subject=scheme, to=status)
    return scheme


PLACEMENT_FIELDS = {
    "host",
    "title",
    "specialty",
    "mentor",
    "capacity",
    "sessions_offered",
    "location",
    "need",
}


@transaction.atomic
def save_placement(*, actor, scheme: Scheme, placement: Placement | None = None, **fields):
    """Add a placement to the scheme, or change one, while the scheme is being set up or open."""
    _require_lead(actor, scheme)
    if scheme.status not in (SchemeStatus.SET_UP, SchemeStatus.APPLICATIONS_OPEN):
        raise DomainError("Placements can change only before allocation starts.")
    unknown = set(fields) - PLACEMENT_FIELDS
    if unknown:
        raise DomainError(f"Unknown placement details: {', '.join(sorted(unknown))}.")
    host = fields.get("host", placement.host if placement else None)
    if host is None or not selectors.host_organisations(scheme).filter(pk=host.pk).exists():
        raise DomainError("Choose a trust inside the scheme's organisation as the host.")
    mentor = fields.get("mentor", placement.mentor if placement else None)
    if mentor is None or not selectors.mentor_choices(scheme).filter(pk=mentor.pk).exists():
        raise DomainError("Choose a mentor who works at one of the scheme's trusts.")
    placement = placement or Placement(scheme=scheme)
    for name, value in fields.items():
        setattr(placement, name, value)
    with set_actor(actor):
        placement.save()
    return placement


@transaction.atomic
def add_eligibility_rule(
    *,
    actor,
    scheme: Scheme,
    kind: str,
    placement: Placement | None = None,
    competency: Competency | None = None,
    minimum_level: int | None = None,
) -> EligibilityRule:
    _require_lead(actor, scheme)
    if placement is not None and placement.scheme_id != scheme.pk:
        raise DomainError("Choose a placement of this scheme.")
    if kind == EligibilityKind.COMPETENCY_LEVEL and (competency is None or minimum_level is None):
        raise DomainError("Choose the competency and the minimum level.")
    if kind not in EligibilityKind.values:
        raise DomainError("Choose a kind of rule.")
    with set_actor(actor):
        return EligibilityRule.objects.create(
            scheme=scheme,
            placement=placement,
            kind=kind,
            competency=competency if kind == EligibilityKind.COMPETENCY_LEVEL else None,
            minimum_level=minimum_level if kind == EligibilityKind.COMPETENCY_LEVEL else None,
        )


@transaction.atomic
def remove_eligibility_rule(*, actor, rule: EligibilityRule) -> None:
    _require_lead(actor, rule.scheme)
    with set_actor(actor):
        rule.delete()


@transaction.atomic
def record_prescribing_status(
    *, actor, person: Person, independent_prescriber: bool
) -> PrescribingStatus:
    """A person records their own prescribing qualification; their managers may too."""
    if not policy.allows(actor, policy.RECORD_ACTIVITY, person):
        raise NotPermitted("You can record this only for yourself or staff you manage.")
    with set_actor(actor):
        status, _ = PrescribingStatus.objects.update_or_create(
            person=person,
            defaults={"independent_prescriber": independent_prescriber, "recorded_by": actor},
        )
    return status


@transaction.atomic
def submit_application(
    *, actor, scheme: Scheme, statement: str, placements: list[Placement]
) -> Application:
    """Apply (or change an application) with eligible placements ranked, best first."""
    if not policy.allows(actor, policy.APPLY_TO_SCHEME, scheme):
        raise NotPermitted("You can apply only while applications are open, for yourself.")
    person = actor.person
    if not statement.strip():
        raise DomainError("Write a statement about why you are applying.")
    if not placements:
        raise DomainError("Choose at least your 1st choice of placement.")
    if len({p.pk for p in placements}) != len(placements):
        raise DomainError("Choose each placement only once.")
    allowed = {p.pk for p in selectors.eligible_placements(scheme, person)}
    for placement in placements:
        if placement.pk not in allowed:
            reasons = " ".join(selectors.unmet_rules(scheme, person, placement))
            raise DomainError(
                f"You are not eligible for {placement}. {reasons} Choose another placement."
            )
    with set_actor(actor):
        application, created = Application.objects.get_or_create(
            scheme=scheme, applicant=person, defaults={"statement": statement}
        )
        if not created:
            application.statement = statement
            # A changed application needs the practice to confirm release again.
            application.released_at = None
            application.released_by = None
            application.save()
        application.preferences.all().delete()
        Preference.objects.bulk_create(
            Preference(application=application, placement=p, rank=i)
            for i, p in enumerate(placements, start=1)
        )
    return application


@transaction.atomic
def confirm_release(*, actor, application: Application) -> Application:
    """The applicant's practice manager or GP confirms they will release them for sessions."""
    if not policy.allows(actor, policy.CHANGE_PERSON, application.applicant):
        raise NotPermitted("Only a manager of the applicant's practice can confirm release.")
    if application.applicant.user_id == actor.pk:
        raise NotPermitted("Someone else at your practice must confirm your release.")
    with set_actor(actor):
        application.released_by = actor
        application.released_at = timezone.now()
        application.save(update_fields=["released_by", "released_at", "updated_at"])
    return application


@transaction.atomic
def run_allocation(*, actor, scheme: Scheme, algorithm: str) -> AllocationRun:
    """Run the engine on every released application as a preview; records the lottery seed."""
    _require_lead(actor, scheme)
    if lock(scheme).status != SchemeStatus.ALLOCATING:
        raise DomainError("Move the scheme to allocating before running the allocation.")
    if scheme.lottery_seed is None:
        scheme.lottery_seed = secrets.randbelow(2**31)
        with set_actor(actor):
            scheme.save(update_fields=["lottery_seed", "updated_at"])
    instance = instance_for(scheme)
    if not instance["applicants"]:
        raise DomainError("No application has been released by its practice yet.")
    result, stats = run_engine(instance, algorithm)
    _discard_previews(actor, scheme, "Replaced by a later run.")
    with set_actor(actor):
        run = AllocationRun.objects.create(
            scheme=scheme,
            algorithm=algorithm,
            seed=scheme.lottery_seed,
            instance=instance,
            result=result,
            stats=stats,
            run_by=actor,
        )
    transition(actor=actor, subject=run, to=RunStatus.PREVIEWED)
    return run


def _discard_previews(actor, scheme: Scheme, comment: str) -> None:
    """Earlier previews can no longer be adjusted or confirmed: only the latest counts."""
    for run in scheme.allocation_runs.filter(status=RunStatus.PREVIEWED):  # type: ignore[misc]  # status is annotated by StatusSubject's manager
        transition(actor=actor, subject=run, to=RunStatus.DISCARDED, comment=comment)


@transaction.atomic
def adjust_allocation(
    *, actor, run: AllocationRun, application: Application, placement: Placement | None, reason: str
) -> AllocationRun:
    """Move one applicant by hand to another of their choices (or unplace them), with a reason."""
    _require_lead(actor, run.scheme)
    lock(run)
    if run.status != RunStatus.PREVIEWED:
        raise DomainError(
            "This allocation is confirmed: it can no longer change."
            if run.confirmed
            else "This preview was replaced by a later run: adjust the latest preview."
        )
    if not reason.strip():
        raise DomainError("Give the reason for the change: it is kept in the audit trail.")
    aid = f"a{application.pk}"
    entry = next((a for a in run.instance["applicants"] if a["id"] == aid), None)
    if entry is None:
        raise DomainError("This application is not part of the allocation.")
    assignments = dict(run.result["assignments"])
    current = assignments.get(aid)
    target = None if placement is None else f"p{placement.pk}"
    if target is not None:
        if target not in entry["preferences"]:
            raise DomainError(f"{placement} is not among this applicant's eligible choices.")
        spec = next(p for p in run.instance["placements"] if p["id"] == target)
        taken = sum(1 for a, p in assignments.items() if p == target and a != aid)
        if taken >= spec["capacity"]:
            raise DomainError(f"{placement} is full: move someone out of it first.")
    assignments[aid] = target
    run.result, run.stats = recount(run.instance, run.algorithm, assignments)
    with set_actor(actor):
        AllocationAdjustment.objects.create(
            run=run,
            application=application,
            from_placement_id=int(current[1:]) if current else None,
            to_placement=placement,
            reason=reason.strip(),
            made_by=actor,
        )
        run.save(update_fields=["result", "stats", "updated_at"])
    return run


@retry_when_locked
@transaction.atomic
def confirm_allocation(*, actor, run: AllocationRun, notify: bool = True) -> list[Participation]:
    """Confirm a run: each placed applicant gets a place and their mentor a supervision for the
    scheme's dates; the scheme starts running and everyone is told by e-mail."""
    scheme = lock(run.scheme)  # one confirmation of a scheme at a time
    _require_lead(actor, scheme)
    if selectors.has_confirmed_run(scheme):
        raise DomainError("An allocation for this scheme is already confirmed.")
    current = current_status(scheme)
    if current is None or current.status != SchemeStatus.ALLOCATING:
        raise DomainError("Only a scheme that is allocating can confirm an allocation.")
    transition(actor=actor, subject=run, to=RunStatus.CONFIRMED)
    _discard_previews(actor, scheme, "Another run was confirmed.")
    applications = selectors.applications_of(scheme).in_bulk()
    placements = scheme.placements.select_related("host", "mentor").in_bulk()
    participations = []
    with set_actor(actor):
        for aid, pid in run.result["assignments"].items():
            if pid is None:
                continue
            application = applications[int(aid[1:])]
            placement = placements[int(pid[1:])]
            supervision = people_services.start_supervision(
                actor=actor,
                person=application.applicant,
                supervisor=placement.mentor,
                kind=SupervisionKind.MENTOR,
                starts_on=scheme.starts_on,
                ends_on=scheme.ends_on,
                lead_checked=True,  # _require_lead above: the lead pairs mentor and mentee
            )
            participations.append(
                Participation.objects.create(
                    application=application, placement=placement, run=run, supervision=supervision
                )
            )
    change_status(actor=actor, scheme=scheme, status=SchemeStatus.RUNNING)
    if notify:
        _notify_allocation(scheme, run, applications, placements)
    return participations


def _notify_allocation(scheme, run, applications, placements) -> None:
    messages = []
    sender = None  # DEFAULT_FROM_EMAIL
    mentees: dict[int, list[str]] = {}
    for aid, pid in run.result["assignments"].items():
        person = applications[int(aid[1:])].applicant
        if pid is None:
            body = (
                f"We could not offer you a placement in {scheme.title} this time. "
                "Your programme lead can tell you more."
            )
        else:
            placement = placements[int(pid[1:])]
            mentees.setdefault(placement.pk, []).append(person.full_name)
            body = offer_body(scheme, placement)
        if person.email:
            messages.append((offer_subject(scheme), body, sender, [person.email]))
    for pk, names in mentees.items():
        mentor = placements[pk].mentor
        body = f"You will mentor {', '.join(names)} in {placements[pk].title} ({scheme.title})."
        messages.append((f"{scheme.title}: your participants", body, sender, [mentor.email]))
    mail.send_mass_mail(messages, fail_silently=False)


def _may_log(actor, participation: Participation) -> bool:
    return participation.application.applicant.user_id == actor.pk


def _check_competencies_are_the_participants(
    participation: Participation, competencies: list[Competency]
) -> None:
    """Choose only competencies from your role profile or the placement's rules: the session
    becomes evidence of them in your portfolio."""
    allowed = set(selectors.participant_competencies(participation).values_list("pk", flat=True))
    outside = [c for c in competencies if c.pk not in allowed]
    if outside:
        names = ", ".join(c.title for c in outside)
        raise DomainError(
            f"{names}: not in your role profile or this placement's rules. Choose only "
            "competencies listed on this page; the session becomes evidence of them."
        )


@transaction.atomic
def log_session(
    *,
    actor,
    participation: Participation,
    date: date,
    half_days: int,
    activities: str,
    reflection: str = "",
    competencies: list[Competency] | None = None,
) -> SessionLog:
    """The participant logs a session with their mentor."""
    if not _may_log(actor, participation):
        raise NotPermitted("Only the participant can log their sessions.")
    scheme = participation.placement.scheme
    if not scheme.starts_on <= date <= scheme.ends_on:
        raise DomainError(
            f"Enter a date within the scheme, from {scheme.starts_on:%d %B %Y} "
            f"to {scheme.ends_on:%d %B %Y}."
        )
    if date > timezone.localdate():
        raise DomainError("Log a session after it has happened: the date is in the future.")
    if not 1 <= half_days <= 10:
        raise DomainError("Enter the number of half-day sessions, from 1 to 10.")
    if not activities.strip():
        raise DomainError("Describe what you did in the session.")
    _check_competencies_are_the_participants(participation, competencies or [])
    with set_actor(actor):
        session = SessionLog.objects.create(
            participation=participation,
            date=date,
            half_days=half_days,
            activities=activities,
            reflection=reflection,
            logged_by=actor,
        )
        if competencies:
            session.competencies.set(competencies)
    return session


@transaction.atomic
def confirm_session(*, actor, session: SessionLog) -> SessionLog:
    """The mentor confirms the session took place."""
    if not policy.allows(actor, policy.MENTOR_PARTICIPATION, session.participation):
        raise NotPermitted("Only the participant's mentor can confirm their sessions.")
    if session.confirmed:
        raise DomainError("This session is already confirmed.")
    with set_actor(actor):
        session.confirmed_by = actor
        session.confirmed_at = timezone.now()
        session.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    _session_evidence(actor, session)
    return session


def _session_evidence(actor, session: SessionLog) -> None:
    """A confirmed session becomes "session log" evidence of the competencies practised."""
    from capmap.portfolio.models import EvidenceKind
    from capmap.portfolio.services import add_evidence

    competencies = list(session.competencies.all())
    if not competencies:
        return  # portfolio evidence must show at least one competency
    placement = session.participation.placement
    add_evidence(
        actor=actor,
        person=session.participation.application.applicant,
        kind=EvidenceKind.SESSION_LOG,
        title=f"Placement session: {placement.title}, {placement.host.name}",
        occurred_on=session.date,
        description="\n\n".join(t for t in (session.activities, session.reflection) if t),
        competencies=competencies,
    )
