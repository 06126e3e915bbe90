"""State changes for credentials: issuer keys (made on demand, rotated), issuing a
competency's verified level as an Open Badges 3.0 credential, and revoking it.

Each function runs in one transaction, checks permission and is audited (auditlog, via
set_actor). Signing is done by the pure `vc` package; this module gathers the facts.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import UTC
from typing import Any

import nacl.signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.core.actors import SYSTEM, is_system, set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks.models import Competency, ProficiencyLevel
from capmap.organisations.models import Membership, Organisation
from capmap.people import policy
from capmap.people.models import Person, Supervision

from . import keys, publishing
from .models import IssuedCredential, IssuerKey, Revocation, SourceKind, StatusList
from .vc import vcjwt
from .vc.dataintegrity import sign
from .vc.multibase import did_key_verification_method, public_key_multibase
from .vc.ob3 import Alignment, Award, achievement_credential
from .vc.schema import schema_problems
from .vc.statuslist import MIN_BITS, status_entry


def current_key(organisation: Organisation) -> IssuerKey:
    """The organisation's signing key, made the first time it is needed."""
    key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        # One key at a time per organisation: lock its row while making one.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
        if key is None:
            key = _new_key(organisation)
    return key


def _new_key(organisation: Organisation) -> IssuerKey:
    seed = keys.new_seed()
    public = bytes(nacl.signing.SigningKey(seed).verify_key)
    with set_actor(SYSTEM):
        return IssuerKey.objects.create(
            organisation=organisation,
            public_key=public_key_multibase(public),
            encrypted_seed=keys.seal_seed(seed),
        )


@transaction.atomic
def rotate_issuer_key(*, actor: Any, organisation: Organisation) -> IssuerKey:
    """Retire the current key (kept and still published) and make a new one."""
    if not (is_system(actor) or policy.allows(actor, policy.MANAGE_ORGANISATIONS, organisation)):
        raise NotPermitted("Only an admin of the organisation can rotate its signing key.")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    with set_actor(actor):
        for old in IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True):
            old.retired_at = timezone.now()
            old.save(update_fields=["retired_at"])
        return _new_key(organisation)


def _next_status_index(organisation: Organisation) -> tuple[StatusList, int]:
    status_list = (
        StatusList.objects.select_for_update()
        .filter(organisation=organisation)
        .order_by("-number")
        .first()
    )
    if status_list is None or status_list.next_index >= MIN_BITS:
        number = status_list.number + 1 if status_list else 1
        status_list = StatusList.objects.create(organisation=organisation, number=number)
    index = status_list.next_index
    StatusList.objects.filter(pk=status_list.pk).update(next_index=F("next_index") + 1)
    return status_list, index


def new_salt() -> str:
    """The salt of a holder's hashed e-mail address (OB 3.0 IdentityObject)."""
    return secrets.token_hex(8)


def _verifier_role(event: CapabilityEvent) -> str:
    """The signer's role towards the person: never their name, never clinical detail."""
    supervision = (
        Supervision.objects.filter(person_id=event.person_id, supervisor_id=event.signed_by_id)
        .order_by("-starts_on")
        .first()
    )
    if supervision is not None:
        return f"the practitioner's {supervision.get_kind_display().lower()}"
    membership = (
        Membership.objects.filter(
            user_id=event.signed_by_id, organisation_id__in=event.person.employer.ancestor_ids()
        )
        .select_related("organisation")
        .first()
    )
    if membership is not None:
        return f"a {membership.get_role_display().lower()} at {membership.organisation.name}"
    return "an assessor"


def alignments(competency: Competency) -> tuple[Alignment, ...]:
    if not competency.case_identifier:
        return ()
    uri = competency.case_extra.get("uri") if isinstance(competency.case_extra, dict) else None
    url = uri or (f"{publishing.public_url()}/ims/case/v1p0/CFItems/{competency.case_identifier}")
    return (
        Alignment(
            target_name=competency.title[:300],
            target_url=str(url),
            # The CASE identifier, which CASE tools match on; the human code is already
            # in the achievement's name.
            target_code=competency.case_identifier,
            target_framework=competency.version.framework.title,
            target_description=competency.description[:1000],
        ),
    )


