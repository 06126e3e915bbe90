"""Accepting credentials from elsewhere: an organisation's recognised issuers, and a
manager importing a person's credential as evidence. One that counts (verified, not
revoked, its issuer recognised) and aligns to a competency the person's role needs gives
them its level through the assessments service; when it stops counting that level is
withdrawn as a correction is (docs/adr/0014-accepted-credentials-count.md). Nothing from
an unrecognised, revoked, expired or unverified credential counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from capmap.assessments import services as assessment_services
from capmap.assessments import verified_elsewhere as levels_elsewhere
from capmap.core.actors import set_actor, user_or_none
from capmap.core.audit import AuditBatch, snapshot
from capmap.core.bulk import update_rows
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks.models import Competency, ProficiencyLevel, RoleRequirement
from capmap.frameworks.selectors import ApplicableRoleProfiles
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from . import corrections, fetched, selectors
from .models import (
    AcceptedCredential,
    AcceptedCredentialCheck,
    CountedLevel,
    IssuedCredential,
    RecognisedIssuer,
)
from .vc.verify import Report, Unreadable


@transaction.atomic
def recognise_issuer(
    *, actor: Any, organisation: Organisation, issuer_id: str, name: str
) -> RecognisedIssuer:
    """Credentials from this issuer count for the organisation (and the teams under it)."""
    if not policy.allows(actor, policy.MANAGE_PEOPLE, organisation):
        raise NotPermitted("Only a manager of the organisation can recognise issuers.")
    issuer_id, name = issuer_id.strip(), name.strip()
    if not issuer_id or not name:
        raise DomainError("Enter the issuer's id and name.")
    try:
        with transaction.atomic(), set_actor(actor):
            recognised = RecognisedIssuer.objects.create(
                organisation=organisation,
                issuer_id=issuer_id,
                name=name,
                added_by=user_or_none(actor),
            )
    except IntegrityError:
        raise DomainError("This issuer is already recognised here.") from None
    _settle_issuer(actor, organisation, issuer_id)
    return recognised


@transaction.atomic
def stop_recognising_issuer(*, actor: Any, recognised: RecognisedIssuer) -> None:
    """Credentials from this issuer no longer count here: the levels they gave people in
    the organisation are withdrawn (unless an organisation above still recognises it)."""
    organisation = recognised.organisation
    if not policy.allows(actor, policy.MANAGE_PEOPLE, organisation):
        raise NotPermitted("Only a manager of the organisation can change its issuers.")
    with set_actor(actor):
        recognised.delete()
    _settle_issuer(actor, organisation, recognised.issuer_id)


def _settle_issuer(actor: Any, organisation: Organisation, issuer_id: str) -> None:
    accepted = (
        AcceptedCredential.objects.filter(
            issuer_id=issuer_id, person__employer__path__startswith=organisation.path
        )
        .select_related("person__employer")
        .prefetch_related("checks")
    )
    settle_all(actor=actor, accepted=list(accepted))


def accept_credential(
    *, actor: Any, person: Person, raw: bytes | None = None, link: str = ""
) -> AcceptedCredential:
    """Import a credential as evidence for the person, from its file (`raw`) or its
    verification link (here, or fetched from another site); refused when its signature
    fails. Its status list is fetched when another issuer holds it (docs/adr/0015)."""
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("Only a manager of the person can import their credentials.")
    credential = raw if raw is not None else fetched.credential_at(link)
    # Fetching happens before the transaction: no database transaction waits on a site.
    try:
        report = fetched.verify_online(credential or b"")
    except Unreadable as error:
        raise DomainError(str(error)) from None
    if not report.proof_ok:
        raise DomainError(
            "The credential cannot be accepted: " + (report.problems or ["no proof"])[0]
        )
    return _keep_accepted(actor, person, report)


@transaction.atomic
def _keep_accepted(actor: Any, person: Person, report: Report) -> AcceptedCredential:
    with set_actor(actor):
        accepted = AcceptedCredential.objects.create(
            person=person,
            document=report.credential,
            issuer_id=report.issuer_id[:500],
            issuer_name=report.issuer_name[:300],
            achievement=report.achievement or "Not stated",
            level=report.level[:300],
            verified=report.verified,
            revoked=report.revoked,
            problems=report.problems,
            status_note=_status_note(report),
            accepted_by=user_or_none(actor),
        )
    settle(actor=actor, accepted=accepted)
    return accepted


def reverify_accepted_credential(*, actor: Any, accepted: AcceptedCredential) -> None:
    """Check an accepted credential again (its proof, dates and its status list, fetched
    when another issuer holds it); a level it gave is withdrawn when it no longer holds.
    A status list that cannot be fetched changes nothing by itself (docs/adr/0015)."""
    if not policy.allows(actor, policy.CHANGE_PERSON, accepted.person):
        raise NotPermitted("Only a manager of the person can check their credentials.")
    report = fetched.verify_online(accepted.document)
    with transaction.atomic():
        _check(
            actor,
            accepted,
            verified=report.verified,
            revoked=report.revoked,
            problems=report.problems,
            status_note=_status_note(report),
        )


@dataclass(frozen=True)
class Recheck:
    """What one credential's re-check changed: whether and why it counts, before and after."""

    accepted: AcceptedCredential
    why_not_before: str
    why_not_after: str
    status_note: str

    @property
    def changed(self) -> bool:
        return self.why_not_before != self.why_not_after

    def sentence(self) -> str:
        what = (
            f"{self.accepted.person.full_name}: {self.accepted.achievement} "
            f"from {self.accepted.issuer_name}"
        )
        if not self.why_not_after:
            return f"{what} counts again."
        if self.why_not_before:
            return f"{what} still does not count, now because: {self.why_not_after}"
        return f"{what} no longer counts: {self.why_not_after}"


