"""Accepting credentials from elsewhere: an organisation's recognised issuers, and a
manager importing a person's credential as evidence. Nothing from an unrecognised,
revoked or unverified credential counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from capmap.core.actors import set_actor, user_or_none
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from . import selectors
from .models import AcceptedCredential, RecognisedIssuer
from .vc.verify import Unreadable


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
            return RecognisedIssuer.objects.create(
                organisation=organisation,
                issuer_id=issuer_id,
                name=name,
                added_by=user_or_none(actor),
            )
    except IntegrityError:
        raise DomainError("This issuer is already recognised here.") from None


@transaction.atomic
def accept_credential(
    *, actor: Any, person: Person, raw: bytes | None = None, link: str = ""
) -> AcceptedCredential:
    """Import a credential as evidence for the person, from its file (`raw`) or its
    verification link on this Capmap; refused when its signature fails."""
    if not policy.allows(actor, policy.CHANGE_PERSON, person):
        raise NotPermitted("Only a manager of the person can import their credentials.")
    credential: bytes | dict[str, Any] | None = raw
    if raw is None:
        credential = selectors.credential_behind_link(link)
        if credential is None:
            # Fetching from other sites would let a link reach into our network: the
            # holder downloads the file there and it is uploaded here instead.
            raise DomainError(
                "This link is not a credential issued on this Capmap. Open the link, "
                "download the credential's file there, and upload that file instead."
            )
    try:
        report = selectors.verify_here(credential or b"")
    except Unreadable as error:
        raise DomainError(str(error)) from None
    if not report.proof_ok:
        raise DomainError(
            "The credential cannot be accepted: " + (report.problems or ["no proof"])[0]
        )
    with set_actor(actor):
        return AcceptedCredential.objects.create(
            person=person,
            document=report.credential,
            issuer_id=report.issuer_id[:500],
            issuer_name=report.issuer_name[:300],
            achievement=report.achievement or "Not stated",
            level=report.level[:300],
            verified=report.verified,
            revoked=report.revoked,
            problems=report.problems,
            accepted_by=user_or_none(actor),
        )


@dataclass(frozen=True)
class AcceptedRow:
    accepted: AcceptedCredential
    recognised: bool

    @property
    def counts(self) -> bool:
        return self.recognised and self.accepted.verified and not self.accepted.revoked

    @property
    def why_not(self) -> str:
        if self.accepted.revoked:
            return "Revoked by its issuer."
        if not self.accepted.verified:
            return "It did not pass every check: " + "; ".join(self.accepted.problems)
        if not self.recognised:
            return "Its issuer is not on your recognised issuers list."
        return ""