def _award(event: CapabilityEvent, public_id: uuid.UUID, status: dict) -> tuple[Award, str]:
    competency = event.competency
    version = competency.version
    level = ProficiencyLevel.objects.filter(scale__version=version, value=event.level).first()
    level_name = f"Level {event.level}" + (f": {level.label}" if level else "")
    scale_name = getattr(getattr(version, "scale", None), "title", "Proficiency")
    person = event.person
    source = "an assessment" if event.sign_off_id else "evidence in their portfolio"
    name = f"{competency.code} {competency.title}".strip()
    award = Award(
        credential_id=publishing.credential_url(public_id),
        issuer=publishing.profile_ref(person.employer),
        valid_from=event.valid_from.astimezone(UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        achievement_id=f"{publishing.public_url()}/credentials/achievements/{competency.pk}",
        achievement_name=name,
        achievement_description=competency.description or competency.title,
        criteria=(
            f"Verified and signed off by {_verifier_role(event)} on {source}, against "
            f"{version.framework.title} (version {version.number})."
        ),
        holder_email=person.email or (person.user.email if person.user else ""),
        holder_salt=new_salt(),
        level_value=event.level,
        level_name=level_name,
        scale_name=scale_name,
        alignments=alignments(competency),
        status=status,
    )
    return award, level_name


def may_issue(actor: Any, person: Person) -> bool:
    return (
        is_system(actor)
        or person.user_id == getattr(actor, "pk", None)
        or policy.allows(actor, policy.VERIFY_RECORD, person)
    )


@transaction.atomic
def issue_credential(*, actor: Any, event: CapabilityEvent) -> IssuedCredential:
    """Issue (once) the credential for a verified level: the person's current level of a
    competency, as signed off. Asking again returns the credential already issued."""
    event = CapabilityEvent.objects.select_related(
        "person__employer", "person__user", "competency__version__framework"
    ).get(pk=event.pk)
    if not may_issue(actor, event.person):
        raise NotPermitted("Only the person or their supervisor can ask for this credential.")
    existing = IssuedCredential.objects.filter(capability_event=event).first()
    if existing is not None:
        return existing
    if event.verified_elsewhere_by:
        raise DomainError(
            f"This level was verified elsewhere by {event.verified_elsewhere_by}: share the "
            "credential they issued instead."
        )
    if not CurrentCapability.objects.filter(event=event).exists():
        raise DomainError(
            "This level has been replaced by a later sign-off: only the current level of a "
            "competency can be issued as a credential."
        )
    public_id = uuid.uuid4()

    def award(status: dict) -> Award:
        return _award(event, public_id, status)[0]

    level = ProficiencyLevel.objects.filter(
        scale__version=event.competency.version, value=event.level
    ).first()
    return sign_and_store(
        actor=actor,
        person=event.person,
        public_id=public_id,
        make_award=award,
        source=SourceKind.ASSESSMENT_SIGN_OFF
        if event.sign_off_id
        else SourceKind.COMPETENCY_SIGN_OFF,
        capability_event=event,
        competency=event.competency,
        level=event.level,
        level_name=f"Level {event.level}" + (f": {level.label}" if level else ""),
    )


@transaction.atomic
def sign_and_store(
    *,
    actor: Any,
    person: Person,
    public_id: uuid.UUID,
    make_award: Callable[[dict], Award],
    source: str,
    level_name: str = "",
    **fields: Any,
) -> IssuedCredential:
    """The one place a credential is signed and kept: the issuer is the person's employer,
    its current key signs, and a bit of its status list is the credential's. The caller
    has checked permission; the status bit and the credential are kept together or not at
    all."""
    organisation = person.employer
    key = current_key(organisation)
    status_list, index = _next_status_index(organisation)
    status = status_entry(
        list_url=publishing.status_list_url(organisation.pk, status_list.number), index=index
    )
    award = make_award(status)
    unsigned = achievement_credential(award)
    problems = schema_problems(unsigned)
    if problems:  # a bug of ours, never the user's: refuse rather than issue it
        raise DomainError("The credential could not be made valid: " + problems[0])
    seed = keys.open_seed(key.encrypted_seed)
    document = sign(
        unsigned,
        seed=seed,
        verification_method=did_key_verification_method(publishing.key_bytes(key)),
    )
    with set_actor(actor):
        return IssuedCredential.objects.create(
            public_id=public_id,
            organisation=organisation,
            person=person,
            source=source,
            achievement_name=award.achievement_name,
            level_name=level_name,
            key=key,
            status_list=status_list,
            status_index=index,
            document=document,
            issued_by=user_or_none(actor),
            **fields,
        )


@transaction.atomic
def issue_missing_credentials(*, actor: Any, person: Person) -> list[IssuedCredential]:
    """Issue a credential for each current verified level that has none yet."""
    if not may_issue(actor, person):
        raise NotPermitted("Only the person or their supervisor can ask for these credentials.")
    issued = IssuedCredential.objects.filter(person=person, capability_event__isnull=False).values(
        "capability_event_id"
    )
    events = (
        CapabilityEvent.objects.filter(
            pk__in=CurrentCapability.objects.filter(person=person).values("event_id")
        )
        .exclude(pk__in=issued)
        .exclude(verified_elsewhere_by__gt="")
    )
    return [issue_credential(actor=actor, event=event) for event in events]


@transaction.atomic
def revoke_credential(*, actor: Any, credential: IssuedCredential, reason: str) -> Revocation:
    """Withdraw a credential: its bit is set in the issuer's status list from now on."""
    if not (is_system(actor) or policy.allows(actor, policy.VERIFY_RECORD, credential.person)):
        raise NotPermitted("Only the person's supervisor, mentor or manager can revoke it.")
    if not reason.strip():
        raise DomainError("Say why the credential is withdrawn.")
    IssuedCredential.objects.select_for_update().filter(pk=credential.pk).first()
    existing = Revocation.objects.filter(credential=credential).first()
    if existing is not None:
        return existing
    with set_actor(actor):
        return Revocation.objects.create(
            credential=credential, reason=reason.strip(), revoked_by=user_or_none(actor)
        )


def revoke_superseded(*, event: CapabilityEvent) -> list[Revocation]:
    """A correction: a later sign-off of the same competency at a lower level revokes the
    credentials of the higher levels, which no longer hold. (Called by the signal.)"""
    stale = IssuedCredential.objects.filter(
        person_id=event.person_id,
        competency_id=event.competency_id,
        level__gt=event.level,
        revocation__isnull=True,
    )
    reason = f"Corrected: a later sign-off verified level {event.level}."
    return [revoke_credential(actor=SYSTEM, credential=c, reason=reason) for c in stale]


def credential_as_jwt(*, credential: IssuedCredential) -> str:
    """The same credential as a VC-JWT, signed by the key that signed it (no state change;
    here because it opens the private key)."""
    seed = keys.open_seed(credential.key.encrypted_seed)
    public = publishing.key_bytes(credential.key)
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    return vcjwt.encode(unsigned, seed=seed, public_key=public)