def recheck_accepted_credentials(
    *, actor: Any, older_than: timedelta = timedelta(days=1), batch_size: int = 100
) -> list[Recheck]:
    """The daily re-check: every accepted credential last checked longer ago than
    `older_than` is checked again exactly as "Check again" does, a batch at a time, each
    in its own transaction. Safe to run twice: what was just checked is not due. Only the
    system re-checks every organisation's credentials; for anyone else nothing is due."""
    checked_before = timezone.now() - older_than
    done: list[Recheck] = []
    after_pk = 0
    while batch := list(
        selectors.accepted_due_for_recheck(actor, checked_before).filter(pk__gt=after_pk)[
            :batch_size
        ]
    ):
        for accepted in batch:
            before = why_it_does_not_count(accepted)
            reverify_accepted_credential(actor=actor, accepted=accepted)
            done.append(
                Recheck(
                    accepted,
                    before,
                    why_it_does_not_count(accepted),
                    latest_status_note(accepted),
                )
            )
        after_pk = batch[-1].pk
    return done


def _status_note(report: Report) -> str:
    """Why the status could not be checked, kept with the check so the record says so."""
    if not report.status_unchecked:
        return ""
    return " ".join(n for n in report.notes if "status list" in n)


@transaction.atomic
def remove_accepted_credential(*, actor: Any, accepted: AcceptedCredential) -> None:
    """Take an accepted credential off the person's record; a level it gave is withdrawn."""
    if not policy.allows(actor, policy.CHANGE_PERSON, accepted.person):
        raise NotPermitted("Only a manager of the person can remove their credentials.")
    _check(actor, accepted, removed=True, verified=False, revoked=False)


def _check(actor: Any, accepted: AcceptedCredential, **outcome: Any) -> None:
    with set_actor(actor):
        AcceptedCredentialCheck.objects.create(
            accepted=accepted, checked_by=user_or_none(actor), **outcome
        )
    settle(actor=actor, accepted=accepted)


def latest_status_note(accepted: AcceptedCredential) -> str:
    """Why its status list could not be checked at the latest check ("" when it was)."""
    checks = list(accepted.checks.all())  # newest first; may be prefetched
    return checks[0].status_note if checks else accepted.status_note


def why_it_does_not_count(accepted: AcceptedCredential, *, recognised: bool | None = None) -> str:
    """Why the credential gives no level now, or "" when it counts. `recognised`: whether
    its issuer is recognised for the person, when the caller already knows."""
    checks = list(accepted.checks.all())  # newest first (Meta ordering); may be prefetched
    check = checks[0] if checks else None
    if check is not None and check.removed:
        return "Removed from the person's record."
    verified = check.verified if check else accepted.verified
    revoked = check.revoked if check else accepted.revoked
    problems = check.problems if check else accepted.problems
    if revoked:
        return "Revoked by its issuer."
    if not verified:
        return "It did not pass every check: " + "; ".join(problems)
    if recognised is None:
        recognised = selectors.issuer_recognised_for(accepted.person, accepted.issuer_id)
    if not recognised:
        return "Its issuer is not on your recognised issuers list."
    return ""


def settle(*, actor: Any, accepted: AcceptedCredential) -> None:
    """Make the person's levels agree with whether the credential counts now: give its
    level when it counts and gives none yet, withdraw what it gave when it does not."""
    reason = why_it_does_not_count(accepted)
    live = list(CountedLevel.objects.filter(accepted=accepted, withdrawn_at__isnull=True))
    if reason:
        _revoke_completions_resting_on([(counted, reason) for counted in live])
        for counted in live:
            assessment_services.withdraw_verified_level(actor=actor, event=counted.event)
            counted.withdrawn_at, counted.withdrawn_because = timezone.now(), reason
            with set_actor(actor):
                counted.save(update_fields=["withdrawn_at", "withdrawn_because"])
        return
    if live:
        return
    claim = aligned_level(accepted.person, accepted.document)
    if claim is None:
        return
    competency, level = claim
    event = assessment_services.record_verified_elsewhere(
        actor=actor,
        person=accepted.person,
        competency=competency,
        level=level,
        issuer=accepted.issuer_name,
    )
    if event is not None:
        with set_actor(actor):
            CountedLevel.objects.create(accepted=accepted, event=event)


def settle_all(*, actor: Any, accepted: Sequence[AcceptedCredential]) -> None:
    """`settle` for each credential in order, in a few queries whatever their number (the
    credentials come with their person's employer and their checks). The levels given and
    withdrawn, and their audit entries, are those settling one at a time would make: the
    credentials of one settling all stop or all start counting, so withdrawals and gifts
    never meet on one person's competency."""
    recognised = _recognised_pairs(accepted)
    reasons = [
        why_it_does_not_count(
            credential,
            recognised=any(
                (organisation_id, credential.issuer_id) in recognised
                for organisation_id in credential.person.employer.ancestor_ids()
            ),
        )
        for credential in accepted
    ]
    live: dict[int, list[CountedLevel]] = {}
    for counted in CountedLevel.objects.filter(
        accepted__in=[credential.pk for credential in accepted], withdrawn_at__isnull=True
    ).select_related("event"):
        live.setdefault(counted.accepted_id, []).append(counted)
    stopping = []
    for credential, reason in zip(accepted, reasons, strict=True):
        for counted in live.get(credential.pk, []) if reason else []:
            counted.accepted = credential
            stopping.append((counted, reason))
    _withdraw_all(actor, stopping)
    giving = [
        credential
        for credential, reason in zip(accepted, reasons, strict=True)
        if not reason and not live.get(credential.pk)
    ]
    _give_all(actor, giving)


def _recognised_pairs(accepted: Sequence[AcceptedCredential]) -> set[tuple[int, str]]:
    """(organisation id, issuer id) of each recognition that may matter to these credentials."""
    organisations = {
        organisation_id
        for credential in accepted
        for organisation_id in credential.person.employer.ancestor_ids()
    }
    return set(
        RecognisedIssuer.objects.filter(
            organisation_id__in=organisations,
            issuer_id__in={credential.issuer_id for credential in accepted},
        ).values_list("organisation_id", "issuer_id")
    )


def _withdraw_all(actor: Any, stopping: list[tuple[CountedLevel, str]]) -> None:
    if not stopping:
        return
    _revoke_completions_resting_on(stopping)
    levels_elsewhere.withdraw_verified_levels(
        actor=actor, events=[counted.event for counted, _ in stopping]
    )
    now, audit = timezone.now(), AuditBatch()
    for counted, reason in stopping:
        before = snapshot(counted)
        counted.withdrawn_at, counted.withdrawn_because = now, reason
        audit.updated(before, counted)
    update_rows(CountedLevel, [counted for counted, _ in stopping], COUNTED_WITHDRAWAL)
    with set_actor(actor):
        audit.save()


COUNTED_WITHDRAWAL = ["withdrawn_at", "withdrawn_because"]


def _give_all(actor: Any, giving: list[AcceptedCredential]) -> None:
    claims = aligned_levels([(credential.person, credential.document) for credential in giving])
    wanted = [
        (credential, claim) for credential, claim in zip(giving, claims, strict=True) if claim
    ]
    if not wanted:
        return
    events = levels_elsewhere.record_levels_verified_elsewhere(
        actor=actor,
        levels=[
            levels_elsewhere.LevelFromElsewhere(
                credential.person, competency.pk, level, credential.issuer_name
            )
            for credential, (competency, level) in wanted
        ],
    )
    counted = [
        CountedLevel(accepted=credential, event=event)
        for (credential, _), event in zip(wanted, events, strict=True)
        if event is not None
    ]
    CountedLevel.objects.bulk_create(counted)
    audit = AuditBatch()
    for row in counted:
        audit.created(row)
    with set_actor(actor):
        audit.save()


def _revoke_completions_resting_on(stopping: list[tuple[CountedLevel, str]]) -> None:
    """Revoke the completion credentials built on levels that stop counting: their evidence
    names a credential from elsewhere that no longer holds (docs/adr/0016)."""
    if not stopping:
        return
    why = {counted.pk: (counted, reason) for counted, reason in stopping}
    links = (
        IssuedCredential.rests_on.through.objects.filter(
            countedlevel_id__in=list(why), issuedcredential__revocation__isnull=True
        )
        .select_related("issuedcredential__organisation")
        .order_by("issuedcredential_id", "countedlevel_id")
    )
    revoking: dict[int, tuple[IssuedCredential, str]] = {}
    for link in links:
        counted, reason = why[link.countedlevel_id]
        revoking.setdefault(
            link.issuedcredential_id,
            (
                link.issuedcredential,
                f"A level it rests on, verified elsewhere by {counted.accepted.issuer_name}, "
                f"no longer counts: {reason}",
            ),
        )
    corrections.revoke_in_bulk(list(revoking.values()))


def claimed(document: dict[str, Any]) -> tuple[set[str], int | None]:
    """What an Open Badges 3.0 credential says it certifies: the CASE identifiers its
    achievement aligns to (targetCode, and the last part of a CFItem targetUrl) and the
    level reached (the `level` of its result's achievedLevel)."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return set(), None
    achievement = subject.get("achievement") or {}
    codes: set[str] = set()
    for alignment in _as_list(achievement.get("alignment")):
        if not isinstance(alignment, dict):
            continue
        if alignment.get("targetCode"):
            codes.add(str(alignment["targetCode"]))
        if alignment.get("targetUrl"):
            codes.add(str(alignment["targetUrl"]).rstrip("/").rsplit("/", 1)[-1])
    results = _as_list(subject.get("result"))
    wanted = {r.get("achievedLevel") for r in results if isinstance(r, dict)}
    for description in _as_list(achievement.get("resultDescription")):
        if not isinstance(description, dict):
            continue
        for level in _as_list(description.get("rubricCriterionLevel")):
            if isinstance(level, dict) and level.get("id") in wanted:
                try:
                    return codes, int(str(level.get("level")))
                except ValueError:
                    return codes, None
    return codes, None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def aligned_level(person: Person, document: dict[str, Any]) -> tuple[Competency, int] | None:
    """The competency of the person's role profiles the credential aligns to, and its level
    when that level is on the competency's scale; None otherwise (it then counts for
    nothing)."""
    return aligned_levels([(person, document)])[0]


def aligned_levels(
    held: Sequence[tuple[Person, dict[str, Any]]],
) -> list[tuple[Competency, int] | None]:
    """`aligned_level` of each (person, credential), in three queries for any number (each
    person comes with their employer)."""
    claims = [claimed(document) for _, document in held]
    applicable = ApplicableRoleProfiles({person.job_role_id for person, _ in held})
    profiles = [
        set(applicable.profile_ids(person.job_role_id, person.stage, person.employer.path))
        for person, _ in held
    ]
    codes = {code for codes, level in claims if level is not None for code in codes}
    if not codes:
        return [None] * len(held)
    # In RoleRequirement's own order, so each person gets the requirement .first() gives.
    requirements = list(
        RoleRequirement.objects.filter(
            profile_id__in=set().union(*profiles), competency__case_identifier__in=codes
        ).select_related("competency")
    )
    on_scale = set(
        ProficiencyLevel.objects.filter(
            scale__version__in={r.competency.version_id for r in requirements}
        ).values_list("scale__version", "value")
    )
    found: list[tuple[Competency, int] | None] = []
    for (codes_of, level), profile_ids in zip(claims, profiles, strict=True):
        requirement = next(
            (
                r
                for r in requirements
                if r.profile_id in profile_ids and r.competency.case_identifier in codes_of
            ),
            None,
        )
        if requirement is None or level is None:
            found.append(None)
            continue
        competency = requirement.competency
        found.append((competency, level) if (competency.version_id, level) in on_scale else None)
    return found


@dataclass(frozen=True)
class AcceptedRow:
    accepted: AcceptedCredential
    why_not: str  # "" when it counts
    gave: str  # the level it gives the person now, e.g. "MED.1 at level 3"
    status_note: str = ""  # why its status could not be checked at the latest check

    @property
    def counts(self) -> bool:
        return not self.why_not
